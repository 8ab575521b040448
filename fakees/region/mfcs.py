"""`mfcs32 -n /rNAME`: the communications server, holding the region's listeners.

It binds exactly the configured endpoint (`tcp:ADDR:PORT`, `*` = all addresses
or any port). An address that is not on this machine leaves that listener
Invalid and the region running (the product's limitation behind report
pattern 6); any other bind failure (port in use, no permission) is fatal and
cascd32 abandons the start. Calls arriving on a listener go to the SEP pool.

Listener protocol: until `fakees.binp.server` is wired in `listener_factory`,
listeners speak a diagnostic line protocol: `SERVICE.OPERATION JSON-ARRAY\\n`
answered by `OK JSON\\n` or `ERR message\\n`.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import sys
from typing import Any

from twisted.internet import defer
from twisted.internet.error import CannotListenError
from twisted.internet.interfaces import IListeningPort
from twisted.internet.protocol import Factory
from twisted.protocols.basic import LineOnlyReceiver

from fakees.region.child import ENV_LISTENERS, ChildContext
from fakees.region.seppool import SepError, SepFactory, SepPool

ENV_MAX_QUEUE = "FAKEES_MAX_QUEUE"


class DiagnosticLine(LineOnlyReceiver):
    """`echo.echo [1, "a"]` -> `OK [1, "a"]`: a placeholder wire format for the listener."""

    delimiter = b"\n"
    MAX_LENGTH = 65536

    def __init__(self, pool: SepPool) -> None:
        self.pool = pool

    def lineReceived(self, line: bytes) -> None:
        target, _, rest = line.decode(errors="replace").strip().partition(" ")
        service, dot, operation = target.partition(".")
        try:
            args = json.loads(rest) if rest.strip() else []
        except ValueError as exc:
            self.sendLine(f"ERR arguments are not JSON: {exc}".encode())
            return
        if not dot or not service or not operation or not isinstance(args, list):
            self.sendLine(b"ERR expected: SERVICE.OPERATION [JSON array of arguments]")
            return
        d = self.pool.call(service, operation, args)
        d.addCallbacks(lambda result: self.sendLine(b"OK " + json.dumps(result).encode()),
                       lambda failure: self._error(failure))

    def _error(self, failure: Any) -> None:
        failure.trap(SepError)
        self.sendLine(f"ERR {failure.value}".encode())

    def lineLengthExceeded(self, line: bytes) -> None:
        self.sendLine(f"ERR line longer than {self.MAX_LENGTH} bytes".encode())
        self.transport.loseConnection()


def listener_factory(pool: SepPool) -> Factory:
    """The one place where a listener's wire protocol is chosen."""
    return Factory.forProtocol(lambda: DiagnosticLine(pool))


def split_endpoint(endpoint: str) -> tuple[str, str, int]:
    """`tcp:10.0.0.1:9003` -> ("10.0.0.1", "10.0.0.1", 9003); `*` -> all addresses / any port.

    Returns (address as configured, interface to bind, port)."""
    body = endpoint.removeprefix("tcp:")
    address, _, port = body.rpartition(":")
    interface = "" if address == "*" else address.strip("[]")
    if interface and not _is_ip(interface):
        interface = socket.gethostbyname(interface)
    return address, interface, 0 if port == "*" else int(port)


def _is_ip(text: str) -> bool:
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, text)
            return True
        except OSError:
            continue
    return False


class CommsServer:
    def __init__(self, reactor: Any, context: ChildContext, listeners: list[dict[str, str]],
                 pool: SepPool) -> None:
        self.reactor = reactor
        self.context = context
        self.listeners = listeners
        self.pool = pool
        self.ports: dict[str, IListeningPort] = {}

    def start(self) -> None:
        self.reactor.listenUNIX(self.context.files.sep_address, SepFactory(self.pool))
        for listener in self.listeners:
            self.bind(listener["name"], listener["endpoint"])
        self.context.tell_parent("ready")

    def bind(self, name: str, endpoint: str) -> None:
        try:
            address, interface, port = split_endpoint(endpoint)
            listening = self.reactor.listenTCP(port, listener_factory(self.pool),
                                               interface=interface)
        except (CannotListenError, OSError) as exc:
            error = exc.socketError if isinstance(exc, CannotListenError) else exc
            code = getattr(error, "errno", None)
            if code == errno.EADDRNOTAVAIL:
                why = f"address {address} is not available on this machine"
            else:
                why = os.strerror(code) if code else str(error)
            self.context.console.write("CASCS0002E", listener=name, endpoint=endpoint, why=why)
            self.context.tell_parent("listener", name=name, status="Invalid", reason=why,
                                     fatal=code != errno.EADDRNOTAVAIL, endpoint=endpoint)
            return
        host = listening.getHost()
        actual = f"tcp:{address}:{host.port}"
        self.ports[name] = listening
        self.context.console.write("CASCS0001I", listener=name, endpoint=actual)
        self.context.tell_parent("listener", name=name, status="Started", reason="",
                                 endpoint=actual)

    @defer.inlineCallbacks
    def stop(self) -> Any:
        """Stop accepting, let running and queued calls finish, then end."""
        for name, port in list(self.ports.items()):
            yield port.stopListening()
            self.context.console.write("CASCS0003I", listener=name)
            self.context.tell_parent("listener", name=name, status="Stopped",
                                     reason="region stopping", endpoint="")
        self.ports.clear()
        yield self.pool.drained()
        self.reactor.stop()


def main(argv: list[str]) -> int:
    context = ChildContext.start("mfcs32", argv, allowed={"n": "none"})
    from twisted.internet import reactor

    listeners = json.loads(os.environ.get(ENV_LISTENERS, "[]"))
    pool = SepPool(reactor, max_queue=int(os.environ.get(ENV_MAX_QUEUE, "64")))
    server = CommsServer(reactor, context, listeners, pool)
    stopping: list[bool] = []

    def on_sigterm(*_: object) -> None:
        if not stopping:
            stopping.append(True)
            reactor.callFromThread(server.stop)

    signal.signal(signal.SIGTERM, on_sigterm)
    reactor.callWhenRunning(server.start)
    reactor.run(installSignalHandlers=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
