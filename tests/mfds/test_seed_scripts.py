"""The seed's mfmonitor.ksh and forceStopServer.ksh, unmodified, against a real mfds in a box."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.conftest import have_root_namespaces
from tests.nsbox import SEED_COBDIR, seed_node

pytestmark = pytest.mark.skipif(have_root_namespaces() is not None or sys.platform != "linux",
                                reason=have_root_namespaces() or "linux only")

ENV = ". /home/user2/ES40SP2; "
FAKEES = f"{sys.executable} -m fakees.cli"
REPORT = (f"{sys.executable} -c 'import sys; from fakees.mfds.client import MfdsClient; "
          "c = MfdsClient(\"localhost\", 86); "
          "c.report_region(\"ESSRV01\", \"Started\", pid=int(sys.argv[1])); "
          "c.report_listener(\"ESSRV01\", \"Web Services and J2EE\", \"Started\")'")


@pytest.fixture
def node(tmp_path, seed):
    with seed_node(tmp_path / "node", seed) as box:
        started = box.run(ENV + "mfds")
        assert started.returncode == 0, started.stderr
        defined = box.run(ENV + f"{FAKEES} server delete ESDEMO && "
                          f"{FAKEES} server add ESSRV01 --listener tcp:10.0.0.1:9003")
        assert defined.returncode == 0, defined.stderr
        yield box


def monitor(box, seed) -> tuple[int, str]:
    proc = box.run(f"ksh {seed}/hacmp/mfmonitor.ksh", timeout=60)
    log = box.path("/tmp/ESSRV01.cntl.log")
    return proc.returncode, (log.read_text() if log.exists() else "")


def test_mfmonitor_reads_listener_status_and_mfds_down(node, seed):
    rc, log = monitor(node, seed)
    assert (rc, log) == (1, "**** MF Service Failed ****\n")  # defined, no region: Stopped
    # A stand-in process reports the region and its listener Started (regions do this for real).
    # It announces its own pid (exec keeps it), so there is no race with its start.
    stand_in = node.popen("echo $$; exec sleep 120", stdout=subprocess.PIPE)
    assert stand_in.stdout is not None
    pid = [stand_in.stdout.readline().strip()]
    assert pid[0].isdigit()
    assert node.run(ENV + REPORT + f" {pid[0]}").returncode == 0
    proc = node.run(f"ksh {seed}/hacmp/mfmonitor.ksh")
    assert (proc.returncode, proc.stdout) == (0, "0\n")
    # The process dies: mfds32 must not leave it Started, and the monitor fails over.
    node.run(f"kill -9 {pid[0]}")
    stand_in.wait(10)
    deadline = time.monotonic() + 10
    while "mfListenerStatus: Stopped" not in node.run(ENV + "mdump localhost ESSRV01").stdout:
        assert time.monotonic() < deadline, "listener still reported Started after its region died"
        time.sleep(0.1)
    rc, log = monitor(node, seed)
    assert (rc, log) == (1, "**** MF Service Failed ****\n" * 2)
    # mfds killed: SERVER_DOWN.
    node.run(f"kill -9 $(cat {SEED_COBDIR}/etc/mfds/mfds32.pid)")
    deadline = time.monotonic() + 10
    while node.run("pgrep -f bin/mfds32").returncode == 0:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    rc, log = monitor(node, seed)
    assert rc == 1
    assert log.endswith("**** MF mfds Down ****\n")


def test_force_stop_server_finds_mfds32_and_the_servers(node, seed):
    proc = node.run(ENV + "cd /home/user2 && ksh ./forceStopServer.ksh", timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No mfds32 process" not in proc.stdout
    # ksh93's echo prints "\n" as is: the script's output shows them literally.
    assert "ES Server are(is): \\nESSRV01\n" in proc.stdout
    assert "ESSRV01 Server already stopped." in proc.stdout
    assert proc.stdout.rstrip().endswith("***** Force Stop All MFES Server Complete *****")
    assert node.run(ENV + "mdump localhost").stdout == "Server ESSRV01\n"  # mfds32 survived
    # Its "No mfds32 process" branch cannot be reached on Debian: fgrep is a wrapper running
    # `grep -F`, so `fgrep "$COBDIR/bin/mfds32" | fgrep -v fgrep` always finds itself (NOTES.md).
