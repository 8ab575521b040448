"""Fuzzing the other way: a server that answers with damaged frames, against the blocking client.

Whatever the bytes, the client must return well-typed values or raise one of its
own errors (BinpClientError) - never another exception, never hang.
"""

from __future__ import annotations

import queue
import socket
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakees.binp import strategies as bs
from fakees.binp import wire
from fakees.binp.client import BinpClient, BinpClientError, outs
from fakees.binp.events import ArgType, Argument, Direction, Reply, Welcome

WELCOME = wire.encode(Welcome(1, 1 << 20, 256, 1 << 18, 32, "fuzzing server"))
SIGNATURE = outs("SSSL")


class ScriptedServer:
    """Answers each accepted connection with the next scripted bytes, then closes it."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.scripts: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(65536)  # the client's HELLO (and maybe more)
                    conn.sendall(self.scripts.get(timeout=5))
                except OSError:
                    continue

    def close(self) -> None:
        self.listener.close()


@pytest.fixture(scope="module")
def server():
    srv = ScriptedServer()
    yield srv
    srv.close()


def cblapp01_reply() -> st.SearchStrategy[bytes]:
    values = st.tuples(st.text(max_size=20), st.text(max_size=10), st.text(max_size=20),
                       st.integers(-(2**63), 2**63 - 1))  # fmt: skip
    return values.map(
        lambda v: wire.encode(
            Reply(
                1,
                tuple(
                    Argument(Direction.OUT, a.type, x) for a, x in zip(SIGNATURE, v, strict=True)
                ),
            )
        )
    )


answers = st.one_of(
    bs.mutated_frames(cblapp01_reply()),
    bs.mutated_frames(bs.server_frames()),
    bs.server_frames(),
    st.binary(max_size=64),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(welcome=st.one_of(st.just(WELCOME), bs.mutated_frames(st.just(WELCOME))), answer=answers)
def test_client_survives_any_answer(server: ScriptedServer, welcome: bytes, answer: bytes) -> None:
    server.scripts.put(welcome + answer)
    client = BinpClient("127.0.0.1", server.port, timeout=5)
    try:
        client.connect()
        values = client.call("srv01.CBLAPP01", SIGNATURE)
    except BinpClientError:
        return
    finally:
        client.close()
    kinds = [ArgType.STRING] * 3 + [ArgType.LONG]
    assert len(values) == 4
    for kind, value in zip(kinds, values, strict=True):
        assert isinstance(value, str if kind is ArgType.STRING else int)
