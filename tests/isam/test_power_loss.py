"""Power loss, simulated with ``SimDisk`` (a disk that forgets unsynced writes).

The engine runs the workload on it until an injected power cut at its N-th I/O
call; after "reboot" the next OPEN must recover to exactly the state before or
after the operation in flight.  That is stricter than kill -9, where the page
cache survives.
"""

from __future__ import annotations

import random

import pytest

from fakees.isam import IndexedFile
from fakees.isam.journal import Journal
from tests.isam.simdisk import PowerCut, SimDisk
from tests.isam.workload import (
    ALT,
    COUNTER,
    KEYS,
    PAYLOAD,
    RECORD,
    Model,
    apply_file,
    apply_model,
    contents,
    counter_record,
    key,
)


def open_io(disk: SimDisk) -> IndexedFile:
    f, status = IndexedFile.open("APPFILE01", "I-O", record_size=RECORD, keys=KEYS, disk=disk)
    assert f is not None, status
    return f


def create_counter_file(disk: SimDisk) -> Model:
    """APPFILE01 with its counter record at 0, closed; returns the model of its contents."""
    f, status = IndexedFile.open("APPFILE01", "OUTPUT", record_size=RECORD, keys=KEYS,
                                 disk=disk)
    assert f is not None, status
    assert f.write(counter_record(0)).code == "00"
    f.close()
    return {COUNTER: counter_record(0)}


def apply_operations(f: IndexedFile, model: Model, count: int) -> None:
    """The first `count` operations of the test sequence, to the file and to the model."""
    for i in range(count):
        apply_file(f, i)
        apply_model(model, i)


def run_until_cut(disk: SimDisk, model: Model, done: int, calls: int) -> int:
    """Run the workload until the I/O call ``calls`` from now fails; operations done."""
    disk.cut_at = disk.calls + calls
    try:
        while True:
            f = open_io(disk)
            apply_file(f, done)
            f.close()
            apply_model(model, done)  # finished, so it must survive what follows
            done += 1
    except PowerCut:
        return done


def settle(disk: SimDisk, model: Model, done: int) -> tuple[int, bool]:
    """The state after recovery is the model before or after the operation in flight."""
    state = contents(open_io(disk))
    if state == model:
        return done, False
    apply_model(model, done)
    assert state == model, f"neither the state before nor after operation {done}"
    return done + 1, True


def test_power_loss_keeps_old_or_new_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each round: maybe a kill (the process dies, the page cache stays) and a restart,
    then a power cut a few I/O calls later, so that power can also fail while a
    restarted process finishes a dead one's commit."""
    monkeypatch.setattr(Journal, "limit", 16384)  # checkpoint every few commits
    checkpoints = []
    real_checkpoint = Journal.checkpoint
    monkeypatch.setattr(Journal, "checkpoint",
                        lambda self, files: checkpoints.append(1) or real_checkpoint(self, files))
    rng = random.Random(7)
    disk = SimDisk()
    model = create_counter_file(disk)
    done = landed = 0
    for _ in range(600):
        if rng.random() < 0.5:
            done = run_until_cut(disk, model, done, rng.randint(1, 60))
            disk.cut_at = None  # a kill: nothing is lost, the next OPEN recovers
            done, hit = settle(disk, model, done)
            landed += hit
        done = run_until_cut(disk, model, done, rng.randint(1, 60))
        disk.power_off(rng)
        done, hit = settle(disk, model, done)
        landed += hit
    assert done > 600 and landed > 0 and len(checkpoints) > 100


def test_power_loss_during_first_creation_leaves_no_file_or_an_empty_one() -> None:
    """OPEN OUTPUT of a new file cut at every possible point: no file, or a sound empty one."""
    for cut in range(1, 30):
        disk = SimDisk()
        disk.cut_at = cut
        try:
            f, _ = IndexedFile.open("APPFILE01", "OUTPUT", record_size=RECORD, keys=KEYS,
                                    disk=disk)
            assert f is not None
            f.close()
        except PowerCut:
            pass
        disk.power_off(random.Random(cut))
        f, status = IndexedFile.open("APPFILE01", "I-O", record_size=RECORD, keys=KEYS,
                                     disk=disk)
        if f is None:
            assert status.code == "35"
        else:
            assert status.code == "00" and contents(f) == {}


@pytest.mark.parametrize("seed", range(20))
def test_failback_to_a_node_that_never_rebooted(seed: int) -> None:
    """Node 1 hands the disk to node 2, which commits and loses power; node 1, never
    rebooted, takes the disk back and must not trust node 2's mark."""
    disk = SimDisk()
    disk.boot = 1
    model = create_counter_file(disk)
    disk.unmount()
    disk.boot = 3  # node 1 reboots: its next OPEN replays and checkpoints, the chain is empty
    open_io(disk).close()
    disk.unmount()
    disk.boot = 2  # node 2 takes the disk over: nothing to replay
    f = open_io(disk)
    apply_operations(f, model, 6)
    f.close()
    disk.power_off(random.Random(seed))  # node 2 loses power: unsynced writes may be lost
    disk.boot = 3  # node 1 takes the disk back: the same boot as when it last had it
    assert contents(open_io(disk)) == model


@pytest.mark.parametrize("failing", ["APPFILE01", "APPFILE01.idx"])
def test_failed_fdatasync_at_a_checkpoint_does_not_lose_commits(
        monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    """A file's sync fails (and its dirty pages are dropped) at a checkpoint: the
    operation reports 30, and the next OPEN rebuilds everything from the journal."""
    monkeypatch.setattr(Journal, "limit", 4096)
    disk = SimDisk()
    model = create_counter_file(disk)
    f = open_io(disk)
    apply_operations(f, model, 20)
    disk.failing[failing] = "evict"
    for n in range(500, 700):  # new records until a commit needs a checkpoint, which fails
        record = key(n) + b"NEW".ljust(ALT) + bytes(PAYLOAD)
        status = f.write(record)
        if status.code != "00":
            break
        model[key(n)] = record
    assert status.code == "30"  # the commit did not happen, and the handle is spent
    f.close()
    disk.failing.clear()
    assert contents(open_io(disk)) == model


def test_failed_fdatasync_of_the_journal_is_a_commit_that_did_not_happen() -> None:
    """The journal's sync fails at a commit (the record stays readable in the cache
    but never reaches the disk): 30, and neither this process nor, after a power
    cut, the next boot may build on that record."""
    for seed in range(30):
        disk = SimDisk()
        model = create_counter_file(disk)
        f = open_io(disk)
        apply_operations(f, model, 10)
        disk.failing["APPFILE01.jnl"] = "keep"
        record = key(999) + b"NEW".ljust(ALT) + bytes(PAYLOAD)
        assert f.write(record).code == "30"
        f.close()
        disk.failing.clear()
        assert contents(open_io(disk)) == model  # the same boot: not replayed
        disk.power_off(random.Random(seed))
        assert contents(open_io(disk)) == model  # the next boot: not there either
