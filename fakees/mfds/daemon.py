"""`mfds32`: the directory server process (Twisted web, JSON API of `fakees.mfds.api`).

`mfds` starts it as `$COBDIR/bin/mfds32 ...` so that `ps -f` shows what the
product's scripts grep for. Start-up order matters: take the repository lock
(single writer), load and verify the repository, listen, then tell the parent
"READY" on the descriptor named by $FAKEES_MFDS_READY_FD (or why it could not start).
While running it checks every region's reported pid (cascd32) twice a second:
a region whose process is gone goes Not Responding, then Stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path
from typing import Any

from fakees.cobdir import Cobdir
from fakees.mfds.api import ApiError, DirectoryApi
from fakees.mfds.client import mfds_port
from fakees.mfds.repository import Repository, RepositoryCorrupt, RepositoryLocked

LIVENESS_INTERVAL = 0.5
# `mfds` passes its readiness pipe here, keeping the ps line as bare as the product's.
READY_FD_ENV = "FAKEES_MFDS_READY_FD"


def process_start_ticks(pid: int) -> int | None:
    """The start time of a live (non-zombie) process, or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    except OSError:
        return 0  # exists but unreadable: treat as alive with unknown start time
    fields = stat.rpartition(")")[2].split()
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[19])


class Journal:
    """Append-only log of MFDS events, one line each, in the repository directory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, message: str) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
        with open(self.path, "a") as f:
            f.write(f"{stamp} mfds32[{os.getpid()}]: {message}\n")

    def lines(self) -> list[str]:
        try:
            return self.path.read_text().splitlines()
        except FileNotFoundError:
            return []


class Liveness:
    """Remembers each reported pid's start time so a recycled pid is not taken for the region."""

    def __init__(self, api: DirectoryApi) -> None:
        self.api = api
        self.seen: dict[tuple[str, int], int] = {}

    def check(self) -> None:
        watched = set()
        for server in list(self.api.directory.servers.values()):
            if server.pid is None:
                continue
            key = (server.name, server.pid)
            watched.add(key)
            ticks = process_start_ticks(server.pid)
            first = self.seen.setdefault(key, ticks) if ticks is not None else None
            if ticks is None or (first and ticks and first != ticks):
                # If the repository cannot be written now, the next check retries.
                with contextlib.suppress(ApiError):
                    self.api.mark_dead(server.name, server.pid)
        self.seen = {k: v for k, v in self.seen.items() if k in watched}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mfds32", description="Micro Focus Directory Server")
    parser.add_argument("--bind", default=os.environ.get("MFDS_BIND", ""),
                        help="address to listen on (default: MFDS_BIND, else all addresses)")
    parser.add_argument("--port", type=int, default=None,
                        help="port (default: CCITCP2_PORT, else 86)")
    return parser.parse_args(argv)


def tell(fd: int | None, line: str) -> None:
    if fd is None:
        return
    try:
        os.write(fd, (line + "\n").encode())
        os.close(fd)
    except OSError:
        pass


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    ready = os.environ.pop(READY_FD_ENV, "")
    ready_fd = int(ready) if ready.isdigit() else None
    port = args.port or mfds_port()
    repository = Repository(Cobdir.from_env().repository)
    try:
        repository.lock()
        directory = repository.load()
    except (RepositoryLocked, RepositoryCorrupt) as exc:
        print(f"mfds32: {exc}", file=sys.stderr)
        tell(ready_fd, f"ERROR {exc}")
        return 1
    journal = Journal(repository.journal_path)
    if not repository.path.exists():
        repository.save(directory)
        journal.write(f"repository created at {repository.path} with server(s) "
                      f"{', '.join(directory.servers)}")
    return serve(repository, directory, journal, args.bind, port, ready_fd)


def serve(repository: Repository, directory: Any, journal: Journal, bind: str, port: int,
          ready_fd: int | None) -> int:
    # Twisted is imported here only: the short-lived commands never pay for it.
    from twisted.internet import reactor, task
    from twisted.internet.error import CannotListenError
    from twisted.web import resource, server

    def shutdown() -> None:
        reactor.callLater(0.05, reactor.stop)

    api = DirectoryApi(
        directory,
        port=port,
        save=repository.save,
        journal=journal.write,
        info=lambda: {"pid": os.getpid(), "address": bind or "*", "port": port,
                      "repository": str(repository.path)},
        journal_lines=journal.lines,
        shutdown=shutdown,
    )

    class Root(resource.Resource):
        isLeaf = True

        def render(self, request: Any) -> bytes:
            reply = api.handle(request.method.decode(), request.path.decode(),
                               request.content.read())
            request.setResponseCode(reply.status)
            request.setHeader(b"Content-Type", b"application/json")
            return reply.encode()

    # The administration pages and extra routes sit in front of the JSON API (fakees.mfds.web).
    from fakees.mfds.web.site import AdminSite

    site = server.Site(AdminSite(api, Root(), port=port))
    site.noisy = False
    try:
        reactor.listenTCP(port, site, interface=bind)
    except CannotListenError as exc:
        message = f"cannot listen on {bind or '*'}:{port}: {exc.socketError}"
        print(f"mfds32: {message}", file=sys.stderr)
        tell(ready_fd, f"ERROR {message}")
        return 1
    liveness = Liveness(api)

    def started() -> None:
        journal.write(f"mfds32 started, pid {os.getpid()}, listening on {bind or '*'}:{port}")
        task.LoopingCall(liveness.check).start(LIVENESS_INTERVAL)
        tell(ready_fd, f"READY {os.getpid()} {port}")

    reactor.callWhenRunning(started)
    reactor.addSystemEventTrigger("before", "shutdown", journal.write, "mfds32 stopping")
    reactor.run()
    return 0  # the repository lock goes with the process
