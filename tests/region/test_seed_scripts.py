"""The seed's five scripts, unmodified, against a real region on one emulated node.

One box, one story (to stay within the scripts' own sleeps: killallcas.ksh >= 12 s,
forceStopServer.ksh ~79 s, see seed/hacmp/NOTES.md): mfstart.ksh starts ESSRV01;
mfmonitor.ksh passes while it is healthy and fails once its listener stops;
mfhalt.ksh, with the `casstop_hangs` fault on, waits out its 60 s, runs
`casstop -f`, ends every region process and leaves mfds up;
killallcas.ksh cleans a region whose cascd32 left orphans behind; mfmonitor.ksh
fails when mfds is killed. The same kind of node also hosts the test of `*`
endpoints, which must bind every address and so only run in a private network.
"""

from __future__ import annotations

import sys
import time

import pytest

from tests.conftest import have_root_namespaces
from tests.nsbox import SEED_CASROOT, SEED_COBDIR, seed_node

pytestmark = [
    pytest.mark.skipif(have_root_namespaces() is not None or sys.platform != "linux",
                       reason=have_root_namespaces() or "linux only"),
    pytest.mark.slow,
]

ENV = ". /home/user2/ES40SP2; "
FAKEES = f"{sys.executable} -m fakees.cli"
ADDRESS = "198.18.0.1"  # the relocatable IP, inside the box's own network namespace
REGION_GREPS = (f"{SEED_COBDIR}/bin/cascd32 /rESSRV01", "casjcp32 /r", "casmgr32 /r",
                "cassi32 /r", f"{SEED_COBDIR}/bin/mfcs32 -n")


def region_lines(box) -> list[str]:
    lines = box.run("ps -eo args --no-headers -ww").stdout.splitlines()
    return [line for line in lines if any(g in line for g in REGION_GREPS)
            and not line.startswith(("grep", "ps "))]


def mdump(box) -> str:
    return box.run(ENV + "mdump localhost ESSRV01").stdout


def wait_until(check, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def monitor(box, seed) -> tuple[int, str, str]:
    proc = box.run(f"ksh {seed}/hacmp/mfmonitor.ksh", timeout=60)
    log = box.path("/tmp/ESSRV01.cntl.log")
    return proc.returncode, proc.stdout, (log.read_text() if log.exists() else "")


def test_seed_scripts_drive_a_real_region(tmp_path, seed):
    with seed_node(tmp_path / "node", seed) as box:
        setup = box.run(ENV + f"ip addr add {ADDRESS}/32 dev lo && mfds && "
                        f"{FAKEES} server add ESSRV01 --listener tcp:{ADDRESS}:9003 && "
                        f"{FAKEES} server set ESSRV01 --fault casstop_hangs=true")
        assert setup.returncode == 0, setup.stderr

        started = box.run(f"cd /home/user2 && ksh {seed}/hacmp/mfstart.ksh", timeout=90)
        assert started.returncode == 0, started.stdout + started.stderr
        assert "mfServerStatus: Started" in mdump(box)
        lines = region_lines(box)
        for grep, count in zip(REGION_GREPS, (1, 1, 1, 2, 1), strict=True):
            assert sum(grep in line for line in lines) == count, (grep, lines)
        cntl_log = box.path("/home/user2/ESSRV01.cntl.log").read_text()
        assert "Kill all cascd32 processes start" in cntl_log

        rc, out, log = monitor(box, seed)
        assert (rc, out, log) == (0, "0\n", "")

        box.run(f"kill -9 $(awk '$2 == \"mfcs32\" {{print $1}}' {SEED_CASROOT}/ESSRV01/processes)")
        wait_until(lambda: "mfListenerStatus: Stopped" in mdump(box), "listener Stopped")
        rc, _, log = monitor(box, seed)
        assert (rc, log) == (1, "**** MF Service Failed ****\n")

        halted = box.run(f"cd /home/user2 && ksh {seed}/hacmp/mfhalt.ksh", timeout=150)
        assert halted.returncode == 0, halted.stderr
        message = box.path("/home/user2/forceStopServer.msg").read_text()
        assert "The RegionPID of ESSRV01 is" in message
        # casstop_hangs: the normal casstop leaves the region Stopping, so the script waits
        # its 60 s and force-stops it.
        assert "casstop -f -rESSRV01..." in message
        assert "CASCD0009I" in box.path(f"{SEED_CASROOT}/ESSRV01/console.log").read_text()
        assert "Force Stop All MFES Server Complete" in message
        assert region_lines(box) == []
        assert "mfServerStatus: Stopped" in mdump(box)  # and mfds still answers

        box.run(ENV + f"{FAKEES} server set ESSRV01 --fault casstop_hangs=false "
                "--fault orphans_linger=true")
        assert box.run(ENV + "casstart /rESSRV01").returncode == 0
        box.run(f"kill -9 $(awk '$2 == \"cascd32\" {{print $1}}' {SEED_CASROOT}/ESSRV01/processes)")
        time.sleep(0.5)  # the orphans linger: give them the chance to (wrongly) go
        assert len(region_lines(box)) == 5
        killed = box.run(ENV + "/home/user2/killallcas.ksh ESSRV01", timeout=90)
        assert killed.returncode == 0, killed.stderr
        assert "cassi32 process has been killed" in killed.stdout
        assert region_lines(box) == []

        box.run(f"kill -9 $(cat {SEED_COBDIR}/etc/mfds/mfds32.pid)")
        wait_until(lambda: "SERVER_DOWN" in box.run(ENV + "mdump localhost").stdout, "mfds down")
        rc, _, log = monitor(box, seed)
        assert rc == 1 and log.endswith("**** MF mfds Down ****\n")


CALL_PID = (f"{sys.executable} -c 'import sys; from fakees.binp.client import BinpClient, outs; "
            "c = BinpClient(sys.argv[1], int(sys.argv[2])); c.connect(); c.initialize(True); "
            "print(c.call(\"echo.pid\", outs(\"L\"))[0])'")


def test_star_endpoints_listen_on_every_address(tmp_path, seed):
    """`tcp:*:9003` binds all addresses; `tcp:*:*` also picks a port, reported in MFDS."""
    with seed_node(tmp_path / "node", seed) as box:
        setup = box.run(ENV + f"ip addr add {ADDRESS}/32 dev lo && mfds && "
                        f"{FAKEES} server add ESSRV01 --listener 'tcp:*:9003' && "
                        f"{FAKEES} server add ESSRV02 --listener 'tcp:*:*' && "
                        "casstart /rESSRV01 && casstart /rESSRV02")
        assert setup.returncode == 0, setup.stderr
        for host in (ADDRESS, "127.0.0.1"):
            answer = box.run(f"{CALL_PID} {host} 9003")
            assert answer.returncode == 0 and answer.stdout.strip().isdigit(), answer.stderr
        dump = box.run(ENV + "mdump localhost ESSRV02").stdout
        actual = next(line.split(": ")[1] for line in dump.splitlines()
                      if line.startswith("mfActualEndpoint:"))
        assert actual.startswith("tcp:*:") and actual != "tcp:*:*"
        answer = box.run(f"{CALL_PID} {ADDRESS} {actual.rpartition(':')[2]}")
        assert answer.returncode == 0, answer.stderr
