"""The records of the indexed files a run left behind, on each side, in primary key order.

fakees' side is read with fakees' own engine, from what the file's headers say
(record sizes, keys).  GnuCOBOL's side (Berkeley DB, one database per key:
``NAME`` for the primary key, ``NAME.1``, ``NAME.2``... for the alternates) is
read by a small COBOL program generated from that same description, compiled
with cobc once per layout: it reads the file ACCESS SEQUENTIAL to the end and
writes each record, preceded by its length as five digits, to a fixed-length
SEQUENTIAL file, whose bytes are the record's bytes exactly.  A variable-length
file (min size < record size) gets RECORD VARYING ... DEPENDING ON, so each
record keeps its own length (no corpus program has one today; checked by hand
on a two-01-record file with an alternate key).  fakees' ``check()`` also
verifies each index against the records.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fakees.isam import IndexedFile, KeySpec
from fakees.isam.layout import DAT_HEADER, PAGE, Meta, check_data_header
from tests.cobol.gnucobol import build, indexed_kind

_ALTERNATE = re.compile(r"^(.*)\.(\d+)$")
_LENGTH_DIGITS = 5


@dataclass(frozen=True)
class Layout:
    """What a fakees indexed file's headers say about it."""

    record_size: int
    min_size: int
    keys: tuple[KeySpec, ...]


def fakees_indexed_names(directory: Path) -> set[str]:
    """fakees indexed files: a data file with its header, or an index without its data file."""
    names = {p.name for p in directory.iterdir() if indexed_kind(p) == "fakees"}
    return names | {p.stem for p in directory.glob("*.idx")}


def gnucobol_indexed_names(directory: Path) -> dict[str, set[str]]:
    """GnuCOBOL indexed files, each with the names of its alternate keys' databases."""
    bdb = {p.name for p in directory.iterdir() if indexed_kind(p) == "bdb"}
    owner = {}
    for name in bdb:
        alternate = _ALTERNATE.match(name)
        if alternate is not None and alternate.group(1) in bdb:
            owner[name] = alternate.group(1)
    names: dict[str, set[str]] = {name: set() for name in bdb - owner.keys()}
    for name, primary in owner.items():
        names[primary].add(name)
    return names


def fakees_records(path: Path) -> tuple[Layout, list[bytes]]:
    """The file's description from its headers, and its records in primary key order."""
    record_size, min_size, _ = check_data_header(path.read_bytes()[:DAT_HEADER])
    index = Path(f"{path}.idx").read_bytes()
    layout = Layout(record_size, min_size, Meta.decode(index[:PAGE], len(index)).keys)
    f, status = IndexedFile.open(str(path), "INPUT", record_size=record_size,
                                 keys=list(layout.keys), min_size=min_size,
                                 access="SEQUENTIAL")
    assert f is not None, f"fakees cannot open {path}: {status.code}"
    records = []
    try:
        while True:
            status, record = f.read_next()
            if status.code == "10":
                break
            assert status.code == "00" and record is not None, (path, status.code)
            records.append(record)
        assert f.check() == len(records), f"{path}: its indexes disagree with its records"
    finally:
        f.close()
    return layout, records


def dump_source(layout: Layout) -> str:
    """A COBOL program that copies the records of the indexed file DUMPIN to DUMPOUT."""
    size = layout.record_size
    keys = []
    records = [f"       01 R PIC X({size})."]
    for i, key in enumerate(layout.keys):
        clause = "RECORD KEY" if i == 0 else "ALTERNATE RECORD KEY"
        dups = " WITH DUPLICATES" if key.duplicates else ""
        keys.append(f"               {clause} K{i}{dups}")
        records.append(f"       01 R{i}.")  # one record per key: keys may overlap
        if key.offset:
            records.append(f"          05 FILLER PIC X({key.offset}).")
        records.append(f"          05 K{i} PIC X({key.length}).")
        if size - key.end:
            records.append(f"          05 FILLER PIC X({size - key.end}).")
    varying = (f"\n           RECORD VARYING FROM {layout.min_size} TO {size}"
               " DEPENDING ON RLEN" if layout.min_size < size else "")
    return "\n".join([
        "       IDENTIFICATION DIVISION.",
        "       PROGRAM-ID. IDXDUMP.",
        "       ENVIRONMENT DIVISION.",
        "       INPUT-OUTPUT SECTION.",
        "       FILE-CONTROL.",
        '           SELECT F ASSIGN TO "DUMPIN"',
        "               ORGANIZATION INDEXED ACCESS SEQUENTIAL",
        *keys,
        "               FILE STATUS FS.",
        '           SELECT O ASSIGN TO "DUMPOUT"',
        "               ORGANIZATION SEQUENTIAL.",
        "       DATA DIVISION.",
        "       FILE SECTION.",
        f"       FD F{varying}.",
        *records,
        "       FD O.",
        "       01 O-REC.",
        f"          05 O-LEN PIC 9({_LENGTH_DIGITS}).",
        f"          05 O-DATA PIC X({size}).",
        "       WORKING-STORAGE SECTION.",
        "       01 FS PIC XX.",
        f"       01 RLEN PIC 9({_LENGTH_DIGITS}) VALUE {size}.",
        "       PROCEDURE DIVISION.",
        "           OPEN INPUT F",
        '           IF FS NOT = "00"',
        '               DISPLAY "OPEN " FS',
        "               MOVE 1 TO RETURN-CODE",
        "               STOP RUN",
        "           END-IF",
        "           OPEN OUTPUT O",
        '           PERFORM UNTIL FS NOT = "00"',
        "               READ F NEXT",
        '               IF FS = "00"',
        "                   MOVE RLEN TO O-LEN",
        "                   MOVE R TO O-DATA",
        "                   WRITE O-REC",
        "               END-IF",
        "           END-PERFORM",
        '           IF FS NOT = "10"',
        '               DISPLAY "READ " FS',
        "               MOVE 1 TO RETURN-CODE",
        "           END-IF",
        "           CLOSE F O",
        "           STOP RUN.",
        "",
    ])


def gnucobol_records(directory: Path, name: str, layout: Layout, work: Path) -> list[bytes]:
    """The records of GnuCOBOL's indexed file ``name``, read by GnuCOBOL, in key order."""
    work.mkdir(exist_ok=True)
    source = work / "IDXDUMP.cbl"
    source.write_text(dump_source(layout))
    out = work / f"{name}.dump"
    env = dict(os.environ, DUMPIN=name, DUMPOUT=str(out))
    proc = subprocess.run([str(build(source))], cwd=directory, env=env, capture_output=True,
                          timeout=60)
    assert proc.returncode == 0, f"GnuCOBOL cannot read {name}: {proc.stdout + proc.stderr!r}"
    data = out.read_bytes()
    width = _LENGTH_DIGITS + layout.record_size
    assert len(data) % width == 0, f"{out}: {len(data)} bytes, not records of {width}"
    chunks = (data[at : at + width] for at in range(0, len(data), width))
    return [chunk[_LENGTH_DIGITS : _LENGTH_DIGITS + int(chunk[:_LENGTH_DIGITS])]
            for chunk in chunks]


def assert_same_indexed_files(fdir: Path, gdir: Path, work: Path) -> int:
    """Every indexed file on both sides, and the same records in each; returns how many."""
    fakees_names = fakees_indexed_names(fdir)
    gnucobol_names = gnucobol_indexed_names(gdir)
    assert fakees_names == gnucobol_names.keys(), (
        f"indexed files left by fakees {sorted(fakees_names)}, "
        f"by GnuCOBOL {sorted(gnucobol_names)}")
    for name in sorted(fakees_names):
        layout, got = fakees_records(fdir / name)
        alternates = {f"{name}.{i}" for i in range(1, len(layout.keys))}
        assert gnucobol_names[name] == alternates, (name, gnucobol_names[name], alternates)
        expected = gnucobol_records(gdir, name, layout, work)
        assert got == expected, _difference(name, got, expected)
    return len(fakees_names)


def _difference(name: str, got: list[bytes], expected: list[bytes]) -> str:
    """Where the two record lists first part (pytest does not rewrite this module's asserts)."""
    at = next((i for i, (g, e) in enumerate(zip(got, expected, strict=False)) if g != e),
              min(len(got), len(expected)))
    return (f"records of {name}: fakees has {len(got)}, GnuCOBOL {len(expected)}; "
            f"first difference at record {at} in primary key order: "
            f"fakees {got[at] if at < len(got) else None!r}, "
            f"GnuCOBOL {expected[at] if at < len(expected) else None!r}")
