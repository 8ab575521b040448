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
from typing import Any

from fakees.region import wire
from fakees.region.child import ENV_SEP_INDEX, ChildContext
from fakees.region.services import ServiceError, error_kind, load_providers, resolve


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

    def handle(self, message: dict[str, Any]) -> dict[str, Any]:
        reply: dict[str, Any] = {"type": "reply", "id": message.get("id")}
        try:
            handler = resolve(self.providers, str(message.get("service")),
                              str(message.get("operation")))
            result = handler(list(message.get("args") or []))
            if not isinstance(result, list):
                raise ServiceError(f"service returned {type(result).__name__}, not a list of "
                                   "OUT/INOUT values")
            reply.update(ok=True, result=result)
        except ServiceError as exc:
            reply.update(ok=False, error=str(exc), kind=error_kind(exc))
        except Exception as exc:  # a broken service must not take the SEP down
            reply.update(ok=False, error=f"{type(exc).__name__}: {exc}")
        return reply

    def serve(self, sock: socket.socket) -> None:
        decoder = wire.FrameDecoder()
        sock.sendall(wire.encode({"type": "hello", "pid": os.getpid(), "index": self.index}))
        if not self.announced:
            self.announced = True
            self.context.console.write("CASSI0001I", index=self.index, pid=os.getpid())
            self.context.tell_parent("ready")
        while True:
            data = sock.recv(65536)
            if not data:
                return
            for message in decoder.feed(data):
                if message["type"] != "call":
                    continue
                self.busy = True
                try:
                    sock.sendall(wire.encode(self.handle(message)))
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
