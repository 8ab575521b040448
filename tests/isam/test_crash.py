"""Crash campaign: kill -9 a writer at random moments, then check file and counter.

Each round forks a writer that runs the workload (OPEN I-O, one operation,
CLOSE, like CBLAPP01 per call) from where the file stands and reports every
completed operation through a pipe.  It is killed either after a random delay
or by itself at its N-th write/sync/truncate system call (an injected crash
point, which reaches every step of the commit protocol).  The parent then
opens the file, which recovers, checks the structure and requires the
contents to be exactly the model after the reported operations, or after
one more (the one in flight); the counter therefore never goes backwards and
no reported increment is lost.

The shared variant runs LOCK MODE MANUAL writers while the parent keeps one
INPUT handle open throughout: its next operation after each crash must find
the dead writer's journal and recover under the shared lock.
"""

from __future__ import annotations

import os
import random
import signal
import struct
import time
from pathlib import Path

import pytest

from fakees.isam import IndexedFile
from fakees.isam.disk import OsFile
from tests.isam.workload import (
    COUNTER,
    KEYS,
    RECORD,
    Model,
    apply_file,
    apply_model,
    contents,
    counter_of,
    counter_record,
)

ROUNDS = 1000
SHARED_ROUNDS = 250


def writer(path: str, first: int, report: int, crash_at: int | None,
           lock_mode: str | None) -> None:
    """The child: never returns; reports each finished operation's number + 1."""
    try:
        if crash_at is not None:
            calls = [0]

            def crashing(method):  # type: ignore[no-untyped-def]
                def step(self, *args):  # type: ignore[no-untyped-def]
                    calls[0] += 1
                    if calls[0] >= crash_at:
                        os.kill(os.getpid(), signal.SIGKILL)
                    return method(self, *args)

                return step

            for name in ("write", "write_direct", "sync", "truncate"):
                setattr(OsFile, name, crashing(getattr(OsFile, name)))
        i = first
        while True:
            f, status = IndexedFile.open(path, "I-O", record_size=RECORD, keys=KEYS,
                                         lock_mode=lock_mode)
            assert f is not None, status
            apply_file(f, i)
            f.close()
            i += 1
            os.write(report, struct.pack(">Q", i))
    finally:
        os._exit(3)


def run_round(path: str, done: int, rng: random.Random, reaper,  # type: ignore[no-untyped-def]
              lock_mode: str | None = None) -> int:
    """One writer's life; returns how many operations it reported finished in total."""
    read_end, write_end = os.pipe()
    injected = rng.random() < 0.5
    crash_at = rng.randint(1, 40) if injected else None
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        writer(path, done, write_end, crash_at, lock_mode)
    reaper.track(pid)
    os.close(write_end)
    if not injected:
        time.sleep(rng.uniform(0, 0.006))
        os.kill(pid, signal.SIGKILL)
    _, wait_status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(wait_status), f"writer ended without being killed: {wait_status}"
    reported = b""
    while chunk := os.read(read_end, 65536):
        reported += chunk
    os.close(read_end)
    return struct.unpack_from(">Q", reported, len(reported) - 8)[0] if reported else done


def new_counter_file(path: str) -> Model:
    f, status = IndexedFile.open(path, "OUTPUT", record_size=RECORD, keys=KEYS)
    assert f is not None, status
    assert f.write(counter_record(0)).code == "00"
    f.close()
    return {COUNTER: counter_record(0)}


def settle(state: Model, model: Model, done: int) -> tuple[int, bool]:
    """Match the recovered state to the model: (operations done, in-flight one landed)."""
    if state == model:
        return done, False
    apply_model(model, done)  # only the operation in flight may have landed, and whole
    assert state == model, f"file is neither the state before nor after op {done}"
    return done + 1, True


@pytest.mark.slow
def test_kill_minus_9_campaign(tmp_path: Path, reaper,  # type: ignore[no-untyped-def]
                               outcomes: list[str]) -> None:
    path = str(tmp_path / "APPFILE01")
    model = new_counter_file(path)
    done = counter = landed = 0
    rng = random.Random(4)
    for _ in range(ROUNDS):
        reported = run_round(path, done, rng, reaper)
        for i in range(done, reported):
            apply_model(model, i)
        f, status = IndexedFile.open(path, "I-O", record_size=RECORD, keys=KEYS)
        assert f is not None, f"after a crash at operation {reported}: {status}"
        state = contents(f)
        f.close()
        done, hit = settle(state, model, reported)
        landed += hit
        assert counter_of(state[COUNTER]) >= counter
        counter = counter_of(state[COUNTER])
    assert done > ROUNDS  # the writers did make progress
    assert landed > 10  # and some crashes hit after the commit point
    # Dead writers left files unlike the slots, which recovery restored.  (A kill
    # never loses the page cache: a writer that wrote its post-image had written
    # all its bytes, so restoring always undoes.)
    assert outcomes.count("restored") > 10


@pytest.mark.slow
def test_kill_minus_9_shared_writers_and_a_reader(tmp_path: Path, reaper,  # type: ignore[no-untyped-def]
                                                  outcomes: list[str]) -> None:
    path = str(tmp_path / "APPFILE01")
    model = new_counter_file(path)
    reader, status = IndexedFile.open(path, "INPUT", record_size=RECORD, keys=KEYS)
    assert reader is not None, status
    done = counter = landed = 0
    rng = random.Random(5)
    try:
        for _ in range(SHARED_ROUNDS):
            reported = run_round(path, done, rng, reaper, lock_mode="MANUAL")
            for i in range(done, reported):
                apply_model(model, i)
            state = contents(reader)
            done, hit = settle(state, model, reported)
            landed += hit
            assert counter_of(state[COUNTER]) >= counter
            counter = counter_of(state[COUNTER])
    finally:
        reader.close()
    assert done > SHARED_ROUNDS and landed > 5
    # The reader found files a dead writer left unlike the slots and restored them.
    assert outcomes.count("restored") > 5
