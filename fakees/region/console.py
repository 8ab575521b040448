"""The region's console log, `$CASROOT/NAME/console.log`, and the files next to it.

One line per event: `YYYY-MM-DD HH:MM:SS.ss PID REGION CODE text`, where CODE is
Micro Focus style: `CAS`, two letters for the component (CD daemon, CS
communications server, SI service execution process, MG server manager, JC job
control), four digits and a severity letter (I info, W warning, E error,
S severe). Every region process appends its own lines with one O_APPEND write,
so lines from different processes never interleave. The catalogue below is
the single list of codes; README.md ("Regions") reproduces it.
"""

from __future__ import annotations

import os
import time
import zlib
from pathlib import Path
from typing import NamedTuple

MESSAGES: dict[str, str] = {
    "CASCD0001I": "Region {region} starting (cascd32 pid {pid}, {seps} SEPs)",
    "CASCD0002I": "Region {region} started",
    "CASCD0003I": "Region {region} stopping ({mode})",
    "CASCD0004I": "Region {region} stopped",
    "CASCD0005I": "{process} started, pid {child}",
    "CASCD0006W": "{process} pid {child} ended unexpectedly ({how}); restarting it",
    "CASCD0007E": "{process} pid {child} ended unexpectedly ({how}); not restarted: {why}",
    "CASCD0008E": "Region {region} failed to start: {why}",
    "CASCD0009I": "Region {region} force-stopped by casstop /f (pid {pid}); killed {killed}",
    "CASCD0010W": "Fault setting {fault} is active for region {region}",
    "CASCS0001I": "Listener {listener} started on {endpoint}",
    "CASCS0002E": "Listener {listener} not started: cannot bind {endpoint}: {why}",
    "CASCS0003I": "Listener {listener} stopped",
    "CASSI0001I": "SEP {index} ready (pid {pid})",
    "CASSI0002I": "SEP {index} ending",
    "CASMG0001I": "Server manager ready",
    "CASJC0001I": "Job control ready",
}


class RegionFiles(NamedTuple):
    """Where a region keeps its console log, process list and IPC address.

    (A NamedTuple, not a dataclass: SEPs import this, and dataclasses costs 1.5 MB each.)"""

    casroot: Path
    region: str

    @property
    def directory(self) -> Path:
        return self.casroot / self.region

    @property
    def console(self) -> Path:
        return self.directory / "console.log"

    @property
    def backup(self) -> Path:
        return self.directory / "console.bak"

    @property
    def processes(self) -> Path:
        """`pid component` lines for every live process of the region (cascd32 first)."""
        return self.directory / "processes"

    @property
    def stderr(self) -> Path:
        return self.directory / "stderr.log"

    @property
    def sep_address(self) -> str:
        """Abstract Unix socket on which mfcs32 waits for its SEPs (no path length limits)."""
        key = str(self.directory.resolve()).encode()  # zlib, not hashlib: 4 MB less per process
        return f"\0fakees-sep-{zlib.crc32(key):08x}{zlib.adler32(key):08x}-{self.region}"

    def prepare(self) -> None:
        """Create the region directory and prove it can be written (OSError if not)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        probe = self.directory / f".probe{os.getpid()}"
        probe.write_text("")
        probe.unlink()

    def rotate(self) -> None:
        """On region start the previous console.log becomes console.bak (report pattern 9)."""
        if self.console.exists():
            os.replace(self.console, self.backup)


class ConsoleLog:
    """Appends catalogue messages for one process of one region."""

    def __init__(self, files: RegionFiles, pid: int | None = None) -> None:
        self.files = files
        self.pid = pid or os.getpid()

    def format(self, code: str, now: float | None = None, **fields: object) -> str:
        now = time.time() if now is None else now
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))
        hundredths = int(now * 100) % 100
        text = MESSAGES[code].format(region=self.files.region, **fields)
        return f"{stamp}.{hundredths:02d} {self.pid} {self.files.region} {code} {text}\n"

    def write(self, code: str, **fields: object) -> str:
        line = self.format(code, **fields)
        fd = os.open(self.files.console, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)
        return line
