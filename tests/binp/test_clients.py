"""Both clients: the Twisted one over an in-memory pump, the blocking one and `fakees call`
against a real listener process on 127.0.0.1."""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from twisted.internet.address import IPv4Address
from twisted.internet.task import Clock
from twisted.test import iosim

from fakees.binp.client import (
    BadReply,
    BinpClient,
    ConnectFailed,
    ConnectionLost,
    RemoteCallError,
    outs,
)
from fakees.binp.continuity import CallRecord, Continuity
from fakees.binp.dispatch import CounterDispatcher, EchoDispatcher, Router
from fakees.binp.events import ArgType, Argument, Direction, ErrorCode
from fakees.binp.server import BinpServerFactory, Faults, ListenerSettings
from fakees.binp.twisted_client import BinpClientProtocol
from tests.conftest import free_port

PYTHON = sys.executable
LINE = re.compile(r"^\d\d/\d\d/\d\d \d\d:\d\d:\d\d\.\d\d CBLAPP01 (host\d) (\d+)$")


# ---- Twisted client, in memory ----------------------------------------------------------


def pumped(faults: Faults | None = None):
    clock = Clock()
    services = {"echo": EchoDispatcher(), "srv01": CounterDispatcher(hostname="host1", start=5)}
    factory = BinpServerFactory(Router(services), ListenerSettings(), faults, clock)
    server = factory.buildProtocol(IPv4Address("TCP", "127.0.0.1", 1))
    client = BinpClientProtocol()
    ct, st = iosim.makeFakeClient(client), iosim.makeFakeServer(server)
    pump = iosim.connect(server, st, client, ct, greet=True)
    return client, pump


def result_of(d, pump):
    pump.flush()
    box: list = []
    d.addBoth(box.append)
    assert box, "the Deferred did not fire"
    return box[0]


def test_twisted_client_runs_the_report_session_and_pipelines() -> None:
    client, pump = pumped()
    assert result_of(client.ready, pump) is client
    assert result_of(client.initialize(True), pump) == []
    first = client.call("srv01.CBLAPP01", outs("SSSL"))
    second = client.call("echo.x", [Argument(Direction.INOUT, ArgType.BIGDECIMAL, Decimal("9.99"))])
    values = result_of(first, pump)
    assert values[1:] == ["CBLAPP01  ", "host1".ljust(20), 5]
    assert result_of(second, pump) == [Decimal("9.99")]
    assert result_of(client.ping(), pump) is None


def test_twisted_client_reports_call_errors_and_corrupt_answers() -> None:
    client, pump = pumped(Faults(fail_next=1))
    result_of(client.ready, pump)
    failure = result_of(client.call("echo.x"), pump)
    assert failure.check(RemoteCallError)
    assert failure.value.error.code == ErrorCode.INJECTED_FAULT
    client2, pump2 = pumped(Faults(corrupt_reply=True))
    result_of(client2.ready, pump2)
    failure = result_of(client2.call("echo.x"), pump2)
    assert failure.check(BadReply)
    assert "bad magic" in str(failure.value)


# ---- a real listener ----------------------------------------------------------------------


class Listener:
    """`python -m fakees.binp.server` in its own process, stopped by PID."""

    def __init__(self, reaper, port: int, *flags: str) -> None:
        self.port = port
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "fakees.binp.server", "--port", str(port), *flags],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        reaper.track(self.proc.pid)
        line = self.proc.stdout.readline()  # the listener prints once it listens
        assert line.startswith("listening on"), line + self.proc.stderr.read()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def listener(reaper):
    def start(*flags: str, port: int | None = None) -> Listener:
        return Listener(reaper, port or free_port(), *flags)

    return start


def fakees_call(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "-m", "fakees.cli", "call", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_blocking_client_against_a_live_listener(listener) -> None:
    srv = listener("--echo", "--counter", "srv01", "--hostname", "host1")
    with BinpClient("127.0.0.1", srv.port, timeout=10) as client:
        assert client.welcome.version == 1
        client.initialize(True)
        assert client.call("srv01.CBLAPP01", outs("SSSL"))[3] == 0
        big = "x" * 200_000
        assert client.call("echo.e", [Argument(Direction.INOUT, ArgType.STRING, big)]) == [big]
        with pytest.raises(RemoteCallError, match="UNKNOWN_SERVICE"):
            client.call("nosuch.op")
        assert client.call("srv01.CBLAPP01", outs("SSSL"))[3] == 1


def test_blocking_client_names_each_failure(listener) -> None:
    port = free_port()
    with pytest.raises(ConnectFailed) as refused:
        BinpClient("127.0.0.1", port).connect()
    assert refused.value.refused
    srv = listener("--echo", "--fault-reset-after", "1")
    with pytest.raises(ConnectionLost) as lost:
        BinpClient("127.0.0.1", srv.port).connect()
    assert lost.value.reset


def test_fakees_call_prints_the_report_line(listener) -> None:
    srv = listener("--counter", "srv01", "--hostname", "host1")
    done = fakees_call("--port", str(srv.port), "srv01.CBLAPP01")
    assert done.returncode == 0, done.stderr
    match = LINE.match(done.stdout.strip())
    assert match and match.groups() == ("host1", "0"), done.stdout
    today = datetime.date.today().strftime("%y/%m/%d")
    assert done.stdout.startswith(today)


def test_fakees_call_prints_refused_like_the_java_client() -> None:
    port = free_port()
    done = fakees_call("--port", str(port), "srv01.CBLAPP01")
    assert done.returncode == 1
    first, second = done.stderr.splitlines()
    assert first == "java.net.ConnectException: Connection refused: connect"
    assert second.startswith(
        "javax.resource.spi.EISSystemException: CobolException Exception throw during open"
    )
    assert second.endswith(
        f"for 127.0.0.1:{port} (cause class:java.net.ConnectException, cause:Connection refused:"
        " connect) executing srv01.CBLAPP01"
    )


def test_fakees_call_prints_reset_like_the_java_client(listener) -> None:
    srv = listener("--counter", "srv01", "--fault-reset-after", "40")
    done = fakees_call("--port", str(srv.port), "srv01.CBLAPP01")
    assert done.returncode == 1
    assert re.fullmatch(
        r"javax\.resource\.spi\.EISSystemException: IOException Connection reset by peer: "
        r"socket (read|write) error occurred executing srv01\.CBLAPP01\n",
        done.stderr,
    ), done.stderr


def test_fakees_call_reports_corrupt_answers_and_remote_errors(listener) -> None:
    srv = listener("--echo", "--fault-corrupt-reply")
    done = fakees_call("--port", str(srv.port), "--no-initialize", "echo.x", "out:long")
    assert "IOException malformed answer from server: MALFORMED_FRAME: bad magic" in done.stderr
    srv2 = listener("--echo", "--fault-fail-next", "2")
    done = fakees_call("--port", str(srv2.port), "--repeat", "3", "echo.x", "inout:short=4")
    assert done.returncode == 1
    # each call connects and initializes anew: the two injected faults hit two initializes
    assert done.stderr.count("BINP error 107 INJECTED_FAULT") == 2
    assert done.stdout.splitlines()[0] == "4"
    assert "summary: 3 calls, 1 ok, 2 failed" in done.stdout


def test_fakees_call_json_lines(listener) -> None:
    srv = listener("--echo")
    done = fakees_call(
        "--port", str(srv.port), "--json", "--repeat", "2", "echo.x",
        "inout:bigdecimal=-1.50", "in:string=hi", "out:bytes", "inout:boolean=true",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["values"] for r in rows[:2]] == [["-1.50", "", True]] * 2
    assert rows[2]["summary"]["ok"] == 2


def test_fakees_call_json_lines_for_failed_calls(listener) -> None:
    srv = listener("--echo", "--fault-fail-next", "1", "--host", "127.0.0.7")
    done = fakees_call("--host", "127.0.0.7", "--port", str(srv.port), "--json", "--repeat", "2",
                       "--no-initialize", "echo.x", "inout:short=4")  # fmt: skip
    assert done.returncode == 1
    failed, ok, summary = [json.loads(line) for line in done.stdout.splitlines()]
    assert (failed["call"], failed["ok"], failed["failure"]) == (1, False, "error")
    assert failed["error"].startswith("BINP error 107 INJECTED_FAULT")
    assert (ok["call"], ok["ok"], ok["values"]) == (2, True, [4])
    assert (summary["summary"]["ok"], summary["summary"]["failed"]) == (1, 1)
    refused = fakees_call("--port", str(free_port()), "--json", "srv01.CBLAPP01")
    row = json.loads(refused.stdout.splitlines()[0])
    assert (row["ok"], row["failure"]) == (False, "refused")


def test_fakees_call_rejects_bad_argument_specs() -> None:
    done = fakees_call("srv01.X", "sideways:string")
    assert done.returncode == 2 and "bad argument 'sideways:string'" in done.stderr


@pytest.mark.parametrize("reuse", [False, True], ids=["connect-per-call", "reuse"])
def test_takeover_loop_shows_outage_hosts_and_counter_continuity(
    listener, tmp_path: Path, reuse: bool
) -> None:
    """The report's pattern 7: host1 serves, dies, host2 takes over with the shared counter."""
    counter = tmp_path / "APPFILE01"
    counter.write_text("26")
    port = free_port()
    host1 = listener("--counter", "srv01", "--hostname", "host1", "--counter-file", str(counter),
                     port=port)  # fmt: skip
    loop = subprocess.Popen(
        [PYTHON, "-m", "fakees.cli", "call", "--port", str(port), "--repeat", "400",
         "--interval", "0.02", "--timeout", "5", "srv01.CBLAPP01", *(["--reuse"] * reuse)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ),
    )  # fmt: skip
    try:
        out: list[str] = []
        err: list[str] = []
        readers = [
            threading.Thread(target=lambda: out.extend(loop.stdout), daemon=True),
            threading.Thread(target=lambda: err.extend(loop.stderr), daemon=True),
        ]
        for t in readers:
            t.start()
        wait_for(lambda: len(out) >= 5, "five calls on host1")
        host1.kill()
        wait_for(lambda: any("Connection refused" in e for e in err), "a refused call")
        listener("--counter", "srv01", "--hostname", "host2", "--counter-file", str(counter),
                 port=port)  # fmt: skip
        assert loop.wait(timeout=120) == 1
        for t in readers:
            t.join(timeout=10)
    finally:
        loop.kill()
    calls = [LINE.match(line.strip()) for line in out if LINE.match(line.strip())]
    hosts = [m.group(1) for m in calls]
    counters = [int(m.group(2)) for m in calls]
    first_host2 = hosts.index("host2")
    assert set(hosts[:first_host2]) == {"host1"} and set(hosts[first_host2:]) == {"host2"}
    assert counters[:first_host2] == list(range(26, 26 + first_host2))
    resumed = counters[first_host2]
    # a reply lost to the kill skips one value, as the report's pattern 5 shows (339)
    assert resumed - counters[first_host2 - 1] in (1, 2)
    assert counters[first_host2:] == list(range(resumed, resumed + len(counters) - first_host2))
    summary = "".join(out[len(calls) :])
    assert re.search(r"outage 1: from \S+ for \d+\.\d\d s \(\d+ failed calls?\)", summary)
    assert f"served by: host1 calls 1-{first_host2} counter 26-{25 + first_host2}; host2" in summary
    skipped = "none" if resumed == 26 + first_host2 else str(resumed - 1)
    assert f"counter: skipped {skipped}; repeated none" in summary
    assert "outage 2" not in summary
    # every failure in the loop is printed in the report's client's words, each naming the call
    for line in err:
        assert JAVA_FAILURE.fullmatch(line.rstrip("\n")), line


JAVA_FAILURE = re.compile(
    r"java\.net\.ConnectException: Connection refused: connect"
    r"|javax\.resource\.spi\.EISSystemException: (CobolException Exception throw during open "
    r"\(see getCause\(\) for more information\) \(elapsed time=\d+\.\d\)for 127\.0\.0\.1:\d+ "
    r"\(cause class:java\.net\.ConnectException, cause:Connection refused: connect\)"
    r"|IOException Connection (reset by peer: socket (read|write) error|closed by peer) occurred)"
    r" executing srv01\.CBLAPP01"
)


def wait_for(predicate, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


# ---- continuity summary ---------------------------------------------------------------------


def test_continuity_reads_the_reports_pattern_5_log() -> None:
    """host1 330-338, one lost message, a reset, then host2 340-348."""
    t0 = datetime.datetime(2006, 8, 3, 17, 8, 50, 30000)
    records = [
        CallRecord(i + 1, t0 + datetime.timedelta(seconds=i), True, "host1", 330 + i)
        for i in range(9)
    ]
    failed_at = t0 + datetime.timedelta(seconds=9.52)
    records.append(CallRecord(10, failed_at, False, error="reset"))
    back = t0 + datetime.timedelta(seconds=106.06)
    records += [
        CallRecord(11 + i, back + datetime.timedelta(seconds=i), True, "host2", 340 + i)
        for i in range(9)
    ]
    continuity = Continuity(records)
    assert continuity.summary_lines() == [
        "summary: 19 calls, 18 ok, 1 failed",
        "outage 1: from 17:08:59.55 for 96.54 s (1 failed call)",
        "served by: host1 calls 1-9 counter 330-338; host2 calls 11-19 counter 340-348",
        "counter: skipped 339; repeated none",
    ]


def test_continuity_notices_repeated_counters() -> None:
    t0 = datetime.datetime(2026, 1, 1)
    continuity = Continuity(
        [CallRecord(i + 1, t0, True, "h", c) for i, c in enumerate([1, 2, 3, 2, 3, 4])]
    )
    assert continuity.counter_gaps() == ([], [2, 3])
    assert continuity.summary_lines()[-1] == "counter: skipped none; repeated 2, 3"
    assert continuity.summary_json()["counter_repeated"] == [2, 3]


def test_a_c_client_written_from_the_spec_alone_interoperates(listener, tmp_path: Path) -> None:
    """tests/binp/c_client/binp_call.c knows only protocol/BINP.md."""
    if shutil.which("cc") is None:
        pytest.skip("no C compiler (cc) to build the spec-only client")
    source = Path(__file__).parent / "c_client" / "binp_call.c"
    binary = tmp_path / "binp_call"
    subprocess.run(["cc", "-O1", "-Wall", "-Werror", "-o", str(binary), str(source)], check=True)
    srv = listener("--counter", "srv01", "--hostname", "host1")
    for expected in ("0", "1"):
        done = subprocess.run(
            [str(binary), "127.0.0.1", str(srv.port), "srv01.CBLAPP01"],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        match = LINE.match(done.stdout.strip())
        assert match and match.groups() == ("host1", expected), done.stdout
    done = subprocess.run(
        [str(binary), "127.0.0.1", str(srv.port), "nosuch.op"], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stderr.startswith("binp_call: ERROR 102: no service 'nosuch'")


TWISTED_SCRIPT = """
import sys
from twisted.internet import defer, task
from fakees.binp.client import ConnectFailed, outs
from fakees.binp.twisted_client import connect

@defer.inlineCallbacks
def main(reactor, port, dead_port):
    proto = yield connect(reactor, "127.0.0.1", int(port))
    yield proto.initialize(True)
    calls = [proto.call("srv01.CBLAPP01", outs("SSSL")) for _ in range(3)]
    values = yield defer.gatherResults(calls)
    print(" ".join(str(v[3]) for v in values))
    proto.close()
    try:
        yield connect(reactor, "127.0.0.1", int(dead_port))
    except ConnectFailed as exc:
        print("refused" if exc.refused else "other")

task.react(main, sys.argv[1:])
"""


def test_twisted_client_on_a_real_reactor(listener) -> None:
    srv = listener("--counter", "srv01", "--hostname", "host1")
    done = subprocess.run(
        [PYTHON, "-c", TWISTED_SCRIPT, str(srv.port), str(free_port())],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["0 1 2", "refused"]
