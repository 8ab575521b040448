"""Regions as real process trees: casstart, casstop, faults, listeners, console log."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

from fakees.binp.client import BinpClient, ConnectFailed, RemoteCallError, outs
from fakees.binp.events import ArgType, Argument, Direction, ErrorCode
from tests.conftest import free_port
from tests.region.conftest import pid_alive, wait_for

COMMANDS = {"cascd32", "casmgr32", "casjcp32", "mfcs32", "cassi32"}


def define(mfds, name: str = "ESSRV01", *, port: int | None = None, address: str = "127.0.0.1",
           seps: int = 2, faults: dict | None = None) -> int:
    port = port or free_port()
    mfds.add_server(name, seps=seps, listener_endpoint=f"tcp:{address}:{port}",
                    faults=faults or {})
    return port


def ps_lines(region) -> dict[int, str]:
    out = subprocess.run(["ps", "-eo", "pid,args", "--no-headers", "-ww"], capture_output=True,
                         text=True, check=True).stdout
    lines = {int(line.split(None, 1)[0]): line.split(None, 1)[1]
             for line in out.splitlines() if line.strip()}
    return {pid: lines[pid] for pid in region.pids() if pid in lines}


def call(port: int, function: str, *args: Argument) -> list:
    """One BINP call on a fresh connection, after the report's `initialize`."""
    with BinpClient("127.0.0.1", port) as client:
        client.initialize(True)
        return client.call(function, list(args))


def sep_pid(port: int) -> int:
    return call(port, "echo.pid", *outs("L"))[0]


def listener(status: dict) -> dict:
    return status["comms"][0]["listeners"][0]


def test_start_builds_the_tree_the_scripts_grep_and_stop_removes_it(region, mfds):
    port = define(mfds)
    result = region.run("casstart", "/rESSRV01")
    assert result.returncode == 0, result.stderr
    status = region.status()
    assert status["status"] == "Started"
    assert listener(status)["status"] == "Started"
    lines = ps_lines(region)
    cobdir = region.env["COBDIR"]
    texts = list(lines.values())
    assert sum(f"{cobdir}/bin/cascd32 /rESSRV01" in t for t in texts) == 1
    assert sum(f"{cobdir}/bin/mfcs32 -n" in t for t in texts) == 1
    for fragment, count in (("casjcp32 /r", 1), ("casmgr32 /r", 1), ("cassi32 /r", 2)):
        assert sum(fragment in t for t in texts) == count, (fragment, texts)
    cascd = status["pid"]
    assert lines[cascd].endswith("cascd32 /rESSRV01")
    parents = {pid: int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
               for pid in lines}
    assert all(parents[pid] == cascd for pid in lines if pid != cascd)
    assert call(port, "echo.echo", Argument(Direction.INOUT, ArgType.STRING, "two"),
                Argument(Direction.IN, ArgType.LONG, 1), *outs("DY")) == ["two", Decimal(0), b""]
    assert sep_pid(port) in lines

    result = region.run("casstop", "-rESSRV01", "-w")
    assert result.returncode == 0, result.stderr
    assert not any(pid_alive(pid) for pid in lines)
    assert region.status()["status"] == "Stopped"
    events = [line.split(": ", 1)[1] for line in mfds.journal() if "server ESSRV01 " in line]
    assert [e.split(" (")[0] for e in events if "listener" not in e][-4:] == [
        "server ESSRV01 Starting", "server ESSRV01 Started", "server ESSRV01 Stopping",
        "server ESSRV01 Stopped"]
    log = region.files().console.read_text()
    for code in ("CASCD0001I", "CASCD0002I", "CASCS0001I", "CASSI0001I", "CASCD0003I",
                 "CASCS0003I", "CASCD0004I"):
        assert code in log
    assert f"tcp:127.0.0.1:{port}" in log


def test_restart_rotates_console_log_to_console_bak(region, mfds):
    define(mfds)
    assert region.run("casstart", "/rESSRV01").returncode == 0
    assert region.run("casstop", "/rESSRV01", "/w").returncode == 0
    first = region.files().console.read_text()
    assert region.run("casstart", "-rESSRV01", "/w5").returncode == 0
    assert region.files().backup.read_text() == first
    assert "CASCD0004I" not in region.files().console.read_text()


def test_a_killed_sep_or_casmgr_is_restarted_and_logged(region, mfds):
    port = define(mfds)
    assert region.run("casstart", "/rESSRV01").returncode == 0
    seps = [pid for pid, command in region.pids().items() if command == "cassi32"]
    casmgr = next(pid for pid, command in region.pids().items() if command == "casmgr32")
    os.kill(casmgr, signal.SIGTERM)
    # One look at the processes per poll: two looks could see the old one alive, then gone.
    wait_for(lambda: (pids := region.pids()) and "casmgr32" in pids.values()
             and casmgr not in pids, what="a new casmgr32")
    assert (f"casmgr32 pid {casmgr} ended unexpectedly (exit status 0); restarting"
            in region.files().console.read_text())
    os.kill(seps[0], signal.SIGKILL)
    wait_for(lambda: (pids := region.pids()) and seps[0] not in pids
             and len([c for c in pids.values() if c == "cassi32"]) == 2,
             what="a replacement SEP")
    log = region.files().console.read_text()
    assert f"cassi32#1 pid {seps[0]} ended unexpectedly (killed by SIGKILL); restarting" in log
    new = next(p for p, c in region.pids().items() if c == "cassi32" and p not in seps)
    wait_for(lambda: f"SEP 1 ready (pid {new})" in region.files().console.read_text(),
             what="the new SEP to be ready")
    pids = {sep_pid(port) for _ in range(6)}
    assert pids <= set(region.pids()) and seps[0] not in pids
    assert region.status()["status"] == "Started"


def test_killed_cascd_means_not_responding_then_stopped_and_orphans_exit(region, mfds):
    define(mfds)
    assert region.run("casstart", "/rESSRV01").returncode == 0
    pids = region.pids()
    cascd = region.status()["pid"]
    os.kill(cascd, signal.SIGKILL)
    wait_for(lambda: not any(pid_alive(p) for p in pids), timeout=5, what="orphans to exit")
    seen = set()
    def stopped() -> bool:
        seen.add(region.status()["status"])
        return "Stopped" in seen
    wait_for(stopped, what="MFDS to mark the region Stopped")
    assert "Not Responding" in seen  # MFDS's liveness check: Not Responding, then Stopped
    assert listener(region.status())["status"] == "Stopped"
    assert region.run("casstart", "/rESSRV01").returncode == 0  # and it can start again


def test_orphans_linger_fault_leaves_work_for_casstop_f(region, mfds):
    define(mfds, faults={"orphans_linger": True})
    assert region.run("casstart", "/rESSRV01").returncode == 0
    pids = region.pids()
    cascd = region.status()["pid"]
    os.kill(cascd, signal.SIGKILL)
    wait_for(lambda: not pid_alive(cascd), what="cascd32 to die")
    survivors = [p for p in pids if pid_alive(p)]
    assert len(survivors) == len(pids) - 1  # everything but cascd32 lives on
    refused = region.run("casstop", "/rESSRV01")
    assert refused.returncode == 1 and "orphaned processes remain" in refused.stderr
    result = region.run("casstop", "/f", "/rESSRV01")
    assert result.returncode == 0, result.stderr
    assert not any(pid_alive(p) for p in pids)
    assert "CASCD0009I" in region.files().console.read_text()


def test_casstop_hangs_fault_needs_casstop_f(region, mfds):
    define(mfds, faults={"casstop_hangs": True})
    assert region.run("casstart", "/rESSRV01").returncode == 0
    pids = region.pids()
    assert region.run("casstop", "-rESSRV01").returncode == 0
    wait_for(lambda: region.status()["status"] == "Stopping", what="Stopping")
    with pytest.raises(subprocess.TimeoutExpired):
        region.run("casstop", "-rESSRV01", "-w", timeout=1.5)
    assert all(pid_alive(p) for p in pids)
    result = region.run("casstop", "-f", "-rESSRV01")
    assert result.returncode == 0, result.stderr
    assert not any(pid_alive(p) for p in pids)
    assert region.status()["status"] == "Stopped"


def test_listener_on_an_address_not_here_leaves_region_started(region, mfds):
    port = define(mfds, address="198.18.0.1")
    result = region.run("casstart", "/rESSRV01")
    assert result.returncode == 0, result.stderr
    status = region.status()
    assert status["status"] == "Started"
    assert listener(status)["status"] == "Invalid"
    assert "198.18.0.1 is not available on this machine" in listener(status)["reason"]
    log = region.files().console.read_text()
    assert (f"CASCS0002E Listener Web Services and J2EE not started: cannot bind "
            f"tcp:198.18.0.1:{port}: address 198.18.0.1 is not available") in log


def test_killed_mfcs_reports_listener_stopped(region, mfds):
    port = define(mfds)
    assert region.run("casstart", "/rESSRV01").returncode == 0
    mfcs = next(p for p, c in region.pids().items() if c == "mfcs32")
    os.kill(mfcs, signal.SIGKILL)
    wait_for(lambda: listener(region.status())["status"] == "Stopped", what="listener Stopped")
    assert region.status()["status"] == "Started"
    with pytest.raises(ConnectFailed) as refused:
        sep_pid(port)
    assert refused.value.refused
    assert f"mfcs32 pid {mfcs} ended unexpectedly" in region.files().console.read_text()
    assert region.run("casstop", "/rESSRV01", "/w").returncode == 0


def test_calls_go_to_seps_queue_when_busy_then_are_refused(region, mfds, es_env):
    region.env = {**es_env, "FAKEES_MAX_QUEUE": "1"}
    port = define(mfds, seps=1)
    assert region.run("casstart", "/rESSRV01").returncode == 0
    seconds = Argument(Direction.IN, ArgType.BIGDECIMAL, Decimal("2.5"))
    clients = [BinpClient("127.0.0.1", port) for _ in range(4)]
    for client in clients:
        client.connect()
        client.initialize(True)

    def slow(client: BinpClient) -> object:
        try:
            return client.call("echo.sleep", [seconds, *outs("S")])
        except RemoteCallError as exc:
            return exc
        finally:
            client.close()

    # Four calls at once, one SEP, a queue of one: one runs, one waits, two are refused.
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(slow, clients))
    assert sorted(map(str, results)).count("['']") == 2, results
    refusals = [r for r in results if isinstance(r, RemoteCallError)]
    assert len(refusals) == 2
    assert all(r.error.code == ErrorCode.SERVER_BUSY for r in refusals)
    assert "all 1 SEPs are busy and 1 calls are queued (limit 1)" in str(refusals[0])
    with pytest.raises(RemoteCallError) as failed:
        call(port, "echo.fail", Argument(Direction.IN, ArgType.STRING, "on purpose"))
    assert failed.value.error.code == ErrorCode.SERVICE_FAILED and "on purpose" in str(failed.value)
    with pytest.raises(RemoteCallError) as unknown:
        call(port, "srv01.NOSUCH")
    assert unknown.value.error.code == ErrorCode.UNKNOWN_SERVICE
    assert sep_pid(port) in region.pids()  # still serving

    # mfcs32 reports every call's outcome (through cascd32) to MFDS's Prometheus metrics.
    expected = {"echo.sleep": (4, 2), "echo.fail": (1, 1), "srv01.NOSUCH": (1, 1),
                "echo.pid": (1, 0)}
    mfds_url = f"http://127.0.0.1:{es_env['CCITCP2_PORT']}/metrics"

    def reported() -> dict[str, tuple[int, int]]:
        text = urllib.request.urlopen(mfds_url, timeout=5).read().decode()
        counts: dict[str, list[int]] = {}
        for kind, service, n in re.findall(
                r'mfds_service_(calls|errors)_total\{service="([^"]+)"\} (\d+)', text):
            counts.setdefault(service, [0, 0])[kind == "errors"] = int(n)
        return {name: (calls, errors) for name, (calls, errors) in counts.items()}

    wait_for(lambda: reported() == expected, what=f"MFDS metrics {expected}")


@pytest.mark.parametrize(("argv", "message"), [
    (["/x"], "unknown option '/x'"),
    (["/r"], "needs a value"),
    (["ESSRV01"], "unexpected argument 'ESSRV01'"),
    (["/rESSRV01", "-rESSRV01"], "given twice"),
    (["/r../etc"], "invalid region name"),
    (["/wsoon"], "whole number of seconds"),
])
def test_casstart_malformed_flags(region, mfds, argv, message):
    result = region.run("casstart", *argv)
    assert result.returncode == 2 and message in result.stderr


def test_casstop_malformed_flags(region, mfds):
    result = region.run("casstop", "/f", "/i")
    assert result.returncode == 2 and "exclude each other" in result.stderr
    result = region.run("casstop", "/fx")
    assert result.returncode == 2 and "takes no value" in result.stderr


def test_unknown_region_and_mfds_down_and_not_running(region, mfds, es_env):
    result = region.run("casstart", "/rNOSUCH")
    assert result.returncode == 1
    assert "region NOSUCH is not defined in MFDS" in result.stderr
    result = region.run("casstop", "/rNOSUCH")
    assert result.returncode == 1 and "region NOSUCH is not running" in result.stderr
    region.env = {**es_env, "CCITCP2_PORT": str(free_port())}
    result = region.run("casstart", "/rESSRV01")
    assert result.returncode == 1 and "MFDS is not running on port" in result.stderr


def test_already_running_region_is_refused(region, mfds):
    define(mfds)
    assert region.run("casstart", "/rESSRV01").returncode == 0
    before = region.pids()
    result = region.run("casstart", "/rESSRV01")
    assert result.returncode == 1 and "region ESSRV01 is already running" in result.stderr
    assert region.pids() == before


def test_endpoint_in_use_fails_and_leaves_nothing(region, mfds):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = define(mfds, port=busy.getsockname()[1])
        result = region.run("casstart", "/rESSRV01")
    assert result.returncode == 1
    assert (f"listener Web Services and J2EE cannot use tcp:127.0.0.1:{port}: "
            "Address already in use") in result.stderr
    log = region.files().console.read_text()
    spawned = [int(pid) for pid in re.findall(r"CASCD0005I \S+ started, pid (\d+)", log)]
    cascd = int(re.search(r"CASCD0001I .*cascd32 pid (\d+)", log)[1])
    assert len(spawned) == 5 and not any(pid_alive(p) for p in [cascd, *spawned])
    assert region.status()["status"] == "Stopped"
    assert "CASCD0008E" in log


def test_casroot_that_cannot_be_written(region, mfds, tmp_path):
    define(mfds)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    region.cobdir.write_cas_cfg(casroot=str(blocker / "es"))
    result = region.run("casstart", "/rESSRV01")
    assert result.returncode == 1
    assert f"cannot write the region directory {blocker}/es/ESSRV01" in result.stderr
    assert "Not a directory" in result.stderr
    region.note_pids()
    assert not region.seen
    assert region.status()["status"] == "Stopped"


def test_normal_stop_lets_a_running_call_finish_and_immediate_stop_ends_all(region, mfds):
    port = define(mfds)
    assert region.run("casstart", "/rESSRV01").returncode == 0
    client = BinpClient("127.0.0.1", port)
    client.connect()
    client.initialize(True)
    seconds = Argument(Direction.IN, ArgType.BIGDECIMAL, Decimal("2.5"))
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(client.call, "echo.sleep", [seconds, *outs("S")])
        time.sleep(0.8)  # let the call reach its SEP (nothing observable marks that moment)
        pids = region.pids()
        assert region.run("casstop", "/rESSRV01", "/w").returncode == 0
        assert running.result(timeout=30) == [""]  # quiesced, not cut off
    client.close()
    assert not any(pid_alive(p) for p in pids)
    assert region.run("casstart", "/rESSRV01").returncode == 0
    pids = region.pids()
    result = region.run("casstop", "-i", "-w", "-rESSRV01")
    assert result.returncode == 0 and "immediate stop requested" in result.stdout
    assert not any(pid_alive(p) for p in pids)
    assert "Region ESSRV01 stopping (immediate)" in region.files().console.read_text()
