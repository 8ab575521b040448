"""On-disk layout of the data file and the index file (docs/ISAM.md draws it).

Data file: a 128-byte header, then fixed-size record slots.  Index file:
4 KiB pages; page 0 holds the file description and the mutable counters
(``Meta``), the other pages are B-tree nodes or free pages.  The first bytes
of both headers are the ones libmagic tests, so ``file`` reports "Micro
Focus File with Header (DAT)" and "Micro Focus Index File (IDX)".
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass, field

from fakees.isam.spec import KeySpec
from fakees.isam.status import CORRUPT_INDEX, NOT_INDEXED_FILE, Status

PAGE = 4096
DAT_HEADER = 128
VERSION = 1
MAX_KEYS = 64
MAX_KEY_LENGTH = 255

# What libmagic's "cobol" rules look at.
_DAT_MAGIC = ((0, b"\x30\x00\x00\x7c"), (36, b"\x00\x3e"))
_IDX_MAGIC = ((39, b"\x02"), (136, b"\x02\x02\x04\x04"))

_DAT_DESC = struct.Struct(">8sHII")  # at 64: signature, version, record size, min size
CHANGES_AT = 120  # u64 change counter, just before slot 0 (one pwrite with it)
CHANGES = struct.Struct(">Q")
_DAT_SIGNATURE = b"FKISDAT1"
_IDX_DESC = struct.Struct(">8sHIIIH")  # at 256: signature, version, page, record, min, nkeys
_IDX_SIGNATURE = b"FKISIDX1"
_KEY_DESC = struct.Struct(">IIB")  # offset, length, duplicates
_META_AT = 1024
_META = struct.Struct(">QQQQQQ")  # slots, free slot+1, pages, free page+1, records, dup seq


@functools.cache
def layout_struct(fmt: str) -> struct.Struct:
    """A compiled struct per format: every OPEN needs the same few again."""
    return struct.Struct(fmt)


class FormatError(Exception):
    """The file is not one of ours, or is damaged: carries the status to report."""

    def __init__(self, status: Status, why: str) -> None:
        super().__init__(f"{status.code}: {why}")
        self.status = status


def _stamp(buf: bytearray, marks: tuple[tuple[int, bytes], ...]) -> None:
    for at, value in marks:
        buf[at : at + len(value)] = value


def _has(buf: bytes, marks: tuple[tuple[int, bytes], ...]) -> bool:
    return all(buf[at : at + len(value)] == value for at, value in marks)


def data_header(record_size: int, min_size: int, changes: int) -> bytes:
    buf = bytearray(DAT_HEADER)
    _stamp(buf, _DAT_MAGIC)
    _DAT_DESC.pack_into(buf, 64, _DAT_SIGNATURE, VERSION, record_size, min_size)
    CHANGES.pack_into(buf, CHANGES_AT, changes)
    return bytes(buf)


def check_data_header(buf: bytes) -> tuple[int, int, int]:
    """(record size, min size, change counter) of a data file header, or FormatError 9/161.

    The counter goes up with every commit (as SQLite's file change counter):
    an opener that finds the value it saw last knows the files are unchanged.
    """
    if len(buf) < DAT_HEADER or not _has(buf, _DAT_MAGIC):
        raise FormatError(NOT_INDEXED_FILE, "no Micro Focus data file header")
    signature, version, record_size, min_size = _DAT_DESC.unpack_from(buf, 64)
    if signature != _DAT_SIGNATURE or version != VERSION or not 0 < min_size <= record_size:
        raise FormatError(NOT_INDEXED_FILE, "data file header of an unknown format")
    return record_size, min_size, CHANGES.unpack_from(buf, CHANGES_AT)[0]


@dataclass
class Meta:
    """The index file's page 0: the file's description and its counters."""

    record_size: int
    min_size: int
    keys: tuple[KeySpec, ...]
    slots: int = 0  # slots ever used (high-water mark)
    free_slot: int = 0  # first free slot + 1, 0 if none
    pages: int = 1  # pages in the index file, page 0 included
    free_page: int = 0  # first free page + 1, 0 if none
    records: int = 0
    dup_seq: int = 0  # orders duplicates of an alternate key by time of writing
    roots: list[int] = field(default_factory=list)

    def encode(self) -> bytes:
        buf = bytearray(PAGE)
        _stamp(buf, _IDX_MAGIC)
        _IDX_DESC.pack_into(
            buf, 256, _IDX_SIGNATURE, VERSION, PAGE, self.record_size, self.min_size, len(self.keys)
        )
        for i, k in enumerate(self.keys):
            _KEY_DESC.pack_into(buf, 256 + _IDX_DESC.size + i * _KEY_DESC.size,
                                k.offset, k.length, k.duplicates)
        _META.pack_into(buf, _META_AT, self.slots, self.free_slot, self.pages,
                        self.free_page, self.records, self.dup_seq)
        struct.pack_into(f">{len(self.roots)}Q", buf, _META_AT + _META.size, *self.roots)
        return bytes(buf)

    @classmethod
    def decode(cls, buf: bytes, file_size: int) -> Meta:
        """Parse and sanity-check page 0; FormatError 9/041 if it is not a sound index."""
        if len(buf) < PAGE or not _has(buf, _IDX_MAGIC):
            raise FormatError(CORRUPT_INDEX, "no Micro Focus index file header")
        signature, version, page, record_size, min_size, nkeys = _IDX_DESC.unpack_from(buf, 256)
        if signature != _IDX_SIGNATURE or version != VERSION or page != PAGE:
            raise FormatError(CORRUPT_INDEX, "index file of an unknown format")
        if not 0 < nkeys <= MAX_KEYS or not 0 < min_size <= record_size:
            raise FormatError(CORRUPT_INDEX, "index file description is damaged")
        keys = tuple(
            KeySpec(o, n, bool(d))
            for o, n, d in (
                _KEY_DESC.unpack_from(buf, 256 + _IDX_DESC.size + i * _KEY_DESC.size)
                for i in range(nkeys)
            )
        )
        meta = cls(record_size, min_size, keys, *_META.unpack_from(buf, _META_AT))
        meta.roots = list(struct.unpack_from(f">{nkeys}Q", buf, _META_AT + _META.size))
        if meta.pages * PAGE != file_size or not all(0 < r < meta.pages for r in meta.roots):
            raise FormatError(CORRUPT_INDEX, "index file size or roots do not match its header")
        return meta
