"""mfcs32's side of the request path: hand each call to a free SEP, queue the rest.

`SepPool.call(service, operation, args)` is what the listener's dispatcher
(`fakees.region.mfcs.SepDispatcher`, for BINP) calls with the call's BINP
Arguments: it returns a Deferred that fires with the reply's tuple of Arguments
(one per OUT and INOUT argument, typed as the call declared), or fails with

- `SepBusy` when every SEP is busy and `max_queue` calls already wait;
- `SepTimeout` when a queued call found no free SEP within `queue_timeout`;
- `ServiceFailed` when the service itself reported an error (message kept),
  `UnknownService` (a ServiceFailed) when no provider knows the service,
  `BadArguments` (a ServiceFailed) when the arguments do not fit the service;
- `SepLost` when the SEP died while running the call.

SEPs connect to the pool (they are the clients of an abstract Unix socket),
so a SEP restarted by cascd32 simply joins again.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from twisted.internet import defer
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.internet.protocol import Factory, Protocol
from twisted.python.failure import Failure

from fakees.binp.events import Argument, Call, Error, ErrorCode, Reply
from fakees.binp.server import write_now
from fakees.region import wire


class SepError(Exception):
    """Base of the errors a call through the pool can fail with."""


class SepBusy(SepError):
    pass


class SepTimeout(SepError):
    pass


class SepLost(SepError):
    pass


class ServiceFailed(SepError):
    pass


class UnknownService(ServiceFailed):
    pass


class BadArguments(ServiceFailed):
    pass


_REFUSALS = {ErrorCode.UNKNOWN_SERVICE: UnknownService, ErrorCode.BAD_ARGUMENTS: BadArguments}


@dataclass
class _Call:
    service: str
    operation: str
    args: tuple[Argument, ...]
    deferred: defer.Deferred = field(default_factory=defer.Deferred)
    timer: IDelayedCall | None = None


class SepConnection(Protocol):
    """One connected SEP; it runs at most one call at a time."""

    def __init__(self, pool: SepPool) -> None:
        self.pool = pool
        self.decoder = wire.FrameDecoder()
        self.pid: int | None = None
        self.call_id: int | None = None
        self.current: _Call | None = None

    def dataReceived(self, data: bytes) -> None:
        try:
            messages = self.decoder.feed(data)
        except wire.FrameError:
            self.transport.loseConnection()
            return
        for message in messages:
            if isinstance(message, wire.SepHello) and self.pid is None:
                self.pid = message.pid
                self.pool.attach(self)
            # A tuple, not `|`, which would build a union object on every frame.
            elif not isinstance(message, (wire.SepHello, Call)) and message.call_id == self.call_id:
                self.pool.replied(self, message)

    def connectionLost(self, reason: Failure | None = None) -> None:
        if self.pid is not None:
            self.pool.detach(self)

    def run(self, call_id: int, call: _Call) -> None:
        self.call_id, self.current = call_id, call
        function = f"{call.service}.{call.operation}"
        write_now(self.transport, wire.encode_event(Call(call_id, function, call.args)))


class SepPool:
    def __init__(self, clock: IReactorTime, max_queue: int = 64,
                 queue_timeout: float = 30.0) -> None:
        self.clock = clock
        self.max_queue = max_queue
        self.queue_timeout = queue_timeout
        self.idle: deque[SepConnection] = deque()
        self.busy: set[SepConnection] = set()
        self.waiting: deque[_Call] = deque()
        self._ids = itertools.count(1)
        self._drained: list[defer.Deferred] = []

    @property
    def size(self) -> int:
        return len(self.idle) + len(self.busy)

    def call(self, service: str, operation: str, args: Sequence[Argument]) -> defer.Deferred:
        call = _Call(service, operation, tuple(args))
        if self.idle:
            self._dispatch(self.idle.popleft(), call)
        elif len(self.waiting) >= self.max_queue:
            return defer.fail(SepBusy(
                f"server busy: all {self.size} SEPs are busy and {len(self.waiting)} calls "
                f"are queued (limit {self.max_queue})"))
        else:
            call.timer = self.clock.callLater(self.queue_timeout, self._expire, call)
            self.waiting.append(call)
        return call.deferred

    def drained(self) -> defer.Deferred:
        """Fires once no call runs or waits (used by a normal stop to quiesce)."""
        if not self.busy and not self.waiting:
            return defer.succeed(None)
        d: defer.Deferred = defer.Deferred()
        self._drained.append(d)
        return d

    def attach(self, sep: SepConnection) -> None:
        self._next(sep)

    def detach(self, sep: SepConnection) -> None:
        if sep in self.idle:
            self.idle.remove(sep)
        if sep in self.busy:
            self.busy.discard(sep)
            call, sep.current = sep.current, None
            if call is not None:
                call.deferred.errback(SepLost(
                    f"SEP pid {sep.pid} ended while running {call.service}.{call.operation}"))
        self._check_drained()

    def replied(self, sep: SepConnection, answer: Reply | Error) -> None:
        call, sep.current, sep.call_id = sep.current, None, None
        self.busy.discard(sep)
        # Answer the caller before the SEP counts as free: a stop waiting for the pool to
        # drain must not close the caller's connection before its reply is written.
        if call is not None and isinstance(answer, Reply):
            call.deferred.callback(answer.args)
        elif call is not None:
            kind = _REFUSALS.get(answer.code, ServiceFailed)
            call.deferred.errback(kind(answer.message))
        self._next(sep)

    def _dispatch(self, sep: SepConnection, call: _Call) -> None:
        if call.timer is not None and call.timer.active():
            call.timer.cancel()
        self.busy.add(sep)
        sep.run(next(self._ids), call)

    def _next(self, sep: SepConnection) -> None:
        if self.waiting:
            self._dispatch(sep, self.waiting.popleft())
        else:
            self.idle.append(sep)
            self._check_drained()

    def _expire(self, call: _Call) -> None:
        self.waiting.remove(call)
        call.deferred.errback(SepTimeout(
            f"no SEP became free within {self.queue_timeout:g} s for "
            f"{call.service}.{call.operation}"))
        self._check_drained()

    def _check_drained(self) -> None:
        if not self.busy and not self.waiting:
            waiters, self._drained = self._drained, []
            for d in waiters:
                d.callback(None)


class SepFactory(Factory):
    def __init__(self, pool: SepPool) -> None:
        self.pool = pool

    def buildProtocol(self, addr: object) -> SepConnection:
        return SepConnection(self.pool)
