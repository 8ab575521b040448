"""fakees-only file behaviour the oracle cannot show (its indexed files are Berkeley DB):
exclusive I-O opens (9/065), LOCK MODE, Micro Focus file layout, ASSIGN resolution."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from fakees.cobol import CobolRuntimeError, compile_file, load_program
from fakees.cobol import ast as A
from fakees.cobol.errors import Position
from fakees.cobol.fileio import resolve_assign
from fakees.cobol.runtime import RunUnit

LOCKER = """       IDENTIFICATION DIVISION.
       PROGRAM-ID. LOCKER.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT DATA-FILE ASSIGN TO "SHARED"
               ORGANIZATION INDEXED ACCESS DYNAMIC
               RECORD KEY D-KEY
               {lock}
               FILE STATUS FS.
       DATA DIVISION.
       FILE SECTION.
       FD DATA-FILE.
       01 D-REC.
          05 D-KEY PIC X(4).
          05 D-VAL PIC 9(4).
       WORKING-STORAGE SECTION.
       01 FS PIC XX.
       LINKAGE SECTION.
       01 LK-OP     PIC X(6).
       01 LK-STATUS PIC XX.
       PROCEDURE DIVISION USING LK-OP LK-STATUS.
           EVALUATE LK-OP
              WHEN "CREATE"
                 OPEN OUTPUT DATA-FILE
                 MOVE "K001" TO D-KEY MOVE 1 TO D-VAL
                 WRITE D-REC
                 CLOSE DATA-FILE
              WHEN "OPEN"  OPEN I-O DATA-FILE
              WHEN "INPUT" OPEN INPUT DATA-FILE
              WHEN "READ"
                 MOVE "K001" TO D-KEY
                 READ DATA-FILE WITH LOCK
              WHEN "CLOSE" CLOSE DATA-FILE
           END-EVALUATE
           MOVE FS TO LK-STATUS
           EXIT PROGRAM.
"""


def locker(tmp_path: Path, lock: str = "") -> Path:
    source = tmp_path / "locker.cbl"
    source.write_text(LOCKER.format(lock=lock))
    compile_file(source, tmp_path / "LOCKER.gnt")
    return tmp_path / "LOCKER.gnt"


def op(prog, name: str) -> bytes:  # type: ignore[no-untyped-def]
    status = bytearray(2)
    prog.call([bytearray(name.ljust(6).encode()), status])
    return bytes(status)


def test_io_open_without_lock_mode_is_exclusive(tmp_path: Path) -> None:
    gnt = locker(tmp_path)
    first = load_program(gnt, run_unit=RunUnit(cwd=str(tmp_path)))
    second = load_program(gnt, run_unit=RunUnit(cwd=str(tmp_path)))
    assert op(first, "CREATE") == b"00"
    assert op(first, "OPEN") == b"00"
    assert op(second, "OPEN") == b"9" + bytes([65])  # 9/065 file locked
    assert op(second, "INPUT") == b"9" + bytes([65])
    assert op(first, "CLOSE") == b"00"
    assert op(second, "OPEN") == b"00"
    assert op(second, "CLOSE") == b"00"


def test_lock_mode_manual_shares_the_file_and_locks_records(tmp_path: Path) -> None:
    gnt = locker(tmp_path, "LOCK MODE IS MANUAL")
    first = load_program(gnt, run_unit=RunUnit(cwd=str(tmp_path)))
    second = load_program(gnt, run_unit=RunUnit(cwd=str(tmp_path)))
    assert op(first, "CREATE") == b"00"
    assert op(first, "OPEN") == b"00"
    assert op(second, "OPEN") == b"00"
    assert op(first, "READ") == b"00"
    assert op(second, "READ") == b"9" + bytes([68])  # 9/068 record locked
    assert op(first, "CLOSE") == b"00"
    assert op(second, "READ") == b"00"


def test_indexed_file_is_micro_focus_layout(tmp_path: Path) -> None:
    gnt = locker(tmp_path)
    prog = load_program(gnt, run_unit=RunUnit(cwd=str(tmp_path)))
    assert op(prog, "CREATE") == b"00"
    kinds = subprocess.run(["file", "SHARED", "SHARED.idx"], cwd=tmp_path, capture_output=True,
                           text=True, check=True).stdout
    assert kinds.split()[1:3] == ["Micro", "Focus"] and "SHARED.idx: Micro Focus Index" in kinds


@pytest.mark.parametrize(("env", "expected"), [
    ({"dd_APPFILE01": "a/dd.dat", "APPFILE01": "plain.dat"}, "a/dd.dat"),
    ({"APPFILE01": "plain.dat"}, "plain.dat"),
    ({}, "APPFILE01"),
    ({"APPFILE01": "/abs/file"}, "/abs/file"),
    ({"dd_APPFILE01": "$FAKEES_T_DIR/x.dat", "FAKEES_T_DIR": "/data"}, "/data/x.dat"),
])
def test_assign_external_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                    env: dict[str, str], expected: str) -> None:
    for name in ("dd_APPFILE01", "DD_APPFILE01", "APPFILE01", "FAKEES_T_DIR"):
        monkeypatch.delenv(name, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    select = A.Select("APPFILE", Position("x", 1, 1), "APPFILE01", external=True)
    assert resolve_assign(select, RunUnit(cwd=str(tmp_path))) == str(tmp_path / expected)


WRITER = """       IDENTIFICATION DIVISION.
       PROGRAM-ID. WRITER.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT OUT-FILE ASSIGN TO EXTERNAL OUTFILE01
               ORGANIZATION LINE SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
       FD OUT-FILE.
       01 OUT-REC PIC X(8).
       LINKAGE SECTION.
       01 LK-TEXT PIC X(8).
       PROCEDURE DIVISION USING LK-TEXT.
           OPEN OUTPUT OUT-FILE
           WRITE OUT-REC FROM LK-TEXT
           CLOSE OUT-FILE
           EXIT PROGRAM.
"""


def test_each_open_follows_the_environment_of_the_moment(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A loaded program keeps no stale file name: every OPEN sees the variables as they
    are then (dd_ first, then the plain name, $VAR expanded)."""
    for name in ("dd_OUTFILE01", "DD_OUTFILE01", "OUTFILE01", "FAKEES_T_DIR"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "WRITER.cbl").write_text(WRITER)
    prog = load_program(tmp_path / "WRITER.cbl", run_unit=RunUnit(cwd=str(tmp_path)))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    steps = [({}, "OUTFILE01"), ({"OUTFILE01": "plain.txt"}, "plain.txt"),
             ({"dd_OUTFILE01": "dd.txt"}, "dd.txt"),
             ({"dd_OUTFILE01": "$FAKEES_T_DIR/x.txt", "FAKEES_T_DIR": "a"}, "a/x.txt"),
             ({"FAKEES_T_DIR": "b"}, "b/x.txt"), ({"dd_OUTFILE01": None}, "plain.txt")]
    for number, (env, expected) in enumerate(steps):
        for key, value in env.items():
            if value is None:
                monkeypatch.delenv(key)
            else:
                monkeypatch.setenv(key, value)
        text = f"CALL{number}".ljust(8).encode()
        prog.call([bytearray(text)])
        assert (tmp_path / expected).read_bytes() == text.rstrip() + b"\n", expected


FULL = """       IDENTIFICATION DIVISION.
       PROGRAM-ID. FULLDISK.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT OUT-FILE ASSIGN TO "/dev/full"
               ORGANIZATION LINE SEQUENTIAL{status}.
       DATA DIVISION.
       FILE SECTION.
       FD OUT-FILE.
       01 OUT-REC PIC X(8).
       WORKING-STORAGE SECTION.
       01 FS PIC XX VALUE "??".
       LINKAGE SECTION.
       01 LK-STATUS PIC XX.
       PROCEDURE DIVISION USING LK-STATUS.
           OPEN OUTPUT OUT-FILE
           WRITE OUT-REC FROM "RECORD"
           CLOSE OUT-FILE
           MOVE FS TO LK-STATUS
           EXIT PROGRAM.
"""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_an_operating_system_failure_is_status_30(tmp_path: Path) -> None:
    """Disk full at CLOSE (the buffered record reaches /dev/full): FILE STATUS 30 when the
    program has one, else run-time error 30 naming the file, never a Python traceback."""
    (tmp_path / "FULLDISK.cbl").write_text(FULL.format(status="\n               FILE STATUS FS"))
    status = bytearray(2)
    load_program(tmp_path / "FULLDISK.cbl").call([status])
    assert status == b"30"
    (tmp_path / "FULLDISK.cbl").write_text(FULL.format(status=""))
    with pytest.raises(CobolRuntimeError) as info:
        load_program(tmp_path / "FULLDISK.cbl").call([bytearray(2)])
    assert info.value.code == 30 and info.value.status == "30"
    assert info.value.file == "/dev/full" and info.value.line == 19
