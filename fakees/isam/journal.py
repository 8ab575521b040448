"""The commit journal: a write-ahead log of after-images, with checkpoints.

Every change to the data and index files is first appended to ``NAME.jnl`` as
one record (the byte ranges to write and the sizes to cut files to, under a
CRC) and the journal is fdatasync'ed: that is the commit point, and the only
fdatasync of an ordinary commit.  The ranges are then written into the data
and index files *without* syncing them; the journal keeps every record since
the last checkpoint, so it can always rebuild them.

Layout (docs/ISAM.md draws it): sector 0 holds the epoch (a random number
per checkpoint) and the boot id of the machine that wrote it, synced at each
checkpoint and otherwise left alone; records follow from byte 512, each
carrying the epoch and its index, so a stale record of an older epoch, or a
torn one, ends the chain.  The "mark" says how many records of this epoch
have been applied to the files and where the next one goes; it is updated
after each commit, not synced, and lives in the data file's header so that
the journal's fdatasync has only the new record's page to write.

Recovery (every OPEN, and every operation of a shared opener):

- same boot as the last checkpoint: the page cache still holds every write
  that returned, so only records past the "applied" mark need replaying (a
  writer killed between its journal fdatasync and its file writes);
- another boot (power loss, or another node of a cluster taking over the
  disk): unsynced writes to the files may be lost or torn, so the whole chain
  is replayed in order, and then a checkpoint makes the result durable.

Checkpoint (when the journal is full, after a full replay, and on the first
commit; an OPEN from another boot with nothing to replay only signs a new
epoch): fdatasync the data and index files, then write a new epoch to
sector 0 and fdatasync the journal.  Records of the old
epoch are dead from then on; records are only written after the checkpoint
is durable.

Replaying a record twice, or a chain in order onto files that already hold
it, gives the same bytes, so recovery itself may be interrupted anywhere.
"""

from __future__ import annotations

import contextlib
import os
import struct
import zlib
from collections.abc import Callable, Mapping

from fakees.isam.disk import Disk, DiskFile

SECTOR = 512
FIRST_RECORD = SECTOR
_EPOCH = struct.Struct(">8sI16s")  # magic, epoch, boot id; then crc32
_EPOCH_MAGIC = b"FKISJNL2"
_MARK = struct.Struct(">8sIIQ")  # magic, epoch, records applied, offset of the next; then crc32
_MARK_MAGIC = b"FKISMARK"
_RECORD = struct.Struct(">4sIIII")  # magic, epoch, index, entry count, body length; then crc32
_RECORD_MAGIC = b"FKJR"
_CRC = struct.Struct(">I")
MARK_SIZE = _MARK.size + _CRC.size
_ENTRY = struct.Struct(">BQI")  # file number (| CUT), offset or new size, data length
CUT = 0x80

Writes = Mapping[tuple[int, int], bytes]
"""Byte ranges to write: (file number, offset) -> bytes."""


def _sealed(fixed: bytes) -> bytes:
    return fixed + _CRC.pack(zlib.crc32(fixed))


def _unseal(buf: bytes, layout: struct.Struct) -> tuple | None:  # type: ignore[type-arg]
    end = layout.size
    if len(buf) < end + _CRC.size or _CRC.unpack_from(buf, end)[0] != zlib.crc32(buf[:end]):
        return None
    return layout.unpack_from(buf)


def encode(epoch: int, index: int, writes: Writes, cuts: Mapping[int, int]) -> bytes:
    """One record; ``cuts`` maps a file number to the size it is cut to (applied first)."""
    parts: list[bytes] = [_ENTRY.pack(CUT | f, size, 0) for f, size in cuts.items()]
    for (f, offset), data in writes.items():
        parts.append(_ENTRY.pack(f, offset, len(data)))
        parts.append(data)
    body = b"".join(parts)
    head = _RECORD.pack(_RECORD_MAGIC, epoch, index, len(cuts) + len(writes), len(body))
    return head + _CRC.pack(zlib.crc32(body, zlib.crc32(head))) + body


def decode(blob: bytes) -> tuple[dict[tuple[int, int], bytes], dict[int, int]]:
    """The writes and cuts of a record body."""
    writes: dict[tuple[int, int], bytes] = {}
    cuts: dict[int, int] = {}
    pos = 0
    while pos < len(blob):
        f, offset, size = _ENTRY.unpack_from(blob, pos)
        pos += _ENTRY.size
        if f & CUT:
            cuts[f & ~CUT] = offset
        else:
            writes[(f, offset)] = blob[pos : pos + size]
            pos += size
    return writes, cuts


class Journal:
    """``NAME.jnl`` next to a data file; created (and zero-filled) by the first commit."""

    limit = 1 << 20  # bytes of records between checkpoints; the file is preallocated to it

    def __init__(self, disk: Disk, path: str, mark_at: int) -> None:
        self.disk = disk
        self.path = path
        self.mark_at = mark_at  # where in the data file the mark lives
        self.mark_file: DiskFile | None = None  # the data file, set once it is open
        self.file: DiskFile | None = None
        self.writable = True
        self.epoch: int | None = None  # None: no valid epoch sector (new or foreign journal)
        self.applied = 0
        self.end = FIRST_RECORD

    def _open(self, create: bool) -> DiskFile | None:
        if self.file is None:
            try:
                self.file = self.disk.open(self.path, create=False, writable=True)
            except PermissionError:  # a reader may look; replaying will then give 37
                self.file = self.disk.open(self.path, create=False, writable=False)
                self.writable = False
            except FileNotFoundError:
                if not create:
                    return None
                self.file = self.disk.open(self.path, create=True, writable=True)
                self.disk.sync_dir(self.path)  # the journal must survive to be of use
        return self.file

    def recover(self, files: Callable[[], list[DiskFile]]) -> bool:
        """Bring the files up to the last commit (see module doc); True if anything was done.

        ``files`` opens the data and index files; it is called only if needed.
        """
        jf = self._open(create=False)
        self.epoch = None
        if jf is None:
            return False
        sealed = _unseal(jf.read(0, _EPOCH.size + _CRC.size), _EPOCH)
        if sealed is None or sealed[0] != _EPOCH_MAGIC:
            return False  # never checkpointed, or torn while checkpointing: files are durable
        _, self.epoch, boot = sealed
        assert self.mark_file is not None
        mark = _unseal(self.mark_file.read(self.mark_at, MARK_SIZE), _MARK)
        same_boot = boot == self.disk.boot_id()
        if same_boot and mark is not None and mark[0] == _MARK_MAGIC and mark[1] == self.epoch:
            self.applied, self.end = mark[2], mark[3]
        else:
            same_boot = False
            self.applied, self.end = 0, FIRST_RECORD
        replayed = 0
        targets: list[DiskFile] = []
        while (record := self._read_record(jf, self.end, self.applied + 1)) is not None:
            if not replayed:
                targets = files()
                # A writer killed before its fdatasync returned leaves a whole record in
                # the page cache, not on disk: make it durable before the files show it.
                jf.sync()
            apply(targets, *decode(record))
            replayed += 1
            self.applied += 1
            self.end += _RECORD.size + _CRC.size + len(record)
        if not same_boot:
            # Sign the epoch with this machine's boot id before anything else is written,
            # so that no other machine (a cluster node that had the disk before) trusts
            # the mark of commits whose file writes only this machine's cache holds.
            if replayed:
                self.checkpoint(targets)
            elif self.writable:
                self._new_epoch()
            return replayed > 0
        if replayed:
            self._write_mark()
        return replayed > 0

    def _read_record(self, jf: DiskFile, offset: int, index: int) -> bytes | None:
        """The body of record ``index`` of this epoch at ``offset``, if it is whole."""
        head = jf.read(offset, _RECORD.size + _CRC.size)
        if len(head) < _RECORD.size + _CRC.size:
            return None
        magic, epoch, number, _, length = _RECORD.unpack_from(head)
        if magic != _RECORD_MAGIC or epoch != self.epoch or number != index:
            return None
        body = jf.read(offset + len(head), length)
        crc = _CRC.unpack_from(head, _RECORD.size)[0]
        if len(body) != length or zlib.crc32(body, zlib.crc32(head[: _RECORD.size])) != crc:
            return None
        return body

    def _write_mark(self) -> None:
        assert self.epoch is not None and self.mark_file is not None
        mark = _MARK.pack(_MARK_MAGIC, self.epoch, self.applied, self.end)
        self.mark_file.write(self.mark_at, _sealed(mark))

    def checkpoint(self, files: list[DiskFile]) -> None:
        """Make the files durable, then start a new, empty epoch."""
        try:
            for f in files:
                f.sync()
        except OSError:
            # A failed fdatasync may have dropped the dirty pages it could not write:
            # the cache no longer holds every applied record, so the mark must go.
            self._drop_mark()
            raise
        self._new_epoch()

    def _drop_mark(self) -> None:
        """Make the next recovery replay the whole chain (best effort)."""
        assert self.mark_file is not None
        with contextlib.suppress(OSError):
            self.mark_file.write(self.mark_at, bytes(MARK_SIZE))

    def _new_epoch(self) -> None:
        jf = self._open(create=True)
        assert jf is not None
        if jf.size() < self.limit:
            jf.write(0, bytes(self.limit))  # allocate once: appends then change no metadata
        # The next number, so no record of an older epoch can match it; a random one
        # when the epoch sector is unreadable (torn during the last checkpoint).
        old = self.epoch
        epoch = int.from_bytes(os.urandom(4)) if old is None else (old + 1) & 0xFFFFFFFF
        self.epoch, self.applied, self.end = epoch, 0, FIRST_RECORD
        jf.write(0, _sealed(_EPOCH.pack(_EPOCH_MAGIC, epoch, self.disk.boot_id())))
        jf.sync()  # no mark yet: a missing one means "replay the chain", which is empty

    def commit(self, files: list[DiskFile], writes: Writes, cuts: Mapping[int, int]) -> None:
        """Make ``writes`` and ``cuts`` atomic and durable; call ``recover`` first."""
        record = encode(self.epoch or 0, self.applied + 1, writes, cuts)
        if self.epoch is None or self.end + len(record) > self.limit:
            self.checkpoint(files)
            record = encode(self.epoch or 0, 1, writes, cuts)
        jf = self.file
        assert jf is not None
        jf.write(self.end, record)
        try:
            jf.sync()  # the commit point
        except OSError:
            # The record may stay readable in the cache without being on disk: unmake
            # it, or the next recovery would build on a commit that reported failure.
            with contextlib.suppress(OSError):
                jf.write(self.end, bytes(_RECORD.size))
            raise
        apply(files, writes, cuts)
        self.applied += 1
        self.end += len(record)
        self._write_mark()

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


def apply(files: list[DiskFile], writes: Writes, cuts: Mapping[int, int]) -> None:
    """Cut, then write; idempotent, so recovery may run it again.  No sync."""
    for f, size in cuts.items():
        files[f].truncate(size)
    for (f, offset), data in writes.items():
        files[f].write(offset, data)
