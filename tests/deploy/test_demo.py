"""`fakees demo` as a user runs it: from nothing to ten calls, then a clean stop."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.region.conftest import RegionHarness, pid_alive

FAKEES = [sys.executable, "-m", "fakees.cli"]


@pytest.fixture
def demo_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COBDIR", "CCITCP2_PORT",
                                                            "COLUMNS", "LINES")}
    return env


@pytest.fixture
def leftovers(reaper):
    """Kills by pid whatever a demo in these folders left running, even if the test failed."""
    works: list[Path] = []
    yield works
    for work in works:
        pidfile = work / "cobdir" / "etc" / "mfds" / "mfds32.pid"
        if (work / "demo.json").exists():
            state = json.loads((work / "demo.json").read_text())
            harness = RegionHarness({"COBDIR": state["cobdir"],
                                     "CCITCP2_PORT": str(state["mfds_port"])})
            harness.kill_all()
        if pidfile.exists():
            reaper.track(int(pidfile.read_text()))


def running_from(work: Path) -> list[int]:
    """Live processes started from this demo's COBDIR (mfds32, cascd32, SEPs, ...)."""
    needle = str(work / "cobdir" / "bin").encode()
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if needle in (proc / "cmdline").read_bytes() and pid_alive(int(proc.name)):
                    pids.append(int(proc.name))
            except OSError:
                continue
    return pids


def test_demo_from_nothing_to_ten_calls_and_a_clean_stop(tmp_path: Path, demo_env,
                                                         leftovers) -> None:
    work = tmp_path / "demo"
    leftovers.append(work)
    port = free_port()
    done = subprocess.run([*FAKEES, "demo", "--workdir", str(work), "--port", str(port)],
                          env=demo_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    stamp = r"\d\d/\d\d/\d\d \d\d:\d\d:\d\d\.\d\d"  # the report's client line
    calls = [line.split() for line in lines if re.match(rf"\s+{stamp} ", line)]
    assert [int(c[-1]) for c in calls] == list(range(10))
    assert {c[-3] for c in calls} == {"CBLCOUNT"}
    assert {c[-2] for c in calls} == {socket.gethostname()[:20]}
    assert f"admin pages:  http://127.0.0.1:{port}/" in done.stdout
    console = work / "casroot" / "ESSRV01" / "console.log"
    assert f"console log:  {console}" in done.stdout and console.exists()
    assert (work / "cobdir" / "deploy" / "srv01" / "APPFILE01").exists()
    assert "result: success" in (work / "cobdir" / "deploy" / "srv01" / "deploy.txt").read_text()
    assert running_from(work) == []
    assert "stopped ESSRV01 and MFDS" in done.stdout


@pytest.mark.parametrize(("how", "inherited_sigint"), [
    ("--stop", signal.SIG_DFL),
    ("ctrl-c", signal.SIG_DFL),  # from an interactive shell
    ("ctrl-c", signal.SIG_IGN),  # as a non-interactive shell starts a background job
], ids=["stop", "ctrl-c", "ctrl-c-started-ignoring-it"])
def test_keep_runs_until_stopped(tmp_path: Path, demo_env, leftovers, how: str,
                                 inherited_sigint: signal.Handlers) -> None:
    work = tmp_path / "kept"
    leftovers.append(work)
    demo = subprocess.Popen([*FAKEES, "demo", "--keep", "--workdir", str(work), "--port",
                             str(free_port())], env=demo_env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, inherited_sigint))
    try:
        output = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            output.append(line)
            if "running; stop with Ctrl-C" in line or not line:
                break
        assert "running; stop with Ctrl-C" in output[-1], "".join(output)
        assert len(running_from(work)) >= 6  # mfds32, cascd32, casmgr32, casjcp32, mfcs32, SEPs
        if how == "--stop":  # from another shell
            stop = subprocess.run([*FAKEES, "demo", "--stop", str(work)], env=demo_env,
                                  capture_output=True, text=True, timeout=120)
            assert stop.returncode == 0, stop.stderr
        else:
            demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=60) == 0
        assert "stopped ESSRV01 and MFDS" in demo.stdout.read()
        assert running_from(work) == []
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()


def test_a_failing_step_is_named_and_nothing_is_left_running(tmp_path: Path, demo_env,
                                                            leftovers) -> None:
    work = tmp_path / "busy"
    leftovers.append(work)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([*FAKEES, "demo", "--workdir", str(work), "--port", str(port)],
                              env=demo_env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "fakees demo: step 2 (start MFDS) failed: `mfds`" in done.stderr
    assert running_from(work) == []


def test_workdir_must_be_empty(tmp_path: Path, demo_env) -> None:
    (tmp_path / "x").write_text("")
    done = subprocess.run([*FAKEES, "demo", "--workdir", str(tmp_path)], env=demo_env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "is not empty" in done.stderr
