"""A running MFDS with server definitions, and a region harness that cleans up by PID."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fakees.cobdir import Cobdir
from fakees.region.console import RegionFiles
from tests.mfds.harness import client, run, start_mfds


def wait_for(predicate: Callable[[], object], timeout: float = 15.0, what: str = "") -> object:
    """Poll until `predicate()` is truthy; fail with `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what or predicate}")
        time.sleep(0.02)


def pid_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def children_of(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class RegionHarness:
    """Runs casstart/casstop in `env`; remembers every region pid it ever saw, kills them all."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.cobdir = Cobdir(Path(env["COBDIR"]))
        self.seen: set[int] = set()

    def files(self, name: str = "ESSRV01") -> RegionFiles:
        return RegionFiles(self.cobdir.casroot(), name)

    def run(self, *argv: str, timeout: float = 60):
        result = run(self.env, *argv, timeout=timeout)
        self.note_pids()
        return result

    def pids(self, name: str = "ESSRV01") -> dict[int, str]:
        """pid -> command of the region's live processes, as cascd32 lists them."""
        try:
            lines = self.files(name).processes.read_text().split("\n")
        except OSError:
            return {}
        found = {int(p): c for p, _, c in (line.partition(" ") for line in lines) if p}
        self.seen.update(found)
        return {pid: c for pid, c in found.items() if pid_alive(pid)}

    def note_pids(self) -> None:
        casroot = self.cobdir.casroot()
        if casroot.is_dir():
            for region in casroot.iterdir():
                self.pids(region.name)
        for pid in list(self.seen):
            self.seen.update(children_of(pid))

    def status(self, name: str = "ESSRV01") -> dict:
        return client(self.env).get_server(name)

    def ours(self, pid: int) -> bool:
        """Alive and still one of this COBDIR's processes (guards against pid reuse)."""
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        return pid_alive(pid) and str(self.cobdir.bin).encode() in cmdline

    def kill_all(self) -> None:
        self.note_pids()
        for pid in self.seen:
            if self.ours(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while any(self.ours(p) for p in self.seen) and time.monotonic() < deadline:
            time.sleep(0.02)


@pytest.fixture
def mfds(es_env, reaper):
    """MFDS running for the test; returns its blocking client."""
    start_mfds(es_env, reaper)
    return client(es_env)


@pytest.fixture
def region(es_env, mfds):
    harness = RegionHarness(es_env)
    yield harness
    harness.kill_all()
