"""COBOL file status codes as Micro Focus reports them for indexed files.

A status is two bytes in the program's ``FILE STATUS`` item.  Micro Focus
extended codes (``9/065`` and friends) carry '9' in the first byte and the
run-time error number as a *binary* second byte, which is why ``Status``
keeps the textual code and the raw bytes apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Status:
    """One file status: ``code`` is "00", "23", "9/065"...; ``raw`` the two COBOL bytes."""

    code: str

    @property
    def raw(self) -> bytes:
        """The two bytes a ``PIC XX`` FILE STATUS item receives (9/065 -> b"9A")."""
        if self.code.startswith("9/"):
            return b"9" + bytes([int(self.code[2:]) & 0xFF])
        return self.code.encode("ascii")

    @property
    def ok(self) -> bool:
        """Status key 1 is '0': the operation succeeded (00, 02, 04, 05, 07)."""
        return self.code[0] == "0"

    @property
    def at_end(self) -> bool:
        """Status key 1 is '1': AT END condition (10, 14, 46 is not one)."""
        return self.code[0] == "1"

    @property
    def invalid_key(self) -> bool:
        """Status key 1 is '2': INVALID KEY condition (21, 22, 23, 24)."""
        return self.code[0] == "2"

    @property
    def meaning(self) -> str:
        return MEANINGS.get(self.code, "unknown status")

    def __str__(self) -> str:
        return f"{self.code} ({self.meaning})"


MEANINGS: dict[str, str] = {
    "00": "successful completion",
    "02": "successful, duplicate alternate key",
    "04": "record length does not match the record description",
    "05": "optional file not present",
    "10": "end of file",
    "21": "sequence error",
    "22": "duplicate key",
    "23": "record not found",
    "30": "permanent I/O error",
    "35": "file not found",
    "37": "open mode not permitted",
    "39": "conflict between file attributes and the program's description",
    "41": "file already open",
    "42": "file not open",
    "43": "REWRITE or DELETE without a preceding successful READ",
    "44": "record size out of range",
    "46": "no valid next record",
    "47": "READ or START not permitted in this open mode",
    "48": "WRITE not permitted in this open mode",
    "49": "REWRITE or DELETE not permitted in this open mode",
    "9/041": "corrupt index file",
    "9/043": "index file missing",
    "9/065": "file locked",
    "9/068": "record locked",
    "9/161": "file header not found (not an indexed file)",
}

SUCCESS = Status("00")
DUPLICATE_OK = Status("02")
OPTIONAL_ABSENT = Status("05")
AT_END = Status("10")
SEQUENCE_ERROR = Status("21")
DUPLICATE_KEY = Status("22")
NOT_FOUND = Status("23")
IO_ERROR = Status("30")
FILE_NOT_FOUND = Status("35")
MODE_NOT_PERMITTED = Status("37")
ATTRIBUTE_CONFLICT = Status("39")
ALREADY_OPEN = Status("41")
NOT_OPEN = Status("42")
NO_CURRENT_RECORD = Status("43")
BAD_RECORD_SIZE = Status("44")
NO_NEXT_RECORD = Status("46")
READ_NOT_ALLOWED = Status("47")
WRITE_NOT_ALLOWED = Status("48")
UPDATE_NOT_ALLOWED = Status("49")
CORRUPT_INDEX = Status("9/041")
INDEX_MISSING = Status("9/043")
FILE_LOCKED = Status("9/065")
RECORD_LOCKED = Status("9/068")
NOT_INDEXED_FILE = Status("9/161")
