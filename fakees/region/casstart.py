"""`casstart [/rNAME | -rNAME] [/w[SECONDS]]`: start a region defined in MFDS.

casstart checks what it can before anything runs (flags, MFDS up, region
defined and not running, CASROOT/NAME writable), then spawns
`$COBDIR/bin/cascd32 /rNAME` in a session of its own and waits on a pipe for
its verdict: "OK" once the region is Started (every process ready, every
listener bound or reported Invalid), or the reason it gave up after removing
what it had started. So casstart always returns with the region Started or
not running at all; `/wSECONDS` bounds that wait (default 60 s).
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

from fakees.cobdir import Cobdir
from fakees.mfds.client import mfds_port
from fakees.region.cascd import ENV_READY_FD
from fakees.region.console import RegionFiles
from fakees.region.flags import FlagError, parse_flags
from fakees.region.processes import region_processes

DEFAULT_WAIT = 60.0


def fail(message: str, code: int = 1) -> int:
    print(f"casstart: {message}", file=sys.stderr)
    return code


def main(argv: list[str]) -> int:
    try:
        flags = parse_flags(argv, allowed={"w": "optional"}, command="casstart")
    except FlagError as exc:
        print(exc, file=sys.stderr)
        return 2
    wait = flags.values.get("w") or ""
    if wait and not wait.isdigit():
        return fail(f"/w{wait}: the wait must be a whole number of seconds", 2)
    timeout = float(wait) if wait else DEFAULT_WAIT
    name = flags.region
    cobdir = Cobdir.from_env()
    from fakees.mfds.client import MfdsClient, MfdsDown, UnknownServer

    try:
        server = MfdsClient(host="127.0.0.1", port=mfds_port()).get_server(name)
    except UnknownServer:
        return fail(f"region {name} is not defined in MFDS (see `mdump localhost`)")
    except MfdsDown:
        return fail(f"MFDS is not running on port {mfds_port()}: start it with `mfds`")
    files = RegionFiles(cobdir.casroot(), name)
    running = region_processes(files)
    if running:
        return fail(f"region {name} is already running "
                    f"({running[0].command} pid {running[0].pid}); stop it with casstop /r{name}")
    if server.get("status") not in (None, "Stopped"):
        print(f"casstart: note: MFDS still shows {name} as {server['status']}, "
              "but none of its processes is running", file=sys.stderr)
    try:
        files.prepare()
    except OSError as exc:
        return fail(f"cannot write the region directory {files.directory} "
                    f"(CASROOT {files.casroot} from {cobdir.cas_cfg}): "
                    f"{exc.strerror or exc}")
    return spawn_and_wait(cobdir, files, timeout)


def spawn_and_wait(cobdir: Cobdir, files: RegionFiles, timeout: float) -> int:
    read_end, write_end = os.pipe()
    env = dict(os.environ, **{ENV_READY_FD: str(write_end)})
    with open(files.stderr, "ab") as errors:
        process = subprocess.Popen(
            [str(cobdir.bin / "cascd32"), f"/r{files.region}"], env=env, pass_fds=(write_end,),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
            start_new_session=True)
    os.close(write_end)
    answer = b""
    deadline = time.monotonic() + timeout
    try:
        while b"\n" not in answer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                process.terminate()  # cascd32 abandons a start it is asked to stop
                process.wait(timeout=30)
                return fail(f"region {files.region} did not start within {timeout:g} s and was "
                            f"stopped again (see {files.console})")
            chunk = os.read(read_end, 4096)
            if not chunk:
                break
            answer += chunk
    finally:
        os.close(read_end)
    verdict = answer.decode(errors="replace").strip()
    if verdict != "OK":
        process.wait(timeout=30)  # a failed start returns only once nothing is left
    if verdict == "OK":
        print(f"casstart: region {files.region} started (cascd32 pid {process.pid})")
        return 0
    if verdict.startswith("ERR "):
        return fail(f"region {files.region} not started: {verdict[4:]}")
    return fail(f"region {files.region} not started: cascd32 ended without a verdict "
                f"(see {files.stderr})")
