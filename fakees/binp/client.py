"""A blocking BINP client on plain sockets (no Twisted), as short-lived commands need.

    with BinpClient("127.0.0.1", 9003) as client:
        client.initialize(True)
        date, program, host, counter = client.call("srv01.CBLAPP01", outs("SSSL"))

Failures are exceptions that say which step failed, so a caller can print
them the way the report's Java client does: `ConnectFailed` (nothing listens,
timeout), `ConnectionLost` (reset or closed while writing or reading),
`RemoteCallError` (the server answered with a BINP Error) and `BadReply` (the
server's bytes break the protocol).
"""

from __future__ import annotations

import errno
import socket
import time
from types import TracebackType

from fakees.binp.connection import CLIENT, NEED_DATA, Connection, Limits, call_ids
from fakees.binp.events import (
    ArgType,
    Argument,
    BinpError,
    Call,
    ConnectionClosed,
    Direction,
    Error,
    Event,
    Hello,
    Ping,
    Pong,
    RemoteProtocolError,
    Reply,
    Welcome,
    error_name,
)

TYPE_LETTERS = {
    "S": ArgType.STRING,
    "L": ArgType.LONG,
    "I": ArgType.INTEGER,
    "H": ArgType.SHORT,
    "B": ArgType.BOOLEAN,
    "D": ArgType.BIGDECIMAL,
    "Y": ArgType.BYTES,
}


def outs(letters: str) -> list[Argument]:
    """OUT arguments by type letter: S String, L Long, I Integer, H Short, B Boolean,
    D BigDecimal, Y bytes; the report's CBLAPP01 call is outs("SSSL")."""
    return [Argument(Direction.OUT, TYPE_LETTERS[letter]) for letter in letters]


class BinpClientError(Exception):
    """Base of the client's failures."""


class ConnectFailed(BinpClientError):
    """The TCP connection could not be opened (refused, unreachable, timed out)."""

    def __init__(self, host: str, port: int, cause: OSError, elapsed: float) -> None:
        self.host, self.port, self.cause, self.elapsed = host, port, cause, elapsed
        super().__init__(f"cannot connect to {host}:{port}: {describe_os_error(cause)}")

    @property
    def refused(self) -> bool:
        return isinstance(self.cause, ConnectionRefusedError)


class ConnectionLost(BinpClientError):
    """The connection broke; `phase` is "write" or "read", `reset` tells RST from FIN."""

    def __init__(self, phase: str, detail: str, reset: bool) -> None:
        self.phase, self.detail, self.reset = phase, detail, reset
        super().__init__(f"connection lost on socket {phase}: {detail}")


class RemoteCallError(BinpClientError):
    """The server answered with a BINP Error frame."""

    def __init__(self, error: Error) -> None:
        self.error = error
        super().__init__(f"BINP error {error.code} {error_name(error.code)}: {error.message}")


class BadReply(BinpClientError):
    """The server's bytes break BINP (e.g. a corrupted frame)."""

    def __init__(self, exc: BinpError) -> None:
        self.cause = exc
        super().__init__(f"malformed answer from server: {exc}")


def describe_os_error(exc: OSError) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    return exc.strerror or str(exc)


class BinpClient:
    """One BINP connection; calls are sent one at a time and wait for their answer."""

    def __init__(
        self, host: str, port: int, timeout: float = 10.0, client_name: str = "fakees call"
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.client_name = client_name
        self.welcome: Welcome | None = None
        self._sock: socket.socket | None = None
        self._conn = Connection(CLIENT, Limits(max_frame=64 * 1024 * 1024))
        self._ids = call_ids()

    def __enter__(self) -> BinpClient:
        self.connect()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def connect(self) -> Welcome:
        start = time.monotonic()
        try:
            self._sock = socket.create_connection((self.host, self.port), self.timeout)
        except OSError as exc:
            raise ConnectFailed(self.host, self.port, exc, time.monotonic() - start) from None
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._send(Hello(client=self.client_name))
        welcome = self._receive()
        if isinstance(welcome, Error):  # e.g. TOO_MANY_CONNECTIONS, VERSION_UNSUPPORTED
            self.close()
            raise RemoteCallError(welcome)
        if not isinstance(welcome, Welcome):
            raise BadReply(RemoteProtocolError(0, f"expected Welcome, got {welcome!r}"))
        self.welcome = welcome
        return welcome

    def call(self, function: str, args: list[Argument] | tuple[Argument, ...] = ()) -> list:
        """Run `function`; returns the values of its OUT and INOUT arguments, in order."""
        reply = self._request(Call(next(self._ids), function, tuple(args)))
        return [a.value for a in reply.args]  # type: ignore[union-attr]

    def initialize(self, flag: bool = True) -> None:
        """The report's first call: `initialize` with one Boolean."""
        self.call("initialize", [Argument(Direction.IN, ArgType.BOOLEAN, flag)])

    def ping(self) -> None:
        self._request(Ping(next(self._ids)))

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    # ---- plumbing --------------------------------------------------------------------

    def _request(self, event: Call | Ping) -> Reply | Pong:
        if self._sock is None:
            raise ConnectionLost("write", "not connected", reset=False)
        self._send(event)
        answer = self._receive()
        kind = type(answer)  # the connection has checked that it answers `event`
        if kind is Reply or kind is Pong:
            return answer  # type: ignore[return-value]
        if kind is Error:
            raise RemoteCallError(answer)  # type: ignore[arg-type]
        raise BadReply(RemoteProtocolError(0, f"unexpected answer {answer!r}"))

    def _send(self, event: Event) -> None:
        data = self._conn.send(event)
        assert self._sock is not None
        try:
            self._sock.sendall(data)
        except OSError as exc:
            self.close()
            raise ConnectionLost("write", describe_os_error(exc), _is_reset(exc)) from None

    def _receive(self) -> Event:
        assert self._sock is not None
        while True:
            try:
                event = self._conn.next_event()
            except RemoteProtocolError as exc:
                self.close()
                raise BadReply(exc) from None
            if isinstance(event, ConnectionClosed):
                self.close()
                raise ConnectionLost("read", event.reason, reset=False)
            if event is not NEED_DATA:
                return event  # type: ignore[return-value]
            try:
                data = self._sock.recv(65536)
            except OSError as exc:
                self.close()
                raise ConnectionLost("read", describe_os_error(exc), _is_reset(exc)) from None
            self._conn.receive_data(data)


def _is_reset(exc: OSError) -> bool:
    return isinstance(exc, ConnectionResetError | BrokenPipeError) or exc.errno in (
        errno.ECONNRESET,
        errno.EPIPE,
    )
