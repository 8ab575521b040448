"""Damaged files, fuzzed: whatever the bytes, every call answers with a status.

A file of 150 long-keyed records (a two-level tree) is built once on the
in-memory disk; each example flips bytes in, or truncates, the data, index or
journal file, then OPENs it and runs a scan, random READs, STARTs and (in I-O)
WRITE, REWRITE and DELETE.  None of them may raise or loop forever; a damaged
file is reported as a status (9/041, 9/161, 39, ...).
"""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from fakees.isam import IndexedFile, Status
from fakees.isam.layout import PAGE, Meta
from tests.isam.simdisk import SimDisk
from tests.isam.workload import KEYS, RECORD, key

NAMES = ("APPFILE01", "APPFILE01.idx", "APPFILE01.jnl")


def record(n: int, alt: int = 0) -> bytes:
    return key(n) + f"ALT{alt}".encode().ljust(40) + b"%020d" % n


def built() -> SimDisk:
    disk = SimDisk()
    f, status = IndexedFile.open("APPFILE01", "OUTPUT", record_size=RECORD, keys=KEYS, disk=disk)
    assert f is not None, status
    for n in range(150):
        assert f.write(record(n, n % 4)).ok
    assert f.check() == 150
    f.close()
    return disk


GOOD = built()

damages = hs.tuples(
    hs.sampled_from(NAMES),
    hs.one_of(
        hs.lists(hs.tuples(hs.integers(0, 30000), hs.integers(0, 255)), min_size=1, max_size=8),
        hs.integers(0, 30000),  # truncate to this size
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damage=hs.lists(damages, min_size=1, max_size=3), mode=hs.sampled_from(["INPUT", "I-O"]))
def test_damaged_files_give_statuses(damage: list[tuple[str, object]], mode: str) -> None:
    disk = copy.deepcopy(GOOD)
    for name, how in damage:
        state = disk.files.get(name)
        if state is None:
            continue
        buf = state.current
        if isinstance(how, int):
            del buf[how:]
        else:
            for offset, value in how:
                if offset < len(buf):
                    buf[offset] = value
    f, status = IndexedFile.open("APPFILE01", mode, record_size=RECORD, keys=KEYS, disk=disk)
    assert isinstance(status, Status)
    if f is None:
        return
    results: list[Status] = []
    for _ in range(400):  # a scan ends, or fails, within the record count
        st, _ = f.read_next()
        results.append(st)
        if not st.ok:
            break
    else:
        raise AssertionError("READ NEXT did not reach an end")
    for n in (3, 77, 150, 299):
        results.append(f.read(0, key(n))[0])
        results.append(f.read(1, b"ALT1".ljust(40))[0])
        results.append(f.start(0, key(n), ">"))
        results.append(f.read_previous()[0])
    if mode == "I-O":
        for n in range(140, 160):
            results.append(f.write(record(n + 1000, 2)))
            results.append(f.rewrite(record(n, 3)))
            results.append(f.delete(key(n - 100)))
    assert all(isinstance(r, Status) for r in results)
    assert f.close() == Status("00")


def test_a_cycle_in_the_tree_is_reported_not_followed() -> None:
    disk = copy.deepcopy(GOOD)
    idx = disk.files["APPFILE01.idx"].current
    meta = Meta.decode(bytes(idx[:PAGE]), len(idx))
    root = meta.roots[0] * PAGE
    assert idx[root] == 2  # an internal node: 150 long keys do not fit one leaf
    idx[root + 8 : root + 16] = meta.roots[0].to_bytes(8, "big")  # child 0 = itself
    f, status = IndexedFile.open("APPFILE01", "INPUT", record_size=RECORD, keys=KEYS, disk=disk)
    assert f is not None, status
    assert f.read(0, key(0)) == (Status("9/041"), None)
    assert f.start(0, b"", "FIRST") == Status("9/041")
    f.close()
