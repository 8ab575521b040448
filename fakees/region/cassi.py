"""`cassi32 /rNAME`: a service execution process (SEP).

A plain blocking loop, no Twisted (a region runs several SEPs; each stays
small). The SEP connects to mfcs32's abstract Unix socket, says hello, then
runs one call at a time and replies (framing in `fakees.region.wire`). When
mfcs32 goes away it reconnects with back-off. SIGTERM ends an idle SEP at
once and a busy one right after its current reply (quiesce).
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time

from fakees.binp.events import (
    ZERO,
    ArgType,
    Call,
    Direction,
    Error,
    ErrorCode,
    LocalProtocolError,
    Reply,
    argument,
)
from fakees.region import wire
from fakees.region.child import ENV_SEP_INDEX, ChildContext
from fakees.region.services import ServiceError, error_code, load_providers, resolve

# Enum .name is a descriptor call; these are plain look-ups on every argument of every call.
_DIRECTIONS = {d: d.name for d in Direction}
_TYPES = {t: t.name for t in ArgType}
_IN = Direction.IN  # a module global: Enum member look-ups are Python calls in 3.11


class Sep:
    def __init__(self, context: ChildContext, index: int) -> None:
        self.context = context
        self.index = index
        self.providers = load_providers()
        self.busy = False
        self.stopping = False
        self.announced = False

    def on_sigterm(self, *_: object) -> None:
        self.stopping = True
        if not self.busy:
            raise SystemExit(0)

    def connect(self) -> socket.socket:
        """Poll briskly for the first seconds (mfcs32 is starting too), then back off."""
        start, delay = time.monotonic(), 0.01
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(self.context.files.sep_address)
                return sock
            except OSError:
                sock.close()
                time.sleep(delay)
                if time.monotonic() - start > 5:
                    delay = min(delay * 2, 1.0)

    def handle(self, call: Call) -> Reply | Error:
        """Run the service; its values become the reply's OUT/INOUT Arguments (None: zero)."""
        service, _, operation = call.function.partition(".")
        wanted = [a for a in call.args if a.direction is not _IN]
        try:
            handler = resolve(self.providers, service, operation)
            result = handler([{"direction": _DIRECTIONS[a.direction], "type": _TYPES[a.type],
                               "value": a.value} for a in call.args])
            if not isinstance(result, list) or len(result) != len(wanted):
                raise ServiceError(f"{call.function} returned {result!r} for "
                                   f"{len(wanted)} OUT/INOUT arguments")
            return Reply(call.call_id, tuple([
                argument(a.direction, a.type, ZERO[a.type] if v is None else v)
                for a, v in zip(wanted, result, strict=True)]))
        except ServiceError as exc:
            return Error(call.call_id, error_code(exc), str(exc))
        except Exception as exc:  # a broken service must not take the SEP down
            return Error(call.call_id, ErrorCode.SERVICE_FAILED, f"{type(exc).__name__}: {exc}")

    @staticmethod
    def encode(answer: Reply | Error) -> bytes:
        """The answer's frame; a value that does not fit its BINP type fails the call."""
        try:
            return wire.encode_event(answer)
        except LocalProtocolError as exc:
            return wire.encode_event(Error(answer.call_id, ErrorCode.SERVICE_FAILED, str(exc)))

    def serve(self, sock: socket.socket) -> None:
        decoder = wire.FrameDecoder()
        sock.sendall(wire.encode_hello(os.getpid(), self.index))
        if not self.announced:
            self.announced = True
            self.context.console.write("CASSI0001I", index=self.index, pid=os.getpid())
            self.context.tell_parent("ready")
        while True:
            data = sock.recv(65536)
            if not data:
                return
            for message in decoder.feed(data):
                if not isinstance(message, Call):
                    continue
                self.busy = True
                try:
                    sock.sendall(self.encode(self.handle(message)))
                finally:
                    self.busy = False
                if self.stopping:
                    raise SystemExit(0)

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.on_sigterm)
        try:
            while True:
                sock = self.connect()
                try:
                    self.serve(sock)
                except (OSError, wire.FrameError):
                    pass
                finally:
                    sock.close()
        except SystemExit:
            self.context.console.write("CASSI0002I", index=self.index)
            return 0


def main(argv: list[str]) -> int:
    context = ChildContext.start("cassi32", argv)
    return Sep(context, int(os.environ.get(ENV_SEP_INDEX, "0"))).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
