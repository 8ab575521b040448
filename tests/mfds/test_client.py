"""The client's view of something that is not MFDS: it must say so, and mdump says SERVER_DOWN."""

from __future__ import annotations

import socket
import threading

import pytest

from fakees.mfds.client import MfdsClient, MfdsDown, parse_response
from tests.mfds.harness import run


def test_parse_response():
    assert parse_response(b"HTTP/1.0 404 Not Found\r\nA: b\r\n\r\n{}") == (404, b"{}")
    assert parse_response(b"HTTP/1.1 200 OK\r\n\r\n") == (200, b"")
    assert parse_response(b"SSH-2.0-OpenSSH\r\n") == (None, b"")
    assert parse_response(b"HTTP/1.0 2x0 OK\r\n\r\n") == (None, b"")


@pytest.fixture
def impostor(es_env):
    """Something else on the MFDS port: answers one line of garbage and hangs up."""
    server = socket.create_server(("127.0.0.1", int(es_env["CCITCP2_PORT"])))

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(b"220 smtp ready\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server
    server.close()


def test_an_impostor_is_not_taken_for_mfds(es_env, impostor):
    with pytest.raises(MfdsDown, match="answered, but not as MFDS"):
        MfdsClient("127.0.0.1", int(es_env["CCITCP2_PORT"])).list_servers()
    dump = run(es_env, "mdump", "localhost")
    assert (dump.returncode, dump.stdout) == (1, "m_ldap_bind: 0x51 SERVER_DOWN\n")
