"""Pure parts of a region, without processes: flags, lifecycles, console lines, framing, pool."""

from __future__ import annotations

from decimal import Decimal

import pytest
from twisted.internet.task import Clock
from twisted.internet.testing import StringTransport

from fakees.binp.events import ArgType, Argument, Call, Direction, Error, ErrorCode, Ping, Reply
from fakees.mfds.web.metrics import Metrics
from fakees.region import wire
from fakees.region.console import ConsoleLog, RegionFiles
from fakees.region.flags import FlagError, parse_flags
from fakees.region.lifecycle import IllegalTransition, ListenerLifecycle, RegionLifecycle
from fakees.region.mfcs import CallLog
from fakees.region.seppool import (
    BadArguments,
    SepBusy,
    SepConnection,
    SepLost,
    SepPool,
    SepTimeout,
    ServiceFailed,
    UnknownService,
)


def test_flags_slash_and_dash_forms():
    flags = parse_flags(["-rESSRV01", "/F", "/w30"], allowed={"f": "none", "w": "optional"},
                        command="casstop")
    assert flags.region == "ESSRV01" and flags.has("f") and flags.values["w"] == "30"
    assert parse_flags([], allowed={}, command="casstart").region == "ESDEMO"


@pytest.mark.parametrize(("argv", "message"), [
    (["/q"], "casstart: unknown option '/q' (known: /r /w)"),
    (["-r"], "option '-r' needs a value"),
    (["r1"], "unexpected argument 'r1'"),
    (["/w", "-w"], "option '-w' given twice"),
    (["/r1ABC"], "invalid region name '1ABC'"),
])
def test_flags_errors_are_precise(argv, message):
    with pytest.raises(FlagError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_flags(argv, allowed={"w": "optional"}, command="casstart")


def test_region_lifecycle_allows_only_the_product_moves():
    region = RegionLifecycle("ESSRV01")
    seen = []
    region.observers.append(lambda machine, old, new: seen.append((old, new)))
    for state in ("Starting", "Started", "Stopping", "Stopped"):
        region.move(state)
    assert seen[-1] == ("Stopping", "Stopped")
    with pytest.raises(IllegalTransition, match="Stopped -> Started"):
        region.move("Started")
    listener = ListenerLifecycle("Web Services and J2EE")
    listener.move("Starting")
    listener.move("Invalid")
    assert not listener.can("Started")


def test_console_line_format_and_rotation(tmp_path):
    files = RegionFiles(tmp_path, "ESSRV01")
    files.prepare()
    log = ConsoleLog(files, pid=4242)
    line = log.format("CASCS0002E", now=0.5, listener="Web Services and J2EE",
                      endpoint="tcp:10.0.0.1:9003", why="address 10.0.0.1 is not available")
    assert line.split(" ", 2)[2] == (
        "4242 ESSRV01 CASCS0002E Listener Web Services and J2EE not started: cannot bind "
        "tcp:10.0.0.1:9003: address 10.0.0.1 is not available\n")
    assert line.split(" ")[1].endswith(".50")
    log.write("CASCD0002I")
    files.rotate()
    assert "CASCD0002I" in files.backup.read_text() and not files.console.exists()
    assert files.sep_address.startswith("\0") and files.sep_address != \
        RegionFiles(tmp_path, "ESSRV02").sep_address


def test_wire_round_trip_and_malformed_frames():
    call = Call(1, "echo.echo", (Argument(Direction.INOUT, ArgType.BYTES, b"\x00\xff"),
                                 Argument(Direction.IN, ArgType.BIGDECIMAL, Decimal("12.50")),
                                 Argument(Direction.OUT, ArgType.STRING)))
    data = (wire.encode_hello(4242, 2) + wire.encode_event(call)) * 2
    decoder = wire.FrameDecoder()
    assert decoder.feed(data[:7]) == []
    assert decoder.feed(data[7:]) == [wire.SepHello(4242, 2), call] * 2
    single = wire.encode_event(call)
    assert decoder.feed(single) == [call]  # one whole frame: decoded without the buffer
    assert decoder.feed(single[:3]) == []  # a partial frame waits in the buffer ...
    assert decoder.feed(single[3:] + single) == [call, call]  # ... and is completed first
    with pytest.raises(wire.FrameError, match="exceeds"):
        wire.FrameDecoder().feed(b"\xff\xff\xff\xffB")
    with pytest.raises(wire.FrameError, match="unknown frame kind 0x7b"):
        wire.FrameDecoder().feed(b"\x00\x00\x00\x02{x")
    with pytest.raises(wire.FrameError, match="hello is not"):
        wire.FrameDecoder().feed(b"\x00\x00\x00\x03H[]")
    with pytest.raises(wire.FrameError, match="bad BINP frame: MALFORMED_FRAME: bad magic"):
        wire.FrameDecoder().feed(b"\x00\x00\x00\x0dBXP" + bytes(10))
    with pytest.raises(wire.FrameError, match="Ping is neither a call nor an answer"):
        wire.FrameDecoder().feed(wire.encode_event(Ping(3)))  # type: ignore[arg-type]


def strings(*values: str) -> tuple[Argument, ...]:
    return tuple(Argument(Direction.INOUT, ArgType.STRING, v) for v in values)


class FakeSep:
    """A SEP on the far side of a StringTransport: sees calls, answers them."""

    def __init__(self, pool: SepPool, pid: int) -> None:
        self.conn = SepConnection(pool)
        self.transport = StringTransport()
        self.conn.makeConnection(self.transport)
        self.decoder = wire.FrameDecoder()
        self.conn.dataReceived(wire.encode_hello(pid, 1))

    def calls(self) -> list[Call]:
        data = self.transport.value()
        self.transport.clear()
        return self.decoder.feed(data)

    def reply(self, call: Call, *values: str) -> None:
        self.conn.dataReceived(wire.encode_event(Reply(call.call_id, strings(*values))))

    def refuse(self, call: Call, code: ErrorCode, message: str) -> None:
        self.conn.dataReceived(wire.encode_event(Error(call.call_id, code, message)))


def outcome(d) -> list:
    box: list = []
    d.addBoth(box.append)
    return box


def test_pool_hands_calls_to_free_seps_queues_then_refuses():
    clock = Clock()
    pool = SepPool(clock, max_queue=1, queue_timeout=5)
    a, b = FakeSep(pool, 101), FakeSep(pool, 102)
    first = outcome(pool.call("echo", "echo", strings("1")))
    second = outcome(pool.call("echo", "x", []))
    queued = outcome(pool.call("echo", "echo", strings("3")))
    refused = outcome(pool.call("echo", "echo", strings("4")))
    assert refused and refused[0].check(SepBusy)
    assert "all 2 SEPs are busy and 1 calls are queued (limit 1)" in str(refused[0].value)
    (call_a,), (call_b,) = a.calls(), b.calls()
    assert call_a.args == strings("1") and call_b.function == "echo.x"
    drained = outcome(pool.drained())
    a.reply(call_a, "one")
    assert first == [strings("one")] and not queued
    (call_q,) = a.calls()
    assert call_q.args == strings("3")
    b.refuse(call_b, ErrorCode.UNKNOWN_SERVICE, "no service echo.x")
    assert second[0].check(UnknownService)
    a.refuse(call_q, ErrorCode.SERVICE_FAILED, "boom")
    assert queued[0].check(ServiceFailed) and not queued[0].check(BadArguments)
    assert str(queued[0].value) == "boom"
    assert drained == [None]


def test_pool_names_refused_arguments():
    pool = SepPool(Clock(), max_queue=1, queue_timeout=5)
    sep = FakeSep(pool, 103)
    refused = outcome(pool.call("svc", "op", strings("x")))
    (call,) = sep.calls()
    sep.refuse(call, ErrorCode.BAD_ARGUMENTS, "svc.op takes 2 arguments")
    assert refused[0].check(BadArguments) and "takes 2 arguments" in str(refused[0].value)


def test_pool_timeout_and_lost_sep():
    clock = Clock()
    pool = SepPool(clock, max_queue=4, queue_timeout=5)
    waiting = outcome(pool.call("echo", "echo", []))  # no SEP at all yet
    clock.advance(5)
    assert waiting[0].check(SepTimeout)
    sep = FakeSep(pool, 103)
    running = outcome(pool.call("echo", "sleep", strings("1")))
    sep.conn.connectionLost(None)
    assert running[0].check(SepLost) and "SEP pid 103 ended" in str(running[0].value)
    assert pool.size == 0


def test_the_call_log_sums_every_call_per_service() -> None:
    """mfcs32 reports once a second: however many calls came, each is counted once (a list
    of calls used to stop at MFDS's 1,000 a report)."""
    log = CallLog()
    for n in range(2500):
        log.record("srv01.CBLAPP01", 0.0004, error=n % 100 == 0)
    log.record("echo.echo", 0.2, error=False)
    report = {item["service"]: item for item in log.take()}
    assert report["srv01.CBLAPP01"]["calls"] == 2500 and report["srv01.CBLAPP01"]["errors"] == 25
    assert report["srv01.CBLAPP01"]["buckets"][0] == 2500
    assert report["echo.echo"]["calls"] == 1 and report["echo.echo"]["buckets"][7] == 1
    assert log.take() == []  # taken: the next report starts from nothing
    metrics = Metrics()
    assert metrics.feed({"services": list(report.values())}) == 2501

