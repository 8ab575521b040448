"""`casstop [/rNAME] [/f] [/i] [/w]` (dash forms too): stop a region.

Normal stop: SIGTERM to cascd32, which stops the listeners, lets running
calls finish, then ends every process. `/i` (immediate): SIGUSR2, every process
is told to end at once. Both return once the request is delivered; `/w` waits
until no process of the region is left. `/f` (force) needs no cooperation:
casstop itself SIGKILLs every live pid of `$CASROOT/NAME/processes` (cascd32
first, so nothing gets restarted), waits for them to go, logs it and reports
the region Stopped to MFDS.
"""

from __future__ import annotations

import os
import signal
import sys

from fakees.cobdir import Cobdir
from fakees.mfds.client import mfds_port
from fakees.region.console import ConsoleLog, RegionFiles
from fakees.region.flags import FlagError, parse_flags
from fakees.region.processes import region_processes, wait_gone

FORCE_WAIT = 5.0
STOP_WAIT = 3600.0


def main(argv: list[str]) -> int:
    try:
        flags = parse_flags(argv, allowed={"f": "none", "i": "none", "w": "none"},
                            command="casstop")
    except FlagError as exc:
        print(exc, file=sys.stderr)
        return 2
    if flags.has("f") and flags.has("i"):
        print("casstop: /f and /i exclude each other (force kills, immediate asks)",
              file=sys.stderr)
        return 2
    files = RegionFiles(Cobdir.from_env().casroot(), flags.region)
    processes = region_processes(files)
    if flags.has("f"):
        return force(files, processes)
    if not processes or processes[0].command != "cascd32":
        print(f"casstop: region {flags.region} is not running"
              + (" (orphaned processes remain: use casstop /f)" if processes else ""),
              file=sys.stderr)
        return 1
    cascd = processes[0]
    os.kill(cascd.pid, signal.SIGUSR2 if flags.has("i") else signal.SIGTERM)
    mode = "immediate" if flags.has("i") else "normal"
    print(f"casstop: {mode} stop requested for region {flags.region} (cascd32 pid {cascd.pid})")
    if flags.has("w") and wait_gone(processes, STOP_WAIT):
        print(f"casstop: region {flags.region} did not stop", file=sys.stderr)
        return 1
    return 0


def force(files: RegionFiles, processes: list) -> int:
    if not processes:
        print(f"casstop: region {files.region} is not running", file=sys.stderr)
        return 1
    for process in processes:
        try:
            os.kill(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
    survivors = wait_gone(processes, FORCE_WAIT)
    killed = ", ".join(f"{p.command} {p.pid}" for p in processes if p not in survivors)
    ConsoleLog(files).write("CASCD0009I", pid=os.getpid(), killed=killed or "nothing")
    if not survivors:
        files.processes.unlink(missing_ok=True)
    report_stopped(files.region)
    if survivors:
        print(f"casstop: could not end {', '.join(str(p.pid) for p in survivors)}",
              file=sys.stderr)
        return 1
    print(f"casstop: region {files.region} force-stopped ({killed})")
    return 0


def report_stopped(region: str) -> None:
    from fakees.mfds.client import MfdsClient, MfdsError

    try:
        MfdsClient(host="127.0.0.1", port=mfds_port()).report_region(region, "Stopped")
    except (MfdsError, OSError) as exc:
        print(f"casstop: region {region} stopped, but MFDS was not told: {exc}",
              file=sys.stderr)
