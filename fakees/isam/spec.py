"""What a program declares about an indexed file: record sizes and keys."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeySpec:
    """A key: ``length`` bytes at ``offset`` in the record; key 0 is the primary key."""

    offset: int
    length: int
    duplicates: bool = False

    @property
    def end(self) -> int:
        return self.offset + self.length

    def of(self, record: bytes) -> bytes:
        return record[self.offset : self.offset + self.length]
