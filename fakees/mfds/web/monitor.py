"""What Monitor & Control shows of a region: its console logs and its live processes.

Files are found only from a region name that the repository defines, never
from a path in the URL: `$CASROOT/NAME/console.log` (current) and
`console.bak` (previous, rotated at each start). The resolved file must still
sit inside CASROOT, so a symlink planted in the region directory cannot lead
elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fakees.region.console import RegionFiles
from fakees.region.processes import RegionProcess, region_processes

LOGS = {"current": "console.log", "previous": "console.bak"}
TAIL_BYTES = 256 * 1024


class LogUnavailable(LookupError):
    """The log cannot be shown; the message says why."""


def log_path(casroot: Path, region: str, which: str) -> Path:
    """The console log `which` (current|previous) of a region already known to be defined."""
    if which not in LOGS:
        raise LogUnavailable(f"unknown log {which!r}: expected current or previous")
    files = RegionFiles(casroot, region)
    path = files.console if which == "current" else files.backup
    root = casroot.resolve()
    try:
        resolved = path.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        raise LogUnavailable(f"region {region} has no {LOGS[which]} yet "
                             f"(it is written when the region starts)") from None
    if not resolved.is_relative_to(root) or not resolved.is_file():
        raise LogUnavailable(f"{LOGS[which]} of region {region} is not a regular file "
                             "inside CASROOT; refusing to read it")
    return resolved


def read_tail(path: Path, limit: int = TAIL_BYTES) -> tuple[list[str], bool]:
    """The last `limit` bytes of a log as lines, and whether earlier lines were cut."""
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        start = max(0, size - limit)
        f.seek(start)
        data = f.read(limit)
    lines = data.decode("utf-8", "replace").splitlines()
    if start:
        lines = lines[1:]  # the first one is probably cut in half
    return lines, bool(start)


@dataclass(frozen=True)
class ProcessRow:
    pid: int
    command: str
    role: str


ROLES = {
    "cascd32": "console daemon",
    "casmgr32": "server manager",
    "casjcp32": "job control",
    "mfcs32": "communications process",
    "cassi32": "service execution process (SEP)",
}


def processes(casroot: Path, region: str) -> list[ProcessRow]:
    """The region's live processes (cascd32 first), with what each one is for."""
    live: list[RegionProcess] = region_processes(RegionFiles(casroot, region))
    return [ProcessRow(p.pid, p.command, ROLES.get(p.command, "")) for p in live]
