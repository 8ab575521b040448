"""`mfds`: start the directory server, shut it down, export and import server definitions.

    mfds                        start mfds32 in the background; return once it answers
    mfds -s 2 USER PASSWORD     shut it down (default credentials SYSAD/SYSAD)
    mfds -x 5 DIR [NAME]        export server NAME (default: all) as DIR/NAME.xml
    mfds -g 5 FILE.xml          import the servers of an export

As on the product, options may be written with a slash (`/s`, `/x`, `/g`).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

from fakees.cobdir import Cobdir
from fakees.mfds.client import MfdsClient, MfdsDown, MfdsError, mfds_port
from fakees.mfds.daemon import READY_FD_ENV, Journal, process_start_ticks
from fakees.mfds.repository import (
    InvalidDefinition,
    Repository,
    RepositoryCorrupt,
    RepositoryLocked,
)

READY_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
USAGE = """\
usage: mfds [--bind ADDRESS]        start the directory server
       mfds -s 2 USER PASSWORD      shut it down
       mfds -x 5 DIR [NAME]         export server definitions as XML
       mfds -g 5 FILE.xml           import server definitions"""


class Refused(Exception):
    """A precise reason for exiting non-zero."""


def start(cobdir: Cobdir, bind: str | None) -> str:
    """Launch `$COBDIR/bin/mfds32` in its own session and wait for its READY (or its reason)."""
    exe = cobdir.bin / "mfds32"
    if not exe.exists():
        raise Refused(f"{exe} not found: run `fakees install --cobdir {cobdir.root}`")
    args = [str(exe)] + (["--bind", bind] if bind is not None else [])
    read_fd, write_fd = os.pipe()
    env = dict(os.environ, **{READY_FD_ENV: str(write_fd)})
    cobdir.repository.mkdir(parents=True, exist_ok=True)
    with open(cobdir.repository / "mfds32.log", "ab") as log:
        child = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                 pass_fds=(write_fd,), start_new_session=True, env=env)
    os.close(write_fd)
    answer = b""
    deadline = time.monotonic() + READY_TIMEOUT
    with os.fdopen(read_fd, "rb") as pipe:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([pipe], [], [], deadline - time.monotonic())
            chunk = pipe.read1(4096) if ready else b""
            if not chunk:
                break
            answer += chunk
    line = answer.decode(errors="replace").strip()
    if line.startswith("READY "):
        _, pid, port = line.split()
        return f"mfds: Directory Server started (mfds32 pid {pid}, port {port})"
    if line.startswith("ERROR "):
        child.wait(timeout=READY_TIMEOUT)
        raise Refused(line[len("ERROR "):])
    code = child.poll()
    raise Refused(f"mfds32 did not start (exit status {code}); see "
                  f"{cobdir.repository / 'mfds32.log'}")


def shutdown(cobdir: Cobdir, user: str, password: str) -> str:
    client = MfdsClient("localhost", mfds_port())
    try:
        pid = client.info()["pid"]
        client.shutdown(user, password)
    except MfdsDown:
        raise Refused(f"no Directory Server answers on port {mfds_port()}") from None
    except MfdsError as exc:
        raise Refused(str(exc)) from None
    repository = Repository(cobdir.repository)
    deadline = time.monotonic() + STOP_TIMEOUT
    # Gone means: lock released (its descriptors closed) and no live process left.
    while repository.is_locked() or process_start_ticks(pid) is not None:
        if time.monotonic() > deadline:
            raise Refused(f"mfds32 accepted the shutdown but still runs after {STOP_TIMEOUT:.0f} s")
        time.sleep(0.02)
    return "mfds: Directory Server stopped"


def export(cobdir: Cobdir, target: Path, name: str | None) -> str:
    from fakees.mfds.xmlio import export_xml  # only here: starting mfds need not load XML

    if not target.is_dir():
        raise Refused(f"export directory {target} does not exist")
    directory = Repository(cobdir.repository).load()
    if name is not None and name not in directory.servers:
        raise Refused(f"unknown server {name!r}; defined: {', '.join(directory.servers)}")
    names = [name] if name is not None else list(directory.servers)
    for each in names:
        path = target / f"{each}.xml"
        try:
            path.write_bytes(export_xml([directory.servers[each]]))
        except OSError as exc:
            raise Refused(f"cannot write {path}: {exc.strerror}") from None
    return f"mfds: exported {', '.join(names)} to {target}"


def import_file(cobdir: Cobdir, path: Path) -> str:
    """Import through the running mfds32 if there is one, else straight into the repository."""
    from fakees.mfds.api import DirectoryApi
    from fakees.mfds.xmlio import import_xml

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise Refused(f"cannot read {path}: {exc.strerror}") from None
    servers = import_xml(raw, str(path))
    names = ", ".join(s["name"] for s in servers)
    repository = Repository(cobdir.repository)
    try:
        repository.lock()
    except RepositoryLocked:
        try:
            MfdsClient("localhost", mfds_port()).import_servers(servers)
        except (MfdsDown, MfdsError) as exc:
            raise Refused(str(exc)) from None
        return f"mfds: imported {names}"
    try:
        journal = Journal(repository.journal_path)
        api = DirectoryApi(repository.load(), port=0, save=repository.save, journal=journal.write,
                           info=dict, journal_lines=journal.lines, shutdown=lambda: None)
        reply = api.handle("POST", "/native/v1/mfds/import",
                           json.dumps({"servers": servers}).encode())
    finally:
        repository.unlock()
    if reply.status >= 400:
        raise Refused(reply.body["error"])
    return f"mfds: imported {names}"


def _level(args: list[str], expected: str, option: str) -> None:
    if not args or args[0] != expected:
        got = args[0] if args else "nothing"
        raise Refused(f"{option} expects level {expected} (got {got}); see `mfds --help`")


def run(argv: list[str]) -> str:
    if argv and argv[0] in ("-h", "--help", "/?"):
        return USAGE
    option = "-" + argv[0][1:] if argv and argv[0][:1] in "-/" and len(argv[0]) == 2 else None
    rest = argv[1:]
    if not argv or argv[0] == "--bind":
        if argv and len(argv) != 2:
            raise Refused("--bind needs one ADDRESS")
        return start(Cobdir.from_env(), argv[1] if argv else None)
    cobdir = Cobdir.from_env()
    if option == "-s":
        _level(rest, "2", "-s")
        if len(rest) != 3:
            raise Refused("usage: mfds -s 2 USER PASSWORD")
        return shutdown(cobdir, rest[1], rest[2])
    if option == "-x":
        _level(rest, "5", "-x")
        if len(rest) not in (2, 3):
            raise Refused("usage: mfds -x 5 DIR [NAME]")
        return export(cobdir, Path(rest[1]), rest[2] if len(rest) == 3 else None)
    if option == "-g":
        _level(rest, "5", "-g")
        if len(rest) != 2:
            raise Refused("usage: mfds -g 5 FILE.xml")
        return import_file(cobdir, Path(rest[1]))
    raise Refused(f"unknown option {argv[0]!r}\n{USAGE}")


def main(argv: list[str]) -> int:
    try:
        print(run(argv))
    except (Refused, InvalidDefinition, RepositoryCorrupt) as exc:
        print(f"mfds: {exc}", file=sys.stderr)
        return 1
    return 0
