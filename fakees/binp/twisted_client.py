"""A Twisted BINP client: the same Connection state machine behind Deferreds.

    proto = yield connect(reactor, "127.0.0.1", 9003)
    yield proto.initialize(True)
    values = yield proto.call("srv01.CBLAPP01", outs("SSSL"))

Calls may be pipelined; each Deferred fires with the call's OUT/INOUT values
or fails with the exceptions of `fakees.binp.client` (RemoteCallError,
BadReply, ConnectionLost, ConnectFailed).
"""

from __future__ import annotations

from collections import deque

from twisted.internet import defer, error, protocol
from twisted.internet.endpoints import TCP4ClientEndpoint, connectProtocol
from twisted.internet.interfaces import IReactorTCP
from twisted.python.failure import Failure

from fakees.binp.client import BadReply, ConnectFailed, ConnectionLost, RemoteCallError
from fakees.binp.connection import CLIENT, NEED_DATA, Connection, Limits, call_ids
from fakees.binp.events import (
    ArgType,
    Argument,
    Call,
    Direction,
    Error,
    Event,
    Hello,
    Ping,
    Pong,
    RemoteProtocolError,
    Reply,
    Welcome,
)


class BinpClientProtocol(protocol.Protocol):
    """One client connection; `ready` fires with the protocol once WELCOME arrives."""

    def __init__(self, client_name: str = "fakees twisted client") -> None:
        self.client_name = client_name
        self.conn = Connection(CLIENT, Limits(max_frame=64 * 1024 * 1024))
        self.ready: defer.Deferred = defer.Deferred()
        self.welcome: Welcome | None = None
        self._waiting: deque[defer.Deferred] = deque()
        self._ids = call_ids()
        self._failed: Exception | None = None

    def connectionMade(self) -> None:
        self.transport.write(self.conn.send(Hello(client=self.client_name)))

    def call(
        self, function: str, args: list[Argument] | tuple[Argument, ...] = ()
    ) -> defer.Deferred:
        """Fires with the values of the OUT and INOUT arguments, in order."""
        return self._request(Call(next(self._ids), function, tuple(args)))

    def initialize(self, flag: bool = True) -> defer.Deferred:
        return self.call("initialize", [Argument(Direction.IN, ArgType.BOOLEAN, flag)])

    def ping(self) -> defer.Deferred:
        return self._request(Ping(next(self._ids)))

    def close(self) -> None:
        self.transport.loseConnection()

    def _request(self, event: Call | Ping) -> defer.Deferred:
        if self._failed is not None:
            return defer.fail(self._failed)
        data = self.conn.send(event)
        d: defer.Deferred = defer.Deferred()
        self._waiting.append(d)
        self.transport.write(data)
        return d

    def dataReceived(self, data: bytes) -> None:
        self.conn.receive_data(data)
        while True:
            try:
                event = self.conn.next_event()
            except RemoteProtocolError as exc:
                self._fail_all(BadReply(exc))
                self.transport.abortConnection()
                return
            if event is NEED_DATA:
                return
            self._deliver(event)

    def _deliver(self, event: Event) -> None:
        if isinstance(event, Welcome):
            self.welcome = event
            self.ready.callback(self)
        elif isinstance(event, Error) and event.fatal:
            self._fail_all(RemoteCallError(event))
        elif isinstance(event, Error):
            self._waiting.popleft().errback(RemoteCallError(event))
        elif isinstance(event, Reply):
            self._waiting.popleft().callback([a.value for a in event.args])
        elif isinstance(event, Pong):
            self._waiting.popleft().callback(None)

    def connectionLost(self, reason: Failure = protocol.connectionDone) -> None:
        reset = reason.check(error.ConnectionLost) is not None
        self._fail_all(ConnectionLost("read", reason.getErrorMessage(), reset))

    def _fail_all(self, exc: Exception) -> None:
        if self._failed is None:
            self._failed = exc
        if not self.ready.called:
            self.ready.errback(exc)
        while self._waiting:
            self._waiting.popleft().errback(exc)


def connect(reactor: IReactorTCP, host: str, port: int, timeout: float = 10.0) -> defer.Deferred:
    """Connect and say hello; fires with a ready BinpClientProtocol."""
    endpoint = TCP4ClientEndpoint(reactor, host, port, timeout=timeout)
    start = reactor.seconds()  # type: ignore[attr-defined]

    def failed(failure: Failure) -> Failure:
        if failure.check(error.ConnectError):
            cause = failure.value
            os_error: OSError = (
                ConnectionRefusedError(111, "Connection refused")
                if failure.check(error.ConnectionRefusedError)
                else TimeoutError(str(cause))
            )
            elapsed = reactor.seconds() - start  # type: ignore[attr-defined]
            raise ConnectFailed(host, port, os_error, elapsed)
        return failure

    d = connectProtocol(endpoint, BinpClientProtocol())
    d.addErrback(failed)
    return d.addCallback(lambda proto: proto.ready)
