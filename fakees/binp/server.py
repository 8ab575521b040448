"""The BINP listener: a Twisted protocol and factory driving `fakees.binp.connection`.

A region's communications server (mfcs32) plugs its SEP pool in as the
*dispatcher* (contract in `fakees.binp.dispatch`: `call(service, operation,
args) -> Deferred[Sequence[Argument]]`, failing one call with `CallError`).  The
call `initialize` (one Boolean) is answered by the listener itself.

Calls on one connection run one at a time, in order; many connections run at
once.  `Faults` makes the listener misbehave on purpose so that clients can be
tested against it.  `python -m fakees.binp.server --port P --echo` runs a
stand-alone listener with the built-in diagnostic services.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twisted.internet import abstract, defer, error, protocol
from twisted.internet.interfaces import IDelayedCall, IPushProducer, IReactorTime, ITCPTransport
from twisted.python.failure import Failure
from zope.interface import implementer

from fakees.binp.connection import SERVER, Connection, Limits, State, negotiated_version
from fakees.binp.dispatch import CallError, Dispatcher
from fakees.binp.events import (
    ArgType,
    Argument,
    BinpError,
    Call,
    Direction,
    Error,
    ErrorCode,
    Event,
    Hello,
    LocalProtocolError,
    Ping,
    Pong,
    RemoteProtocolError,
    Reply,
    Welcome,
)
from fakees.binp.faults import Faults


def write_now(transport: Any, data: bytes) -> None:
    """Send `data` at once if nothing waits before it, else queue it as `transport.write` does.

    Twisted's `write` only queues and asks epoll for writability, so each answer
    costs one more reactor pass and two epoll_ctl calls (about a fifth of a
    call's CPU in mfcs32). Whatever the kernel does not take at once, and every
    error, goes through `transport.write`, so order, back-pressure and
    connection loss stay Twisted's.
    """
    if (
        not isinstance(transport, abstract.FileDescriptor)
        or not transport.connected
        or transport.disconnecting
        or transport.dataBuffer
        or transport._tempDataLen
        or getattr(transport, "_sendmsgQueue", None)
    ):
        transport.write(data)
        return
    try:
        sent = transport.socket.send(data)
    except OSError:  # EAGAIN: queue it; anything else: Twisted's next write reports it
        sent = 0
    if sent < len(data):
        transport.write(data[sent:])


_IN = Direction.IN  # a module global: Enum member look-ups are Python calls in 3.11


@dataclass(frozen=True)
class ListenerSettings:
    """Limits and timeouts of one listener (seconds; None disables a timeout)."""

    limits: Limits = field(default_factory=Limits)
    max_connections: int = 100
    idle_timeout: float | None = 300.0
    read_timeout: float | None = 10.0
    call_timeout: float | None = None
    server_name: str = "fakees BINP listener"


@implementer(IPushProducer)
class BinpServerProtocol(protocol.Protocol):
    """One accepted connection; see fakees.binp.connection for the rules it enforces.

    It is the push producer of its own answers: when the client stops reading and
    the transport's write buffer fills, the listener stops reading the client's
    calls until the buffer drains, so a peer that never reads cannot grow memory.
    """

    factory: BinpServerFactory

    def __init__(self) -> None:
        self.conn: Connection | None = None
        self._queue: deque[Call | Ping] = deque()
        self._running = False
        self._closing = False
        self._counted = False
        self._received = 0
        self._paused = False
        self._idle_timer: IDelayedCall | None = None
        self._read_timer: IDelayedCall | None = None

    # ---- connection lifecycle --------------------------------------------------------

    def connectionMade(self) -> None:
        settings = self.factory.settings
        if ITCPTransport.providedBy(self.transport):
            self.transport.setTcpNoDelay(True)  # one answer = one segment, sent at once
        self.conn = Connection(SERVER, settings.limits)
        if len(self.factory.connections) >= settings.max_connections:
            self._fatal(
                ErrorCode.TOO_MANY_CONNECTIONS,
                f"listener already has {len(self.factory.connections)} connections, "
                f"limit is {settings.max_connections}",
            )
            return
        self.factory.connections.add(self)
        self._counted = True
        self.transport.registerProducer(self, True)
        self._arm_idle()

    # IPushProducer: the transport calls these as its write buffer fills and drains
    def pauseProducing(self) -> None:
        self._paused = True
        self.transport.pauseProducing()  # stop reading calls whose answers cannot be sent
        if self._read_timer is not None and self._read_timer.active():
            self._read_timer.cancel()  # the stall is ours now, not the peer's

    def resumeProducing(self) -> None:
        self._paused = False
        if not self._closing:
            self.transport.resumeProducing()
            self._arm_read_timeout()

    def stopProducing(self) -> None:
        self._closing = True

    def connectionLost(self, reason: Failure = protocol.connectionDone) -> None:
        self._closing = True
        if self._counted:
            self.factory.connections.discard(self)
        for timer in (self._idle_timer, self._read_timer):
            if timer is not None and timer.active():
                timer.cancel()

    def dataReceived(self, data: bytes) -> None:
        if self._closing or self.conn is None:
            return
        self._received += len(data)
        self.factory.bytes_received += len(data)
        reset_after = self.factory.faults.reset_after
        if reset_after is not None and self._received >= reset_after:
            self._closing = True
            self.transport.abortConnection()
            return
        self.conn.receive_data(data)
        self._pump()

    # ---- events from the client ------------------------------------------------------

    def _pump(self) -> None:
        conn = self.conn
        assert conn is not None
        while not self._closing:
            try:
                event = conn.next_event()
            except RemoteProtocolError as exc:
                self._fatal(exc.code, exc.message, exc.call_id)
                return
            kind = type(event)
            if kind is Call or kind is Ping:
                self.factory.frames_received += 1
                self._queue.append(event)
                # A quick service answers before the next frame is parsed. The answer re-arms
                # the idle timer; until then a call in progress keeps the timer from firing.
                self._run_next()
            elif kind is Hello:
                self.factory.frames_received += 1
                self._welcome(event)
                self._arm_idle()
            else:
                break
        self._arm_read_timeout()

    def _welcome(self, hello: Hello) -> None:
        limits = self.factory.settings.limits
        welcome = Welcome(
            negotiated_version(hello),
            limits.max_frame,
            limits.max_args,
            limits.max_string,
            limits.max_pending,
            self.factory.settings.server_name,
        )
        self._write(welcome)

    def _run_next(self) -> None:
        """Start the oldest queued call; its answer comes through `_answer` (no Deferred
        chain of its own: a call's CPU in mfcs32 is mostly Python calls, each one counts)."""
        if self._running or self._closing or not self._queue:
            return
        self._running = True
        event = self._queue.popleft()
        if isinstance(event, Ping):
            self._answer(Pong(event.call_id), event)
            return
        try:
            outputs = self._dispatch(event)
        except Exception:
            self._answer(Failure(), event)
            return
        if isinstance(outputs, defer.Deferred):
            timeout = self.factory.settings.call_timeout
            if timeout is not None:
                outputs.addTimeout(timeout, self.factory.clock)
            outputs.addBoth(self._answer, event)
        else:
            self._answer(outputs, event)

    def _dispatch(self, call: Call) -> Any:
        faults = self.factory.faults
        if faults.fail_next > 0:
            faults.fail_next -= 1
            raise CallError(
                ErrorCode.INJECTED_FAULT,
                f"injected failure (fault fail-next, {faults.fail_next} left)",
            )
        violation = self.factory.settings.limits.violation(call)
        if violation:
            raise CallError(ErrorCode.LIMIT_EXCEEDED, violation)
        if call.function == "initialize":
            if [(a.direction, a.type) for a in call.args] != [(Direction.IN, ArgType.BOOLEAN)]:
                raise CallError(ErrorCode.BAD_ARGUMENTS, "initialize takes one IN Boolean")
            return []
        service, dot, operation = call.function.partition(".")
        if not dot or not service or not operation:
            raise CallError(
                ErrorCode.UNKNOWN_FUNCTION,
                f"function {call.function!r} is neither 'initialize' nor 'service.operation'",
            )
        return self.factory.dispatcher.call(service, operation, call.args)

    def _reply_for(self, outputs: Sequence[Argument], call: Call) -> Reply | Error:
        expected = [(a.direction, a.type) for a in call.args if a.direction is not _IN]
        got = [(a.direction, a.type) for a in outputs]
        if got != expected:
            return Error(
                call.call_id,
                ErrorCode.SERVICE_FAILED,
                f"service returned {len(outputs)} outputs {_names(got)}, "
                f"the call declares {_names(expected)}",
            )
        return Reply(call.call_id, tuple(outputs))

    def _answer(self, result: Any, request: Call | Ping) -> None:
        """Turn a call's outcome (outputs, Pong or Failure) into its answer, and send it."""
        if isinstance(result, Failure):
            answer: Event = self._error_for(result, request.call_id)
        elif isinstance(request, Call):
            try:
                answer = self._reply_for(result, request)
            except Exception:  # outputs that are not Arguments: the service failed
                answer = self._error_for(Failure(), request.call_id)
        else:
            answer = result
        faults = self.factory.faults
        if faults.delay > 0:
            self.factory.clock.callLater(faults.delay, self._send_answer, answer)
        else:
            self._send_answer(answer)

    def _error_for(self, failure: Failure, call_id: int) -> Error:
        exc = failure.value
        if isinstance(exc, CallError):
            return Error(call_id, exc.code, exc.message)
        if isinstance(exc, defer.TimeoutError | defer.CancelledError):
            timeout = self.factory.settings.call_timeout
            return Error(call_id, ErrorCode.CALL_TIMEOUT, f"call took longer than {timeout} s")
        return Error(call_id, ErrorCode.SERVICE_FAILED, f"{type(exc).__name__}: {exc}")

    def _send_answer(self, answer: Event) -> None:
        self._running = False
        if self._closing:
            return
        if self.factory.faults.drop and isinstance(answer, Reply | Error):
            self._close()
            return
        try:
            self._write(answer)
        except LocalProtocolError as exc:  # a value BINP cannot carry, or over the limits
            why = exc.message if exc.code == ErrorCode.SERVICE_FAILED else str(exc)
            self._write(Error(exc.call_id or _call_id(answer), ErrorCode.SERVICE_FAILED, why))
        self.factory.calls_answered += 1
        self._arm_idle()
        self._run_next()

    # ---- writing, errors, timers -----------------------------------------------------

    def _write(self, event: Event) -> None:
        assert self.conn is not None
        data = self.conn.send(event)
        if self.factory.faults.corrupt_reply and isinstance(event, Reply | Error | Pong):
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        write_now(self.transport, data)

    def _fatal(self, code: int, message: str, call_id: int = 0) -> None:
        """Tell the client why, then close; the rest of its input is ignored."""
        if self._closing:
            return
        self._closing = True
        self.factory.fatal_errors += 1
        assert self.conn is not None
        if self.conn.state is not State.CLOSED:
            with contextlib.suppress(BinpError):  # if the state forbids it, closing says enough
                self.transport.write(self.conn.send(Error(call_id, code, message)))
        self._close()

    def _close(self) -> None:
        """Flush what is written, then close (a registered producer would hold it open)."""
        self._closing = True
        if self._counted:
            self.transport.unregisterProducer()
        self.transport.loseConnection()

    def _arm_idle(self) -> None:
        timeout = self.factory.settings.idle_timeout
        if timeout is None or self._closing:
            return
        if self._idle_timer is not None and self._idle_timer.active():
            self._idle_timer.reset(timeout)
        else:
            self._idle_timer = self.factory.clock.callLater(timeout, self._idle_expired)

    def _idle_expired(self) -> None:
        if self._running or self._queue:
            self._arm_idle()  # a call is in progress: not idle
            return
        timeout = self.factory.settings.idle_timeout
        if self._paused:
            self._fatal(ErrorCode.IDLE_TIMEOUT, f"answers left unread for {timeout} s")
        else:
            self._fatal(ErrorCode.IDLE_TIMEOUT, f"no complete frame for {timeout} s")

    def _arm_read_timeout(self) -> None:
        """A partial frame must be completed within read_timeout (stalled peers)."""
        timeout = self.factory.settings.read_timeout
        assert self.conn is not None
        partial = self.conn.buffered > 0 and not self._closing and not self._paused
        if self._read_timer is not None and self._read_timer.active():
            if not partial:
                self._read_timer.cancel()
            return
        if partial and timeout is not None:
            self._read_timer = self.factory.clock.callLater(timeout, self._read_expired)

    def _read_expired(self) -> None:
        assert self.conn is not None
        timeout = self.factory.settings.read_timeout
        self._fatal(
            ErrorCode.READ_TIMEOUT,
            f"frame incomplete after {timeout} s ({self.conn.buffered} bytes buffered)",
        )

    def shut_down(self, message: str) -> None:
        self._fatal(ErrorCode.SHUTTING_DOWN, message)


class BinpServerFactory(protocol.Factory):
    """A listener: one dispatcher, settings, faults, and counters for diagnostics."""

    protocol = BinpServerProtocol

    def __init__(
        self,
        dispatcher: Dispatcher,
        settings: ListenerSettings | None = None,
        faults: Faults | None = None,
        clock: IReactorTime | None = None,
    ) -> None:
        if clock is None:
            from twisted.internet import reactor as clock  # type: ignore[assignment]
        self.dispatcher = dispatcher
        self.settings = settings or ListenerSettings()
        self.faults = faults or Faults()
        self.clock = clock
        self.connections: set[BinpServerProtocol] = set()
        self.bytes_received = 0
        self.frames_received = 0
        self.calls_answered = 0
        self.fatal_errors = 0

    def shut_down(self, message: str = "listener is stopping") -> None:
        """Send SHUTTING_DOWN to every connection and close them."""
        for proto in list(self.connections):
            proto.shut_down(message)


def _names(signature: list[tuple[Direction, ArgType]]) -> str:
    return "(" + ", ".join(f"{d.name} {t.name}" for d, t in signature) + ")"


def _call_id(event: Event) -> int:
    return getattr(event, "call_id", 0)


# ---- stand-alone listener ---------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m fakees.binp.server",
        description="A stand-alone BINP listener with the built-in diagnostic services.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, required=True, help="TCP port (0 picks a free one)")
    p.add_argument("--echo", action="store_true", help='serve the "echo" service')
    p.add_argument(
        "--counter",
        metavar="SERVICE",
        help="serve a CBLAPP01 look-alike under SERVICE (e.g. srv01)",
    )
    p.add_argument("--program", default="CBLAPP01", help="program name the counter returns")
    p.add_argument("--hostname", help="host name the counter returns (default: this host)")
    p.add_argument("--counter-file", type=Path, help="file holding the counter (shared state)")
    p.add_argument("--max-connections", type=int, default=100)
    p.add_argument("--max-frame", type=int, default=Limits.max_frame)
    p.add_argument("--max-args", type=int, default=Limits.max_args)
    p.add_argument("--max-string", type=int, default=Limits.max_string)
    p.add_argument("--max-pending", type=int, default=Limits.max_pending)
    p.add_argument("--idle-timeout", type=float, default=300.0)
    p.add_argument("--read-timeout", type=float, default=10.0)
    p.add_argument("--fault-delay", type=float, default=0.0, help="seconds before each answer")
    p.add_argument("--fault-drop", action="store_true", help="close instead of answering")
    p.add_argument("--fault-reset-after", type=int, help="RST a connection after N bytes in")
    p.add_argument("--fault-corrupt-reply", action="store_true", help="break every answer")
    p.add_argument("--fault-fail-next", type=int, default=0, help="fail the next N calls")
    return p


def main(argv: list[str] | None = None) -> int:
    from twisted.internet import reactor

    from fakees.binp.dispatch import CounterDispatcher, EchoDispatcher, Router

    args = build_parser().parse_args(argv)
    services: dict[str, Dispatcher] = {}
    if args.echo:
        services["echo"] = EchoDispatcher()
    if args.counter:
        services[args.counter] = CounterDispatcher(args.program, args.hostname, args.counter_file)
    if not services:
        print("fakees.binp.server: give --echo and/or --counter SERVICE", file=sys.stderr)
        return 2
    limits = Limits(args.max_frame, args.max_args, args.max_string, args.max_pending)
    settings = ListenerSettings(
        limits=limits,
        max_connections=args.max_connections,
        idle_timeout=args.idle_timeout or None,
        read_timeout=args.read_timeout or None,
    )
    faults = Faults(
        args.fault_delay,
        args.fault_drop,
        args.fault_reset_after,
        args.fault_corrupt_reply,
        args.fault_fail_next,
    )
    factory = BinpServerFactory(Router(services), settings, faults, reactor)
    try:
        port = reactor.listenTCP(args.port, factory, interface=args.host)
    except error.CannotListenError as exc:
        print(f"fakees.binp.server: cannot listen: {exc}", file=sys.stderr)
        return 1
    reactor.addSystemEventTrigger("before", "shutdown", factory.shut_down)
    print(f"listening on {args.host}:{port.getHost().port}", flush=True)
    reactor.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
