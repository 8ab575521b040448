"""Fuzzing a live listener: >= 100,000 random, mutated and malformed frames, each parsed.

A real listener process (`python -m fakees.binp.server --echo`) on 127.0.0.1
gets, on each of some 110,000 connections, an optional valid prefix (HELLO,
calls, pings) and then fuzzed frames: valid frames mutated at random, frames
with one defect from BINP.md section 5, random bytes, random payloads under a
plausible header, all drawn fresh from a seeded random.Random.  A listener
closes a connection at the first frame it rejects, so each connection carries
one bad frame (after any mutants that stayed valid); only frames the listener
gets whole, or rejects by their header, count.

Every connection's outcome is known in advance: a model `Connection(SERVER)`
reads the same bytes, and `answer_to` says what the echo listener answers each
valid call.  The listener must send exactly those answers (every byte valid
BINP), then the model's fatal Error and a close for a bad frame, or just a
close when the bytes end inside a frame (the client half-closes); never a hang
(socket timeouts fail the test).  Meanwhile a well-behaved client keeps being
served, the listener's memory stays bounded, and its stderr, kept in a file,
shows no traceback (an exception in a handler drops the connection and would
otherwise pass for a close).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import random
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakees.binp import strategies as bs
from fakees.binp import wire
from fakees.binp.client import BinpClient, RemoteCallError
from fakees.binp.connection import NEED_DATA, SERVER, Connection, Limits, negotiated_version
from fakees.binp.events import (
    ZERO,
    ArgType,
    Argument,
    Call,
    Direction,
    Error,
    ErrorCode,
    Event,
    Hello,
    Ping,
    Pong,
    RemoteProtocolError,
    Reply,
    Welcome,
    is_fatal,
)
from tests.conftest import free_port

BAD_FRAMES = 100_000  # fuzzed frames the listener must parse and reject
SEED = 20061023
WORKERS = 4
TIMEOUT = 15.0  # seconds a connection may wait for the listener: longer is a hang
LIMITS = Limits(max_frame=4096)  # the fuzz listener's settings (fixture below)
WELCOME = Welcome(1, 4096, LIMITS.max_args, LIMITS.max_string, LIMITS.max_pending,
                  "fakees BINP listener")  # fmt: skip
SENTINEL = 0xFFFFFFFF
HELLO = wire.encode(Hello(client="fuzz"))
HELLOS = [wire.encode(Hello(1, high, name)) for high in (1, 1, 2, 255) for name in ("fuzz", "")]
PING_SENTINEL = wire.encode(Ping(SENTINEL))
LINGER_RST = struct.pack("ii", 1, 0)  # close with RST: 100,000 connections, no TIME_WAIT
TIMEVAL = struct.pack("ll", int(TIMEOUT), 0)
KINDS = ("mutated", "malformed", "random", "random_payload")
KIND_WEIGHTS = (5, 3, 1, 1)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@dataclass
class Pool:
    """Valid frames drawn by the strategies: prefixes, and the raw material of the fuzz."""

    prefixes: list[bytes]  # Calls and Pings, for valid prefixes
    frames: list[bytes]  # any valid frame of either side, to mutate or break


def build_pool() -> Pool:
    pool = Pool([], [])

    @settings(max_examples=300, database=None, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.lists(bs.client_events(), min_size=4, max_size=12), st.lists(bs.server_frames()))
    def collect(events: list[Event], server_frames: list[bytes]) -> None:
        pool.prefixes += [wire.encode(e) for e in events if isinstance(e, Call | Ping)]
        pool.frames += [wire.encode(e) for e in events] + server_frames

    collect()
    return pool


def answer_to(call: Call) -> Event:
    """What the --echo listener answers a valid `call` with (a call error's message aside)."""
    call_id = call.call_id
    if LIMITS.violation(call):
        return Error(call_id, ErrorCode.LIMIT_EXCEEDED, "")
    if call.function == "initialize":
        if [(a.direction, a.type) for a in call.args] == [(Direction.IN, ArgType.BOOLEAN)]:
            return Reply(call_id, ())
        return Error(call_id, ErrorCode.BAD_ARGUMENTS, "")
    service, dot, operation = call.function.partition(".")
    if not (dot and service and operation):
        return Error(call_id, ErrorCode.UNKNOWN_FUNCTION, "")
    if service != "echo":
        return Error(call_id, ErrorCode.UNKNOWN_SERVICE, "")
    outputs = tuple(
        Argument(a.direction, a.type, a.value if a.direction is Direction.INOUT else ZERO[a.type])
        for a in call.args
        if a.direction is not Direction.IN
    )
    return Reply(call_id, outputs)


@dataclass
class Plan:
    """One connection: the bytes to send and everything the listener must answer."""

    index: int
    data: bytes = b""
    answers: list[tuple[Event, bytes]] = field(default_factory=list)  # per valid frame
    fatal: Error | None = None  # the Error that rejects the bad frame, then a close
    incomplete: bool = False  # the bytes end inside a frame: half-close, expect a close
    units: list[tuple[str, str, bytes]] = field(default_factory=list)  # (kind, outcome, bytes)


def fuzz_unit(rng: random.Random, pick: bs.RandomPicker, pool: Pool) -> tuple[str, bytes]:
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    if kind == "mutated":
        frame = bs.mutate(rng.choice(pool.frames), pick)
        return kind, bs.fit_length(frame) if rng.random() < 0.75 else frame
    if kind == "malformed":
        return kind, bs.malform(rng.choice(pool.frames), pick)
    if kind == "random":
        return kind, rng.randbytes(rng.randint(1, 300))
    payload = rng.randbytes(rng.randint(0, 200))
    header = wire.HEADER_STRUCT.pack(
        wire.MAGIC, rng.choice(list(wire.FRAME_NAMES)), 0, rng.getrandbits(32), len(payload)
    )
    return kind, header + payload


def plan_connection(index: int, pool: Pool) -> Plan:
    """Connection `index` of the campaign, the same every run (seeded by SEED and index)."""
    rng = random.Random(SEED * 1_000_003 + index)
    pick = bs.RandomPicker(rng)
    plan, model = Plan(index), Connection(SERVER, LIMITS)
    sent = []
    if rng.random() < 0.85:  # else the fuzz meets a listener still waiting for HELLO
        sent = [rng.choice(HELLOS), *rng.sample(pool.prefixes, rng.choice([0, 0, 0, 1, 3]))]
    assert feed(model, b"".join(sent), plan) == "answered"
    for _ in range(4):  # a mutant that stays valid is answered: then another one
        kind, unit = fuzz_unit(rng, pick, pool)
        # Nothing to throw (a mutant cut to nothing), or a first frame cut short, which the
        # listener only buffers until the close: keep one in five of those, redraw the rest.
        while not unit or (cut_short(unit) and rng.random() < 0.8):
            kind, unit = fuzz_unit(rng, pick, pool)
        sent.append(unit)
        outcome = feed(model, unit, plan)
        plan.units.append((kind, outcome, unit))
        if kind == "malformed":  # the strategy's promise, checked against the codec
            assert plan.fatal is not None and plan.fatal.code == ErrorCode.MALFORMED_FRAME, (
                f"connection {index}: malformed frame {unit.hex()} gave {outcome} {plan.fatal}"
            )
        if outcome != "answered":
            break
    plan.data = b"".join(sent)
    return plan


def cut_short(unit: bytes) -> bool:
    """Whether the listener would wait for more of `unit`'s first frame (header passed)."""
    if len(unit) < wire.HEADER_SIZE:
        return True
    magic, kind, flags, _, length = wire.HEADER_STRUCT.unpack(unit[: wire.HEADER_SIZE])
    if magic != wire.MAGIC or flags or kind not in wire.FRAME_NAMES:
        return False
    return len(unit) < wire.HEADER_SIZE + length <= LIMITS.max_frame


def feed(model: Connection, data: bytes, plan: Plan) -> str:
    """Let the model listener read `data`: 'answered' (all whole, valid frames), 'rejected'
    (plan.fatal says how) or 'incomplete' (they end inside a frame)."""
    if data:  # (b"" would tell the model the stream ended)
        model.receive_data(data)
    while True:
        try:
            event = model.next_event()
        except RemoteProtocolError as exc:
            plan.fatal = Error(exc.call_id, exc.code, exc.message)
            return "rejected"
        if event is NEED_DATA:
            plan.incomplete = model.buffered > 0
            return "incomplete" if plan.incomplete else "answered"
        if isinstance(event, Hello):
            answer: Event = dataclasses.replace(WELCOME, version=negotiated_version(event))
        elif isinstance(event, Ping):
            answer = Pong(event.call_id)
        else:
            answer = answer_to(event)
        plan.answers.append((answer, model.send(answer)))


def talk(port: int, plan: Plan) -> None:
    """Send the plan's bytes on a fresh connection and check every byte that comes back."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RST)
    # A hang fails the test: the kernel's timeouts, so Python need not poll before each call
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, TIMEVAL)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, TIMEVAL)
    try:
        sock.connect(("127.0.0.1", port))
        try:
            sock.sendall(plan.data)
            if plan.incomplete:
                sock.shutdown(socket.SHUT_WR)  # the listener sees the end of the stream
        except (BrokenPipeError, ConnectionResetError):
            pass  # it rejected a header before the rest arrived; its answer is still queued
        frames, closed = receive(sock, None if plan.fatal or plan.incomplete else len(plan.answers))
    finally:
        sock.close()
    where = f"connection {plan.index} (sent {plan.data[:300].hex()})"
    expected = list(plan.answers) + ([(plan.fatal, b"")] if plan.fatal else [])
    assert len(frames) == len(expected), f"{where}: got {frames}, expected {expected}"
    for (raw, got), (want, want_raw) in zip(frames, expected, strict=True):
        if isinstance(want, Error):  # a call error's text is the listener's own; a fatal's
            assert isinstance(got, Error) and got.call_id == want.call_id, (where, got, want)
            assert got.code == want.code, f"{where}: got {got}, expected {want}"
            if is_fatal(want.code):
                assert got.message == want.message, f"{where}: got {got}, expected {want}"
        else:  # the exact bytes: a Welcome with the limits, a Pong, the echo's Reply
            assert raw == want_raw, f"{where}: got {got}, expected {want}"
    if plan.fatal or plan.incomplete:
        assert closed, f"{where}: not closed after {expected}"


def receive(sock: socket.socket, frames_wanted: int | None) -> tuple[list, bool]:
    """(raw frame, event) pairs until `frames_wanted` or the close; every byte must decode."""
    data, frames, closed = b"", [], False
    while frames_wanted is None or len(frames) < frames_wanted:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        except BlockingIOError:  # SO_RCVTIMEO expired
            raise TimeoutError(f"no answer for {TIMEOUT} s after {frames}") from None
        if not chunk:
            closed = True
            break
        data += chunk
        while len(data) >= wire.HEADER_SIZE:
            end = wire.HEADER_SIZE + struct.unpack(">I", data[8:12])[0]
            if len(data) < end:
                break
            frames.append((data[:end], wire.decode(data[:end])))  # raises if not valid BINP
            data = data[end:]
    assert not data, f"the listener sent {data.hex()}, not a whole frame"
    return frames, closed


@dataclass
class Tally:
    connections: int = 0
    units: Counter = field(default_factory=Counter)  # (kind, outcome)
    fatal_codes: Counter = field(default_factory=Counter)
    bad_frames: set[bytes] = field(default_factory=set)  # digests of distinct rejected frames
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def rejected(self) -> int:
        return sum(n for (_, outcome), n in self.units.items() if outcome == "rejected")

    def add(self, plan: Plan) -> None:
        with self.lock:
            self.connections += 1
            self.units.update((kind, outcome) for kind, outcome, _ in plan.units)
            if plan.fatal:
                self.fatal_codes[ErrorCode(plan.fatal.code).name] += 1
                self.bad_frames.add(hashlib.blake2b(plan.units[-1][2], digest_size=8).digest())


def campaign(port: int, pool: Pool, tally: Tally, indexes, target: int) -> None:
    """Worker threads take connection numbers until the listener has rejected `target`."""

    def worker() -> None:
        while tally.rejected < target:
            plan = plan_connection(next(indexes), pool)
            talk(port, plan)
            tally.add(plan)

    with ThreadPoolExecutor(max_workers=WORKERS) as threads:
        for future in [threads.submit(worker) for _ in range(WORKERS)]:
            future.result()


def good_client(port: int, stop: threading.Event, results: list[str], slowest: list) -> None:
    """A well-behaved client calling echo over one connection for the whole campaign, a
    call every few milliseconds; `slowest` gets its longest wait for an answer."""
    with BinpClient("127.0.0.1", port, timeout=30) as client:
        client.initialize(True)
        n, slowest[:] = 0, [0.0]
        while not stop.wait(0.005):
            n += 1
            payload = f"call {n} " + "x" * (n % 300)
            started = time.monotonic()
            got = client.call("echo.check", [Argument(Direction.INOUT, ArgType.STRING, payload)])
            slowest[0] = max(slowest[0], time.monotonic() - started)
            results.append("ok" if got == [payload] else f"wrong answer {got!r}")


def no_traceback(stderr: Path) -> None:
    text = stderr.read_text(errors="replace")
    assert "Traceback" not in text, f"the listener logged an exception:\n{text[-3000:]}"


@pytest.fixture
def fuzz_listener(reaper, tmp_path):
    port = free_port()
    stderr = tmp_path / "listener.stderr"
    with stderr.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "fakees.binp.server", "--port", str(port), "--echo",
             "--max-frame", "4096", "--read-timeout", "1", "--idle-timeout", "20",
             "--max-connections", "64"],
            stdout=subprocess.PIPE, stderr=err, text=True,
        )  # fmt: skip
    reaper.track(proc.pid)
    assert proc.stdout.readline().startswith("listening on"), stderr.read_text()
    yield port, proc, stderr
    proc.kill()
    proc.wait(timeout=10)
    no_traceback(stderr)


@pytest.mark.slow
def test_live_listener_survives_100k_fuzzed_frames(fuzz_listener) -> None:
    port, proc, stderr = fuzz_listener
    started = time.monotonic()
    pool = build_pool()
    tally, indexes = Tally(), itertools.count()
    stop, served, slowest = threading.Event(), [], [0.0]
    good = threading.Thread(target=good_client, args=(port, stop, served, slowest), daemon=True)
    good.start()
    campaign(port, pool, tally, indexes, BAD_FRAMES // 10)
    rss_warm = rss_kib(proc.pid)
    campaign(port, pool, tally, indexes, BAD_FRAMES)
    rss_end = rss_kib(proc.pid)
    stop.set()
    good.join(timeout=30)

    assert proc.poll() is None, "the listener died"
    by_kind = {k: {o: n for (k2, o), n in sorted(tally.units.items()) if k2 == k} for k in KINDS}
    print(f"\n{tally.connections} connections in {time.monotonic() - started:.1f} s; "
          f"fuzzed frames by kind and outcome: {by_kind}")  # fmt: skip
    print(f"rejected {tally.rejected} ({len(tally.bad_frames)} distinct) with "
          f"{dict(tally.fatal_codes)}")  # fmt: skip
    print(f"listener RSS {rss_warm} KiB after warm-up, {rss_end} KiB at the end")
    print(f"good client: {len(served)} calls served meanwhile, the slowest in "
          f"{slowest[0]:.3f} s")  # fmt: skip
    assert tally.rejected >= BAD_FRAMES
    assert len(tally.bad_frames) >= 0.8 * tally.rejected, "the fuzz repeats itself"
    assert rss_end - rss_warm < 64 * 1024, "listener memory grew by more than 64 MiB"
    assert served and set(served) == {"ok"}, f"good client: {Counter(served)}"
    assert slowest[0] < 5, f"the good client waited {slowest[0]:.1f} s for an answer"
    # and it still serves a fresh client, and logged no exception
    with BinpClient("127.0.0.1", port, timeout=10) as client:
        client.ping()
    no_traceback(stderr)


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
    port, _, _ = fuzz_listener
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(HELLO + PING_SENTINEL[:5])
        welcome, error = read_frames(sock)
    assert welcome.version == 1
    assert error.code == ErrorCode.READ_TIMEOUT
    assert error.message == "frame incomplete after 1.0 s (5 bytes buffered)"


def test_live_connection_limit(fuzz_listener) -> None:
    port, _, _ = fuzz_listener
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
