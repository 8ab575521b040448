"""The Twisted listener, deterministically: StringTransport and Clock, no sockets, no sleeps."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from twisted.internet import defer
from twisted.internet.address import IPv4Address
from twisted.internet.task import Clock
from twisted.internet.testing import StringTransport

from fakees.binp import faults as faults_module
from fakees.binp import wire
from fakees.binp.connection import CLIENT, NEED_DATA, Connection, Limits
from fakees.binp.dispatch import CallError, CounterDispatcher, EchoDispatcher, Router
from fakees.binp.events import (
    ArgType,
    Argument,
    BinpError,
    Call,
    Direction,
    Error,
    ErrorCode,
    Hello,
    Ping,
    Pong,
    Reply,
    Welcome,
)
from fakees.binp.server import BinpServerFactory, Faults, ListenerSettings

IN, OUT, INOUT = Direction.IN, Direction.OUT, Direction.INOUT
CBLAPP01_ARGS = tuple(Argument(OUT, t) for t in [ArgType.STRING] * 3 + [ArgType.LONG])


class Peer:
    """A listener connection on a StringTransport, driven through a client Connection."""

    def __init__(self, factory: BinpServerFactory, hello: bool = True) -> None:
        self.factory = factory
        self.transport = StringTransport()
        self.proto = factory.buildProtocol(IPv4Address("TCP", "127.0.0.1", 40000))
        self.proto.makeConnection(self.transport)
        self.client = Connection(CLIENT, Limits(max_frame=1 << 26))
        self.ids = iter(range(1, 10**6))
        if hello:
            self.send(Hello(client="test"))
            assert isinstance(self.receive()[0], Welcome)

    def send(self, event) -> None:
        self.proto.dataReceived(self.client.send(event))

    def send_raw(self, data: bytes) -> None:
        self.proto.dataReceived(data)

    def call(self, function: str, *args: Argument) -> Call:
        call = Call(next(self.ids), function, tuple(args))
        self.send(call)
        return call

    def receive(self) -> list:
        data = self.transport.value()
        self.transport.clear()
        if data:  # b"" would mean end of file
            self.client.receive_data(data)
        events = []
        while (event := self.client.next_event()) is not NEED_DATA:
            events.append(event)
        return events

    @property
    def closed(self) -> bool:
        return self.transport.disconnecting


def make_factory(clock: Clock, dispatcher=None, faults: Faults | None = None, **settings):
    dispatcher = dispatcher or Router(
        {"echo": EchoDispatcher(), "srv01": CounterDispatcher(hostname="host1", start=330)}
    )
    return BinpServerFactory(dispatcher, ListenerSettings(**settings), faults, clock)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_report_session_initialize_then_cblapp01(clock: Clock) -> None:
    peer = Peer(make_factory(clock))
    peer.call("initialize", Argument(IN, ArgType.BOOLEAN, True))
    assert peer.receive() == [Reply(1, ())]
    for counter in (330, 331):
        call = peer.call("srv01.CBLAPP01", *CBLAPP01_ARGS)
        [reply] = peer.receive()
        assert reply.call_id == call.call_id
        stamp, program, host, value = (a.value for a in reply.args)
        assert len(stamp) == 20 and stamp[2] == "/" and stamp[17] == "."
        assert (program, host.rstrip(), value) == ("CBLAPP01  ", "host1", counter)
    assert not peer.closed


def test_every_type_and_direction_round_trips_through_echo(clock: Clock) -> None:
    peer = Peer(make_factory(clock))
    values = {
        ArgType.STRING: "héllo",
        ArgType.LONG: -(2**63),
        ArgType.INTEGER: 2**31 - 1,
        ArgType.SHORT: -1,
        ArgType.BOOLEAN: True,
        ArgType.BIGDECIMAL: Decimal("-12.50"),
        ArgType.BYTES: b"\x00\xff",
    }
    args = [Argument(INOUT, t, v) for t, v in values.items()]
    args += [Argument(IN, ArgType.STRING, "ignored"), Argument(OUT, ArgType.LONG)]
    peer.call("echo.any", *args)
    [reply] = peer.receive()
    assert [a.value for a in reply.args] == [*values.values(), 0]


def test_pipelined_calls_are_answered_in_order(clock: Clock) -> None:
    peer = Peer(make_factory(clock))
    calls = [peer.call("srv01.CBLAPP01", *CBLAPP01_ARGS) for _ in range(5)]
    peer.send(Ping(99))
    answers = peer.receive()
    assert [a.call_id for a in answers] == [c.call_id for c in calls] + [99]
    assert [a.args[3].value for a in answers[:5]] == [330, 331, 332, 333, 334]
    assert isinstance(answers[5], Pong)


@pytest.mark.parametrize(
    ("function", "code"),
    [
        ("nodot", ErrorCode.UNKNOWN_FUNCTION),
        ("nosuch.op", ErrorCode.UNKNOWN_SERVICE),
        ("initialize", ErrorCode.BAD_ARGUMENTS),
    ],
)
def test_call_errors_keep_the_connection(clock: Clock, function: str, code: int) -> None:
    peer = Peer(make_factory(clock))
    peer.call(function)
    [error] = peer.receive()
    assert isinstance(error, Error) and error.code == code and not error.fatal
    peer.call("echo.x", Argument(INOUT, ArgType.SHORT, 7))
    assert peer.receive()[0].args[0].value == 7


def test_malformed_frame_gets_a_fatal_error_and_a_close(clock: Clock) -> None:
    peer = Peer(make_factory(clock))
    peer.send_raw(b"XX\x10\x00" + bytes(8))
    [error] = peer.receive()
    assert error.code == ErrorCode.MALFORMED_FRAME and "bad magic b'XX'" in error.message
    assert peer.closed
    assert peer.factory.fatal_errors == 1


def test_frame_too_large_is_refused_from_its_header_alone(clock: Clock) -> None:
    peer = Peer(make_factory(clock, limits=Limits(max_frame=1000)))
    peer.send_raw(b"BP\x10\x00\x00\x00\x00\x07\x00\x00\x10\x00")
    [error] = peer.receive()
    assert (error.code, error.call_id) == (ErrorCode.FRAME_TOO_LARGE, 7)
    assert error.message == "CALL frame of 4108 bytes, limit is 1000"
    assert peer.closed


def test_argument_count_and_string_limits_fail_the_call_only(clock: Clock) -> None:
    peer = Peer(make_factory(clock, limits=Limits(max_args=3, max_string=10)))
    peer.call("echo.x", *[Argument(IN, ArgType.SHORT, 1)] * 4)
    peer.call("echo.x", Argument(IN, ArgType.STRING, "x" * 11))
    peer.call("echo.x", Argument(IN, ArgType.BYTES, b"x" * 10))
    first, second, third = peer.receive()
    assert (first.code, first.message) == (ErrorCode.LIMIT_EXCEEDED, "4 arguments, limit is 3")
    assert second.message == "argument 1 is 11 bytes long, limit is 10"
    assert isinstance(third, Reply)
    assert not peer.closed


def test_a_reply_beyond_the_announced_limits_fails_the_call_only(clock: Clock) -> None:
    class Big:
        def call(self, service, operation, args):
            size = {"string": 11, "frame": 9, "fits": 10}[operation]
            return defer.succeed([Argument(OUT, ArgType.BYTES, b"x" * size)] * (
                3 if operation == "frame" else 1))

    peer = Peer(make_factory(clock, Big(), limits=Limits(max_frame=50, max_string=10)))
    peer.call("s.string", Argument(OUT, ArgType.BYTES))
    peer.call("s.frame", *[Argument(OUT, ArgType.BYTES)] * 3)
    peer.call("s.fits", Argument(OUT, ArgType.BYTES))
    string, frame, fits = peer.receive()
    assert (string.code, string.message) == (
        ErrorCode.SERVICE_FAILED, "reply argument 1 is 11 bytes long, over the max string of 10")
    assert (frame.code, frame.message) == (
        ErrorCode.SERVICE_FAILED, "the reply would be 59 bytes, over the max frame of 50")
    assert fits == Reply(3, (Argument(OUT, ArgType.BYTES, b"x" * 10),))
    assert not peer.closed


def test_too_many_pending_calls_is_a_connection_error(clock: Clock) -> None:
    never = defer.Deferred()

    class Stuck:
        def call(self, service, operation, args):
            return never

    peer = Peer(make_factory(clock, Stuck(), limits=Limits(max_pending=2)))
    peer.send_raw(b"".join(wire.encode(Call(i, "x.y")) for i in (1, 2, 3)))
    [error] = peer.receive()
    assert error.code == ErrorCode.TOO_MANY_PENDING and peer.closed


def test_idle_timeout_closes_a_silent_connection(clock: Clock) -> None:
    peer = Peer(make_factory(clock, idle_timeout=30.0))
    clock.advance(29)
    assert not peer.closed
    peer.send(Ping(1))
    clock.advance(29)
    assert not peer.closed
    clock.advance(2)
    _pong, error = peer.receive()
    assert error.code == ErrorCode.IDLE_TIMEOUT and peer.closed


def test_idle_timeout_does_not_fire_while_a_call_runs(clock: Clock) -> None:
    slow = defer.Deferred()

    class Slow:
        def call(self, service, operation, args):
            return slow

    peer = Peer(make_factory(clock, Slow(), idle_timeout=5.0))
    peer.call("svc.op")
    clock.advance(12)
    assert not peer.closed
    slow.callback([])
    assert peer.receive() == [Reply(1, ())]


def test_read_timeout_closes_a_stalled_partial_frame(clock: Clock) -> None:
    peer = Peer(make_factory(clock, read_timeout=2.0, idle_timeout=None))
    peer.send_raw(b"BP\x20\x00\x00")
    clock.advance(1.9)
    assert not peer.closed
    clock.advance(0.2)
    [error] = peer.receive()
    assert error.code == ErrorCode.READ_TIMEOUT
    assert error.message == "frame incomplete after 2.0 s (5 bytes buffered)"


def test_a_completed_frame_cancels_the_read_timeout(clock: Clock) -> None:
    peer = Peer(make_factory(clock, read_timeout=2.0, idle_timeout=None))
    data = peer.client.send(Ping(4))
    peer.send_raw(data[:5])
    clock.advance(1.5)
    peer.send_raw(data[5:])
    clock.advance(5)
    assert peer.receive() == [Pong(4)] and not peer.closed


def test_connections_beyond_the_limit_are_refused(clock: Clock) -> None:
    factory = make_factory(clock, max_connections=2)
    first, _second = Peer(factory), Peer(factory)
    third = Peer(factory, hello=False)
    [error] = third.receive()
    assert error.code == ErrorCode.TOO_MANY_CONNECTIONS and third.closed
    first.proto.connectionLost()
    assert not Peer(factory).closed


def test_version_negotiation_refuses_unknown_versions(clock: Clock) -> None:
    peer = Peer(make_factory(clock), hello=False)
    peer.send_raw(wire.encode(Hello(2, 5, "future")))
    [error] = peer.receive()
    assert error.code == ErrorCode.VERSION_UNSUPPORTED
    assert error.message == "client speaks versions 2..5, this peer speaks 1..1"


def test_welcome_picks_the_highest_common_version_and_announces_limits(clock: Clock) -> None:
    peer = Peer(make_factory(clock, limits=Limits(7000, 9, 99, 3)), hello=False)
    peer.send(Hello(1, 4, "newer client"))
    [welcome] = peer.receive()
    assert welcome == Welcome(1, 7000, 9, 99, 3, "fakees BINP listener")


def test_dispatcher_errors_become_call_errors(clock: Clock) -> None:
    class Failing:
        def call(self, service, operation, args):
            if operation == "busy":
                return defer.fail(CallError(ErrorCode.SERVER_BUSY, "all 2 SEPs busy"))
            if operation == "wrong":
                return defer.succeed([Argument(OUT, ArgType.STRING, "x")])
            raise ZeroDivisionError("division by zero")

    peer = Peer(make_factory(clock, Failing()))
    peer.call("s.busy")
    peer.call("s.wrong", Argument(OUT, ArgType.LONG))
    peer.call("s.crash")
    busy, wrong, crash = peer.receive()
    assert (busy.code, busy.message) == (ErrorCode.SERVER_BUSY, "all 2 SEPs busy")
    assert wrong.code == ErrorCode.SERVICE_FAILED
    assert wrong.message == "service returned 1 outputs (OUT STRING), the call declares (OUT LONG)"
    assert (crash.code, crash.message) == (
        ErrorCode.SERVICE_FAILED,
        "ZeroDivisionError: division by zero",
    )


def test_call_timeout(clock: Clock) -> None:
    class Hanging:
        def call(self, service, operation, args):
            return defer.Deferred()

    peer = Peer(make_factory(clock, Hanging(), call_timeout=3.0))
    peer.call("s.op")
    clock.advance(3.1)
    [error] = peer.receive()
    assert (error.code, error.message) == (ErrorCode.CALL_TIMEOUT, "call took longer than 3.0 s")


def test_fault_delay_holds_each_answer(clock: Clock) -> None:
    peer = Peer(make_factory(clock, faults=Faults(delay=2.0)))
    peer.send(Ping(1))
    assert peer.receive() == []
    clock.advance(2.0)
    assert peer.receive() == [Pong(1)]


def test_fault_drop_closes_instead_of_answering(clock: Clock) -> None:
    peer = Peer(make_factory(clock, faults=Faults(drop=True)))
    peer.call("echo.x")
    assert peer.transport.value() == b"" and peer.closed


def test_fault_reset_after_n_bytes_aborts(clock: Clock) -> None:
    peer = Peer(make_factory(clock, faults=Faults(reset_after=40)))
    peer.call("echo.x")  # hello (19 bytes) + this call (24 bytes) crosses 40
    assert peer.transport.value() == b"" and peer.transport.disconnected


def test_fault_corrupt_reply_breaks_the_magic(clock: Clock) -> None:
    peer = Peer(make_factory(clock, faults=Faults(corrupt_reply=True)))
    peer.send(Ping(1))
    assert peer.transport.value()[:2] == b"\xbdP"
    with pytest.raises(BinpError, match="bad magic"):
        peer.receive()


def test_fault_fail_next_fails_exactly_n_calls(clock: Clock) -> None:
    factory = make_factory(clock, faults=Faults(fail_next=2))
    peer = Peer(factory)
    for _ in range(3):
        peer.call("echo.x")
    first, second, third = peer.receive()
    assert first.code == second.code == ErrorCode.INJECTED_FAULT
    assert first.message == "injected failure (fault fail-next, 1 left)"
    assert isinstance(third, Reply)


def test_faults_from_json_object() -> None:
    assert Faults.from_dict({"delay": 0.2, "fail_next": 3}) == Faults(delay=0.2, fail_next=3)
    assert Faults.from_dict({"reset_after": 40, "drop": True}) == Faults(drop=True, reset_after=40)
    assert Faults.from_dict(None) == Faults.from_dict({}) == Faults()
    assert not Faults.from_dict({"delay": 0, "reset_after": None}).active()
    assert Faults(corrupt_reply=True).active()


@pytest.mark.parametrize(("data", "message"), [
    ({"dleay": 1}, "unknown setting 'dleay' (expected delay, drop, reset_after, corrupt_reply, "
                   "fail_next)"),
    ({"delay": True}, "delay must be a number >= 0, got True"),
    ({"delay": -0.5}, "delay must be a number >= 0"),
    ({"drop": 1}, "drop must be true or false, got 1"),
    ({"reset_after": 1.5}, "reset_after must be a whole number >= 0 or null"),
    ({"fail_next": "3"}, "fail_next must be a whole number >= 0, got '3'"),
    ([1], "must be an object of delay, drop"),
])
def test_faults_from_json_refuses_unknown_names_and_wrong_types(data, message) -> None:
    with pytest.raises(ValueError, match=r"^listener faults") as refused:
        Faults.from_dict(data)
    assert message in str(refused.value)


def test_shut_down_tells_every_connection(clock: Clock) -> None:
    factory = make_factory(clock)
    peers = [Peer(factory), Peer(factory)]
    factory.shut_down("region ESSRV01 is stopping")
    for peer in peers:
        [error] = peer.receive()
        assert error.code == ErrorCode.SHUTTING_DOWN and peer.closed


def test_a_peer_that_does_not_read_pauses_reading_not_the_read_timeout(clock: Clock) -> None:
    peer = Peer(make_factory(clock, read_timeout=2.0, idle_timeout=30.0))
    peer.send_raw(wire.encode(Ping(1))[:5])
    peer.proto.pauseProducing()  # what the transport does when its write buffer is full
    assert peer.transport.producerState == "paused"
    clock.advance(10)
    assert not peer.closed
    peer.proto.resumeProducing()
    assert peer.transport.producerState == "producing"
    clock.advance(2.1)
    assert peer.receive()[-1].code == ErrorCode.READ_TIMEOUT


def test_a_peer_that_never_reads_is_closed_after_the_idle_timeout(clock: Clock) -> None:
    peer = Peer(make_factory(clock, idle_timeout=30.0))
    peer.proto.pauseProducing()
    clock.advance(31)
    [error] = peer.receive()
    assert (error.code, error.message) == (ErrorCode.IDLE_TIMEOUT, "answers left unread for 30.0 s")


def test_every_fault_setting_has_its_json_check() -> None:
    """Faults' fields are the one list of settings: MFDS checks each by its own rule."""
    assert list(faults_module._CHECKS) == [f.name for f in dataclasses.fields(Faults)]
