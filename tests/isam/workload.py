"""A deterministic stream of operations shared by the crash tests and their model.

Operation ``i`` is a pure function of ``i``: a counter increment (READ +
REWRITE of the counter record, as CBLAPP01 does), or a WRITE, REWRITE or
DELETE of one of a few hundred long-keyed records (so commits touch several
tree pages, split and free them).  Applying operations 0..n-1 to the dict
model gives the only state the file may be in once n operations completed.
"""

from __future__ import annotations

import random

from fakees.isam import IndexedFile, KeySpec

KEY, ALT, PAYLOAD = 100, 40, 20
RECORD = KEY + ALT + PAYLOAD
KEYS = [KeySpec(0, KEY), KeySpec(KEY, ALT, duplicates=True)]
COUNTER = b" " * KEY
Model = dict[bytes, bytes]


def key(n: int) -> bytes:
    return f"K{n:04d}".encode().ljust(KEY, b"_")


def counter_record(value: int) -> bytes:
    return COUNTER + b"COUNTER".ljust(ALT) + f"{value:020d}".encode()


def counter_of(record: bytes) -> int:
    return int(record[KEY + ALT :])


def operation(i: int) -> tuple[str, bytes, bytes]:
    """("inc" | "write" | "rewrite" | "delete", primary key, record)."""
    rng = random.Random(i)
    roll = rng.random()
    if roll < 0.4:
        return "inc", COUNTER, b""
    k = key(rng.randrange(300))
    record = k + f"ALT{rng.randrange(6)}".encode().ljust(ALT) + rng.randbytes(PAYLOAD)
    kind = "write" if roll < 0.7 else "rewrite" if roll < 0.85 else "delete"
    return kind, k, record


def apply_model(model: Model, i: int) -> None:
    kind, k, record = operation(i)
    if kind == "inc":
        model[COUNTER] = counter_record(counter_of(model[COUNTER]) + 1)
    elif kind == "write":
        model.setdefault(k, record)
    elif kind == "rewrite":
        if k in model:
            model[k] = record
    else:
        model.pop(k, None)


def apply_file(f: IndexedFile, i: int) -> None:
    """Do operation ``i``; any status other than the expected ones fails loudly."""
    kind, k, record = operation(i)
    if kind == "inc":
        status, current = f.read(0, COUNTER)
        assert status.code == "00" and current is not None, status
        status = f.rewrite(counter_record(counter_of(current) + 1))
        assert status.code == "00", status
    elif kind == "write":
        assert f.write(record).code in ("00", "02", "22")
    elif kind == "rewrite":
        assert f.rewrite(record).code in ("00", "02", "23")
    else:
        assert f.delete(k).code in ("00", "23")


def contents(f: IndexedFile) -> Model:
    """Every record, read in primary key order; the structure is checked first."""
    count = f.check()
    out: Model = {}
    if f.start(0, b"\0", ">=").code == "23":
        assert count == 0
        return out
    while True:
        status, record = f.read_next()
        if status.code == "10":
            break
        assert status.ok and record is not None, status
        out[record[:KEY]] = record
    assert len(out) == count
    return out
