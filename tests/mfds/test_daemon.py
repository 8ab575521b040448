"""Real mfds processes: start, answer, refuse a second writer, report status, shut down."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fakees.mfds.client import DuplicateServer, InvalidRequest, MfdsDown, UnknownServer
from fakees.mfds.daemon import process_start_ticks
from tests.mfds.harness import client, run, start_mfds


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached before the deadline")


def test_mfds_starts_in_background_as_cobdir_mfds32(es_env, reaper):
    pid = start_mfds(es_env, reaper)
    ps = subprocess.run(["ps", "-f", "-p", str(pid)], capture_output=True, text=True,
                        env=es_env).stdout
    assert f"{es_env['COBDIR']}/bin/mfds32" in ps
    servers = client(es_env).list_servers()
    assert [s["name"] for s in servers] == ["ESDEMO"]
    listener = servers[0]["comms"][0]["listeners"][0]
    assert (listener["name"], listener["endpoint"]) == ("Web Services and J2EE", "tcp:*:*")


def test_second_mfds_refuses_and_names_the_holder(es_env, reaper):
    pid = start_mfds(es_env, reaper)
    second = run(es_env, "mfds")
    assert second.returncode != 0
    assert f"in use by mfds32 pid {pid}" in second.stderr
    assert client(es_env).info()["pid"] == pid


def test_shutdown_needs_the_right_credentials(es_env, reaper):
    pid = start_mfds(es_env, reaper)
    wrong = run(es_env, "mfds", "-s", "2", "SYSAD", "nope")
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == "mfds: shutdown refused: invalid user name or password"
    assert client(es_env).info()["pid"] == pid
    right = run(es_env, "mfds", "/s", "2", "SYSAD", "SYSAD")
    assert right.returncode == 0, right.stderr
    assert process_start_ticks(pid) is None
    with pytest.raises(MfdsDown):
        client(es_env).info()
    again = run(es_env, "mfds", "-s", "2", "SYSAD", "SYSAD")
    assert again.returncode == 1 and "no Directory Server answers" in again.stderr


def test_definitions_and_bad_input_change_nothing(es_env, reaper):
    start_mfds(es_env, reaper)
    c = client(es_env)
    c.add_server("ESSRV01", listener_endpoint="10.0.0.1:9003", seps=3,
                 env={"APPFILE01": "/u01/APPFILE01"}, faults={"orphans_linger": True})
    before = c.list_servers()
    with pytest.raises(DuplicateServer, match="server ESSRV01 already exists"):
        c.add_server("ESSRV01")
    with pytest.raises(UnknownServer, match="unknown server 'NOPE'"):
        c.get_server("NOPE")
    with pytest.raises(InvalidRequest, match="port '70000' must be"):
        c.set_server("ESSRV01", listener_endpoint="tcp:10.0.0.1:70000")
    with pytest.raises(InvalidRequest, match="invalid SEP count 0"):
        c.set_server("ESSRV01", seps=0)
    assert c.list_servers() == before
    server = c.get_server("ESSRV01")
    assert server["comms"][0]["listeners"][0]["endpoint"] == "tcp:10.0.0.1:9003"
    assert (server["seps"], server["faults"]) == (3, {"orphans_linger": True})


def test_a_region_that_died_is_not_left_started(es_env, reaper):
    start_mfds(es_env, reaper)
    c = client(es_env)
    stand_in = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    reaper.track(stand_in.pid)
    c.report_region("ESDEMO", "Started", pid=stand_in.pid)
    c.report_listener("ESDEMO", "Web Services and J2EE", "Started")
    assert c.get_server("ESDEMO")["status"] == "Started"
    stand_in.kill()
    stand_in.wait()
    seen = set()

    def stopped():
        server = c.get_server("ESDEMO")
        seen.add(server["status"])
        return server["status"] == "Stopped" and server

    server = wait_for(stopped)
    assert "Not Responding" in seen or any("Not Responding" in line for line in c.journal())
    assert server["pid"] is None
    assert server["comms"][0]["listeners"][0]["status"] == "Stopped"
    journal = "\n".join(c.journal())
    assert f"process {stand_in.pid} is gone; status Not Responding" in journal
    assert f"process {stand_in.pid} is gone; status Stopped, listeners Stopped" in journal


def test_bind_address_from_flag_or_environment(es_env, reaper):
    env = {k: v for k, v in es_env.items() if k != "MFDS_BIND"}
    proc = run(env, "mfds", "--bind", "127.0.0.1")
    assert proc.returncode == 0, proc.stderr
    reaper.track(int(Path(env["COBDIR"], "etc", "mfds", "mfds32.pid").read_text()))
    info = client(es_env).info()
    assert (info["address"], info["port"]) == ("127.0.0.1", int(es_env["CCITCP2_PORT"]))
    assert run(env, "mfds", "-s", "2", "SYSAD", "SYSAD").returncode == 0
    start_mfds(es_env, reaper)
    assert client(es_env).info()["address"] == "127.0.0.1"


def test_garbage_and_stalled_clients_do_not_stop_others(es_env, reaper):
    start_mfds(es_env, reaper)
    port = int(es_env["CCITCP2_PORT"])
    stalled = socket.create_connection(("127.0.0.1", port))
    stalled.sendall(b"GET /native/v1/regions/localhost/")  # and never finishes
    with socket.create_connection(("127.0.0.1", port)) as garbage:
        garbage.sendall(b"\x16\x03\x01\x00\xa5 not http at all\r\n\r\n")
        garbage.settimeout(10)
        assert garbage.recv(100).startswith(b"HTTP/1.1 400")
    with socket.create_connection(("127.0.0.1", port)) as bad_json:
        bad_json.sendall(b"POST /native/v1/regions/localhost/%d HTTP/1.0\r\n"
                         b"Content-Length: 5\r\n\r\n{name" % port)
        bad_json.settimeout(10)
        assert b'{"error": "request body is not JSON' in b"".join(iter(lambda: bad_json.recv(4096),
                                                                        b""))
    dump = run(es_env, "mdump", "localhost", "ESDEMO")
    assert dump.returncode == 0 and "CN: ESDEMO" in dump.stdout
    stalled.close()
