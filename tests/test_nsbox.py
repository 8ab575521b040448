"""The namespace sandbox itself: isolation the seed-script tests rely on."""

from __future__ import annotations

import signal
import subprocess

import pytest

from tests.conftest import have_root_namespaces
from tests.nsbox import NsBox, seed_node

pytestmark = pytest.mark.skipif(have_root_namespaces() is not None,
                                reason=have_root_namespaces() or "")


def test_box_is_a_node_of_its_own(tmp_path):
    source = tmp_path / "data"
    source.mkdir()
    (source / "f").write_text("from host")
    with NsBox("host9") as box:
        out = box.run("hostname; ip -o link | wc -l; ps -e --no-headers | wc -l; "
                      "getent hosts host9; echo x > /tmp/only-in-box").stdout.split("\n")
        assert out[0] == "host9"
        assert out[1] == "1"  # loopback only
        assert int(out[2]) <= 4  # init, nsenter'd bash, ps, wc: nothing of the host
        assert out[3].startswith("127.0.0.1")
        assert box.path("/tmp/only-in-box").read_text() == "x\n"
    assert not (tmp_path.parent / "only-in-box").exists()


def test_stop_ends_every_process_in_the_box():
    box = NsBox().start()
    proc = box.popen("sleep 300 & echo $!; wait", stdout=subprocess.PIPE)
    assert proc.stdout and proc.stdout.readline().strip().isdigit()
    box.stop()
    assert proc.wait(timeout=10) == -signal.SIGKILL  # nsenter saw its child killed with the box


def test_seed_node_provides_the_report_paths(tmp_path, seed):
    with seed_node(tmp_path, seed) as box:
        out = box.run(". /home/user2/ES40SP2; echo $COBDIR; ls $COBDIR/bin/mdump; "
                      "test -x /home/user2/killallcas.ksh && echo exec; "
                      "touch /var/mfcobol/es/probe && echo rw").stdout.split()
        assert out == ["/opt/mf/ES40SP2", "/opt/mf/ES40SP2/bin/mdump", "exec", "rw"]
        assert (tmp_path / "casroot" / "probe").exists()
