"""Model-based tests: the engine against a dict, under random operation sequences.

Keys are long (200-250 bytes) so that tree nodes hold only 15-18 entries and
a few dozen records already split and free nodes.  The files live on the
in-memory ``SimDisk`` so that many examples fit in a few seconds; the other
tests use real files.
"""

from __future__ import annotations

import random
import struct
from bisect import bisect_left, bisect_right

from hypothesis import settings
from hypothesis import strategies as hs
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from fakees.isam import IndexedFile, KeySpec, Status
from fakees.isam.btree import BTree, Node
from fakees.isam.layout import PAGE
from tests.isam.simdisk import SimDisk

PK, ALT, DUP = 250, 200, 200
KEYS = [KeySpec(0, PK), KeySpec(PK, ALT), KeySpec(PK + ALT, DUP, duplicates=True)]
RECORD = PK + ALT + DUP + 4
SHORTEST = PK + ALT + DUP  # variable-length records: 0 to 4 bytes of payload


def pad(text: str, n: int) -> bytes:
    return text.encode().ljust(n, b".")


pks = hs.text("abcdef", min_size=1, max_size=3)
alts = hs.text("vwxyz", min_size=1, max_size=3)
dups = hs.sampled_from(["p", "q", "r"])


@hs.composite
def records(draw: hs.DrawFn) -> bytes:
    payload = draw(hs.binary(min_size=0, max_size=4))
    return pad(draw(pks), PK) + pad(draw(alts), ALT) + pad(draw(dups), DUP) + payload


class IndexedFileModel(RuleBasedStateMachine):
    """The model keeps records by primary key and a write sequence per duplicate key.

    ``self.f`` does everything; changes alternate between the handles in
    ``self.writers`` (just ``self.f`` here, two shared handles in the subclass).
    """

    lock_mode: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.disk = SimDisk()
        self.f, status = self.open("OUTPUT")
        assert status.code == "00"
        self.f.close()
        self.open_all()
        self.turn = 0
        self.records: dict[bytes, bytes] = {}
        self.seq: dict[bytes, int] = {}  # primary -> write sequence of its duplicate key
        self.counter = 0
        self.cursor: tuple[int, bytes, bool] | None = (0, b"", True)

    def open(self, mode: str) -> tuple[IndexedFile, Status]:
        f, status = IndexedFile.open("MODEL", mode, record_size=RECORD, min_size=SHORTEST,
                                     keys=KEYS, disk=self.disk,
                                     lock_mode=None if mode == "OUTPUT" else self.lock_mode)
        assert f is not None, status
        return f, status

    def open_all(self) -> None:
        self.f, status = self.open("I-O")
        assert status.code == "00"
        self.writers = [self.f]

    def writer(self) -> IndexedFile:
        self.turn += 1
        return self.writers[self.turn % len(self.writers)]

    # -- the model's view of each index ------------------------------------

    def entry(self, key_no: int, record: bytes) -> bytes:
        value = KEYS[key_no].of(record)
        if KEYS[key_no].duplicates:
            return value + self.seq[KEYS[0].of(record)].to_bytes(8, "big")
        return value

    def index(self, key_no: int) -> list[tuple[bytes, bytes]]:
        return sorted((self.entry(key_no, r), r) for r in self.records.values())

    def dup_others(self, record: bytes, besides: bytes | None) -> bool:
        value = KEYS[2].of(record)
        return any(KEYS[2].of(r) == value and KEYS[0].of(r) != besides
                   for r in self.records.values())

    # -- operations ----------------------------------------------------------

    @rule(record=records())
    def write(self, record: bytes) -> None:
        pk, alt = KEYS[0].of(record), KEYS[1].of(record)
        if pk in self.records or any(KEYS[1].of(r) == alt for r in self.records.values()):
            expected = "22"
        else:
            expected = "02" if self.dup_others(record, None) else "00"
        assert self.writer().write(record).code == expected
        if expected != "22":
            self.counter += 1
            self.seq[pk] = self.counter
            self.records[pk] = record

    @rule(batch=hs.lists(records(), min_size=5, max_size=25))
    def write_many(self, batch: list[bytes]) -> None:
        """Grow the file faster than one WRITE per step, so that trees get deeper."""
        for record in batch:
            self.write(record)

    @rule(data=hs.data(), new=records())
    def rewrite(self, data: hs.DataObject, new: bytes) -> None:
        if self.records and data.draw(hs.booleans()):  # mostly rewrite an existing record
            pk = data.draw(hs.sampled_from(sorted(self.records)))
            new = pk + new[PK:]
        pk, alt = KEYS[0].of(new), KEYS[1].of(new)
        old = self.records.get(pk)
        if old is None:
            expected = "23"
        elif any(KEYS[1].of(r) == alt and KEYS[0].of(r) != pk for r in self.records.values()):
            expected = "22"
        else:
            expected = "02" if self.dup_others(new, pk) else "00"
        assert self.writer().rewrite(new).code == expected
        if old is not None and expected != "22":
            if KEYS[2].of(old) != KEYS[2].of(new):
                self.counter += 1
                self.seq[pk] = self.counter
            self.records[pk] = new

    @rule(data=hs.data())
    def delete(self, data: hs.DataObject) -> None:
        choices = [*sorted(self.records), pad("zz", PK)]
        pk = data.draw(hs.sampled_from(choices))
        expected = "00" if pk in self.records else "23"
        assert self.writer().delete(pk).code == expected
        self.records.pop(pk, None)

    @rule(key_no=hs.integers(0, 2), data=hs.data())
    def read(self, key_no: int, data: hs.DataObject) -> None:
        n = KEYS[key_no].length
        value = pad(data.draw({0: pks, 1: alts, 2: dups}[key_no]), n)
        matches = [(e, r) for e, r in self.index(key_no) if e[:n] == value]
        status, got = self.f.read(key_no, value)
        if not matches:
            assert (status.code, got) == ("23", None)
            self.cursor = None
            return
        expected = "02" if KEYS[key_no].duplicates and len(matches) > 1 else "00"
        assert (status.code, got) == (expected, matches[0][1])
        self.cursor = (key_no, matches[0][0], False)

    @rule(key_no=hs.integers(0, 2), op=hs.sampled_from(["=", ">", ">=", "<", "<="]),
          data=hs.data())
    def start(self, key_no: int, op: str, data: hs.DataObject) -> None:
        n = KEYS[key_no].length
        value = pad(data.draw({0: pks, 1: alts, 2: dups}[key_no]), n)
        value = value[: data.draw(hs.integers(1, n))]  # generic START on a key prefix
        entries = [e for e, _ in self.index(key_no)]
        heads = [e[: len(value)] for e in entries]
        if op in ("=", ">="):
            i = bisect_left(heads, value)
        elif op == ">":
            i = bisect_right(heads, value)
        elif op == "<":
            i = bisect_left(heads, value) - 1
        else:
            i = bisect_right(heads, value) - 1
        ok = 0 <= i < len(entries) and (op != "=" or heads[i] == value)
        assert self.f.start(key_no, value, op).code == ("00" if ok else "23")
        self.cursor = (key_no, entries[i], True) if ok else None

    @rule(forward=hs.booleans())
    def read_sequential(self, forward: bool) -> None:
        status, got = self.f.read_next() if forward else self.f.read_previous()
        if self.cursor is None:
            assert (status.code, got) == ("46", None)
            return
        key_no, at, pending = self.cursor
        entries = self.index(key_no)
        keys = [e for e, _ in entries]
        if forward:
            i = bisect_left(keys, at) if pending else bisect_right(keys, at)
        else:
            i = (bisect_right(keys, at) if pending else bisect_left(keys, at)) - 1
        if not 0 <= i < len(keys):
            assert (status.code, got) == ("10", None)
            self.cursor = None
            return
        n = KEYS[key_no].length
        after = i + 1 if forward else i - 1
        dup = KEYS[key_no].duplicates and 0 <= after < len(keys) and keys[after][:n] == keys[i][:n]
        assert (status.code, got) == ("02" if dup else "00", entries[i][1])
        self.cursor = (key_no, keys[i], False)

    @precondition(lambda self: len(self.records) > 0)
    @rule()
    def reopen(self) -> None:
        for f in self.writers:
            assert f.close().code == "00"
        self.open_all()
        self.cursor = (0, b"", True)

    @invariant()
    def structure_matches(self) -> None:
        assert self.f.check() == len(self.records)


class SharedIndexedFileModel(IndexedFileModel):
    """Two LOCK MODE MANUAL handles: each must see what the other committed."""

    lock_mode = "MANUAL"

    def open_all(self) -> None:
        super().open_all()
        other, status = self.open("I-O")
        assert status.code == "00"
        self.writers.append(other)


TestSharedIndexedFileModel = SharedIndexedFileModel.TestCase
TestSharedIndexedFileModel.settings = settings(max_examples=60, stateful_step_count=80,
                                               deadline=None)
TestIndexedFileModel = IndexedFileModel.TestCase
TestIndexedFileModel.settings = settings(max_examples=150, stateful_step_count=100,
                                         deadline=None)


class MemoryPages:
    """A PageStore in memory, for driving one tree hard."""

    def __init__(self) -> None:
        self.pages: dict[int, bytes] = {}
        self.next = 2
        self.free: list[int] = []

    def read_page(self, page: int) -> bytes:
        return self.pages[page]

    def alloc_page(self) -> int:
        if self.free:
            return self.free.pop()
        self.next += 1
        return self.next - 1

    def free_page(self, page: int) -> None:
        self.free.append(page)


def test_btree_against_sorted_list_with_reloads() -> None:
    """Thousands of inserts and deletes in a tree of 15-entry nodes; reload from bytes often."""
    rng = random.Random(1)
    store = MemoryPages()
    tree = BTree(store, 250, 1)
    store.pages[1] = tree.encode(Node(True, [], []))
    model: list[bytes] = []
    for step in range(6000):
        key = struct.pack(">H", rng.randrange(3000)).ljust(250, b"-")
        i = bisect_left(model, key)
        present = i < len(model) and model[i] == key
        if rng.random() < (0.6 if step < 3000 else 0.3):
            if not present:
                tree.insert(key, int.from_bytes(key[:2], "big"))
                model.insert(i, key)
        else:
            assert tree.delete(key) == present
            if present:
                del model[i]
        if step % 500 == 0:  # write back, forget, and parse again from the page bytes
            store.pages.update(tree.flush())
            tree.nodes.clear()
        probe = struct.pack(">H", rng.randrange(3000)).ljust(250, b"-")
        for forward in (True, False):
            for strict in (True, False):
                if forward:
                    j = bisect_right(model, probe) if strict else bisect_left(model, probe)
                else:
                    j = (bisect_left(model, probe) if strict else bisect_right(model, probe)) - 1
                want = model[j] if 0 <= j < len(model) else None
                got = tree.seek(probe, forward, strict)
                assert (got[0] if got else None) == want
    assert [k for k, _ in tree.walk()] == model
    assert all(len(page) == PAGE for page in tree.flush().values())
