"""The commit journal: every change to the data and index files goes through it.

Protocol (docs/ISAM.md has the full argument):

1. write the journal record (all byte ranges the commit will write, and the
   sizes files are cut to) with a CRC over the whole record, then fdatasync it;
2. write the ranges into the data and index files, cut sizes, fdatasync each
   file touched;
3. invalidate the journal by zeroing its magic (no sync needed).

The journal holds the *new* bytes, so recovery re-applies a valid journal and
ignores an invalid (torn, half-written) one: before step 1's fdatasync
returns the files have not been touched, after it the journal alone can
finish the commit.  Replaying twice is harmless.  This is SQLite's atomic
commit with the journal carrying the after-images instead of the
before-images, which gives the same two fdatasyncs per commit and also makes
the commit durable the moment step 1 completes, so power loss never rolls
back a commit the caller was told about.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Mapping

from fakees.isam.disk import Disk, DiskFile

MAGIC = b"FKISJNL1"
_HEADER = struct.Struct(">8sIIII")  # magic, sequence, entry count, body length, crc32
_ENTRY = struct.Struct(">BQI")  # file number (| CUT), offset or new size, data length
CUT = 0x80

Writes = Mapping[tuple[int, int], bytes]
"""Byte ranges to write: (file number, offset) -> bytes."""


def encode(sequence: int, writes: Writes, cuts: Mapping[int, int]) -> bytes:
    """One journal record; ``cuts`` maps a file number to the size it is cut to."""
    parts: list[bytes] = [_ENTRY.pack(CUT | f, size, 0) for f, size in cuts.items()]
    for (f, offset), data in writes.items():
        parts.append(_ENTRY.pack(f, offset, len(data)))
        parts.append(data)
    body = b"".join(parts)
    count = len(cuts) + len(writes)
    crc = zlib.crc32(body, zlib.crc32(struct.pack(">III", sequence, count, len(body))))
    return _HEADER.pack(MAGIC, sequence, count, len(body), crc) + body


def decode(blob: bytes) -> tuple[dict[tuple[int, int], bytes], dict[int, int]] | None:
    """The writes and cuts of a valid record, or None for an empty, stale or torn one."""
    if len(blob) < _HEADER.size:
        return None
    magic, sequence, count, length, crc = _HEADER.unpack_from(blob)
    body = blob[_HEADER.size : _HEADER.size + length]
    if magic != MAGIC or len(body) != length:
        return None
    if zlib.crc32(body, zlib.crc32(struct.pack(">III", sequence, count, length))) != crc:
        return None
    writes: dict[tuple[int, int], bytes] = {}
    cuts: dict[int, int] = {}
    pos = 0
    for _ in range(count):
        f, offset, size = _ENTRY.unpack_from(body, pos)
        pos += _ENTRY.size
        if f & CUT:
            cuts[f & ~CUT] = offset
        else:
            writes[(f, offset)] = body[pos : pos + size]
            pos += size
    return writes, cuts


class Journal:
    """The journal file ``NAME.jnl`` next to a data file; created on first commit."""

    def __init__(self, disk: Disk, path: str) -> None:
        self.disk = disk
        self.path = path
        self.file: DiskFile | None = None
        self.sequence = int.from_bytes(os.urandom(4))  # a nonce: records never look alike

    def _open(self, create: bool) -> DiskFile | None:
        if self.file is None:
            try:
                self.file = self.disk.open(self.path, create=False, writable=True)
            except PermissionError:  # a reader may look; replaying will then give 37
                self.file = self.disk.open(self.path, create=False, writable=False)
            except FileNotFoundError:
                if not create:
                    return None
                self.file = self.disk.open(self.path, create=True, writable=True)
                self.disk.sync_dir(self.path)  # the journal must survive to be of use
        return self.file

    def pending(self) -> tuple[dict[tuple[int, int], bytes], dict[int, int]] | None:
        """A committed but possibly unapplied record left by a crash ("hot journal")."""
        jf = self._open(create=False)
        if jf is None:
            return None
        head = jf.read(0, _HEADER.size)
        if len(head) < _HEADER.size or head[:8] != MAGIC:
            return None
        length = _HEADER.unpack_from(head)[3]
        return decode(head + jf.read(_HEADER.size, length))

    def commit(self, files: list[DiskFile], writes: Writes, cuts: Mapping[int, int]) -> None:
        """Make ``writes`` and ``cuts`` to ``files`` atomic and durable (see module doc)."""
        jf = self._open(create=True)
        assert jf is not None
        self.sequence = (self.sequence + 1) & 0xFFFFFFFF
        jf.write(0, encode(self.sequence, writes, cuts))
        jf.sync()
        apply(files, writes, cuts)
        jf.write(0, bytes(8))

    def recover(self, files: list[DiskFile]) -> bool:
        """Finish a crashed commit, if any; True if one was replayed."""
        record = self.pending()
        if record is None:
            return False
        apply(files, *record)
        assert self.file is not None
        self.file.write(0, bytes(8))
        self.file.sync()
        return True

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


def apply(files: list[DiskFile], writes: Writes, cuts: Mapping[int, int]) -> None:
    """Cut, write and sync; idempotent, so recovery may run it again."""
    touched = set(cuts)
    for f, size in cuts.items():
        files[f].truncate(size)
    for (f, offset), data in writes.items():
        files[f].write(offset, data)
        touched.add(f)
    for f in sorted(touched):
        files[f].sync()
