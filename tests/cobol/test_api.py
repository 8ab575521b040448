"""The Python API a SEP uses: load once, call many times with LINKAGE buffers."""

from __future__ import annotations

import datetime
import socket
import time
from pathlib import Path

import pytest

from fakees.cobol import (
    CobolRuntimeError,
    LinkageItem,
    StopRun,
    compile_file,
    linkage_of_source,
    load_program,
)

STATEFUL = """       IDENTIFICATION DIVISION.
       PROGRAM-ID. STATEFUL.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT LOG-FILE ASSIGN TO "calls.log"
               ORGANIZATION LINE SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
       FD LOG-FILE.
       01 LOG-LINE PIC X(20).
       WORKING-STORAGE SECTION.
       01 CALLS     PIC 9(4) VALUE 0.
       01 IS-OPEN   PIC X VALUE "N".
       LINKAGE SECTION.
       01 LK-OP     PIC X(5).
       01 LK-OUT.
          05 LK-COUNT PIC 9(4).
          05 LK-NEG   PIC S9(3)V99 COMP-3.
       PROCEDURE DIVISION USING LK-OP LK-OUT.
           ADD 1 TO CALLS
           MOVE CALLS TO LK-COUNT
           COMPUTE LK-NEG = 0 - CALLS / 4
           IF IS-OPEN = "N"
              OPEN OUTPUT LOG-FILE
              MOVE "Y" TO IS-OPEN
           END-IF
           MOVE LK-OP TO LOG-LINE
           WRITE LOG-LINE
           IF LK-OP = "CLOSE"
              CLOSE LOG-FILE
              MOVE "N" TO IS-OPEN
           END-IF
           IF LK-OP = "STOP"
              STOP RUN
           END-IF
           EXIT PROGRAM.
"""


@pytest.fixture
def stateful(tmp_path: Path) -> Path:
    source = tmp_path / "stateful.cbl"
    source.write_text(STATEFUL)
    compile_file(source, tmp_path / "STATEFUL.gnt")
    return tmp_path / "STATEFUL.gnt"


def test_linkage_items_from_loaded_program_and_from_source(stateful: Path) -> None:
    expected = [LinkageItem("LK-OP", "X(5)", "DISPLAY", 5),
                LinkageItem("LK-OUT", None, "DISPLAY", 7)]
    assert load_program(stateful).linkage == expected
    assert linkage_of_source(stateful.with_name("stateful.cbl")) == expected


def test_seed_linkage_parse_only(seed: Path) -> None:
    items = linkage_of_source(seed / "cobol" / "cblapp01.cbl")
    assert [(i.name, i.picture, i.length) for i in items] == [
        ("LK-DATETIME", "X(20)", 20), ("LK-PGMNAME", "X(10)", 10),
        ("LK-HOSTNAME", "X(20)", 20), ("LK-COUNTER", "9(10)", 10)]


def test_working_storage_and_open_files_persist_across_calls(stateful: Path,
                                                              tmp_path: Path) -> None:
    prog = load_program(stateful, cwd=str(tmp_path))
    out = bytearray(7)
    for n, op in enumerate([b"ONE  ", b"TWO  ", b"CLOSE"], 1):
        assert prog.call([bytearray(op), out]) == 0
        assert out[:4] == b"%04d" % n
    assert out[4:] == bytes.fromhex("00075d")  # COMP-3 -0.75 written into the caller's buffer
    assert (tmp_path / "calls.log").read_text() == "ONE\nTWO\nCLOSE\n"


def test_stop_run_and_short_buffer(stateful: Path, tmp_path: Path) -> None:
    prog = load_program(stateful, cwd=str(tmp_path))
    with pytest.raises(CobolRuntimeError) as info:
        prog.call([bytearray(b"ONE  "), bytearray(3)])
    assert info.value.code == 114
    with pytest.raises(TypeError, match="must be writable"):
        prog.call([b"ONE  ", bytearray(7)])
    with pytest.raises(StopRun):
        prog.call([bytearray(b"STOP "), bytearray(7)])


HOSTCOPY = """       IDENTIFICATION DIVISION.
       PROGRAM-ID. HOSTCOPY.
       DATA DIVISION.
       LINKAGE SECTION.
       01 LK-HOST PIC X(20).
       01 LK-IN   PIC X(4).
       01 LK-OUT  PIC X(4).
       PROCEDURE DIVISION USING LK-HOST LK-IN LK-OUT.
           CALL 'gethostname' USING LK-HOST BY VALUE 20
           MOVE LK-IN TO LK-OUT
           EXIT PROGRAM.
"""


def test_buffers_are_the_callers_on_every_call(tmp_path: Path) -> None:
    """The same buffers again, new ones, and the same ones changed in place: the program
    (and the C function it calls) always works on the buffers of this call."""
    (tmp_path / "HOSTCOPY.cbl").write_text(HOSTCOPY)
    prog = load_program(tmp_path / "HOSTCOPY.cbl")
    host = socket.gethostname().encode()[:19]
    first = [bytearray(20), bytearray(b"AAAA"), bytearray(4)]
    second = [bytearray(20), bytearray(b"BBBB"), bytearray(4)]
    for args, word in [(first, b"AAAA"), (second, b"BBBB"), (first, b"CCCC")]:
        args[0][:] = bytes(20)
        args[1][:] = word
        prog.call(args)
        assert args[0].split(b"\0")[0] == host and args[2] == word
    assert second[2] == b"BBBB"


CLOCK = """       IDENTIFICATION DIVISION.
       PROGRAM-ID. CLOCK.
       DATA DIVISION.
       LINKAGE SECTION.
       01 LK-DATE PIC X(6).
       01 LK-TIME PIC X(8).
       PROCEDURE DIVISION USING LK-DATE LK-TIME.
           ACCEPT LK-DATE FROM DATE
           ACCEPT LK-TIME FROM TIME
           EXIT PROGRAM.
"""


def test_accept_date_and_time_read_the_local_clock_on_every_call(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ACCEPT FROM DATE/TIME agree with datetime.now() taken around the call (hundredths
    truncated), over many calls, and follow a change of time zone at once."""
    (tmp_path / "CLOCK.cbl").write_text(CLOCK)
    prog = load_program(tmp_path / "CLOCK.cbl")
    date, clock = bytearray(6), bytearray(8)

    def stamp(now: datetime.datetime) -> bytes:
        return now.strftime("%y%m%d%H%M%S").encode() + b"%02d" % (now.microsecond // 10000)

    def check() -> None:
        before = datetime.datetime.now()
        prog.call([date, clock])
        after = datetime.datetime.now()
        assert stamp(before) <= bytes(date + clock) <= stamp(after)

    for _ in range(2000):
        check()
    for zone in ("UTC", "Asia/Kolkata", "America/St_Johns"):  # +0, +5:30, -3:30 or -2:30
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        check()
    monkeypatch.undo()
    time.tzset()
