"""A region's listener as clients see it: the fault mode from MFDS, every argument type."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from fakees.binp.client import BinpClient, ConnectionLost, RemoteCallError, outs
from fakees.binp.events import ZERO, ArgType, Argument, Direction, ErrorCode
from tests.region.test_region import call, define

IN, OUT, INOUT = Direction.IN, Direction.OUT, Direction.INOUT


def timed_call(port: int, function: str, *args: Argument) -> tuple[list, float]:
    with BinpClient("127.0.0.1", port) as client:
        began = time.monotonic()
        values = client.call(function, list(args))
        return values, time.monotonic() - began


def test_listener_delay_fault_and_changes_apply_at_the_next_start(region, mfds):
    port = define(mfds, faults={"listener": {"delay": 0.6}})
    assert region.run("casstart", "/rESSRV01").returncode == 0
    assert "CASCD0010W Fault setting listener is active" in region.files().console.read_text()
    values, elapsed = timed_call(port, "echo.echo", Argument(INOUT, ArgType.STRING, "late"))
    assert values == ["late"] and elapsed >= 0.6
    # Like every setting of the definition, a fault change is read at casstart.
    mfds.set_server("ESSRV01", faults={"listener": {}})
    assert timed_call(port, "echo.pid", *outs("L"))[1] >= 0.6
    assert region.run("casstop", "/rESSRV01", "/w").returncode == 0
    assert region.run("casstart", "/rESSRV01").returncode == 0
    assert timed_call(port, "echo.pid", *outs("L"))[1] < 0.6
    assert "CASCD0010W" not in region.files().console.read_text()


def test_listener_fail_next_fault_fails_n_calls_then_serves(region, mfds):
    port = define(mfds, faults={"listener": {"fail_next": 3}})
    assert region.run("casstart", "/rESSRV01").returncode == 0
    with BinpClient("127.0.0.1", port) as client:
        for left in (2, 1, 0):
            with pytest.raises(RemoteCallError) as failed:
                client.call("echo.pid", outs("L"))
            assert failed.value.error.code == ErrorCode.INJECTED_FAULT
            assert failed.value.error.message == f"injected failure (fault fail-next, {left} left)"
        assert client.call("echo.pid", outs("L"))[0] in region.pids()
    assert call(port, "echo.echo", Argument(INOUT, ArgType.LONG, 7)) == [7]


def test_listener_reset_after_fault_resets_the_connection(region, mfds):
    port = define(mfds, faults={"listener": {"reset_after": 1000}})
    assert region.run("casstart", "/rESSRV01").returncode == 0
    with BinpClient("127.0.0.1", port) as client:
        assert client.call("echo.echo", [Argument(INOUT, ArgType.STRING, "small")]) == ["small"]
        with pytest.raises(ConnectionLost) as lost:  # this call takes it past 1,000 bytes in
            client.call("echo.echo", [Argument(INOUT, ArgType.STRING, "x" * 1000)])
        assert lost.value.reset, lost.value
    assert call(port, "echo.echo", Argument(INOUT, ArgType.SHORT, 5)) == [5]  # a new connection


def test_listener_drop_fault_closes_instead_of_answering(region, mfds):
    port = define(mfds, faults={"listener": {"drop": True}})
    assert region.run("casstart", "/rESSRV01").returncode == 0
    with BinpClient("127.0.0.1", port) as client, pytest.raises(ConnectionLost) as lost:
        client.call("echo.pid", outs("L"))
    assert (lost.value.phase, lost.value.reset) == ("read", False)


VALUES = [  # one value per BINP type, at the edges of its range
    (ArgType.STRING, "héllo, wörld"),
    (ArgType.LONG, -(2**63)),
    (ArgType.INTEGER, 2**31 - 1),
    (ArgType.SHORT, -(2**15)),
    (ArgType.BOOLEAN, True),
    (ArgType.BIGDECIMAL, Decimal("-12.50")),
    (ArgType.BYTES, b"\x00\xff\x7f"),
]


def test_every_type_in_every_direction_crosses_mfcs_to_a_sep_and_back(region, mfds):
    """echo.echo returns each INOUT value unchanged and the zero of its type for each OUT;
    echo.fail names its first IN value, which shows what the SEP received."""
    port = define(mfds, seps=1)
    assert region.run("casstart", "/rESSRV01").returncode == 0
    args = [Argument(direction, kind, None if direction is OUT else value)
            for kind, value in VALUES for direction in (IN, OUT, INOUT)]
    reply = call(port, "echo.echo", *args)
    expected = [ZERO[kind] if direction is OUT else value
                for kind, value in VALUES for direction in (OUT, INOUT)]
    assert reply == expected
    assert [type(v) for v in reply] == [type(v) for v in expected]  # True is not 1, 0 not False
    assert str(reply[VALUES.index((ArgType.BIGDECIMAL, Decimal("-12.50"))) * 2 + 1]) == "-12.50"
    for kind, value in VALUES:
        with pytest.raises(RemoteCallError) as failed:
            call(port, "echo.fail", Argument(IN, kind, value), Argument(INOUT, kind, value))
        assert failed.value.error.message == f"echo.fail: {value}", kind
