"""Start a real `mfds` for a test; other suites may use it too (`from tests.mfds.harness`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from fakees.mfds.client import MfdsClient
from fakees.mfds.repository import LOCK_FILE


def run(env: dict[str, str], *argv: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run a product command ($COBDIR/bin/NAME) the way a script would."""
    return subprocess.run([str(Path(env["COBDIR"]) / "bin" / argv[0]), *argv[1:]], env=env,
                          capture_output=True, text=True, timeout=timeout)


def start_mfds(env: dict[str, str], reaper) -> int:
    """`mfds` in the background; its mfds32 pid (from the pid file) goes to the reaper."""
    proc = run(env, "mfds")
    assert proc.returncode == 0, proc.stderr
    pid = int((Path(env["COBDIR"]) / "etc" / "mfds" / LOCK_FILE).read_text())
    return reaper.track(pid)


def client(env: dict[str, str]) -> MfdsClient:
    return MfdsClient("127.0.0.1", int(env["CCITCP2_PORT"]))
