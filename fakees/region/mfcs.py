"""`mfcs32 -n /rNAME`: the communications server, holding the region's listeners.

It binds exactly the configured endpoint (`tcp:ADDR:PORT`, `*` = all addresses
or any port). An address that is not on this machine leaves that listener
Invalid and the region running (the product's limitation behind report
pattern 6); any other bind failure (port in use, no permission) is fatal and
cascd32 abandons the start. The server's `listener` fault setting (passed
by cascd32 with each listener) puts every listener in that fault mode
(`fakees.binp.faults.Faults`; a fail_next count is per listener). Listeners
speak BINP (`fakees.binp.server`); each call goes to a free SEP through the
pool (`fakees.region.seppool`).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import sys
import time
from collections.abc import Sequence
from typing import Any

from twisted.internet import defer, task
from twisted.internet.epollreactor import EPollReactor
from twisted.internet.error import CannotListenError
from twisted.internet.interfaces import IListeningPort
from twisted.python import log
from twisted.python.failure import Failure

from fakees.binp.dispatch import CallError
from fakees.binp.events import Argument, ErrorCode
from fakees.binp.faults import Faults
from fakees.binp.server import BinpServerFactory
from fakees.mfds.web.metrics import MAX_SERVICES, ServiceStats
from fakees.region.child import ENV_LISTENERS, ChildContext
from fakees.region.seppool import (
    BadArguments,
    SepBusy,
    SepError,
    SepFactory,
    SepPool,
    SepTimeout,
    UnknownService,
)

ENV_MAX_QUEUE = "FAKEES_MAX_QUEUE"
CLOSE_GRACE = 2.0
METRICS_INTERVAL = 1.0


class CallLog:
    """Outcomes of the calls since the last report, summed per service, for MFDS's
    Prometheus metrics (one report a second through cascd32, whatever the call rate:
    a list of calls, as before, lost those past MFDS's 1,000 a report)."""

    def __init__(self) -> None:
        self.pending: dict[str, ServiceStats] = {}

    def record(self, service: str, seconds: float, error: bool) -> None:
        stats = self.pending.get(service)
        if stats is None:
            if len(self.pending) >= MAX_SERVICES:
                return  # clients name services; MFDS would refuse the report
            stats = self.pending[service] = ServiceStats()
        stats.record(seconds, error)

    def take(self) -> list[dict[str, Any]]:
        batch, self.pending = self.pending, {}
        return [stats.to_json(service) for service, stats in batch.items()]


class SepDispatcher:
    """The BINP listener's dispatcher (contract in `fakees.binp.dispatch`): each call goes to
    a SEP through the pool; the SEP answers with the reply's Arguments."""

    def __init__(self, pool: SepPool, calls: CallLog | None = None) -> None:
        self.pool = pool
        self.calls = calls

    def call(self, service: str, operation: str, args: Sequence[Argument]) -> defer.Deferred:
        return self.pool.call(service, operation, args).addBoth(
            self._settled, service, operation, time.monotonic())

    def _settled(self, result: Any, service: str, operation: str, began: float) -> Any:
        """Log the call for MFDS's metrics; a failure becomes the CallError for the client."""
        failed = isinstance(result, Failure)
        if self.calls is not None:
            self.calls.record(f"{service}.{operation}", time.monotonic() - began, failed)
        if failed:
            self._failed(result)
        return result

    @staticmethod
    def _failed(failure: Failure) -> None:
        error = failure.trap(SepBusy, SepTimeout, UnknownService, BadArguments, SepError)
        code = {SepBusy: ErrorCode.SERVER_BUSY, SepTimeout: ErrorCode.SERVER_BUSY,
                UnknownService: ErrorCode.UNKNOWN_SERVICE,
                BadArguments: ErrorCode.BAD_ARGUMENTS}.get(error, ErrorCode.SERVICE_FAILED)
        raise CallError(code, str(failure.value))


def listener_factory(pool: SepPool, calls: CallLog | None = None,
                     faults: Faults | None = None) -> BinpServerFactory:
    """The one place where a listener's wire protocol is chosen: BINP, calls to the SEPs,
    in the fault mode of the server's `listener` fault setting (none by default)."""
    return BinpServerFactory(SepDispatcher(pool, calls), faults=faults)


def split_endpoint(endpoint: str) -> tuple[str, str, int]:
    """`tcp:10.0.0.1:9003` -> ("10.0.0.1", "10.0.0.1", 9003); `*` -> all addresses / any port.

    Returns (address as configured, interface to bind, port)."""
    body = endpoint.removeprefix("tcp:")
    address, _, port = body.rpartition(":")
    interface = "" if address == "*" else address.strip("[]")
    if interface and not _is_ip(interface):
        interface = socket.gethostbyname(interface)
    return address, interface, 0 if port == "*" else int(port)


def _is_ip(text: str) -> bool:
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, text)
            return True
        except OSError:
            continue
    return False


class CommsServer:
    def __init__(self, reactor: Any, context: ChildContext, listeners: list[dict[str, str]],
                 pool: SepPool) -> None:
        self.reactor = reactor
        self.context = context
        self.listeners = listeners
        self.pool = pool
        self.ports: dict[str, IListeningPort] = {}
        self.factories: list[BinpServerFactory] = []
        self.calls = CallLog()
        self.metrics = task.LoopingCall(self.report_calls)
        self.metrics.clock = reactor

    def report_calls(self) -> None:
        batch = self.calls.take()
        if batch:
            self.context.tell_parent("calls", services=batch)

    def start(self) -> None:
        try:
            self.reactor.listenUNIX(self.context.files.sep_address, SepFactory(self.pool))
        except CannotListenError as exc:  # cascd32 sees mfcs32 end and abandons the start
            print(f"mfcs32: cannot open the SEP socket: {exc}", file=sys.stderr)
            self.reactor.stop()
            return
        for listener in self.listeners:
            self.bind(listener["name"], listener["endpoint"], listener.get("faults"))
        self.metrics.start(METRICS_INTERVAL, now=False)
        self.context.tell_parent("ready")

    def bind(self, name: str, endpoint: str, faults: dict[str, Any] | None = None) -> None:
        """Listen on `endpoint`; `faults` are the fields of the Faults cascd32 checked."""
        try:
            address, interface, port = split_endpoint(endpoint)
            factory = listener_factory(self.pool, self.calls, Faults(**faults or {}))
            listening = self.reactor.listenTCP(port, factory, interface=interface)
        except (CannotListenError, OSError) as exc:
            error = exc.socketError if isinstance(exc, CannotListenError) else exc
            code = getattr(error, "errno", None)
            if code == errno.EADDRNOTAVAIL:
                why = f"address {address} is not available on this machine"
            else:
                why = os.strerror(code) if code else str(error)
            self.context.console.write("CASCS0002E", listener=name, endpoint=endpoint, why=why)
            self.context.tell_parent("listener", name=name, status="Invalid", reason=why,
                                     fatal=code != errno.EADDRNOTAVAIL, endpoint=endpoint)
            return
        host = listening.getHost()
        actual = f"tcp:{address}:{host.port}"
        self.ports[name] = listening
        self.factories.append(factory)
        self.context.console.write("CASCS0001I", listener=name, endpoint=actual)
        self.context.tell_parent("listener", name=name, status="Started", reason="",
                                 endpoint=actual)

    @defer.inlineCallbacks
    def stop(self) -> Any:
        """Stop accepting, let running and queued calls finish, then end."""
        for name, port in list(self.ports.items()):
            yield port.stopListening()
            self.context.console.write("CASCS0003I", listener=name)
            self.context.tell_parent("listener", name=name, status="Stopped",
                                     reason="region stopping", endpoint="")
        self.ports.clear()
        yield self.pool.drained()
        if self.metrics.running:
            self.metrics.stop()
        self.report_calls()
        for factory in self.factories:
            factory.shut_down("region is stopping")
        # Stopping the reactor drops unsent data: let the last replies and closes go out.
        deadline = self.reactor.seconds() + CLOSE_GRACE
        while any(f.connections for f in self.factories) and self.reactor.seconds() < deadline:
            yield task.deferLater(self.reactor, 0.01, lambda: None)
        self.reactor.stop()


class LeanEPollReactor(EPollReactor):
    """Twisted's epoll reactor, minus the logging context around each ready descriptor.

    EPollReactor.doPoll runs each descriptor's read or write inside
    `log.callWithLogger`, which only names the descriptor in log lines and costs
    about ten Python calls; mfcs32 wakes twice per BINP call. Errors are still
    logged (measured on echo.echo through a region: mfcs32 CPU 93 -> 87 us a call).
    """

    def doPoll(self, timeout: float | None) -> None:
        try:
            events = self._poller.poll(-1 if timeout is None else timeout,
                                       len(self._selectables))
        except InterruptedError:
            return
        for fd, event in events:
            selectable = self._selectables.get(fd)
            if selectable is not None:
                try:
                    self._doReadOrWrite(selectable, fd, event)
                except Exception:
                    log.err(None, f"mfcs32: error handling {selectable!r}")

    doIteration = doPoll


def main(argv: list[str]) -> int:
    context = ChildContext.start("mfcs32", argv, allowed={"n": "none"})
    from twisted.internet.main import installReactor

    installReactor(LeanEPollReactor())
    from twisted.internet import reactor

    listeners = json.loads(os.environ.get(ENV_LISTENERS, "[]"))
    pool = SepPool(reactor, max_queue=int(os.environ.get(ENV_MAX_QUEUE, "64")))
    server = CommsServer(reactor, context, listeners, pool)
    stopping: list[bool] = []

    def on_sigterm(*_: object) -> None:
        if not stopping:
            stopping.append(True)
            reactor.callFromThread(server.stop)

    signal.signal(signal.SIGTERM, on_sigterm)
    reactor.callWhenRunning(server.start)
    reactor.run(installSignalHandlers=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
