"""BINP events and argument values: what the codec turns bytes into, and back.

These are plain dataclasses with no I/O; `fakees.binp.wire` maps them to frames
and `fakees.binp.connection` decides which of them may be sent or received when.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal


class Direction(enum.IntEnum):
    """How an argument travels: IN in the call, OUT in the reply, INOUT in both."""

    IN = 1
    OUT = 2
    INOUT = 3


class ArgType(enum.IntEnum):
    """Wire type codes of argument values (Java connector names)."""

    STRING = 1
    LONG = 2
    INTEGER = 3
    SHORT = 4
    BOOLEAN = 5
    BIGDECIMAL = 6
    BYTES = 7


class ErrorCode(enum.IntEnum):
    """Codes 1-99 are connection errors (the server closes after sending); 100+ fail one call."""

    MALFORMED_FRAME = 1
    UNEXPECTED_MESSAGE = 2
    VERSION_UNSUPPORTED = 3
    FRAME_TOO_LARGE = 4
    TOO_MANY_PENDING = 5
    TOO_MANY_CONNECTIONS = 6
    IDLE_TIMEOUT = 7
    READ_TIMEOUT = 8
    SHUTTING_DOWN = 9
    LIMIT_EXCEEDED = 100
    UNKNOWN_FUNCTION = 101
    UNKNOWN_SERVICE = 102
    BAD_ARGUMENTS = 103
    SERVER_BUSY = 104
    SERVICE_FAILED = 105
    CALL_TIMEOUT = 106
    INJECTED_FAULT = 107


# What a service's None stands for in an OUT or INOUT position: the type's zero value.
ZERO: dict[ArgType, object] = {
    ArgType.STRING: "",
    ArgType.LONG: 0,
    ArgType.INTEGER: 0,
    ArgType.SHORT: 0,
    ArgType.BOOLEAN: False,
    ArgType.BIGDECIMAL: Decimal(0),
    ArgType.BYTES: b"",
}


def is_fatal(code: int) -> bool:
    """Connection errors end the connection; unknown codes are classed by their range."""
    return code < 100


def error_name(code: int) -> str:
    try:
        return ErrorCode(code).name
    except ValueError:
        return f"ERROR_{code}"


@dataclass(frozen=True)
class Argument:
    """One call argument; `value` is None for an OUT argument in a call."""

    direction: Direction
    type: ArgType
    value: str | int | bool | Decimal | bytes | None = None


_new = object.__new__


def argument(direction: Direction, arg_type: ArgType, value: object) -> Argument:
    """`Argument(direction, arg_type, value)` without the frozen dataclass's `__init__`, which
    sets each field through `object.__setattr__` (twice as slow); for per-call loops."""
    arg = _new(Argument)
    fields = arg.__dict__
    fields["direction"], fields["type"], fields["value"] = direction, arg_type, value
    return arg


@dataclass(frozen=True)
class Hello:
    """Client -> server, first frame: the range of protocol versions the client speaks."""

    min_version: int = 1
    max_version: int = 1
    client: str = "fakees"


@dataclass(frozen=True)
class Welcome:
    """Server -> client answer to Hello: chosen version and the server's limits."""

    version: int
    max_frame: int
    max_args: int
    max_string: int
    max_pending: int
    server: str


@dataclass(frozen=True)
class Call:
    """Client -> server: run `function` ("initialize" or "service.operation")."""

    call_id: int
    function: str
    args: tuple[Argument, ...] = ()


@dataclass(frozen=True)
class Reply:
    """Server -> client: the OUT and INOUT arguments of the call, in call order."""

    call_id: int
    args: tuple[Argument, ...] = ()


@dataclass(frozen=True)
class Error:
    """Server -> client: a call failed (code >= 100) or the connection ends (code < 100)."""

    call_id: int
    code: int
    message: str

    @property
    def fatal(self) -> bool:
        return is_fatal(self.code)


@dataclass(frozen=True)
class Ping:
    """Client -> server keep-alive; answered by a Pong with the same call id."""

    call_id: int


@dataclass(frozen=True)
class Pong:
    call_id: int


@dataclass(frozen=True)
class ConnectionClosed:
    """The peer closed its side of the TCP connection."""

    reason: str = field(default="closed by peer")


Event = Hello | Welcome | Call | Reply | Error | Ping | Pong | ConnectionClosed


class BinpError(Exception):
    """A BINP rule was broken; `code` is the ErrorCode a server reports for it."""

    def __init__(self, code: int, message: str, call_id: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.call_id = call_id

    def __str__(self) -> str:
        return f"{error_name(self.code)}: {self.message}"


class RemoteProtocolError(BinpError):
    """The peer sent bytes or a frame that BINP does not allow."""


class LocalProtocolError(BinpError):
    """We were about to send something BINP does not allow (a bug in the caller)."""
