"""The commit journal: a rollback journal whose next pre-image is already on disk.

``NAME.jnl`` is created once, zero-filled and synced; after that it is only
overwritten in place (a larger transaction grows it once).  Page 0 holds an
*epoch* (8 random bytes); two *slots* follow at fixed, block-aligned offsets
``A`` and ``B``.  A slot is an image of the committed state at some byte
ranges of the data and index files: a sequence number, the data header's
change counter (the *mark*), both files' sizes, the ranges with their bytes,
all under one CRC.  "Restoring" slots means writing their bytes at their
ranges, oldest slot first, and setting the newest one's sizes.

The invariant: restoring the valid slots (CRC holds) gives a consistent
committed state, and every data or index write since the newest of them was
made durable lies inside its ranges.  So recovery restores the slots if the
files differ from them, and nothing is ever cleared.  docs/ISAM.md has the
argument; in short, a commit is one of:

- *armed* (the fast path): its ranges lie inside the newest slot ``S``,
  which this process knows is durable and which holds the current bytes
  there (the last commit's post-image, for CBLAPP01 the counter record).
  Write the files (the data header, with the mark, first) and start their
  write-back, write ``S'`` = the ranges of ``S`` it writes, with their new
  bytes, at the other position with one O_DIRECT write, ``fdatasync`` each
  file written: its flush also makes ``S'`` durable.  Three device requests
  for one file, the first two under way together.
- *unarmed*: write the pre-image slot ``S1`` at the other position and
  ``fdatasync`` the journal, write the files, write the post-image ``S2``
  over ``S``, ``fdatasync`` the files (and the journal, when cutting a file or
  without direct I/O).

Page 0 also keeps the boot id of the last full comparison of the files with
the slots: after a power cut (a new boot) the first OPEN compares in full.

Another process's journal writes are seen without reading the journal's
slots: every commit changes the mark first, and every journal write that does
not (an unarmed commit's pre-image, growth, undoing a failed commit) changes
the epoch first.  While both are as this process last left them, what it
knows about the slots holds.
"""

from __future__ import annotations

import contextlib
import os
import struct
import zlib
from collections.abc import Callable, Mapping

from fakees.isam.disk import BLOCK, Disk, DiskFile
from fakees.isam.layout import CHANGES, CHANGES_AT, DAT_HEADER, FormatError
from fakees.isam.status import CORRUPT_INDEX, NOT_INDEXED_FILE

_CAP = 32 * 1024  # each slot's room in a new journal
SIZE = BLOCK + 2 * _CAP
_A = BLOCK  # slot A; slot B is at _A + capacity
_MAGIC = b"FKISJNL2"
_EPOCH = 8  # page 0: the epoch, then the boot id of the last full compare
# magic, sequence, post-image?, mark length, mark, files, ranges, body length; crc32
_HEAD = struct.Struct(">8sQ?B8sBHI")
_CRC = struct.Struct(">I")
_SIZE = struct.Struct(">Q")
_RANGE = struct.Struct(">BQI")  # file number, offset, length; then the bytes
MARK_AT, MARK_LEN = CHANGES_AT, CHANGES.size  # of file 0, the data file

_KNOWN_JOURNALS = 64
# The last Journal of this process to open each journal file (by device and inode):
# a handle opening it without kept descriptors starts from what that one knew, which
# the epoch and the mark then check like its own.
_known: dict[bytes, Journal] = {}

Writes = Mapping[tuple[int, int], bytes]
"""Byte ranges to write: (file number, offset) -> bytes."""

Image = tuple[int, int, bytes]
"""(file number, offset, the bytes there; shorter than asked where the file ends)."""


def _merged(writes: Writes) -> list[Image]:
    """The ranges in file and offset order, adjacent ones joined (one pwrite each)."""
    out: list[Image] = []
    for (f, offset), data in sorted(writes.items()):
        if out and out[-1][0] == f and out[-1][1] + len(out[-1][2]) == offset:
            prev = out[-1]
            out[-1] = (f, prev[1], prev[2] + data)
        else:
            out.append((f, offset, data))
    return out


def _padded(size: int) -> int:
    return -(-size // BLOCK) * BLOCK


class Slot:
    """One image of the committed state at some ranges (see the module docstring)."""

    __slots__ = ("at", "mark", "post", "ranges", "seq", "sizes")

    def __init__(self, seq: int, post: bool, sizes: tuple[int, ...], ranges: list[Image],
                 at: int = 0) -> None:
        self.seq = seq
        self.post = post  # written after the files (else a pre-image, written before)
        self.sizes = sizes
        self.ranges = ranges
        self.at = at
        self.mark = b""
        for f, offset, data in ranges:
            if f == 0 and offset <= MARK_AT < offset + len(data):
                self.mark = data[MARK_AT - offset : MARK_AT - offset + MARK_LEN]

    def encode(self) -> bytes:
        parts = [_SIZE.pack(size) for size in self.sizes]
        for f, offset, data in self.ranges:
            parts.append(_RANGE.pack(f, offset, len(data)))
            parts.append(data)
        body = b"".join(parts)
        head = _HEAD.pack(_MAGIC, self.seq, self.post, len(self.mark), self.mark,
                          len(self.sizes), len(self.ranges), len(body))
        return head + _CRC.pack(zlib.crc32(body, zlib.crc32(head))) + body

    @classmethod
    def decode(cls, jf: DiskFile, at: int, room: int) -> Slot | None:
        """The slot at ``at`` if its CRC holds, else None (never written, torn, zeroed)."""
        head = jf.read(at, _HEAD.size + _CRC.size)
        if len(head) < _HEAD.size + _CRC.size or head[: len(_MAGIC)] != _MAGIC:
            return None
        _, seq, post, _, _, files, ranges, length = _HEAD.unpack_from(head)
        if len(head) + length > room:  # a damaged length: do not read gigabytes
            return None
        body = jf.read(at + len(head), length)
        crc = _CRC.unpack_from(head, _HEAD.size)[0]
        if len(body) != length or zlib.crc32(body, zlib.crc32(head[: _HEAD.size])) != crc:
            return None
        sizes = tuple(_SIZE.unpack_from(body, i * _SIZE.size)[0] for i in range(files))
        pos = files * _SIZE.size
        images = []
        for _ in range(ranges):
            f, offset, size = _RANGE.unpack_from(body, pos)
            pos += _RANGE.size
            images.append((f, offset, body[pos : pos + size]))
            pos += size
        return cls(seq, post, sizes, images, at)

    def covers(self, merged: list[Image]) -> bool:
        """Does every write lie inside one of this slot's ranges?"""
        for f, offset, data in merged:
            end = offset + len(data)
            for g, o, image in self.ranges:
                if g == f and o <= offset and end <= o + len(image):
                    break
            else:
                return False
        return True

    def overlaid(self, merged: list[Image], seq: int, at: int) -> Slot:
        """The post-image of a commit that writes ``merged`` inside this slot's ranges.

        It keeps only the ranges written: this slot still covers the others
        while the new one is written, and the next commit needs no more (a
        REWRITE after a WRITE no longer carries the WRITE's index pages).
        """
        ranges = []
        for g, o, image in self.ranges:
            buf = None
            for f, offset, data in merged:
                if f == g and o <= offset < o + len(image):
                    buf = bytearray(image) if buf is None else buf
                    buf[offset - o : offset - o + len(data)] = data
            if buf is not None:
                ranges.append((g, o, bytes(buf)))
        return Slot(seq, True, self.sizes, ranges, at)


def _plan(slots: list[Slot]) -> tuple[list[Image], tuple[int, ...]]:
    """What restoring ``slots`` (oldest first) leaves at their ranges, and the sizes."""
    sizes = slots[-1].sizes
    plan = []
    for i, slot in enumerate(slots):
        for f, offset, image in slot.ranges:
            buf = bytearray(image)
            for later in slots[i + 1 :]:
                for g, o, data in later.ranges:
                    lo, hi = max(offset, o), min(offset + len(buf), o + len(data))
                    if g == f and lo < hi:
                        buf[lo - offset : hi - offset] = data[lo - o : hi - o]
            plan.append((f, offset, bytes(buf[: max(0, sizes[f] - offset)])))
    return plan, sizes


def _restore(slots: list[Slot], files: list[DiskFile]) -> str:
    """Make the files what the slots say: "" if they already are, else "restored".

    Only what a crash can leave is restored.  No commit makes a file shorter
    than the smallest size a valid slot records (a cut is journalled with the
    sizes before and after it), so a shorter file was cut outside fakees:
    FormatError (9/161 if the data header is cut, else 9/041), and the files
    and the journal stay as they are, instead of a file grown back with zeros
    where its records were.
    """
    for f, file in enumerate(files):
        floor = min(slot.sizes[f] for slot in slots)
        if (size := file.size()) < floor:
            status = NOT_INDEXED_FILE if f == 0 and size < DAT_HEADER else CORRUPT_INDEX
            raise FormatError(status, f"{'index' if f else 'data'} file is {size} bytes, "
                              f"shorter than any committed state ({floor} bytes): cut outside "
                              f"fakees, not by a crash; nothing was restored")
    plan, sizes = _plan(slots)
    if all(files[f].size() == size for f, size in enumerate(sizes)) and all(
            files[f].read(offset, len(data)) == data for f, offset, data in plan):
        return ""
    for f, offset, data in plan:
        files[f].write(offset, data)
    for f, size in enumerate(sizes):
        if files[f].size() != size:
            files[f].truncate(size)
    return "restored"


class Journal:
    """``NAME.jnl`` next to a data file, and what this process knows about its slots.

    ``armed`` is the newest slot, whose bytes the files hold at its ranges,
    and which this process knows is on disk, as are the files.  That holds
    while the journal's epoch and the data file's mark are ``epoch`` and ``mark``.
    """

    __slots__ = ("armed", "checked", "direct", "disk", "epoch", "file", "mark", "path", "seq",
                 "size")

    def __init__(self, disk: Disk, path: str) -> None:
        self.disk = disk
        self.path = path
        self.file: DiskFile | None = None
        self.direct: bool | None = None  # slots written O_DIRECT (decided at first use)
        self.armed: Slot | None = None
        self.checked = False  # the files were compared with the slots (at the first OPEN)
        self.epoch = b""
        self.mark = b""
        self.seq = 0  # the highest sequence number seen or written
        self.size = 0  # of the journal file

    def _open(self, create: bool) -> DiskFile | None:
        if self.file is None:
            try:
                try:
                    self.file = self.disk.open(self.path, create=False, writable=True)
                except PermissionError:  # a reader may look; recovering will then give 37
                    self.file = self.disk.open(self.path, create=False, writable=False)
            except FileNotFoundError:
                if not create:
                    return None
                jf = self.disk.open(self.path, create=True, writable=True)
                # Allocated once (commits then change no metadata); no slot to compare
                # yet.  A random epoch: a process that knew a deleted journal of this
                # inode number must not take this one for it.
                boot = self.disk.boot_id()
                jf.write(0, os.urandom(_EPOCH) + boot + bytes(SIZE - _EPOCH - len(boot)))
                jf.sync()
                self.disk.sync_dir(self.path)
                self.file = jf
            self._register(self.file)
        return self.file

    def _register(self, jf: DiskFile) -> None:
        """Start from what this process last knew of the file, and be the one asked next."""
        ident = jf.identity()
        if ident is None:
            return
        last = _known.pop(ident, None)
        if last is not None and last.checked:
            self.epoch, self.mark, self.armed, self.seq, self.size = (
                last.epoch, last.mark, last.armed, last.seq, last.size)
            self.checked = True
        while len(_known) >= _KNOWN_JOURNALS:
            del _known[next(iter(_known))]
        _known[ident] = self

    # -- what is on disk ---------------------------------------------------

    def _room(self) -> int:
        """Each slot's room, for the journal's size (block-aligned)."""
        return max(0, (self.size - _A) // 2 // BLOCK * BLOCK)

    def _other(self, at: int) -> int:
        return _A + self._room() if at == _A else _A

    def _slots(self, jf: DiskFile) -> list[Slot]:
        """The valid slots, oldest first."""
        self.size = jf.size()
        room = self._room()
        found = [s for at in (_A, _A + room) if room and (s := Slot.decode(jf, at, room))]
        found.sort(key=lambda s: s.seq)
        if found:
            self.seq = max(self.seq, found[-1].seq)
        return found

    def _known(self, jf: DiskFile, mark: bytes) -> bool:
        """Is what this process knows still true (nobody else wrote since)?"""
        return self.checked and mark == self.mark and jf.read(0, _EPOCH) == self.epoch

    def _learn(self, jf: DiskFile, slots: list[Slot], mark: bytes) -> None:
        self.armed = slots[-1] if slots else None
        self.mark = mark
        self.epoch = jf.read(0, _EPOCH)
        self.checked = True

    def _direct(self, jf: DiskFile, dat: DiskFile) -> bool:
        if self.direct is None:
            self.direct = jf.direct_with(dat)
        return self.direct

    def _put(self, jf: DiskFile, at: int, raw: bytes, direct: bool) -> None:
        if direct:
            jf.write_direct(at, raw)
        else:
            jf.write(at, raw)

    def _bump(self, jf: DiskFile, forget_boot: bool = False) -> None:
        """Tell other processes that the slots changed behind an unchanged mark."""
        self.epoch = os.urandom(_EPOCH)
        jf.write(0, self.epoch + bytes(len(self.disk.boot_id())) if forget_boot else self.epoch)

    # -- recovery ------------------------------------------------------------

    def hot(self, dat: DiskFile) -> bool:
        """Cheap look: do the files differ from the newest slot (a writer died)?"""
        jf = self._open(create=False)
        if jf is None:
            return False
        mark = dat.read(MARK_AT, MARK_LEN)
        if self._known(jf, mark):
            return False
        slots = self._slots(jf)
        return bool(slots) and slots[-1].mark != mark

    def recover(self, dat: DiskFile, files: Callable[[], list[DiskFile]],
                mark: bytes | None = None) -> str:
        """Restore the slots if a writer died or power was lost: "" or "restored".

        After a power cut any subset of unsynced writes may have landed, so the
        first OPEN of a boot compares the files with the slots in full (page 0
        keeps the boot id of the last full compare).  Within a boot only a killed
        writer can have left the files unlike the slots, and it wrote the mark
        first: the mark is compared.  ``files`` opens the data and index files;
        it is called only if needed.  ``mark`` is ``dat``'s, if the caller just read it.
        """
        jf = self._open(create=False)
        if jf is None:
            return ""
        if mark is None:
            mark = dat.read(MARK_AT, MARK_LEN)
        if self.checked and self._known(jf, mark):
            return ""
        slots = self._slots(jf)
        if not slots:
            self._learn(jf, slots, mark)
            return ""
        newest = slots[-1]
        boot = self.disk.boot_id()
        if newest.mark == mark and (self.checked or jf.read(_EPOCH, len(boot)) == boot):
            armed = self.armed
            if armed is None or (armed.seq, armed.at) != (newest.seq, newest.at):
                # Another opener's commit, or a dead writer's complete one, whose
                # bytes may be in the page cache only and slot in the device's cache.
                self._settle(jf, slots, files(), False)
            self._learn(jf, slots, mark)
            return ""
        targets = files()
        outcome = _restore(slots, targets)
        self._settle(jf, slots, targets, bool(outcome))
        with contextlib.suppress(OSError):  # a read-only journal: the next OPEN compares too
            jf.write(_EPOCH, boot)
        self._learn(jf, slots, newest.mark)
        return outcome

    def _settle(self, jf: DiskFile, slots: list[Slot], files: list[DiskFile],
                every: bool) -> None:
        """Make the slots, and the files at their ranges (``every``: all of them), durable.

        An unarmed commit later relies on the files being durable outside its
        own ranges, an armed one on the newest slot being durable.
        """
        touched = range(len(files)) if every else sorted(
            {image[0] for slot in slots for image in slot.ranges})
        for f in touched:
            files[f].sync()
        if not self._direct(jf, files[0]):
            jf.sync()

    # -- commit ------------------------------------------------------------------

    def commit(self, files: list[DiskFile], writes: Writes, cuts: Mapping[int, int],
               sizes: list[int]) -> None:
        """Make ``writes`` and ``cuts`` (file -> size) atomic and durable.

        ``sizes`` holds the files' sizes, as the caller knows them; they are
        updated when the commit succeeds.  Every commit writes the mark.
        """
        jf = self._open(create=True)
        assert jf is not None
        if not self.checked:
            self.recover(files[0], lambda: files)
        direct = self._direct(jf, files[0])
        merged = _merged(writes)
        new_sizes = list(sizes)
        for f, offset, data in merged:
            new_sizes[f] = max(new_sizes[f], offset + len(data))
        for f, size in cuts.items():
            new_sizes[f] = size
        touched = sorted({f for f, _, _ in merged} | set(cuts))
        posts: list[int] = []  # where this commit wrote post-images
        try:
            armed = self.armed
            if armed is not None and not cuts and armed.covers(merged):
                new = armed.overlaid(merged, self.seq + 1, self._other(armed.at))
                for f, offset, data in merged:
                    files[f].write(offset, data)
                for f in touched:
                    files[f].write_back()  # under way while the slot is written
                posts.append(new.at)
                self._put(jf, new.at, new.encode(), direct)
                for f in touched:
                    files[f].sync()  # the commit point; its flush covers the slot
                if not direct:
                    jf.sync()
            else:
                new = self._unarmed(jf, files, merged, sizes, new_sizes, cuts, direct, posts)
                for f in touched:
                    files[f].sync()  # the commit point
        except OSError:
            self._undo(jf, files, posts, direct)
            raise
        self.armed = new
        self.seq = new.seq
        self.mark = new.mark
        sizes[:] = new_sizes

    def _unarmed(self, jf: DiskFile, files: list[DiskFile], merged: list[Image],
                 sizes: list[int], new_sizes: list[int], cuts: Mapping[int, int],
                 direct: bool, posts: list[int]) -> Slot:
        """Pre-image slot, synced; the files; post-image slot (all but the files' syncs)."""
        pre = Slot(0, False, tuple(sizes),
                   [(f, offset, files[f].read(offset, len(data))) for f, offset, data in merged])
        post = Slot(0, True, tuple(new_sizes), merged)
        pre_raw, post_raw = pre.encode(), post.encode()
        self._bump(jf)
        pre.at, post.at = self._places(jf, _padded(max(len(pre_raw), len(post_raw))), direct)
        pre.seq, post.seq = self.seq + 1, self.seq + 2
        self._put(jf, pre.at, pre.encode(), direct)
        jf.sync()  # the pre-image is durable: now the files may change
        self.seq = pre.seq
        for f, offset, data in merged:
            files[f].write(offset, data)
        for f in sorted({f for f, _, _ in merged}):
            files[f].write_back()  # under way while the post-image is written
        posts.append(post.at)
        self._put(jf, post.at, post.encode(), direct)
        if cuts or not direct:
            jf.sync()  # the cut bytes have no copy: the post-image goes first
        for f, size in cuts.items():
            if files[f].size() != size:
                files[f].truncate(size)
        return post

    def _places(self, jf: DiskFile, need: int, direct: bool) -> tuple[int, int]:
        """Where the pre- and post-image go: never over the newest (durable) slot."""
        armed = self.armed
        if need <= self._room():
            first = self._other(armed.at) if armed is not None else _A
            return first, self._other(first)
        if armed is not None and armed.at != _A:
            # Growing moves B, and the new A would overlap the old B: copy it to A first.
            copy = Slot(self.seq + 1, armed.post, armed.sizes, armed.ranges, _A)
            self._put(jf, _A, copy.encode(), direct)
            jf.sync()
            self.armed, self.seq = copy, copy.seq
        room = max(self._room(), _CAP)
        while room < need or _A + room < self.size:
            room *= 2
        end = _A + 2 * room
        jf.write(self.size, bytes(end - self.size))  # allocated and written before use
        jf.sync()
        self.size = end
        return _A + room, _A

    def _undo(self, jf: DiskFile, files: list[DiskFile], posts: list[int],
              direct: bool) -> None:
        """A commit failed: void its post-image and restore the slots, while this
        process knows the commit did not happen (a failed fdatasync may have
        dropped dirty pages that the cache still shows)."""
        self.armed = None
        self.checked = False
        with contextlib.suppress(OSError):
            self._bump(jf, forget_boot=True)  # the next recovery compares in full
            for at in posts:
                self._put(jf, at, bytes(BLOCK), direct)
            jf.sync()
        with contextlib.suppress(OSError):
            self.recover(files[0], lambda: files)

    def close(self) -> None:
        """Close the file; what was learnt stays, for the process's next opener."""
        if self.file is not None:
            self.file.close()
            self.file = None
