"""IndexedFile: COBOL indexed-file semantics over the layout, B-trees and journal.

Lifecycle: ``IndexedFile.open`` either returns an open handle or a status;
every operation on the handle returns a status; ``close`` ends it (later
calls return the not-open statuses 42/47/48/49).  Each WRITE, REWRITE and
DELETE is one journal commit (fakees/isam/journal.py).

Sharing: an exclusive opener holds a write lock on ``OPEN_LOCK`` for its
whole life and caches freely.  Shared openers hold a read lock there and, for
each operation, lock ``OP_LOCK`` (shared to read, exclusive to change, and
exclusive to recover from a hot journal), then re-read the index header and
forget cached pages, since another process may have committed in between
(``PENDING_LOCK`` keeps writers from starving).
Record locks are one-byte locks at ``RECORD_LOCK + slot``.  All lock bytes
lie far beyond the end of the data.
"""

from __future__ import annotations

import functools
import operator
import os
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar, ParamSpec, TypeVar, cast

from fakees.isam import status as st
from fakees.isam.btree import BTree, Node
from fakees.isam.disk import Disk, DiskFile, OsDisk
from fakees.isam.journal import Journal
from fakees.isam.layout import (
    CHANGES,
    CHANGES_AT,
    DAT_HEADER,
    MAX_KEY_LENGTH,
    MAX_KEYS,
    PAGE,
    FormatError,
    Meta,
    check_data_header,
    data_header,
    layout_struct,
)
from fakees.isam.spec import KeySpec
from fakees.isam.status import Status

P = ParamSpec("P")
R = TypeVar("R")

OPEN_LOCK = 1 << 40
OP_LOCK = OPEN_LOCK + 1
PENDING_LOCK = OPEN_LOCK + 2
RECORD_LOCK = 1 << 41

MODES = ("INPUT", "OUTPUT", "I-O", "EXTEND")
LOCK_MODES = (None, "EXCLUSIVE", "MANUAL", "AUTOMATIC")
ACCESS_MODES = ("SEQUENTIAL", "RANDOM", "DYNAMIC")
DAT, IDX = 0, 1
_START_SYNONYMS = {"NOT <": ">=", "NOT >": "<=", "FIRST": ">=", "LAST": "<="}
_FREE_PAGE = struct.Struct(">B7xQ")  # type 0, next free page + 1
_NEXT_FREE = struct.Struct(">Q")
_KEPT_FILES = 8  # parsed files kept across CLOSE -> OPEN per process
_DIRTY = operator.attrgetter("dirty")  # a tree's changed pages, not yet committed
# How old a directory's ctime must be before it vouches for the names in it: longer
# than a change under way takes (its ctime is set before its new name is visible)
# and than the file system's timestamp granularity (a clock tick, at most 10 ms, for
# nanosecond stamps; whole seconds on some).  With 1 s, a program's first second
# after creating its file (CBLAPP01: some 5,000 calls) paid three statx per OPEN.
_SETTLED_NS = 100_000_000
_SETTLED_WHOLE_NS = 3_000_000_000


@dataclass(slots=True)
class _Kept:
    """What an exclusive opener had at CLOSE: its descriptors (unlocked) and parsed file.

    The next exclusive OPEN of the same path in this process takes the
    descriptors if the paths still name the same files (``ids``: statx of
    the data, index and journal files, no times), and the parsed state too
    if, after recovery, the data header (with its change counter) and both
    files' sizes are as they were.  Every commit by any fakees opener moves the
    counter (a rolled-back one restores it with the bytes it had), so a
    program outside fakees editing bytes in place is the one change not seen.
    """

    files: tuple[DiskFile, DiskFile, DiskFile | None]
    paths: tuple[bytes, bytes, bytes]
    ids: tuple[bytes | None, ...]
    directory: bytes  # of the three paths
    stamp: tuple[int, int, int] | None = None  # the directory's when the paths were checked
    # the parsed state, set at each CLOSE
    keys: tuple[KeySpec, ...] = ()
    header: bytes = b""
    sizes: tuple[int, int] = (0, 0)
    meta: Meta | None = None
    trees: list[BTree] = field(default_factory=list)
    records: dict[int, tuple[bytes, tuple[int, ...]]] = field(default_factory=dict)
    slot_size: int = 0
    journal: Journal | None = None  # with what it knows of the slots (fakees/isam/journal.py)

    def still_named(self, identity: Callable[[bytes], bytes | None]) -> bool:
        """Do the three paths still name the kept files?

        Renaming, linking or unlinking a name changes its directory's ctime, so
        while the directory's (device, inode, ctime) is what it was when the
        paths were last checked by statx, one stat answers.  The stamp is
        trusted only if it is older than a change in flight or the file
        system's timestamp granularity could hide, and no path is a symbolic
        link (whose target lies in another directory).
        """
        before = time.time_ns()
        try:
            st_ = os.stat(self.directory)
        except OSError:  # gone: the paths decide
            stamp = None
        else:
            stamp = (st_.st_dev, st_.st_ino, st_.st_ctime_ns)
            if stamp == self.stamp:
                return True
        if self.ids != tuple(map(identity, self.paths)):
            return False
        settled = _SETTLED_WHOLE_NS if stamp is not None and stamp[2] % 1_000_000_000 == 0 \
            else _SETTLED_NS
        self.stamp = stamp if stamp is not None and stamp[2] < before - settled and not any(
            map(os.path.islink, self.paths)) else None
        return True

    def discard(self) -> None:
        for f in self.files:
            if f is not None:
                f.close()


_kept: dict[tuple[str, Disk], _Kept] = {}  # by path, as given to OPEN, and disk


def _forget_kept_in_child() -> None:
    """A forked child shares the parent's open file descriptions, and so its locks."""
    for kept in _kept.values():
        kept.discard()
    _kept.clear()


os.register_at_fork(after_in_child=_forget_kept_in_child)


@dataclass(slots=True)
class _Cursor:
    """Where READ NEXT/PREVIOUS continue: in key ``key_no``, around ``entry``.

    ``pending`` means the entry itself is still to be read (after START or
    OPEN); otherwise reading moves strictly past it.
    """

    key_no: int
    entry: bytes
    pending: bool


_AT_START = _Cursor(0, b"", True)  # where OPEN leaves every handle (cursors are not changed)


def _guarded(pair: bool) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Turn a damaged file (FormatError) or failing I/O (OSError) into a status.

    Whatever the operation had changed in memory is dropped and the header
    re-read; if even that fails, the handle answers 30 until CLOSE.
    """

    def wrap(op: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(op)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return op(*args, **kwargs)
            except (FormatError, OSError, struct.error) as exc:
                self = args[0]
                assert isinstance(self, IndexedFile)
                code = _status_of(exc)
                self._reset_after_error()
                return cast(R, (code, None) if pair else code)

        return guarded

    return wrap


class IndexedFile:
    """An open indexed file; see the package docstring for the API."""

    disk: ClassVar[Disk] = OsDisk()

    # Immutable starting values, as class attributes: a service OPENs on every call.
    writable = True
    dat: DiskFile | None = None
    idx: DiskFile | None = None
    changes = 0  # the data header's change counter as of the last commit seen
    meta: Meta | None = None
    is_open = False
    absent = False  # OPTIONAL file opened INPUT while missing
    broken = False  # a commit failed half-way; the next OPEN recovers
    failed = False  # some operation failed: keep nothing at CLOSE
    _kept: _Kept | None = None  # where the descriptors came from, if kept
    _header = b""  # the data file's header as last read or written
    cursor: _Cursor | None = _AT_START
    last_read: bytes | None = None  # primary key of the last record read
    last_written: bytes | None = None
    held: int | None = None  # slot whose record lock we hold
    # The primary key and slot of the last record a READ delivered, for the REWRITE or
    # DELETE that usually follows; forgotten with the cached pages and at every DELETE
    # (the only change that moves a key off its slot).
    _found: tuple[bytes, int] | None = None
    _meta_dirty = False
    slot_size = 0  # set from the file's header by _load

    def __init__(self, path: str, mode: str, keys: tuple[KeySpec, ...], lock_mode: str | None,
                 access: str, disk: Disk, facts: _KeyFacts) -> None:
        self.path = path
        self.mode = mode
        self.keys = keys
        self.lock_mode = lock_mode
        self.access = access
        self.io = disk
        self.exclusive = mode == "OUTPUT" or lock_mode == "EXCLUSIVE" or (
            lock_mode is None and mode != "INPUT")
        self.record_locking = lock_mode in ("MANUAL", "AUTOMATIC") and mode == "I-O"
        self.journal = Journal(disk, path + ".jnl")
        self.trees: list[BTree] = []
        self._sizes = [0, 0]  # of the data and index files, kept up to date by commits
        self._records: dict[int, tuple[bytes, tuple[int, ...]]] = {}
        self._dat_writes: dict[int, bytes] = {}
        self._free_pages: dict[int, bytes] = {}
        self._slot_head, self._dup_keys, self._key_end, self._cuts = facts

    # -- OPEN and CLOSE --------------------------------------------------

    @classmethod
    def open(cls, path: str, mode: str, *, record_size: int, keys: list[KeySpec],
             min_size: int | None = None, lock_mode: str | None = None,
             access: str = "DYNAMIC", optional: bool = False,
             disk: Disk | None = None) -> tuple[IndexedFile | None, Status]:
        """OPEN; a bad program description raises ValueError, a bad file gives a status."""
        min_size = record_size if min_size is None else min_size
        described = tuple(keys)
        facts = _described(mode, record_size, min_size, described, lock_mode, access)
        self = cls(str(path), mode, described, lock_mode, access, disk or cls.disk, facts)
        try:
            code = self._open(record_size, min_size, optional)
        except (FormatError, OSError, struct.error) as exc:
            code = _status_of(exc)
        if code.code[0] != "0":  # not code.ok: a property costs a call on every OPEN
            self._release()
            return None, code
        self.is_open = True
        return self, code

    def _open(self, record_size: int, min_size: int, optional: bool) -> Status:
        io = self.io
        kept = self._take_kept() if self.exclusive else None
        if kept is not None:
            self.dat, self.idx, _ = kept.files
            self.journal = kept.journal or self.journal
        else:
            try:
                self.dat = io.open(self.path, create=False, writable=True)
            except PermissionError:
                if self.mode != "INPUT" or self.exclusive:
                    raise
                self.dat = io.open(self.path, create=False, writable=False)
                self.writable = False
            except FileNotFoundError:
                if self.mode == "INPUT" and optional:
                    self.absent = True
                    return st.OPTIONAL_ABSENT
                if self.mode != "OUTPUT" and not optional:
                    return st.FILE_NOT_FOUND
                self.dat = io.open(self.path, create=True, writable=True)
                io.sync_dir(self.path)
        if not self.dat.lock(OPEN_LOCK, self.exclusive, wait=False):
            return st.FILE_LOCKED
        with self._op_lock(write=True):
            header = self.dat.read(0, DAT_HEADER)  # its change counter tells the journal
            if self._recover(header[CHANGES_AT:]):
                header = self.dat.read(0, DAT_HEADER)
            # An empty data file is what a crash during the very first OPEN OUTPUT leaves.
            size = self._sizes[DAT] = self.dat.size()
            if self.mode == "OUTPUT" or size == 0:
                if self.mode != "OUTPUT" and not optional:
                    return st.FILE_NOT_FOUND
                self._create(record_size, min_size)
                return st.SUCCESS if self.mode == "OUTPUT" else st.OPTIONAL_ABSENT
            if kept is None or not self._reuse(kept, header, size):
                self._load(header, size)
        if not self.trees or (self.meta.record_size, self.meta.min_size) != (
            record_size, min_size
        ):
            return st.ATTRIBUTE_CONFLICT
        return st.SUCCESS

    def _take_kept(self) -> _Kept | None:
        """This process's descriptors of the file from its last CLOSE, if still the file's."""
        kept = _kept.pop((self.path, self.io), None)
        if kept is None:
            return None
        if not kept.still_named(self.io.identity):
            kept.discard()
            return None
        self._kept = kept
        return kept

    def _open_idx(self, create: bool) -> DiskFile:
        if self.idx is None:
            path = self.path + ".idx"
            try:
                self.idx = self.io.open(path, create=False, writable=self.writable)
            except FileNotFoundError:
                if not create:
                    raise FormatError(st.INDEX_MISSING, "index file missing") from None
                self.idx = self.io.open(path, create=True, writable=self.writable)
                self.io.sync_dir(path)
        return self.idx

    def _recover(self, mark: bytes | None = None) -> bool:
        """Finish what a crashed writer, or a lost power supply, left undone.

        ``mark`` is the data header's change counter if just read.  True if
        the files were restored.
        """

        def files() -> list[DiskFile]:  # a missing index is 9/043, unless OUTPUT replaces it
            assert self.dat is not None
            return [self.dat, self._open_idx(create=self.mode == "OUTPUT")]

        if self.journal.recover(self.dat, files, mark):
            self._forget()
            return True
        return False

    def _create(self, record_size: int, min_size: int) -> None:
        """OUTPUT (or OPTIONAL I-O/EXTEND of a missing file): a new empty file, atomically."""
        assert self.dat is not None
        idx = self._open_idx(create=True)
        try:  # the counter goes on over an old file, so no kept state can match
            self.changes = check_data_header(self.dat.read(0, DAT_HEADER))[2] + 1
        except FormatError:
            self.changes = int.from_bytes(os.urandom(6))
        meta = Meta(record_size, min_size, self.keys, pages=1 + len(self.keys))
        meta.roots = list(range(1, 1 + len(self.keys)))
        self.meta = meta
        self.trees = [BTree(self, self._entry_length(k), r) for k, r in zip(
            self.keys, meta.roots, strict=True)]
        writes = {(DAT, 0): data_header(record_size, min_size, self.changes),
                  (IDX, 0): meta.encode()}
        for tree in self.trees:
            writes[(IDX, tree.root * PAGE)] = tree.encode(Node(True, [], []))
        self._sizes = [self.dat.size(), idx.size()]
        self.journal.commit([self.dat, idx], writes, {DAT: DAT_HEADER, IDX: meta.pages * PAGE},
                            self._sizes)
        self._forget()
        self._load(self.dat.read(0, DAT_HEADER), DAT_HEADER)

    def _load(self, header: bytes, dat_size: int) -> None:
        """Read and check both headers (9/161, 9/043, 9/041 on a bad file).

        Trees are built only when the file's keys are the program's; otherwise
        ``trees`` stays empty and OPEN reports 39.
        """
        record_size, min_size, self.changes = check_data_header(header)
        self._header = header
        idx = self._open_idx(create=False)
        self._sizes[IDX] = idx.size()
        meta = Meta.decode(idx.read(0, PAGE), self._sizes[IDX])
        if (meta.record_size, meta.min_size) != (record_size, min_size):
            raise FormatError(st.CORRUPT_INDEX, "data and index file headers disagree")
        self.meta = meta
        if meta.keys != self.keys:
            return
        self.slot_size = max(self._slot_head.size + record_size, self._slot_head.size + 8)
        if dat_size < DAT_HEADER + meta.slots * self.slot_size:
            raise FormatError(st.CORRUPT_INDEX, "data file is shorter than its index says")
        self.trees = [BTree(self, self._entry_length(k), r)
                      for k, r in zip(meta.keys, meta.roots, strict=True)]

    def _reuse(self, kept: _Kept, header: bytes, dat_size: int) -> bool:
        """Take the file parsed before the last CLOSE if no commit happened since.

        Called after recovery, which restores the counter with the rest of the
        bytes when it rolls a commit back.  The header was checked when kept.
        """
        assert self.idx is not None
        self._sizes[IDX] = self.idx.size()
        if header != kept.header or kept.keys != self.keys or kept.sizes != (
                dat_size, self._sizes[IDX]):
            return False
        self._header = header
        self.changes = CHANGES.unpack_from(header, CHANGES_AT)[0]
        self.meta, self.trees, self._records = kept.meta, kept.trees, kept.records
        self.slot_size = kept.slot_size
        for tree in self.trees:
            tree.store = self
        return True

    def _keep(self) -> bool:
        """At CLOSE of an exclusive opener: unlock, and park descriptors and parsed state."""
        dat, idx, jnl = self.dat, self.idx, self.journal.file
        if not (self.exclusive and self.trees and not self.failed and not self.broken
                and dat is not None and idx is not None and self.meta is not None
                and len(self._header) == DAT_HEADER) or (
                self._dat_writes or self._free_pages or self._meta_dirty
                or any(map(_DIRTY, self.trees))):
            return False
        kept = self._kept
        try:
            if kept is None or kept.files != (dat, idx, jnl):
                ids = (dat.identity(), idx.identity(), None if jnl is None else jnl.identity())
                if ids[0] is None or ids[1] is None:
                    return False
                paths = (os.fsencode(self.path), os.fsencode(self.path + ".idx"),
                         os.fsencode(self.path + ".jnl"))
                kept = _Kept((dat, idx, jnl), paths, ids, os.path.dirname(paths[0]) or b".")
            dat.unlock(OPEN_LOCK)
        except OSError:
            return False
        old = _kept.pop((self.path, self.io), None)
        if old is not None:
            old.discard()
        while len(_kept) >= _KEPT_FILES:
            _kept.pop(next(iter(_kept))).discard()
        kept.keys, kept.meta, kept.trees = self.keys, self.meta, self.trees
        kept.header = self._header[:CHANGES_AT] + CHANGES.pack(self.changes)
        kept.sizes = (self._sizes[DAT], self._sizes[IDX])
        kept.records, kept.slot_size = self._records, self.slot_size
        kept.journal = self.journal
        _kept[(self.path, self.io)] = kept
        self.dat = self.idx = None  # the kept entry owns them, and the journal, now
        return True

    def close(self) -> Status:
        if not self.is_open:
            return st.NOT_OPEN
        if not self._keep():
            self._release()
        self.is_open = False
        return st.SUCCESS

    def _release(self) -> None:
        self.is_open = False
        self.journal.close()
        for f in (self.idx, self.dat):
            if f is not None:
                f.close()  # closing the descriptor drops every OFD lock it held
        self.idx = self.dat = None

    # -- per-operation sharing -------------------------------------------

    def _op_lock(self, write: bool) -> _OpLock | _Unshared:
        return _UNSHARED if self.exclusive else _OpLock(self, write)

    def _forget(self) -> None:
        """Drop cached pages and records: the files may have changed under us."""
        self._records.clear()
        for tree in self.trees:
            tree.nodes.clear()
            tree.dirty.clear()
        self._dat_writes.clear()
        self._free_pages.clear()
        self._meta_dirty = False
        self._found = None

    def _reset_after_error(self) -> None:
        """Drop what a failed operation changed in memory and read the header again."""
        self.failed = True
        try:
            self._refresh()
        except (FormatError, OSError, struct.error):
            self.broken = True

    def _refresh(self) -> None:
        """Catch up with other writers (shared mode, each operation) or after an error."""
        self._recover()
        self._forget()
        assert self.idx is not None and self.dat is not None
        self._header = self.dat.read(0, DAT_HEADER)
        self.changes = check_data_header(self._header)[2]
        self._sizes = [self.dat.size(), self.idx.size()]
        meta = Meta.decode(self.idx.read(0, PAGE), self._sizes[IDX])
        self.meta = meta
        for tree, root in zip(self.trees, meta.roots, strict=True):
            tree.root = root

    # -- the PageStore the trees use ---------------------------------------

    def read_page(self, page: int) -> bytes:
        assert self.idx is not None
        return self.idx.read(page * PAGE, PAGE)

    def alloc_page(self) -> int:
        meta = self._meta()
        self._meta_dirty = True
        if meta.free_page:
            page = meta.free_page - 1
            raw = self._free_pages.pop(page, None) or self.read_page(page)
            meta.free_page = _FREE_PAGE.unpack_from(raw)[1]
            return page
        meta.pages += 1
        return meta.pages - 1

    def free_page(self, page: int) -> None:
        meta = self._meta()
        self._free_pages[page] = _FREE_PAGE.pack(0, meta.free_page).ljust(PAGE, b"\0")
        meta.free_page = page + 1
        self._meta_dirty = True

    # -- records -------------------------------------------------------------

    def _meta(self) -> Meta:
        assert self.meta is not None
        return self.meta

    def _slot_offset(self, slot: int) -> int:
        return DAT_HEADER + slot * self.slot_size

    def _entry_length(self, key: KeySpec) -> int:
        return key.length + (8 if key.duplicates else 0)

    def _read_slot(self, slot: int) -> tuple[bytes, tuple[int, ...]]:
        cached = self._records.get(slot)
        if cached is not None:
            return cached
        assert self.dat is not None
        buf = self.dat.read(self._slot_offset(slot), self.slot_size)
        head = self._slot_head
        if len(buf) < head.size:
            raise FormatError(st.CORRUPT_INDEX, f"record slot {slot} lies beyond the data file")
        length, *seqs = head.unpack_from(buf)
        if not self._meta().min_size <= length <= self._meta().record_size:
            raise FormatError(st.CORRUPT_INDEX, f"index points at an empty or damaged slot {slot}")
        record = (buf[head.size : head.size + length], tuple(seqs))
        self._records[slot] = record
        return record

    def _write_slot(self, slot: int, data: bytes, seqs: tuple[int, ...]) -> None:
        self._records[slot] = (data, seqs)
        slot_bytes = (self._slot_head.pack(len(data), *seqs) + data).ljust(self.slot_size, b"\0")
        self._dat_writes[self._slot_offset(slot)] = slot_bytes

    def _alloc_slot(self) -> int:
        meta = self._meta()
        self._meta_dirty = True
        if meta.free_slot:
            slot = meta.free_slot - 1
            offset = self._slot_offset(slot)
            raw = self._dat_writes.get(offset)
            if raw is None:
                assert self.dat is not None
                raw = self.dat.read(offset, self.slot_size)
            meta.free_slot = _NEXT_FREE.unpack_from(raw, self._slot_head.size)[0]
            return slot
        meta.slots += 1
        return meta.slots - 1

    def _free_slot(self, slot: int) -> None:
        meta = self._meta()
        self._records.pop(slot, None)
        head = self._slot_head.pack(0, *([0] * len(self._dup_keys)))
        self._dat_writes[self._slot_offset(slot)] = head + _NEXT_FREE.pack(meta.free_slot)
        meta.free_slot = slot + 1
        self._meta_dirty = True

    def _entries(self, record: bytes, seqs: tuple[int, ...]) -> list[bytes]:
        out = []
        it = iter(seqs)
        for k in self.keys:
            value = k.of(record)
            out.append(value + next(it).to_bytes(8, "big") if k.duplicates else value)
        return out

    def _commit(self) -> None:
        assert self.dat is not None and self.idx is not None
        writes = {(DAT, off): data for off, data in self._dat_writes.items()}
        self._dat_writes.clear()
        if self._free_pages:
            writes.update(((IDX, page * PAGE), data) for page, data in self._free_pages.items())
            self._free_pages.clear()
        for tree in self.trees:
            if tree.dirty:  # a REWRITE of the same keys touches no page
                writes.update(((IDX, page * PAGE), data) for page, data in tree.flush().items())
        if self._meta_dirty:
            meta = self._meta()
            meta.roots = [t.root for t in self.trees]
            writes[(IDX, 0)] = meta.encode()
            self._meta_dirty = False
        self.changes += 1
        writes[(DAT, CHANGES_AT)] = CHANGES.pack(self.changes)
        self.journal.commit([self.dat, self.idx], writes, {}, self._sizes)

    # -- locks on records ------------------------------------------------

    def _take_lock(self, slot: int, lock: bool | None) -> Status | None:
        """9/068 if another opener holds the record; takes it when the READ locks
        (called only with record locking)."""
        if lock is False:
            return None
        assert self.dat is not None
        wants = lock is True or self.lock_mode == "AUTOMATIC"
        if not wants:
            return st.RECORD_LOCKED if self.dat.locked_by_other(RECORD_LOCK + slot) else None
        if self.held == slot:
            return None
        self.unlock()
        if not self.dat.lock(RECORD_LOCK + slot, True, wait=False):
            return st.RECORD_LOCKED
        self.held = slot
        return None

    def _locked_by_other(self, slot: int) -> bool:
        """Does another opener hold the record lock (called only with record locking)?"""
        assert self.dat is not None
        return self.held != slot and self.dat.locked_by_other(RECORD_LOCK + slot)

    @_guarded(pair=False)
    def unlock(self) -> Status:
        """UNLOCK: release the record lock held, if any."""
        if not self.is_open:
            return st.NOT_OPEN
        if self.held is not None:
            assert self.dat is not None
            self.dat.unlock(RECORD_LOCK + self.held)
            self.held = None
        return st.SUCCESS

    def _after_update(self) -> None:
        if self.lock_mode == "AUTOMATIC":
            self.unlock()

    # -- reading -----------------------------------------------------------

    @_guarded(pair=True)
    def read(self, key_no: int, key: bytes,
             lock: bool | None = None) -> tuple[Status, bytes | None]:
        """Random READ by the value of key ``key_no``; 23 if absent."""
        bad = self._check(self.mode in ("INPUT", "I-O"), st.READ_NOT_ALLOWED, key_no)
        if bad is not None:
            return bad, None
        if self.absent:
            return st.NOT_FOUND, None
        with self._op_lock(write=False):
            tree = self.trees[key_no]
            found = tree.seek(key, True, False)
            if found is None or found[0][: len(key)] != key:
                self.cursor = None
                self.last_read = None
                return st.NOT_FOUND, None
            return self._deliver(key_no, found, lock, forward=True)

    @_guarded(pair=False)
    def start(self, key_no: int, key: bytes, op: str = "=") -> Status:
        """START: position for READ NEXT/PREVIOUS; a short key compares as a prefix.

        ``op`` is "=", ">", ">=", "<", "<=", "NOT <", "NOT >", or "FIRST" / "LAST"
        (which ignore ``key``).
        """
        bad = self._check(self.mode in ("INPUT", "I-O"), st.READ_NOT_ALLOWED, key_no)
        if bad is not None:
            return bad
        if op in ("FIRST", "LAST"):
            key = b""
        op = _START_SYNONYMS.get(op, op)
        if op not in ("=", ">", ">=", "<", "<="):
            raise ValueError(f"START operator {op!r}")
        if self.absent:
            return st.NOT_FOUND
        pad = b"\xff" * (self.trees[key_no].entry_length - len(key))
        with self._op_lock(write=False):
            tree = self.trees[key_no]
            found = {
                "=": lambda: tree.seek(key, True, False),
                ">=": lambda: tree.seek(key, True, False),
                ">": lambda: tree.seek(key + pad, True, True),
                "<": lambda: tree.seek(key, False, True),
                "<=": lambda: tree.seek(key + pad, False, False),
            }[op]()
            if found is None or (op == "=" and found[0][: len(key)] != key):
                self.cursor = None
                return st.NOT_FOUND
            self.cursor = _Cursor(key_no, found[0], True)
            return st.SUCCESS

    def read_next(self, lock: bool | None = None) -> tuple[Status, bytes | None]:
        return self._read_on(True, lock)

    def read_previous(self, lock: bool | None = None) -> tuple[Status, bytes | None]:
        return self._read_on(False, lock)

    @_guarded(pair=True)
    def _read_on(self, forward: bool, lock: bool | None) -> tuple[Status, bytes | None]:
        bad = self._check(self.mode in ("INPUT", "I-O"), st.READ_NOT_ALLOWED)
        if bad is not None:
            return bad, None
        if self.absent:
            return st.AT_END, None
        cursor = self.cursor
        if cursor is None:
            return st.NO_NEXT_RECORD, None
        with self._op_lock(write=False):
            tree = self.trees[cursor.key_no]
            found = tree.seek(cursor.entry, forward, not cursor.pending)
            if found is not None and not cursor.pending and (found[0] <= cursor.entry) == forward:
                raise FormatError(st.CORRUPT_INDEX, "index entries out of order")
            if found is None:
                self.cursor = None
                self.last_read = None
                return st.AT_END, None
            return self._deliver(cursor.key_no, found, lock, forward)

    def _deliver(self, key_no: int, found: tuple[bytes, int], lock: bool | None,
                 forward: bool) -> tuple[Status, bytes | None]:
        entry, slot = found
        if self.record_locking and (refused := self._take_lock(slot, lock)) is not None:
            return refused, None
        record, _ = self._read_slot(slot)
        self.cursor = _Cursor(key_no, entry, False)
        self.last_read = primary = record[self._cuts[0]]
        self._found = (primary, slot)
        code = st.SUCCESS
        if self.keys[key_no].duplicates:
            after = self.trees[key_no].seek(entry, forward, True)
            length = self.keys[key_no].length
            if after is not None and after[0][:length] == entry[:length]:
                code = st.DUPLICATE_OK
        return code, record

    # -- changing ------------------------------------------------------------

    @_guarded(pair=False)
    def write(self, record: bytes) -> Status:
        """WRITE a new record: 22 if its primary or a unique alternate key exists."""
        bad = self._check(self.mode in ("OUTPUT", "I-O", "EXTEND"), st.WRITE_NOT_ALLOWED)
        if bad is not None or (bad := self._check_size(record)) is not None:
            return bad
        primary = self.keys[0].of(record)
        with self._op_lock(write=True):
            if self.access == "SEQUENTIAL" and self.mode != "I-O":
                last = self.last_written
                if last is None and (top := self.trees[0].edge(self.trees[0].root, False)):
                    last = top[0]
                if last is not None and primary <= last:
                    return st.SEQUENCE_ERROR
            code = st.SUCCESS
            for k, tree in zip(self.keys, self.trees, strict=True):
                value = k.of(record)
                if not k.duplicates:
                    if tree.get(value) is not None:
                        return st.DUPLICATE_KEY
                elif self._has_value(tree, value, None):
                    code = st.DUPLICATE_OK
            meta = self._meta()
            seqs = []
            for _ in self._dup_keys:
                meta.dup_seq += 1
                seqs.append(meta.dup_seq)
            slot = self._alloc_slot()
            for tree, entry in zip(self.trees, self._entries(record, tuple(seqs)), strict=True):
                tree.insert(entry, slot)
            self._write_slot(slot, record, tuple(seqs))
            meta.records += 1
            self._commit()
        self.last_written = primary
        self._after_update()
        return code

    @_guarded(pair=False)
    def rewrite(self, record: bytes) -> Status:
        """REWRITE the record with the same primary key: 23 if none, 22 on a unique clash."""
        bad = self._check(self.mode == "I-O", st.UPDATE_NOT_ALLOWED)
        if bad is not None or (bad := self._check_size(record)) is not None:
            return bad
        primary = record[self._cuts[0]]
        if self.access == "SEQUENTIAL" and (bad := self._check_sequential(primary)):
            return bad
        with self._op_lock(write=True):
            found = self._existing(primary)
            if isinstance(found, Status):
                return found
            slot, old, seqs = found
            changed = [i for i, cut in enumerate(self._cuts) if record[cut] != old[cut]]
            code = st.SUCCESS
            if changed or self._dup_keys:  # else no entry is touched or looked at
                code, seqs = self._rekey(slot, record, old, seqs, changed)
                if code is st.DUPLICATE_KEY:
                    return code
            self._write_slot(slot, record, seqs)
            self._commit()
        self.last_read = None
        self._after_update()
        return code

    @_guarded(pair=False)
    def delete(self, key: bytes) -> Status:
        """DELETE the record whose primary key is ``key`` (in ACCESS SEQUENTIAL: the last read)."""
        bad = self._check(self.mode == "I-O", st.UPDATE_NOT_ALLOWED)
        if bad is not None:
            return bad
        if self.access == "SEQUENTIAL":
            if self.last_read is None:
                return st.NO_CURRENT_RECORD
            key = self.last_read
        with self._op_lock(write=True):
            found = self._existing(key)
            if isinstance(found, Status):
                return found
            slot, record, seqs = found
            self._found = None
            for tree, entry in zip(self.trees, self._entries(record, seqs), strict=True):
                tree.delete(entry)
            self._free_slot(slot)
            self._meta().records -= 1
            self._commit()
        self.last_read = None
        self._after_update()
        return st.SUCCESS

    def _rekey(self, slot: int, record: bytes, old: bytes, old_seqs: tuple[int, ...],
               changed: list[int]) -> tuple[Status, tuple[int, ...]]:
        """REWRITE's index side: move the ``changed`` keys' entries; 22 on a unique
        clash (nothing moved), else 02 if a duplicate key value is shared, and the seqs."""
        keys, trees = self.keys, self.trees
        if any(not keys[i].duplicates and trees[i].get(keys[i].of(record)) is not None
               for i in changed):
            return st.DUPLICATE_KEY, old_seqs
        old_entries = self._entries(old, old_seqs)
        meta = self._meta()
        seqs = list(old_seqs)
        for i in changed:
            if keys[i].duplicates:  # a new value goes to the end of its duplicates
                meta.dup_seq += 1
                seqs[self._dup_keys.index(i)] = meta.dup_seq
                self._meta_dirty = True
        new_entries = self._entries(record, tuple(seqs))
        code = st.SUCCESS
        for i in changed:
            trees[i].delete(old_entries[i])
            trees[i].insert(new_entries[i], slot)
        for i in self._dup_keys:
            if self._has_value(trees[i], keys[i].of(record), new_entries[i]):
                code = st.DUPLICATE_OK
        return code, tuple(seqs)

    # -- helpers -------------------------------------------------------------

    def _existing(self, primary: bytes) -> tuple[int, bytes, tuple[int, ...]] | Status:
        """The slot and record REWRITE or DELETE will change, or 23 / 9/068."""
        found = self._found
        slot = found[1] if found is not None and found[0] == primary else self.trees[0].get(
            primary)
        if slot is None:
            return st.NOT_FOUND
        if self.record_locking and self._locked_by_other(slot):
            return st.RECORD_LOCKED
        return (slot, *self._read_slot(slot))

    def _check(self, allowed: bool, refusal: Status, key_no: int = 0) -> Status | None:
        if not self.is_open or not allowed:
            return refusal
        if self.broken:
            return st.IO_ERROR
        if not 0 <= key_no < len(self.keys):
            raise ValueError(f"key number {key_no} of {len(self.keys)} keys")
        return None

    def _check_size(self, record: bytes) -> Status | None:
        meta = self.meta
        assert meta is not None
        fits = max(meta.min_size, self._key_end) <= len(record) <= meta.record_size
        return None if fits else st.BAD_RECORD_SIZE

    def _check_sequential(self, primary: bytes) -> Status | None:
        """REWRITE in ACCESS SEQUENTIAL changes the record last read, and only that one."""
        if self.last_read is None:
            return st.NO_CURRENT_RECORD
        return st.SEQUENCE_ERROR if primary != self.last_read else None

    def _has_value(self, tree: BTree, value: bytes, besides: bytes | None) -> bool:
        """Does some entry other than ``besides`` carry key ``value``?"""
        found = tree.seek(value, True, False)
        while found is not None and found[0][: len(value)] == value:
            if found[0] != besides:
                return True
            after = tree.seek(found[0], True, True)
            if after is not None and after[0] <= found[0]:
                raise FormatError(st.CORRUPT_INDEX, "index entries out of order")
            found = after
        return False

    def check(self) -> int:
        """Verify every tree against the records (tests, repair); returns the record count."""
        with self._op_lock(write=False):
            meta = self._meta()
            walks = [tree.walk() for tree in self.trees]
            slots = sorted(slot for _, slot in walks[0])
            if len(slots) != meta.records or len(set(slots)) != len(slots):
                raise FormatError(st.CORRUPT_INDEX, "primary index and record count disagree")
            for slot in slots:
                record, seqs = self._read_slot(slot)
                for walk, entry in zip(walks, self._entries(record, seqs), strict=True):
                    if (entry, slot) not in walk:
                        raise FormatError(st.CORRUPT_INDEX, f"slot {slot} is missing from an index")
            if any(len(walk) != len(slots) for walk in walks):
                raise FormatError(st.CORRUPT_INDEX, "an alternate index has stray entries")
            return len(slots)


class _OpLock:
    """One operation's hold on ``OP_LOCK`` in shared mode, then a fresh view of the file.

    A reader that finds a record a dead writer committed but did not apply
    replays it under the shared lock; replay is idempotent, so two readers
    doing it at once agree.
    """

    __slots__ = ("f", "write")

    def __init__(self, f: IndexedFile, write: bool) -> None:
        self.f = f
        self.write = write

    def __enter__(self) -> None:
        f = self.f
        if f.dat is None:
            return
        # A writer announces itself on PENDING_LOCK, which stops new readers from
        # joining: fcntl would otherwise let a stream of readers starve it.
        write = self.write and f.writable  # a read-only descriptor cannot write-lock
        f.dat.lock(PENDING_LOCK, write, wait=True)
        f.dat.lock(OP_LOCK, write, wait=True)
        f.dat.unlock(PENDING_LOCK)
        if not write and f.writable and f.journal.hot(f.dat):
            # Recovery writes the files: no other reader may look meanwhile.  Let go
            # first (two readers upgrading in place would deadlock), then downgrade.
            f.dat.unlock(OP_LOCK)
            f.dat.lock(OP_LOCK, True, wait=True)
            f._recover()
            f.dat.lock(OP_LOCK, False, wait=True)
        if f.meta is not None:
            f._refresh()

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        f = self.f
        if f.dat is not None:
            f.dat.unlock(OP_LOCK)


class _Unshared:
    """The exclusive opener's operation lock: it holds the file from OPEN to CLOSE."""

    __slots__ = ()

    def __enter__(self) -> None:
        pass

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        pass


_UNSHARED = _Unshared()


_KeyFacts = tuple[struct.Struct, tuple[int, ...], int, tuple[slice, ...]]


@functools.cache
def _described(mode: str, record_size: int, min_size: int, keys: tuple[KeySpec, ...],
               lock_mode: str | None, access: str) -> _KeyFacts:
    """Check a program's description (ValueError, not cached), and derive the slot head
    layout, the numbers of the keys WITH DUPLICATES, where the last key ends, and each
    key's place in a record as a slice (``KeySpec.of`` without a call).

    A record shorter than that end cannot carry its keys.  Cached: a service
    program opens the same file on every call.
    """
    _check_description(mode, record_size, min_size, keys, lock_mode, access)
    dups = tuple(i for i, k in enumerate(keys) if k.duplicates)
    return (layout_struct(f">I{len(dups)}Q"), dups, max(k.end for k in keys),
            tuple(slice(k.offset, k.end) for k in keys))


def _status_of(exc: FormatError | OSError | struct.error) -> Status:
    """The status for a damaged file (a short or garbled structure) or a failing system call."""
    if isinstance(exc, FormatError):
        return exc.status
    if isinstance(exc, struct.error):
        return st.CORRUPT_INDEX
    if isinstance(exc, FileNotFoundError):
        return st.FILE_NOT_FOUND
    if isinstance(exc, PermissionError):
        return st.MODE_NOT_PERMITTED
    return st.IO_ERROR


def _check_description(mode: str, record_size: int, min_size: int, keys: tuple[KeySpec, ...],
                       lock_mode: str | None, access: str) -> None:
    """Errors in the program's description are the caller's bugs: ValueError."""
    if mode not in MODES or lock_mode not in LOCK_MODES or access not in ACCESS_MODES:
        raise ValueError(f"open mode {mode!r}, lock mode {lock_mode!r}, access {access!r}")
    if not 0 < min_size <= record_size:
        raise ValueError(f"record sizes {min_size}..{record_size}")
    if not 0 < len(keys) <= MAX_KEYS or keys[0].duplicates:
        raise ValueError("need 1 to 64 keys, and the primary key has no duplicates")
    for k in keys:
        if k.offset < 0 or not 0 < k.length <= MAX_KEY_LENGTH or k.end > record_size:
            raise ValueError(f"key {k} must lie in the record ({record_size} bytes)")
