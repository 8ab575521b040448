"""The BINP connection state machine: bytes in -> events out, events in -> bytes out.

Theory of operation
-------------------
A `Connection` does no I/O.  The owner feeds it the bytes it read with
`receive_data()` (b"" at end of file) and pulls events with `next_event()`,
which returns `NEED_DATA` until a whole frame is buffered.  To talk, the owner
hands an event to `send()` and writes the bytes it returns.  The same object
serves both ends: `Connection(CLIENT)` in the clients, `Connection(SERVER)` in
the Twisted listener, so every peer obeys the same rules.

BINP is strictly client-initiated.  One state is shared by both ends and moves
on every event, whichever side sent it:

    state          sender  event                   next state
    -------------  ------  ----------------------  -------------
    AWAIT_HELLO    client  Hello                   AWAIT_WELCOME
    AWAIT_WELCOME  server  Welcome                 READY
    READY          client  Call, Ping              READY  (one more pending)
    READY          server  Reply, Pong, Error<100  READY  (oldest pending answered)
    any open       server  Error>=1..99 (fatal)    CLOSED
    any            either  ConnectionClosed        CLOSED

Anything else is a protocol violation: `RemoteProtocolError` when the peer
did it (a server answers it with a fatal Error and closes), `LocalProtocolError`
when our owner tried it.  Calls may be pipelined up to `max_pending`; answers
come back in call order and must carry the call id of the oldest pending call.
The client end also checks that a Reply carries exactly the OUT and INOUT
arguments of its call, in order, with the declared types.

Memory is bounded: a frame is only buffered once its header says its length is
within `max_frame`, and at most `max_pending` calls are remembered.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from fakees.binp import wire
from fakees.binp.events import (
    Argument,
    Call,
    ConnectionClosed,
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
    is_fatal,
)


class Role(enum.Enum):
    CLIENT = "client"
    SERVER = "server"

    __hash__ = object.__hash__  # members are singletons; Enum's hash is a Python call


CLIENT, SERVER = Role.CLIENT, Role.SERVER


class State(enum.Enum):
    AWAIT_HELLO = "AWAIT_HELLO"
    AWAIT_WELCOME = "AWAIT_WELCOME"
    READY = "READY"
    CLOSED = "CLOSED"

    __hash__ = object.__hash__  # looked up in TRANSITIONS on every frame, both ways


class _NeedData:
    def __repr__(self) -> str:
        return "NEED_DATA"


NEED_DATA = _NeedData()

# (state, sender, event type) -> next state; pending-call bookkeeping is done in _apply.
TRANSITIONS: dict[tuple[State, Role, type], State] = {
    (State.AWAIT_HELLO, CLIENT, Hello): State.AWAIT_WELCOME,
    (State.AWAIT_WELCOME, SERVER, Welcome): State.READY,
    (State.READY, CLIENT, Call): State.READY,
    (State.READY, CLIENT, Ping): State.READY,
    (State.READY, SERVER, Reply): State.READY,
    (State.READY, SERVER, Pong): State.READY,
    (State.READY, SERVER, Error): State.READY,
}


# Enum members are looked up through a Python-level descriptor in 3.11 (~80 ns a look-up);
# the code run on every frame names them through module globals.
_CLOSED, _IN = State.CLOSED, Direction.IN


def call_ids(first: int = 1) -> Iterator[int]:
    """A client's call ids: 1, 2, 3, ... up to the largest u32, then 1 again (BINP.md 4)."""
    yield from range(first, 1 << 32)
    while True:
        yield from range(1, 1 << 32)


@dataclass(frozen=True)
class Limits:
    """What a peer accepts; a server announces these in its Welcome."""

    max_frame: int = 1024 * 1024
    max_args: int = 256
    max_string: int = 256 * 1024
    max_pending: int = 32

    def violation(self, call: Call) -> str | None:
        """Why `call` exceeds the argument limits (a call-level LIMIT_EXCEEDED), or None."""
        if len(call.args) > self.max_args:
            return f"{len(call.args)} arguments, limit is {self.max_args}"
        for index, arg in enumerate(call.args, 1):
            if arg.value is None:  # an OUT argument (the report's calls have only these)
                continue
            size = wire.value_size(arg)
            if size > self.max_string:
                return f"argument {index} is {size} bytes long, limit is {self.max_string}"
        return None


@dataclass(slots=True)
class _Pending:
    call_id: int
    kind: type
    outputs: tuple[Argument, ...]


class Connection:
    """One end of one BINP connection (see the module docstring)."""

    def __init__(self, our_role: Role, limits: Limits | None = None) -> None:
        self.our_role = our_role
        self.their_role = SERVER if our_role is CLIENT else CLIENT
        self.limits = limits or Limits()
        # Below this many bytes a Reply can break no limit: one length check a call.
        self._reply_room = min(self.limits.max_frame, wire.HEADER_SIZE + self.limits.max_string)
        self.state = State.AWAIT_HELLO
        self.version: int | None = None
        self._buffer = bytearray()
        self._eof = False
        self._pending: deque[_Pending] = deque()
        self._header: tuple[int, int, int] | None = None

    # ---- introspection -------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Calls and pings sent by the client and not yet answered."""
        return len(self._pending)

    @property
    def buffered(self) -> int:
        """Bytes received and not yet turned into events (a partial frame)."""
        return len(self._buffer)

    # ---- receiving -----------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        """Add bytes read from the peer; b"" means the peer closed its side."""
        if data:
            if self._eof:
                raise LocalProtocolError(ErrorCode.UNEXPECTED_MESSAGE, "data after end of file")
            self._buffer += data
        else:
            self._eof = True

    def next_event(self) -> Event | _NeedData:
        """The next whole event from the peer, NEED_DATA, or RemoteProtocolError."""
        if self.state is _CLOSED:
            if self._buffer:
                raise RemoteProtocolError(
                    ErrorCode.UNEXPECTED_MESSAGE,
                    f"{self.buffered} bytes after the connection ended",
                )
            return ConnectionClosed() if self._eof else NEED_DATA
        buffer, header = self._buffer, self._header
        if header is None and len(buffer) >= wire.HEADER_SIZE:
            header = self._header = self._check_header(bytes(buffer[: wire.HEADER_SIZE]))
        if header is not None:
            kind, call_id, length = header
            total = wire.HEADER_SIZE + length
            if len(buffer) >= total:
                payload = bytes(buffer[wire.HEADER_SIZE : total])
                del buffer[:total]
                self._header = None
                event = wire.decode_payload(kind, call_id, payload)
                if kind == wire.REPLY:
                    self._check_reply(event)
                self._apply(self.their_role, event)
                return event
        if self._eof:
            self.state = State.CLOSED
            if self._buffer:
                return ConnectionClosed(f"closed by peer inside a frame ({self.buffered} bytes)")
            return ConnectionClosed()
        return NEED_DATA

    def _check_header(self, header: bytes) -> tuple[int, int, int]:
        kind, call_id, length = wire.parse_header(header)
        if wire.HEADER_SIZE + length > self.limits.max_frame:
            raise RemoteProtocolError(
                ErrorCode.FRAME_TOO_LARGE,
                f"{wire.frame_name(kind)} frame of {wire.HEADER_SIZE + length} bytes, "
                f"limit is {self.limits.max_frame}",
                call_id,
            )
        return kind, call_id, length

    def _check_reply(self, reply: Reply) -> None:
        if not self._pending or self._pending[0].kind is not Call:
            return  # _apply reports the unexpected reply
        expected = self._pending[0].outputs
        got = [(a.direction, a.type) for a in reply.args]
        want = [(a.direction, a.type) for a in expected]
        if got != want:
            raise RemoteProtocolError(
                ErrorCode.MALFORMED_FRAME,
                f"reply to call {reply.call_id} carries arguments {_signature(reply.args)}, "
                f"the call's OUT/INOUT arguments are {_signature(expected)}",
                reply.call_id,
            )

    # ---- sending -------------------------------------------------------------------

    def send(self, event: Event) -> bytes:
        """The bytes to write for `event`; LocalProtocolError if BINP forbids it now."""
        if isinstance(event, ConnectionClosed):
            self.state = State.CLOSED
            return b""
        data = wire.encode(event)
        if type(event) is Reply and len(data) > self._reply_room:
            self._check_reply_size(event, len(data))
        self._apply(self.our_role, event, local=True)
        return data

    def _check_reply_size(self, reply: Reply, size: int) -> None:
        """A server's Reply obeys the limits its Welcome announced (BINP.md section 6)."""
        if self.our_role is not SERVER:  # a client never sends one
            return
        if size > self.limits.max_frame:
            raise LocalProtocolError(
                ErrorCode.SERVICE_FAILED,
                f"the reply would be {size} bytes, over the max frame of {self.limits.max_frame}",
                reply.call_id,
            )
        for index, arg in enumerate(reply.args, 1):
            if wire.value_size(arg) > self.limits.max_string:
                raise LocalProtocolError(
                    ErrorCode.SERVICE_FAILED,
                    f"reply argument {index} is {wire.value_size(arg)} bytes long, over the "
                    f"max string of {self.limits.max_string}",
                    reply.call_id,
                )

    # ---- the transition table ------------------------------------------------------

    def _apply(self, sender: Role, event: Event, *, local: bool = False) -> None:
        # `type(event) is` rather than isinstance: events are final, and this runs twice a call.
        kind = type(event)
        if kind is ConnectionClosed:
            self.state = State.CLOSED
            return
        error = LocalProtocolError if local else RemoteProtocolError
        if kind is Error and sender is SERVER and is_fatal(event.code):
            if self.state is State.CLOSED:
                raise error(ErrorCode.UNEXPECTED_MESSAGE, "Error after the connection closed")
            self.state = State.CLOSED
            return
        next_state = TRANSITIONS.get((self.state, sender, kind))
        if next_state is None:
            raise error(
                ErrorCode.UNEXPECTED_MESSAGE,
                f"{kind.__name__} from the {sender.value} is not allowed in state "
                f"{self.state.value}",
                getattr(event, "call_id", 0),
            )
        if kind is Call or kind is Ping:
            if len(self._pending) >= self.limits.max_pending:
                raise error(
                    ErrorCode.TOO_MANY_PENDING,
                    f"{len(self._pending)} calls already pending, limit is "
                    f"{self.limits.max_pending}",
                    event.call_id,
                )
            outputs = (
                tuple(a for a in event.args if a.direction is not _IN)
                if kind is Call
                else ()
            )
            self._pending.append(_Pending(event.call_id, kind, outputs))
        elif kind is Hello:
            self._negotiate(event, error)
        elif kind is Welcome:
            self.version = event.version
        else:
            self._answer(event, error)
        self.state = next_state

    def _negotiate(self, hello: Hello, error: type[Exception]) -> None:
        low, high = wire.PROTOCOL_VERSIONS
        if (
            hello.min_version > hello.max_version
            or hello.max_version < low
            or (hello.min_version > high)
        ):
            raise error(
                ErrorCode.VERSION_UNSUPPORTED,
                f"client speaks versions {hello.min_version}..{hello.max_version}, "
                f"this peer speaks {low}..{high}",
            )

    def _answer(self, event: Reply | Pong | Error, error: type[Exception]) -> None:
        name = type(event).__name__
        if not self._pending:
            raise error(
                ErrorCode.UNEXPECTED_MESSAGE,
                f"{name} {event.call_id} but no call is pending",
                event.call_id,
            )
        oldest = self._pending[0]
        if event.call_id != oldest.call_id:
            raise error(
                ErrorCode.UNEXPECTED_MESSAGE,
                f"{name} for call id {event.call_id}, the oldest pending call is {oldest.call_id}",
                event.call_id,
            )
        expected = Pong if oldest.kind is Ping else Reply
        if not isinstance(event, (expected, Error)):  # a tuple: `|` builds a union each time
            raise error(
                ErrorCode.UNEXPECTED_MESSAGE,
                f"{name} answers a {oldest.kind.__name__}, expected {expected.__name__} or Error",
                event.call_id,
            )
        self._pending.popleft()


def negotiated_version(hello: Hello) -> int:
    """The highest version both the client's range and this implementation speak."""
    return min(hello.max_version, wire.PROTOCOL_VERSIONS[1])


def _signature(args: tuple[Argument, ...]) -> str:
    return "(" + ", ".join(f"{a.direction.name} {a.type.name}" for a in args) + ")"
