"""The commit journal: a rollback journal on the model of SQLite's (journal_mode=PERSIST).

``NAME.jnl`` is created once, zero-filled to ``SIZE`` and synced; after that it
is only overwritten in place, so its ``fdatasync`` has no metadata to write.
It holds at most one transaction (docs/ISAM.md draws the layout):

A commit (``Journal.commit``):

1. write at offset 0 the *old* bytes of every range the commit will write,
   each touched file's old and new size, and a digest of the *new* bytes,
   under a CRC; ``fdatasync`` the journal.  From here the journal is "hot";
2. write the new bytes into the data and index files (a file that shrinks is
   synced before it is cut), then ``fdatasync`` each file touched;
3. clear the journal's magic, *without* syncing.

Recovery (``Journal.recover``, at every OPEN and wherever a shared opener
must check): a journal whose CRC holds is hot.  If the files' bytes at its
ranges have the new bytes' digest, the commit reached the files: they are
synced (a killed writer's writes may still be in the page cache only), cut
to their new sizes and the journal cleared.  Otherwise the commit is rolled
back: old bytes and sizes restored, files synced, journal cleared.  A journal
that fails its CRC is ignored: no file is written before the journal is
durable.

Why step 3 needs no sync (the one deliberate difference from SQLite, which
rolls back any hot journal and so must sync its clearing): a power cut may
bring an uncleared journal back, but only the journal of the last commit,
whose new bytes were synced before the clear was written and are therefore
found in place; recovery then keeps them.  Every step is idempotent, so
recovery may itself be cut short anywhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import struct
import zlib
from collections.abc import Callable, Mapping

from fakees.isam.disk import Disk, DiskFile

SIZE = 64 * 1024  # preallocated; a larger transaction grows the file once
_MAGIC = b"FKISRBJ1"
_HEAD = struct.Struct(">8sIHH16s")  # magic, body length, files, ranges, digest of new bytes
_CRC = struct.Struct(">I")  # crc32 of head and body
_SIZES = struct.Struct(">BQQ")  # file number, old size, new size
_RANGE = struct.Struct(">BQII")  # file number, offset, new length, old length; old bytes
_CLEARED = bytes(len(_MAGIC))

Writes = Mapping[tuple[int, int], bytes]
"""Byte ranges to write: (file number, offset) -> bytes."""

Range = tuple[int, int, int, bytes]
"""(file number, offset, new length, old bytes)."""


def _digest(parts: list[bytes]) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part)
    return h.digest()


def _merged(writes: Writes) -> list[tuple[int, int, bytes]]:
    """The ranges in file and offset order, adjacent ones joined (one pwrite each)."""
    out: list[tuple[int, int, bytes]] = []
    for (f, offset), data in sorted(writes.items()):
        if out and out[-1][0] == f and out[-1][1] + len(out[-1][2]) == offset:
            prev = out[-1]
            out[-1] = (f, prev[1], prev[2] + data)
        else:
            out.append((f, offset, data))
    return out


class Transaction:
    """A decoded journal: what to restore, and how to tell that the commit completed."""

    __slots__ = ("digest", "ranges", "sizes")

    def __init__(self, sizes: dict[int, tuple[int, int]], ranges: list[Range],
                 digest: bytes) -> None:
        self.sizes = sizes  # file -> (old size, new size)
        self.ranges = ranges
        self.digest = digest

    def encode(self) -> bytes:
        parts = [_SIZES.pack(f, old, new) for f, (old, new) in self.sizes.items()]
        for f, offset, length, old in self.ranges:
            parts.append(_RANGE.pack(f, offset, length, len(old)))
            parts.append(old)
        body = b"".join(parts)
        head = _HEAD.pack(_MAGIC, len(body), len(self.sizes), len(self.ranges), self.digest)
        return head + _CRC.pack(zlib.crc32(body, zlib.crc32(head))) + body

    @classmethod
    def decode(cls, jf: DiskFile) -> Transaction | None:
        """The hot transaction in the journal, or None (cleared, torn or foreign)."""
        head = jf.read(0, _HEAD.size + _CRC.size)
        if head[: len(_MAGIC)] != _MAGIC or len(head) < _HEAD.size + _CRC.size:
            return None
        _, length, nfiles, nranges, digest = _HEAD.unpack_from(head)
        if length > jf.size() - len(head):  # a damaged length: do not try to read 4 GiB
            return None
        body = jf.read(len(head), length)
        crc = _CRC.unpack_from(head, _HEAD.size)[0]
        if len(body) != length or zlib.crc32(body, zlib.crc32(head[: _HEAD.size])) != crc:
            return None
        sizes = {}
        pos = 0
        for _ in range(nfiles):
            f, old, new = _SIZES.unpack_from(body, pos)
            sizes[f] = (old, new)
            pos += _SIZES.size
        ranges = []
        for _ in range(nranges):
            f, offset, new_length, old_length = _RANGE.unpack_from(body, pos)
            pos += _RANGE.size
            ranges.append((f, offset, new_length, body[pos : pos + old_length]))
            pos += old_length
        return cls(sizes, ranges, digest)

    def completed(self, files: list[DiskFile]) -> bool:
        """Do the files hold the new bytes at every range?"""
        return _digest([files[f].read(offset, length)
                        for f, offset, length, _ in self.ranges]) == self.digest

    def finish(self, files: list[DiskFile]) -> None:
        """Make a completed commit durable: cut shrunk files, sync everything touched."""
        for f, (_, new) in self.sizes.items():
            if files[f].size() > new:
                files[f].truncate(new)
        for f in self.sizes:
            files[f].sync()

    def roll_back(self, files: list[DiskFile]) -> None:
        """Restore the old bytes and sizes and make them durable."""
        for f, offset, _, old in self.ranges:
            files[f].write(offset, old)
        for f, (old, _) in self.sizes.items():
            if files[f].size() != old:
                files[f].truncate(old)
        for f in self.sizes:
            files[f].sync()


class Journal:
    """``NAME.jnl`` next to a data file; created (zero-filled, synced) by the first commit."""

    def __init__(self, disk: Disk, path: str) -> None:
        self.disk = disk
        self.path = path
        self.file: DiskFile | None = None

    def _open(self, create: bool) -> DiskFile | None:
        if self.file is None:
            try:
                self.file = self.disk.open(self.path, create=False, writable=True)
            except PermissionError:  # a reader may look; recovering will then give 37
                self.file = self.disk.open(self.path, create=False, writable=False)
            except FileNotFoundError:
                if not create:
                    return None
                jf = self.disk.open(self.path, create=True, writable=True)
                jf.write(0, bytes(SIZE))  # allocated once: commits then change no metadata
                jf.sync()
                self.disk.sync_dir(self.path)
                self.file = jf
        return self.file

    def hot(self) -> bool:
        """Cheap look: does the journal carry a transaction (perhaps a torn one)?"""
        jf = self._open(create=False)
        return jf is not None and jf.read(0, len(_MAGIC)) == _MAGIC

    def recover(self, files: Callable[[], list[DiskFile]]) -> str:
        """Finish or undo a hot journal's commit: "", "completed" or "rolled back".

        ``files`` opens the data and index files; it is called only if needed.
        """
        jf = self._open(create=False)
        if jf is None:
            return ""
        txn = Transaction.decode(jf)
        if txn is None:
            return ""
        targets = files()
        if txn.completed(targets):
            txn.finish(targets)
            outcome = "completed"
        else:
            txn.roll_back(targets)
            outcome = "rolled back"
        jf.write(0, _CLEARED)
        return outcome

    def commit(self, files: list[DiskFile], writes: Writes, cuts: Mapping[int, int],
               sizes: list[int]) -> None:
        """Make ``writes`` and ``cuts`` (file -> size) atomic and durable; recover first.

        ``sizes`` holds the files' sizes, as the caller knows them; they are
        updated when the commit succeeds.
        """
        jf = self._open(create=True)
        assert jf is not None
        merged = _merged(writes)
        touched: dict[int, tuple[int, int]] = {}
        for f, offset, data in merged:
            old, new = touched.get(f) or (sizes[f], sizes[f])
            touched[f] = (old, max(new, offset + len(data)))
        for f, size in cuts.items():
            touched[f] = (touched[f][0] if f in touched else sizes[f], size)
        txn = Transaction(
            touched,
            [(f, offset, len(data), files[f].read(offset, len(data)))
             for f, offset, data in merged],
            _digest([data for _, _, data in merged]),
        )
        jf.write(0, txn.encode())
        try:
            jf.sync()  # the journal is durable: now the files may change
        except OSError:
            # The journal may stay readable in the cache without being on disk; the
            # files are untouched, so clearing it loses nothing.
            with contextlib.suppress(OSError):
                jf.write(0, _CLEARED)
            raise
        try:
            for f, offset, data in merged:
                files[f].write(offset, data)
            if any(new < old for old, new in touched.values()):
                for f in touched:  # cut only what is durable: the cut bytes have no copy
                    files[f].sync()
                for f, (old, new) in touched.items():
                    if new < old:
                        files[f].truncate(new)
            for f in touched:
                files[f].sync()  # the commit point
        except OSError:
            # A failed fdatasync may have dropped dirty pages that the cache still
            # shows: undo now, while this process knows the commit did not happen.
            with contextlib.suppress(OSError):
                txn.roll_back(files)
                jf.write(0, _CLEARED)
            raise
        jf.write(0, _CLEARED)  # not synced: see the module docstring
        for f, (_, new) in touched.items():
            sizes[f] = new

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
