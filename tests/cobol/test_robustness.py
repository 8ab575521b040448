"""Damaged source never crashes the compiler (a positioned CobolSyntaxError or a program),
nor the run-time (a normal end or a CobolRuntimeError)."""

from __future__ import annotations

import io
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakees.cobol import CobolRuntimeError, CobolSyntaxError
from fakees.cobol.gnt import compile_source
from fakees.cobol.runtime import ProgramInstance, RunUnit, run_main

CORPUS = Path(__file__).parent / "corpus"
PROGRAMS = sorted(p for p in CORPUS.glob("*.cbl") if "accept" not in p.name)
NOISE = [".", "(", ")", "X", "9", "PIC", "TO", '"', "OCCURS 0", "END-IF", "-1", "12.5",
         "99999999999999999999", "VALUE", "==", "COPY", "PERFORM", "88", "*>", "SECTION."]


@st.composite
def damaged(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(PROGRAMS)).read_text().splitlines()
    for _ in range(draw(st.integers(1, 3))):
        k = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "cut", "repeat", "replace"]))
        line = lines[k]
        if action == "delete":
            del lines[k]
        elif action == "cut" and len(line) > 8:
            j = draw(st.integers(7, len(line) - 1))
            lines[k] = line[:j] + line[j + 1:]
        elif action == "repeat":
            lines.insert(k, lines[draw(st.integers(0, len(lines) - 1))])
        elif line.split():
            word = draw(st.sampled_from(line.split()))
            lines[k] = line.replace(word, draw(st.sampled_from(NOISE)), 1)
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_source_gives_a_syntax_error_or_compiles(
        tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "damaged.cbl"
    path.write_text(text)
    try:
        compile_source(str(path), copy_dirs=(str(CORPUS / "copy"),))
    except CobolSyntaxError as exc:
        assert exc.pos.file in (str(path), *map(str, (CORPUS / "copy").iterdir()))
        assert exc.pos.line > 0 and exc.pos.col > 0, exc.render()


class _TimeUp(Exception):
    """A damaged program that loops: stopped, not a failure."""


def _alarm(signum: int, frame: object) -> None:
    raise _TimeUp


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_programs_run_or_stop_with_a_cobol_error(
        tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    """Whatever a damaged program does at run time ends in its own terms: normally, STOP
    RUN, or a CobolRuntimeError with an RTS number; never a Python exception."""
    work = tmp_path_factory.mktemp("runfuzz")
    path = work / "damaged.cbl"
    path.write_text(text)
    try:
        prog = compile_source(str(path), copy_dirs=(str(CORPUS / "copy"),))
    except CobolSyntaxError:
        return
    unit = RunUnit(stdout=io.BytesIO(), stderr=io.BytesIO(), stdin=io.BytesIO(b"x\n1\n"),
                   cwd=str(work))
    unit.search_dirs.append(str(CORPUS / "sub"))
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, 2.0)
    try:
        run_main(ProgramInstance(prog, unit))
    except (CobolRuntimeError, _TimeUp):
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
