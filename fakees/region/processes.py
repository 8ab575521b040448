"""The region's live processes, from `$CASROOT/NAME/processes` checked against /proc.

cascd32 keeps the file current (`pid command` per line, cascd32 first). A pid
only counts when /proc shows a live (not zombie) process whose command line
holds `bin/COMMAND`: CASROOT may sit on a disk shared between nodes (report
pattern 9), and a stale file must never make casstop signal a stranger.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from fakees.region.console import RegionFiles


@dataclass(frozen=True)
class RegionProcess:
    pid: int
    command: str


def is_alive(process: RegionProcess) -> bool:
    proc = Path(f"/proc/{process.pid}")
    try:
        cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        stat = (proc / "stat").read_text()
    except OSError:
        return False
    if stat.rpartition(")")[2].split()[0] in ("Z", "X"):
        return False
    return any(arg.endswith(f"bin/{process.command}".encode()) for arg in cmdline)


def region_processes(files: RegionFiles) -> list[RegionProcess]:
    """Live processes of the region, cascd32 first (if it is still alive)."""
    try:
        text = files.processes.read_text()
    except OSError:
        return []
    found = []
    for line in text.splitlines():
        pid, _, command = line.partition(" ")
        if pid.isdigit() and command:
            process = RegionProcess(int(pid), command.strip())
            if is_alive(process):
                found.append(process)
    return found


def wait_gone(processes: list[RegionProcess], timeout: float) -> list[RegionProcess]:
    """Poll until none is alive or the deadline passes; returns the survivors."""
    deadline = time.monotonic() + timeout
    alive = [p for p in processes if is_alive(p)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.01)
        alive = [p for p in alive if is_alive(p)]
    return alive
