"""Power loss, simulated with ``SimDisk`` (a disk that forgets unsynced writes).

The engine runs the workload on it until an injected power cut at its N-th I/O
call; after "reboot" the next OPEN must recover to exactly the state before or
after the operation in flight.  That is stricter than kill -9, where the page
cache survives.
"""

from __future__ import annotations

import contextlib
import copy
import random
from collections.abc import Callable

import pytest

from fakees.isam import IndexedFile, KeySpec
from tests.isam.simdisk import PowerCut, SimDisk, SimFile
from tests.isam.workload import (
    ALT,
    COUNTER,
    KEY,
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


@pytest.mark.parametrize("direct", [True, False])
def test_power_loss_keeps_old_or_new_state(outcomes: list[str], direct: bool) -> None:
    """Each round: maybe a kill (the process dies, the page cache stays) and a restart,
    then a power cut a few I/O calls later, so that power can also fail while a
    restarted process finishes or undoes a dead one's commit.  Also on a disk
    without direct I/O, where the journal is synced at every commit."""
    rng = random.Random(7)
    disk = SimDisk(direct=direct)
    model = create_counter_file(disk)
    done = 0
    ways: list[tuple[str, bool]] = []  # (what recovery did, did the op in flight land)
    for _ in range(600):
        if rng.random() < 0.5:
            done = run_until_cut(disk, model, done, rng.randint(1, 40))
            disk.cut_at = None  # a kill: nothing is lost, the next OPEN recovers
            done, hit = settle(disk, model, done)
            ways.append((outcomes[-1], hit))
        done = run_until_cut(disk, model, done, rng.randint(1, 40))
        disk.power_off(rng)
        done, hit = settle(disk, model, done)
        ways.append((outcomes[-1], hit))
    assert done > 600
    # Recovery restored slots many times, to the state before the operation in
    # flight and to the state after it.  The latter needs a cut after the post-image
    # slot is flushed and before the data is: rare, since a commit starts writing the
    # data back before it writes the slot (13 / 7 times with this seed, 33-54 without).
    assert ways.count(("restored", False)) > 100 and ways.count(("restored", True)) >= 5


class Drop:
    """A power cut that loses every write not flushed (``SimDisk.power_off``'s dice)."""

    def random(self) -> float:
        return 0.99


class Keep:
    """A power cut that loses nothing (every write issued reached the medium)."""

    def random(self) -> float:
        return 0.0


def increment(disk: SimDisk, model: Model) -> None:
    """What CBLAPP01 does per call, to the file and to the model."""
    f = open_io(disk)
    bump(f, model)
    f.close()


def bump(f: IndexedFile, model: Model) -> None:
    """READ and REWRITE of the counter record on an open handle, and to the model."""
    status, record = f.read(0, COUNTER)
    assert status.ok and record is not None, status
    assert f.rewrite(counter_record(counter_of(record) + 1)).code == "00"
    model[COUNTER] = counter_record(counter_of(model[COUNTER]) + 1)


def steps(setup: Callable[[], tuple[SimDisk, IndexedFile, Model]],
          action: Callable[[IndexedFile], object]) -> list[tuple[str, str]]:
    """The I/O calls ``action`` makes on the handle of a fresh ``setup``."""
    disk, f, _ = setup()
    disk.trace.clear()
    action(f)
    return disk.trace


def cut_in(setup: Callable[[], tuple[SimDisk, IndexedFile, Model]],
           action: Callable[[IndexedFile], object], cut: int, dice: object) -> Model:
    """The state after a power cut at ``action``'s I/O call number ``cut``."""
    disk, f, _ = setup()
    disk.cut_at = disk.calls + cut
    with contextlib.suppress(PowerCut):
        action(f)
    disk.power_off(dice)  # type: ignore[arg-type]
    return contents(open_io(disk))


def armed() -> tuple[SimDisk, IndexedFile, Model]:
    """A counter file open I-O, its counter REWRITten once (which arms it)."""
    disk = SimDisk()
    model = create_counter_file(disk)
    f = open_io(disk)
    bump(f, model)
    return disk, f, model


def test_an_armed_commit_is_three_device_requests_and_survives_a_cut_at_every_step(
        outcomes: list[str]) -> None:
    """A REWRITE inside the last commit's ranges: the data write, its write-back started,
    the slot written O_DIRECT, one fdatasync.  Power cut before each of them and after
    the last, with every write unflushed lost, kept, or a random part kept: old or new
    state."""
    _, _, before = armed()
    after = {COUNTER: counter_record(counter_of(before[COUNTER]) + 1)}
    assert steps(armed, lambda f: bump(f, {**before})) == [
        ("write", "APPFILE01"), ("writeback", "APPFILE01"), ("direct", "APPFILE01.jnl"),
        ("sync", "APPFILE01")]
    seen = set()
    for cut in range(1, 6):
        for dice in [Drop(), Keep(), *(random.Random(cut * 10 + i) for i in range(6))]:
            state = cut_in(armed, lambda f: bump(f, {**before}), cut, dice)
            assert state in (before, after), f"cut at step {cut}"
            seen.add((cut, state == after, outcomes[-1]))
    assert (5, True, "") in seen  # acknowledged: kept whatever the cache lost
    assert (1, False, "") in seen  # nothing written yet
    # Cut with the data written: restored to old (the slot lost or torn) or to new.
    assert {(c, landed) for c, landed, how in seen if how == "restored"} >= {
        (2, False), (3, False), (4, False), (4, True)}


def test_an_unarmed_commit_survives_a_cut_at_every_step(outcomes: list[str]) -> None:
    """A WRITE of a new record (both files; its ranges are not the last commit's):
    the pre-image slot and its fdatasync come first.  Power cut at every step."""
    record = key(999) + b"NEW".ljust(ALT) + bytes(PAYLOAD)

    def setup() -> tuple[SimDisk, IndexedFile, Model]:
        disk = SimDisk()
        model = create_counter_file(disk)
        f = open_io(disk)
        apply_operations(f, model, 30)
        return disk, f, model

    def write(f: IndexedFile) -> None:
        assert f.write(record).code == "00"

    _, _, before = setup()
    after = {**before, key(999): record}
    trace = steps(setup, write)
    assert trace[:3] == [("write", "APPFILE01.jnl"), ("direct", "APPFILE01.jnl"),
                         ("sync", "APPFILE01.jnl")]  # epoch, pre-image, its flush
    assert trace[3] == ("write", "APPFILE01")  # the data header, with the mark, first
    assert {step[0] for step in trace[4:-5]} == {"write"}
    assert trace[-5:] == [("writeback", "APPFILE01"), ("writeback", "APPFILE01.idx"),
                          ("direct", "APPFILE01.jnl"), ("sync", "APPFILE01"),
                          ("sync", "APPFILE01.idx")]  # post-image; the commit point
    landed = set()
    for cut in range(1, len(trace) + 2):
        for seed in range(6):
            state = cut_in(setup, write, cut, random.Random(seed))
            assert state in (before, after), f"cut at step {cut}"
            landed.add(state == after)
            if cut == len(trace) + 1:
                assert state == after  # acknowledged
    assert landed == {False, True}


def test_a_killed_writers_unflushed_slot_then_a_power_cut(outcomes: list[str]) -> None:
    """A writer dies right after writing its armed slot: the data in the page cache,
    the slot in the device's cache.  Power fails before anyone opens the file
    (old or new state), or after an OPEN recovered it (new state: recovery made
    what it saw durable, and the next commit builds on it)."""
    disk, f, before = armed()
    after = {COUNTER: counter_record(counter_of(before[COUNTER]) + 1)}
    disk.cut_at = disk.calls + 4  # the data write and the slot done, the fdatasync not
    with pytest.raises(PowerCut):
        bump(f, {**before})
    disk.cut_at = None  # a kill
    for seed in range(10):
        trial = copy.deepcopy(disk)
        trial.power_off(random.Random(seed))
        assert contents(open_io(trial)) in (before, after)
    g = open_io(disk)
    assert contents(g) == after and outcomes[-1] == ""
    g.close()
    model = dict(after)
    increment(disk, model)
    for dice in [Drop(), *(random.Random(seed) for seed in range(10))]:
        trial = copy.deepcopy(disk)
        trial.power_off(dice)  # type: ignore[arg-type]
        assert contents(open_io(trial)) == model


def test_a_slot_failing_its_crc_is_not_restored(outcomes: list[str]) -> None:
    """A slot that fails its CRC (torn while written) is never used.  Here a writer dies
    right after writing its armed slot, and one byte of that slot's counter image is
    then damaged: restoring it would give a counter neither old nor new.  The older
    slot is restored instead: the state before."""
    disk, f, before = armed()
    disk.cut_at = disk.calls + 4
    with pytest.raises(PowerCut):
        bump(f, {**before})
    disk.cut_at = None
    journal = disk.files["APPFILE01.jnl"].current
    newest = max((journal[at + 8 : at + 16], at) for at in (4096, 4096 + 32768))[1]
    assert journal[newest : newest + 8] == b"FKISJNL2"
    image = journal.index(b"COUNTER", newest)
    digit = image + ALT + PAYLOAD - 1
    SimFile(disk, "APPFILE01.jnl").write(digit, b"7")
    assert contents(open_io(disk)) == before
    assert outcomes[-1] == "restored"


def test_two_handles_taking_turns_and_power_cuts(outcomes: list[str]) -> None:
    """Two LOCK MODE MANUAL handles (two processes) commit in turn, each seeing the
    other's commits (mark moved) and taking over its slot, until a power cut."""
    rng = random.Random(11)
    restored = 0
    for round_ in range(60):
        disk = SimDisk()
        model = create_counter_file(disk)
        handles = [manual(disk), manual(disk)]
        disk.cut_at = disk.calls + rng.randint(1, 60)
        done = 0
        try:
            for i in range(40):
                apply_file(handles[i % 2], done)
                apply_model(model, done)
                done += 1
        except PowerCut:
            pass
        disk.power_off(rng)
        state = contents(open_io(disk))
        if state != model:
            apply_model(model, done)
            assert state == model, f"round {round_}"
        restored += outcomes[-1] == "restored"
    assert restored > 10


def manual(disk: SimDisk) -> IndexedFile:
    f, status = IndexedFile.open("APPFILE01", "I-O", record_size=RECORD, keys=KEYS,
                                 lock_mode="MANUAL", disk=disk)
    assert f is not None, status
    return f


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


@pytest.mark.parametrize("direct", [True, False])
def test_failed_fdatasync_of_the_journal_is_a_commit_that_did_not_happen(direct: bool) -> None:
    """The journal's sync (or direct write) fails at a commit (the record stays readable
    in the cache but never reaches the disk): 30, and neither this process nor, after
    a power cut, the next boot may build on that record."""
    for seed in range(30):
        disk = SimDisk(direct=direct)
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


def test_a_transaction_larger_than_a_slot_grows_the_journal_safely(outcomes: list[str]) -> None:
    """OPEN OUTPUT with 12 keys (13 index pages, more than a slot's 32 KiB) over a
    one-key file whose newest slot is at B: the journal copies that slot to A, grows
    (B moves past the old end) and then commits.  Power cut at every step: the old
    file or the new empty one, and the journal holds both positions' slots after."""
    many = [KeySpec(0, KEY)] + [KeySpec(KEY + i, 1, duplicates=True) for i in range(11)]

    def setup() -> tuple[SimDisk, IndexedFile, Model]:
        disk = SimDisk()
        model = create_counter_file(disk)
        f = open_io(disk)
        bump(f, model)  # unarmed: the newest slot stays at A
        bump(f, model)  # armed: the newest slot goes to B
        f.close()
        return disk, f, model

    def replace(disk: SimDisk) -> None:
        f, status = IndexedFile.open("APPFILE01", "OUTPUT", record_size=RECORD, keys=many,
                                     disk=disk)
        assert f is not None, status
        f.close()

    disk, _, before = setup()
    assert disk.files["APPFILE01.jnl"].current[4096 + 32768 : 4096 + 32776] == b"FKISJNL2"
    disk.trace.clear()
    replace(disk)
    assert len(disk.files["APPFILE01.jnl"].current) > 4096 + 2 * 32768  # grown
    trace = disk.trace
    assert ("direct", "APPFILE01.jnl") in trace
    kept = set()
    for cut in range(1, len(trace) + 2):
        for seed in range(4):
            disk, _, _ = setup()
            disk.cut_at = disk.calls + cut
            with contextlib.suppress(PowerCut):
                replace(disk)
            disk.power_off(random.Random(seed))
            f, status = IndexedFile.open("APPFILE01", "I-O", record_size=RECORD, keys=KEYS,
                                         disk=disk)
            if f is not None:
                assert contents(f) == before, f"cut at step {cut}"
                kept.add("old")
            else:
                assert status.code == "39", status
                f, status = IndexedFile.open("APPFILE01", "I-O", record_size=RECORD,
                                             keys=many, disk=disk)
                assert f is not None and contents(f) == {}, f"cut at step {cut}: {status}"
                kept.add("new")
    assert kept == {"old", "new"}
