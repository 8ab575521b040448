"""`fakees call`: call a service over BINP the way the report's Java client (clptest) does.

One call prints one line, the OUT values joined by spaces and trimmed:

    06/08/03 17:08:50.03 CBLAPP01 host1 330

Each call opens a connection, calls `initialize` with true, calls the
function and closes, as each run of clptest did (`--reuse` keeps one
connection).  Failures are printed to stderr in the wording of the report's
client (connection refused, reset, "executing srv01.CBLAPP01").  With
`--repeat N --interval S` it loops like the report's XPbatRun.bat and ends
with a continuity summary.  Exit status: 0 when every call succeeded, 1 when
any failed, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from decimal import Decimal, InvalidOperation
from typing import Any

from fakees.binp.client import (
    BadReply,
    BinpClient,
    BinpClientError,
    ConnectFailed,
    ConnectionLost,
    RemoteCallError,
)
from fakees.binp.continuity import CallRecord, Continuity
from fakees.binp.events import ArgType, Argument, Direction, error_name
from fakees.binp.jsonform import value_to_json

REPORT_ARGS = ["out:string", "out:string", "out:string", "out:long"]
EIS = "javax.resource.spi.EISSystemException"


def parse_arg_spec(spec: str) -> Argument:
    """DIRECTION:TYPE[=VALUE], e.g. out:string, in:long=5, inout:bigdecimal=1.50, in:bytes=00ff."""
    head, has_value, text = spec.partition("=")
    direction_name, colon, type_name = head.partition(":")
    try:
        direction = Direction[direction_name.upper()]
        arg_type = ArgType[type_name.upper()]
    except KeyError:
        raise ValueError(
            f"bad argument {spec!r}: expected DIRECTION:TYPE[=VALUE] with DIRECTION in/out/inout "
            "and TYPE string/long/integer/short/boolean/bigdecimal/bytes"
        ) from None
    if not colon:
        raise ValueError(f"bad argument {spec!r}: missing ':TYPE'")
    if direction is Direction.OUT:
        if has_value:
            raise ValueError(f"bad argument {spec!r}: an OUT argument takes no value")
        return Argument(direction, arg_type)
    if not has_value:
        raise ValueError(f"bad argument {spec!r}: {direction.name} needs =VALUE")
    return Argument(direction, arg_type, _parse_value(spec, arg_type, text))


def _parse_value(spec: str, arg_type: ArgType, text: str) -> Any:
    try:
        if arg_type is ArgType.STRING:
            return text
        if arg_type in (ArgType.LONG, ArgType.INTEGER, ArgType.SHORT):
            return int(text)
        if arg_type is ArgType.BOOLEAN:
            if text.lower() not in ("true", "false"):
                raise ValueError("expected true or false")
            return text.lower() == "true"
        if arg_type is ArgType.BIGDECIMAL:
            return Decimal(text)
        return bytes.fromhex(text)
    except (ValueError, InvalidOperation) as exc:
        raise ValueError(f"bad value in {spec!r}: {exc or 'not a number'}") from None


def display(value: Any) -> str:
    """How the Java client's println shows a value, trimmed of COBOL padding."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return value.hex()
    return str(value).rstrip(" \x00")


def failure_text(exc: BinpClientError, function: str) -> list[str]:
    """The report's client's wording for a failure (java.net / EIS exceptions)."""
    if isinstance(exc, ConnectFailed):
        if exc.refused:
            cause_class, cause = "java.net.ConnectException", "Connection refused: connect"
        elif isinstance(exc.cause, TimeoutError):
            cause_class, cause = "java.net.SocketTimeoutException", "connect timed out"
        else:
            cause_class, cause = "java.net.SocketException", f"{exc.cause.strerror}: connect"
        return [
            f"{cause_class}: {cause}",
            f"{EIS}: CobolException Exception throw during open (see getCause() for more "
            f"information) (elapsed time={exc.elapsed * 1000:.1f})for {exc.host}:{exc.port} "
            f"(cause class:{cause_class}, cause:{cause}) executing {function}",
        ]
    if isinstance(exc, ConnectionLost):
        if exc.reset:
            what = f"Connection reset by peer: socket {exc.phase} error"
        elif exc.detail == "timed out":
            what = "Read timed out"
        else:
            # "Connection closed by peer[ inside a frame (N bytes)]", or the OS's words
            what = f"Connection {exc.detail}" if exc.detail.startswith("closed") else exc.detail
        return [f"{EIS}: IOException {what} occurred executing {function}"]
    if isinstance(exc, RemoteCallError):
        code = exc.error.code
        return [
            f"{EIS}: CobolException BINP error {code} {error_name(code)}: "
            f"{exc.error.message} executing {function}"
        ]
    assert isinstance(exc, BadReply)
    return [f"{EIS}: IOException malformed answer from server: {exc.cause} executing {function}"]


def failure_kind(exc: BinpClientError) -> str:
    if isinstance(exc, ConnectFailed):
        return "refused" if exc.refused else "connect-failed"
    if isinstance(exc, ConnectionLost):
        return "reset" if exc.reset else "closed"
    return "error" if isinstance(exc, RemoteCallError) else "malformed-answer"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="fakees call",
        description="Call a service over BINP like the report's Java client.",
        epilog="Arguments: DIRECTION:TYPE[=VALUE]; default: the report's " + " ".join(REPORT_ARGS),
    )
    p.add_argument("function", help="service.operation, e.g. srv01.CBLAPP01")
    p.add_argument("args", nargs="*", metavar="ARG", help="e.g. out:string in:long=5")
    p.add_argument("--host", default="127.0.0.1", help="listener address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=9003, help="listener port (default 9003)")
    p.add_argument("--repeat", type=int, default=1, metavar="N", help="make N calls (loop mode)")
    p.add_argument("--interval", type=float, default=0.0, metavar="S", help="pause between calls")
    p.add_argument("--timeout", type=float, default=10.0, metavar="S", help="socket timeout")
    p.add_argument("--reuse", action="store_true", help="keep one connection between calls")
    p.add_argument("--no-initialize", action="store_true", help="skip the initialize call")
    p.add_argument("--json", action="store_true", help="one JSON object per call, then a summary")
    p.add_argument(
        "--host-arg", type=int, default=3, metavar="K", help="OUT value naming the host (3)"
    )
    p.add_argument(
        "--counter-arg", type=int, default=4, metavar="K", help="OUT value holding the counter (4)"
    )
    return p


class CallLoop:
    """Runs the calls, prints each result, and feeds the continuity summary."""

    def __init__(self, opts: argparse.Namespace, args: list[Argument]) -> None:
        self.opts = opts
        self.args = args
        self.client: BinpClient | None = None
        self.continuity = Continuity()

    def run(self) -> int:
        try:
            for index in range(1, self.opts.repeat + 1):
                self.one(index)
                if index < self.opts.repeat and self.opts.interval > 0:
                    time.sleep(self.opts.interval)
        except KeyboardInterrupt:
            self.finish()
            return 130
        self.finish()
        return 0 if self.continuity.failed == 0 else 1

    def one(self, index: int) -> None:
        opts = self.opts
        started = datetime.datetime.now()
        t0 = time.monotonic()
        try:
            if self.client is None:
                client = BinpClient(opts.host, opts.port, opts.timeout, "fakees call")
                client.connect()
                self.client = client
                if not opts.no_initialize:
                    client.initialize(True)
            values = self.client.call(opts.function, self.args)
        except BinpClientError as exc:
            self._drop_client()
            self.report_failure(index, started, time.monotonic() - t0, exc)
            return
        if not opts.reuse:
            self._drop_client()
        self.report_ok(index, started, time.monotonic() - t0, values)

    def _drop_client(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def report_ok(
        self, index: int, started: datetime.datetime, seconds: float, values: list
    ) -> None:
        host = _pick(values, self.opts.host_arg)
        counter = _pick(values, self.opts.counter_arg)
        self.continuity.add(
            CallRecord(
                index,
                started,
                True,
                display(host) if host is not None else None,
                counter if isinstance(counter, int) and not isinstance(counter, bool) else None,
            )
        )
        if self.opts.json:
            outs = [a for a in self.args if a.direction is not Direction.IN]
            self._json(
                {
                    "call": index,
                    "time": started.isoformat(),
                    "ms": round(seconds * 1000, 3),
                    "ok": True,
                    "values": [value_to_json(a.type, v) for a, v in zip(outs, values, strict=True)],
                }
            )
        else:
            print(" ".join(display(v) for v in values), flush=True)

    def report_failure(
        self, index: int, started: datetime.datetime, seconds: float, exc: BinpClientError
    ) -> None:
        lines = failure_text(exc, self.opts.function)
        self.continuity.add(CallRecord(index, started, False, error=lines[-1]))
        if self.opts.json:
            self._json(
                {
                    "call": index,
                    "time": started.isoformat(),
                    "ms": round(seconds * 1000, 3),
                    "ok": False,
                    "failure": failure_kind(exc),
                    "error": str(exc),
                }
            )
        for line in lines:
            print(line, file=sys.stderr, flush=True)

    def finish(self) -> None:
        self._drop_client()
        if self.opts.json:
            self._json({"summary": self.continuity.summary_json()})
        elif self.opts.repeat > 1:
            for line in self.continuity.summary_lines():
                print(line, flush=True)

    @staticmethod
    def _json(obj: dict[str, Any]) -> None:
        print(json.dumps(obj, ensure_ascii=False), flush=True)


def _pick(values: list, position: int) -> Any:
    return values[position - 1] if 0 < position <= len(values) else None


def main(argv: list[str]) -> int:
    parser = build_parser()
    opts = parser.parse_args(argv)
    if opts.repeat < 1:
        parser.error("--repeat must be at least 1")
    try:
        args = [parse_arg_spec(spec) for spec in (opts.args or REPORT_ARGS)]
    except ValueError as exc:
        parser.error(str(exc))
    return CallLoop(opts, args).run()
