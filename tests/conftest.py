"""Fixtures shared by every suite: an installed COBDIR, free ports, the seed, process hygiene."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from fakees.cobdir import Cobdir, install
from fakees.ports import free_port

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seed"


@pytest.fixture
def seed() -> Path:
    """The user's seed material, read in place (never copied into the repo)."""
    if not SEED.is_dir():
        pytest.skip(f"seed material not found at {SEED}")
    return SEED


@pytest.fixture
def cobdir(tmp_path: Path) -> Cobdir:
    """A freshly installed COBDIR with CASROOT inside the test's own directory."""
    casroot = tmp_path / "casroot"
    casroot.mkdir()
    return install(tmp_path / "cobdir", casroot=str(casroot))


@pytest.fixture
def es_env(cobdir: Cobdir) -> dict[str, str]:
    """An environment like the one the env file sets, with MFDS on a free loopback port."""
    env = dict(os.environ)
    env["COBDIR"] = str(cobdir.root)
    env["PATH"] = f"{cobdir.bin}:{env.get('PATH', '')}"
    env["CCITCP2_PORT"] = str(free_port())
    env["MFDS_BIND"] = "127.0.0.1"
    # pytest exports COLUMNS=80; `ps -f` would then cut the command lines the scripts grep.
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return env


class Reaper:
    """Kills, by PID, the processes a test started; runs even when the test fails."""

    def __init__(self) -> None:
        self.pids: list[int] = []

    def track(self, pid: int) -> int:
        self.pids.append(pid)
        return pid

    def kill_all(self) -> None:
        for pid in reversed(self.pids):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + 5
        for pid in self.pids:
            while time.monotonic() < deadline:
                try:
                    if os.waitpid(pid, os.WNOHANG) != (0, 0):
                        break
                except ChildProcessError:
                    if not alive(pid):
                        break
                time.sleep(0.02)


def alive(pid: int) -> bool:
    """False once the process has ended, including as a zombie not yet reaped by its parent
    (a daemon killed here is reparented to an init we do not control)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.fixture
def reaper():
    r = Reaper()
    yield r
    r.kill_all()


def have_root_namespaces() -> str | None:
    """None when the test can create namespaces, else the reason it cannot."""
    if os.geteuid() != 0:
        return "needs root to create namespaces"
    if shutil.which("unshare") is None or shutil.which("nsenter") is None:
        return "needs unshare and nsenter (util-linux)"
    return None
