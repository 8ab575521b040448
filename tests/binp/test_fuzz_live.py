"""Fuzzing a live listener: >= 100,000 random, mutated and malformed frames over loopback.

A real listener process (`python -m fakees.binp.server --echo`) on 127.0.0.1
takes batches of frames on many connections from several threads while a
well-behaved client keeps calling it.  The listener must never crash, its
memory must stay bounded, every connection must end with all its answers, an
Error frame or a close (never a hang), and the good client must be served
throughout.
"""

from __future__ import annotations

import random
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakees.binp import strategies as bs
from fakees.binp import wire
from fakees.binp.client import BinpClient, RemoteCallError
from fakees.binp.events import (
    ArgType,
    Argument,
    Call,
    Direction,
    ErrorCode,
    Hello,
    Ping,
    Welcome,
)
from tests.conftest import free_port

FRAMES_TO_THROW = 100_000
SENTINEL = 0xFFFFFFFF
HELLO = wire.encode(Hello(client="fuzz"))
PING_SENTINEL = wire.encode(Ping(SENTINEL))
FATAL_CODES = {c for c in ErrorCode if c < 100}


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@dataclass
class Corpus:
    valid: list[bytes]
    malformed: list[bytes]
    mutated: list[bytes]


def build_corpus() -> Corpus:
    """A few thousand frames drawn by the strategies; the batches below are mixes of them."""
    corpus = Corpus([], [], [])

    @settings(
        max_examples=300,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        st.lists(bs.calls().map(wire.encode), min_size=1, max_size=12),
        st.lists(bs.malformed_frames(), max_size=2),
        st.lists(bs.mutated_frames(), max_size=4),
    )
    def collect(valid: list[bytes], malformed: list[bytes], mutated: list[bytes]) -> None:
        corpus.valid.extend(valid)
        corpus.malformed.extend(malformed)
        corpus.mutated.extend(mutated)

    collect()
    corpus.valid += [wire.encode(Ping(i)) for i in range(50)]
    return corpus


@dataclass
class Outcome:
    kind: str  # "answered" (sentinel Pong), "error" (fatal Error then close), "closed"
    answers: int
    fatal_code: int | None = None


def throw(port: int, payload: bytes) -> Outcome:
    """Send one batch, then read until the sentinel Pong, a fatal Error or the close."""
    answers = 0
    fatal: int | None = None
    buf = b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        try:
            sock.sendall(payload)
        except (BrokenPipeError, ConnectionResetError):
            return Outcome("closed", answers)
        while True:
            while len(buf) >= wire.HEADER_SIZE:
                magic, kind, _, call_id, length = struct.unpack(">2sBBII", buf[:12])
                assert magic == wire.MAGIC, f"listener sent a bad frame: {buf[:12].hex()}"
                if len(buf) < wire.HEADER_SIZE + length:
                    break
                frame, buf = buf[: wire.HEADER_SIZE + length], buf[wire.HEADER_SIZE + length :]
                event = wire.decode(frame)  # every byte the listener sends must be valid BINP
                answers += 1
                if kind == wire.PONG and call_id == SENTINEL:
                    return Outcome("answered", answers)
                if kind == wire.ERROR and event.code in FATAL_CODES:
                    fatal = event.code
            try:
                data = sock.recv(65536)  # a timeout here (a hang) fails the test
            except ConnectionResetError:
                data = b""
            if not data:
                return Outcome("error" if fatal else "closed", answers, fatal)
            buf += data


def good_client(port: int, stop: threading.Event, results: list[str]) -> None:
    """A well-behaved client calling echo over one connection for the whole campaign."""
    with BinpClient("127.0.0.1", port, timeout=30) as client:
        client.initialize(True)
        n = 0
        while not stop.is_set():
            n += 1
            payload = f"call {n} " + "x" * (n % 300)
            got = client.call("echo.check", [Argument(Direction.INOUT, ArgType.STRING, payload)])
            results.append("ok" if got == [payload] else f"wrong answer {got!r}")


@pytest.fixture
def fuzz_listener(reaper):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "fakees.binp.server", "--port", str(port), "--echo",
         "--max-frame", "4096", "--read-timeout", "1", "--idle-timeout", "20",
         "--max-connections", "64"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    reaper.track(proc.pid)
    assert proc.stdout.readline().startswith("listening on"), proc.stderr.read()
    yield port, proc
    proc.kill()
    proc.wait(timeout=10)


@pytest.mark.slow
def test_live_listener_survives_100k_fuzzed_frames(fuzz_listener) -> None:
    port, proc = fuzz_listener
    corpus = build_corpus()
    rng = random.Random(20061023)
    batches: list[tuple[str, bytes, int]] = []  # (kind, bytes, frames in it)
    thrown = 0
    while thrown < FRAMES_TO_THROW:
        kind = rng.choices(["valid", "malformed", "mutated", "garbage"], [6, 2, 2, 0.2])[0]
        frames = rng.choices(corpus.valid, k=rng.randint(20, 120))
        if kind == "malformed":
            frames.insert(rng.randint(0, len(frames)), rng.choice(corpus.malformed))
        elif kind == "mutated":
            for _ in range(rng.randint(1, 3)):
                frames.insert(rng.randint(0, len(frames)), rng.choice(corpus.mutated))
        elif kind == "garbage":
            frames = [rng.randbytes(rng.randint(1, 400))]
        prefix = b"" if kind == "garbage" else HELLO
        batches.append((kind, prefix + b"".join(frames) + PING_SENTINEL, len(frames)))
        thrown += len(frames)

    stop, served = threading.Event(), []
    good = threading.Thread(target=good_client, args=(port, stop, served), daemon=True)
    good.start()
    warm = len(batches) // 10
    with ThreadPoolExecutor(max_workers=12) as pool:
        first = list(pool.map(lambda b: throw(port, b[1]), batches[:warm]))
        rss_warm = rss_kib(proc.pid)
        rest = list(pool.map(lambda b: throw(port, b[1]), batches[warm:]))
    rss_end = rss_kib(proc.pid)
    stop.set()
    good.join(timeout=30)
    outcomes = first + rest

    assert proc.poll() is None, "the listener died"
    assert thrown >= FRAMES_TO_THROW
    by_kind: dict[str, Counter] = {}
    for (kind, _, count), outcome in zip(batches, outcomes, strict=True):
        by_kind.setdefault(kind, Counter())[outcome.kind] += 1
        if kind == "valid":  # every frame answered, in one piece
            assert outcome.kind == "answered" and outcome.answers == count + 2
        elif kind == "malformed":  # the defect is found: an Error naming it, then a close
            assert outcome.kind == "error" and outcome.fatal_code in FATAL_CODES, outcome
    print(f"\nframes thrown {thrown} in {len(batches)} connections; outcomes {by_kind}")
    print(f"listener RSS {rss_warm} KiB after warm-up, {rss_end} KiB at the end")
    print(f"good client: {len(served)} calls served meanwhile")
    assert rss_end - rss_warm < 64 * 1024, "listener memory grew by more than 64 MiB"
    assert served and set(served) == {"ok"}, f"good client: {Counter(served)}"
    # and it still serves a fresh client
    with BinpClient("127.0.0.1", port, timeout=10) as client:
        client.ping()


def read_frames(sock: socket.socket) -> list:
    """Every frame the listener sends until it closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    frames = []
    while data:
        length = struct.unpack(">I", data[8:12])[0]
        frames.append(wire.decode(data[: wire.HEADER_SIZE + length]))
        data = data[wire.HEADER_SIZE + length :]
    return frames


def test_live_stalled_peer_gets_read_timeout(fuzz_listener) -> None:
    port, _ = fuzz_listener
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(HELLO + PING_SENTINEL[:5])
        welcome, error = read_frames(sock)
    assert welcome.version == 1
    assert error.code == ErrorCode.READ_TIMEOUT
    assert error.message == "frame incomplete after 1.0 s (5 bytes buffered)"


def test_live_connection_limit(fuzz_listener) -> None:
    port, _ = fuzz_listener
    clients = [BinpClient("127.0.0.1", port, timeout=30) for _ in range(64)]
    try:
        for client in clients:
            client.connect()
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            [error] = read_frames(sock)
        assert error.code == ErrorCode.TOO_MANY_CONNECTIONS
        assert error.message == "listener already has 64 connections, limit is 64"
        with pytest.raises(RemoteCallError, match="TOO_MANY_CONNECTIONS"):
            BinpClient("127.0.0.1", port, timeout=30).connect()
        clients.pop().close()
        deadline = time.monotonic() + 30
        while True:  # the listener notices the close asynchronously
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(HELLO)
                first = read_frames_until_one(sock)
            if isinstance(first, Welcome):
                break
            assert time.monotonic() < deadline, "the freed connection slot was never reused"
            time.sleep(0.05)
    finally:
        for client in clients:
            client.close()


def read_frames_until_one(sock: socket.socket):
    data = b""
    while (
        len(data) < wire.HEADER_SIZE
        or len(data) < wire.HEADER_SIZE + struct.unpack(">I", data[8:12])[0]
    ):
        chunk = sock.recv(65536)
        assert chunk, "closed without a frame"
        data += chunk
    return wire.decode(data[: wire.HEADER_SIZE + struct.unpack(">I", data[8:12])[0]])


def test_live_peer_that_never_reads_cannot_grow_listener_memory(reaper) -> None:
    """Pipelined 200 KB echo calls whose answers are never read: once the kernel's socket
    buffers are full, the listener stops reading (backpressure) instead of buffering."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "fakees.binp.server", "--port", str(port), "--echo",
         "--max-pending", "64"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    reaper.track(proc.pid)
    assert proc.stdout.readline().startswith("listening on"), proc.stderr.read()
    big = Argument(Direction.INOUT, ArgType.STRING, "x" * 200_000)
    call = wire.encode(Call(1, "echo.big", (big,)))
    calls_to_try = 1000  # 200 MB, far beyond any socket buffers
    rss_before = rss_kib(proc.pid)
    with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
        sock.sendall(HELLO)
        sent = 0
        with pytest.raises(TimeoutError):  # sending blocks: the listener stopped reading
            while sent < calls_to_try:
                sock.sendall(call)
                sent += 1
        grown = rss_kib(proc.pid) - rss_before
        assert sent < calls_to_try // 2, f"the listener read {sent} unanswerable calls"
        assert grown < 32 * 1024, f"listener RSS grew by {grown} KiB"
    with BinpClient("127.0.0.1", port, timeout=10) as client:  # and it serves others
        client.ping()
