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
from tests.isam.simdisk import PowerCut, SimDisk, SimFile
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
    counter_of,
    counter_record,
    key,
    operation,
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


def test_power_loss_keeps_old_or_new_state(outcomes: list[str]) -> None:
    """Each round: maybe a kill (the process dies, the page cache stays) and a restart,
    then a power cut a few I/O calls later, so that power can also fail while a
    restarted process finishes or undoes a dead one's commit."""
    rng = random.Random(7)
    disk = SimDisk()
    model = create_counter_file(disk)
    done = landed = 0
    for _ in range(600):
        if rng.random() < 0.5:
            done = run_until_cut(disk, model, done, rng.randint(1, 40))
            disk.cut_at = None  # a kill: nothing is lost, the next OPEN recovers
            done, hit = settle(disk, model, done)
            landed += hit
        done = run_until_cut(disk, model, done, rng.randint(1, 40))
        disk.power_off(rng)
        done, hit = settle(disk, model, done)
        landed += hit
    assert done > 600 and landed > 0
    # Both ways out of a hot journal were taken, many times.
    assert outcomes.count("completed") > 50 and outcomes.count("rolled back") > 50


class Drop:
    """A power cut that loses every write not synced (``SimDisk.power_off``'s dice)."""

    def random(self) -> float:
        return 0.99


def increment(disk: SimDisk, model: Model) -> None:
    """What CBLAPP01 does per call, to the file and to the model."""
    f = open_io(disk)
    status, record = f.read(0, COUNTER)
    assert status.ok and record is not None, status
    assert f.rewrite(counter_record(counter_of(record) + 1)).code == "00"
    f.close()
    model[COUNTER] = counter_record(counter_of(model[COUNTER]) + 1)


def test_uncleared_journal_of_an_acknowledged_commit_is_kept_after_a_power_cut(
        outcomes: list[str]) -> None:
    """The journal's clearing is not synced, so a power cut brings the journal back,
    hot; the files hold its commit's new bytes (synced before the clearing), and
    recovery must keep them, not roll the acknowledged commit back."""
    disk = SimDisk()
    model = create_counter_file(disk)
    increment(disk, model)
    assert disk.files["APPFILE01.jnl"].durable[:8] == b"FKISRBJ1"  # hot on the disk
    disk.power_off(Drop())  # type: ignore[arg-type]
    assert contents(open_io(disk)) == model
    assert outcomes[-1] == "completed"


def test_hot_journal_with_part_of_the_new_data_is_rolled_back(outcomes: list[str]) -> None:
    """A writer dies after its journal is durable and after one of its file writes
    (a WRITE of a new record: change counter, slot and index pages): the next OPEN
    restores the old bytes."""
    disk = SimDisk()
    model = create_counter_file(disk)
    f = open_io(disk)
    op = 0
    while operation(op)[0] != "write" or operation(op)[1] in model:
        apply_file(f, op)
        apply_model(model, op)
        op += 1
    f.close()
    disk.cut_at = disk.calls + 4  # journal written and synced, one file write done
    f = open_io(disk)
    with pytest.raises(PowerCut):
        apply_file(f, op)
    disk.cut_at = None  # the writer was killed: its writes stay in the page cache
    assert contents(open_io(disk)) == model
    assert outcomes[-1] == "rolled back"


def test_torn_journal_is_ignored(outcomes: list[str]) -> None:
    """A journal that fails its CRC (torn while being written) is never applied: the
    files were not touched before it was durable.  Here a writer dies after its
    journal is durable and before any file write, and one byte of the journal's
    old images is then damaged: rolling back with them would change the counter."""
    disk = SimDisk()
    model = create_counter_file(disk)
    disk.cut_at = disk.calls + 3  # journal written and synced, the first file write cut
    with pytest.raises(PowerCut):
        increment(disk, model)
    disk.cut_at = None
    journal = disk.files["APPFILE01.jnl"].current
    assert journal[:8] == b"FKISRBJ1"
    last = 36 + int.from_bytes(journal[8:12], "big") - 1  # the counter's last old digit
    assert journal[last : last + 1] == b"0"
    SimFile(disk, "APPFILE01.jnl").write(last, b"1")
    assert contents(open_io(disk)) == model
    assert outcomes[-1] == ""


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


def test_power_loss_during_open_output_over_a_file_leaves_it_whole_or_empty() -> None:
    """OPEN OUTPUT over a file with records, cut at every I/O call and then losing
    power: the old records, or an empty file (the cut is made only once the new
    headers are durable, since the journal holds no copy of what is cut off)."""
    rng = random.Random(3)
    for cut in range(1, 20):
        disk = SimDisk()
        model = create_counter_file(disk)
        f = open_io(disk)
        apply_operations(f, model, 60)
        f.close()
        disk.cut_at = disk.calls + cut
        try:
            f, _ = IndexedFile.open("APPFILE01", "OUTPUT", record_size=RECORD, keys=KEYS,
                                    disk=disk)
            assert f is not None
            f.close()
        except PowerCut:
            pass
        disk.power_off(rng)
        assert contents(open_io(disk)) in (model, {})


@pytest.mark.parametrize("failing", ["APPFILE01", "APPFILE01.idx"])
@pytest.mark.parametrize("how", ["keep", "evict"])
def test_failed_fdatasync_of_a_file_is_a_commit_that_did_not_happen(
        failing: str, how: str) -> None:
    """A data or index file's sync fails (its dirty pages kept or dropped by the cache):
    the operation reports 30, and the file is in the old state, in this boot and
    after a power cut."""
    for seed in range(10):
        disk = SimDisk()
        model = create_counter_file(disk)
        f = open_io(disk)
        apply_operations(f, model, 10)
        disk.failing[failing] = how
        record = key(999) + b"NEW".ljust(ALT) + bytes(PAYLOAD)  # a new record: both files
        assert f.write(record).code == "30"
        f.close()
        disk.failing.clear()
        assert contents(open_io(disk)) == model
        disk.power_off(random.Random(seed))
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
