"""ACCEPT FROM DAY / DAY YYYYDDD / DAY-OF-WEEK / DATE against Python's calendar for today.

The differential corpus (c26_clock) can only check these values' shape, since the
two runs are not simultaneous; here they are compared with datetime's own reading,
retried when the date changes during a run (a run across midnight).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from fakees.cobol.gnt import compile_source
from fakees.cobol.runtime import ProgramInstance, RunUnit, run_main
from tests.cobol.gnucobol import build, have_cobc, run_gnucobol

SOURCE = """       IDENTIFICATION DIVISION.
       PROGRAM-ID. DAYS.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 DY5  PIC 9(5).
       01 DY7  PIC 9(7).
       01 DOW  PIC 9.
       01 D8   PIC 9(8).
       01 D6   PIC 9(6).
       PROCEDURE DIVISION.
           ACCEPT DY5 FROM DAY
           ACCEPT DY7 FROM DAY YYYYDDD
           ACCEPT DOW FROM DAY-OF-WEEK
           ACCEPT D8 FROM DATE YYYYMMDD
           ACCEPT D6 FROM DATE
           DISPLAY DY5 " " DY7 " " DOW " " D8 " " D6
           STOP RUN.
"""


def expected(day: datetime.date) -> str:
    ordinal = (day - datetime.date(day.year, 1, 1)).days + 1
    return (f"{day.year % 100:02d}{ordinal:03d} {day.year:04d}{ordinal:03d} "
            f"{day.weekday() + 1} {day.year:04d}{day.month:02d}{day.day:02d} "
            f"{day.year % 100:02d}{day.month:02d}{day.day:02d}")


def same_day_reading(run: Callable[[], str]) -> tuple[str, datetime.date]:
    for _ in range(3):
        before = datetime.date.today()
        out = run()
        if datetime.date.today() == before:
            return out, before
    raise AssertionError("the date kept changing during the runs")


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "days.cbl"
    path.write_text(SOURCE)
    return path


def test_fakees_day_and_day_of_week_are_today(source: Path, tmp_path: Path) -> None:
    prog = compile_source(str(source))

    def run() -> str:
        out = io.BytesIO()
        assert run_main(ProgramInstance(prog, RunUnit(stdout=out, cwd=str(tmp_path)))) == 0
        return out.getvalue().decode().strip()

    out, day = same_day_reading(run)
    assert out == expected(day)


@pytest.mark.skipif(not have_cobc(), reason="GnuCOBOL (cobc) is not installed")
def test_gnucobol_agrees_with_the_same_calendar(source: Path, tmp_path: Path) -> None:
    exe = build(source)
    out, day = same_day_reading(
        lambda: run_gnucobol(exe, tmp_path, {}, b"", ()).stdout.decode().strip())
    assert out == expected(day)


def test_the_expected_values_themselves() -> None:
    assert expected(datetime.date(2024, 12, 31)) == "24366 2024366 2 20241231 241231"
    assert expected(datetime.date(2027, 1, 3)) == "27003 2027003 7 20270103 270103"
