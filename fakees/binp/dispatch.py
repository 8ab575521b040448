"""The dispatcher contract of a BINP listener, and built-in services that fulfil it.

A dispatcher is any object with

    call(service: str, operation: str, args: Sequence[Argument]) -> Deferred[Sequence[Argument]]

`args` are all of the call's arguments in order, as the call's tuple (an OUT
argument has value None); the result, a list or a tuple, holds one Argument per
OUT and INOUT argument, in order, with the same direction and type. (A region's
pool answers with the tuple it decoded from the SEP, which the codec can then
send on without encoding it again.)  To fail one call, raise or errback with
`CallError(code, message)` (e.g. ErrorCode.SERVER_BUSY when every SEP is busy
and the queue is full); any other exception becomes SERVICE_FAILED.

The built-in services (echo, a CBLAPP01-like counter, a router by service
name) need no region, so a listener can be exercised and fuzzed on its own.  The counter
service answers like the report's CBLAPP01 (date and time, program name, host
name, counter); it is a stand-in for tests of clients, not the COBOL program.
"""

from __future__ import annotations

import datetime
import os
import socket
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from twisted.internet import defer

from fakees.binp.events import ZERO, ArgType, Argument, Direction, ErrorCode


class Dispatcher(Protocol):
    def call(self, service: str, operation: str, args: Sequence[Argument]) -> defer.Deferred: ...


class CallError(Exception):
    """Fails one call with a BINP error code (>= 100) and a message for the client."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def outputs(args: Sequence[Argument], values: Callable[[int, Argument], object]) -> list[Argument]:
    """The reply arguments for the OUT/INOUT positions of `args`, valued by `values`."""
    return [
        Argument(a.direction, a.type, values(i, a))
        for i, a in enumerate(a for a in args if a.direction is not Direction.IN)
    ]


class EchoDispatcher:
    """Service "echo": each INOUT argument comes back unchanged, each OUT gets its zero value."""

    def call(self, service: str, operation: str, args: Sequence[Argument]) -> defer.Deferred:
        return defer.succeed(
            outputs(args, lambda _, a: a.value if a.direction is Direction.INOUT else ZERO[a.type])
        )


class CounterDispatcher:
    """A CBLAPP01 look-alike: four OUT values (date-time, program, host, counter).

    The counter lives in `counter_file` when given (so two listeners can share it,
    as the report's two nodes share APPFILE01 on the shared disk), else in memory.
    """

    SIGNATURE = [(Direction.OUT, ArgType.STRING)] * 3 + [(Direction.OUT, ArgType.LONG)]

    def __init__(
        self,
        program: str = "CBLAPP01",
        hostname: str | None = None,
        counter_file: Path | None = None,
        start: int = 0,
    ) -> None:
        self.program = program
        self.hostname = hostname or socket.gethostname()
        self.counter_file = counter_file
        self._counter = start

    def _next_counter(self) -> int:
        if self.counter_file is None:
            value, self._counter = self._counter, self._counter + 1
            return value
        try:
            value = int(self.counter_file.read_text() or "0")
        except FileNotFoundError:
            value = self._counter
        tmp = self.counter_file.with_name(self.counter_file.name + ".tmp")
        tmp.write_text(str(value + 1))
        os.replace(tmp, self.counter_file)
        return value

    def call(self, service: str, operation: str, args: Sequence[Argument]) -> defer.Deferred:
        if [(a.direction, a.type) for a in args] != self.SIGNATURE:
            raise CallError(
                ErrorCode.BAD_ARGUMENTS,
                f"{service}.{operation} takes OUT String, OUT String, OUT String, OUT Long",
            )
        now = datetime.datetime.now()
        stamp = now.strftime("%y/%m/%d %H:%M:%S.") + f"{now.microsecond // 10000:02d}"
        values = [
            stamp.ljust(20),
            (self.program + " ").ljust(10),
            self.hostname[:20].ljust(20),
            self._next_counter(),
        ]
        return defer.succeed(outputs(args, lambda i, _: values[i]))


class Router:
    """Sends each call to the dispatcher registered for its service name."""

    def __init__(self, services: dict[str, Dispatcher]) -> None:
        self.services = services

    def call(self, service: str, operation: str, args: Sequence[Argument]) -> defer.Deferred:
        target = self.services.get(service)
        if target is None:
            known = ", ".join(sorted(self.services)) or "none"
            raise CallError(
                ErrorCode.UNKNOWN_SERVICE, f"no service {service!r} here (services: {known})"
            )
        return target.call(service, operation, args)
