"""What every process under cascd32 shares: its region, its tie to cascd32, its status pipe.

cascd32 passes the region's settings in the environment (so `ps -f` shows only
the product's arguments) and reads one JSON object per line from each child's
fd 3. A child dies with cascd32 (PR_SET_PDEATHSIG) unless the server's
`orphans_linger` fault setting asks it to survive, as the product's orphans do.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from fakees.region.console import ConsoleLog, RegionFiles
from fakees.region.flags import FlagError, parse_flags

ENV_CASCD_PID = "FAKEES_CASCD_PID"
ENV_CASROOT = "FAKEES_CASROOT"
ENV_LINGER = "FAKEES_ORPHANS_LINGER"
ENV_LISTENERS = "FAKEES_LISTENERS"
ENV_SEP_INDEX = "FAKEES_SEP_INDEX"
STATUS_FD = 3
_PR_SET_PDEATHSIG = 1


class ChildContext:
    def __init__(self, component: str, files: RegionFiles, console: ConsoleLog) -> None:
        self.component = component
        self.files = files
        self.console = console

    @classmethod
    def start(cls, component: str, argv: list[str],
              allowed: dict[str, str] | None = None) -> ChildContext:
        """Parse the product arguments and tie this process to its cascd32, or exit."""
        if ENV_CASCD_PID not in os.environ or ENV_CASROOT not in os.environ:
            sys.exit(f"{component}: this process is started by cascd32 (use casstart /rNAME)")
        try:
            flags = parse_flags(argv, allowed=allowed or {}, command=component)
        except FlagError as exc:
            sys.exit(str(exc))
        if os.environ.get(ENV_LINGER) != "1":
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != int(os.environ[ENV_CASCD_PID]):
                os._exit(0)  # cascd32 died before the tie was made
        files = RegionFiles(Path(os.environ[ENV_CASROOT]), flags.region)
        return cls(component, files, ConsoleLog(files))

    def tell_parent(self, event: str, **fields: Any) -> None:
        """One JSON line on fd 3; silently dropped once cascd32 is gone (lingering orphan)."""
        with contextlib.suppress(OSError):
            os.write(STATUS_FD, (json.dumps({"event": event, **fields}) + "\n").encode())


def run_idle(component: str, ready_code: str, argv: list[str]) -> int:
    """casmgr32 and casjcp32: present in the tree, report ready, wait to be stopped."""
    context = ChildContext.start(component, argv)
    # Blocked before "ready" and taken by sigwait: a handler + pause() loses a
    # SIGTERM that lands between Python's signal check and the pause.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    context.console.write(ready_code)
    context.tell_parent("ready")
    signal.sigwait({signal.SIGTERM})
    return 0
