"""Hypothesis-generated INSPECT, STRING and UNSTRING cases, compared with GnuCOBOL."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.cobol.fakees_runner import GENERATED_PROGRAMS, assert_same_output
from tests.cobol.gnucobol import have_cobc

pytestmark = pytest.mark.skipif(not have_cobc(), reason="GnuCOBOL (cobc) is not installed")

ALPHABET = "AB ,-"
texts = st.text(ALPHABET, min_size=1, max_size=12)
patterns = st.text(ALPHABET, min_size=1, max_size=2)


def lit(text: str) -> str:
    return '"' + text + '"'


@st.composite
def region(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["", "BEFORE", "AFTER"]))
    return f" {kind} INITIAL {lit(draw(patterns))}" if kind else ""


@st.composite
def inspect_case(draw: st.DrawFn) -> list[str]:
    text = draw(texts)
    kind = draw(st.sampled_from(["tally", "replace", "convert"]))
    code = [f"MOVE {lit(text)} TO T-#", "MOVE 0 TO N-#"]
    if kind == "tally":
        what = draw(st.sampled_from(["ALL", "LEADING", "CHARACTERS"]))
        target = "" if what == "CHARACTERS" else " " + lit(draw(patterns))
        code.append(f"INSPECT T-# TALLYING N-# FOR {what}{target}")
        code.append(f"  {draw(region())}")
    elif kind == "replace":
        what = draw(st.sampled_from(["ALL", "LEADING", "FIRST", "CHARACTERS"]))
        pattern = draw(patterns)
        replacement = draw(st.text(ALPHABET, min_size=len(pattern), max_size=len(pattern)))
        if what == "CHARACTERS":
            pattern, replacement = "", replacement[:1]
        code.append(f"INSPECT T-# REPLACING {what} {lit(pattern) if pattern else ''}")
        code.append(f"  BY {lit(replacement)}{draw(region())}")
    else:
        source = "".join(draw(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=3,
                                       unique=True)))
        target = draw(st.text(ALPHABET, min_size=len(source), max_size=len(source)))
        code.append(f"INSPECT T-# CONVERTING {lit(source)} TO {lit(target)}")
        code.append(f"  {draw(region())}")
    code.append('DISPLAY "#:[" T-# "] " N-#')
    return code


@st.composite
def unstring_case(draw: st.DrawFn) -> list[str]:
    text = draw(texts)
    delims = draw(st.lists(st.tuples(st.booleans(), patterns), min_size=1, max_size=2))
    by = " OR ".join(("ALL " if all_ else "") + lit(d) for all_, d in delims)
    return [
        f"MOVE {lit(text)} TO T-#", "MOVE 0 TO N-#", "MOVE 1 TO P-#",
        "MOVE ALL '*' TO A-# B-#", "MOVE 0 TO C1-# C2-#",
        f"UNSTRING T-# DELIMITED BY {by}",
        "  INTO A-# COUNT IN C1-# B-# COUNT IN C2-#",
        "  WITH POINTER P-# TALLYING IN N-#",
        '  ON OVERFLOW DISPLAY "#:overflow"',
        "END-UNSTRING",
        'DISPLAY "#:[" A-# "][" B-# "] " C1-# " " C2-#',
        '  " " P-# " " N-#',
    ]


@st.composite
def string_case(draw: st.DrawFn) -> list[str]:
    first, second = draw(texts), draw(texts)
    delim = draw(st.one_of(st.just("SIZE"), patterns.map(lit)))
    pointer = draw(st.integers(1, 14))
    return [
        f"MOVE {lit(first)} TO T-#", "MOVE ALL '.' TO A-#", f"MOVE {pointer} TO P-#",
        f"STRING T-# DELIMITED BY {delim}",
        f"  {lit(second)} DELIMITED BY SIZE",
        "  INTO A-# WITH POINTER P-#",
        '  ON OVERFLOW DISPLAY "#:overflow"',
        "END-STRING",
        'DISPLAY "#:[" A-# "] " P-#',
    ]


def program(cases: list[list[str]]) -> str:
    data, proc = [], []
    for k, code in enumerate(cases):
        data += [f"       01 T-{k} PIC X(12).", f"       01 N-{k} PIC 99.",
                 f"       01 P-{k} PIC 99.", f"       01 A-{k} PIC X(6).",
                 f"       01 B-{k} PIC X(6).", f"       01 C1-{k} PIC 99.",
                 f"       01 C2-{k} PIC 99."]
        proc += ["           " + line.replace("#", str(k)) for line in code]
    return "\n".join([
        "       IDENTIFICATION DIVISION.", "       PROGRAM-ID. HYPOTEXT.", "       DATA DIVISION.",
        "       WORKING-STORAGE SECTION.", *data, "       PROCEDURE DIVISION.", *proc,
        "           STOP RUN.", ""])


@settings(max_examples=3, **GENERATED_PROGRAMS)
@given(st.lists(st.one_of(inspect_case(), unstring_case(), string_case()),
                min_size=40, max_size=40))
def test_inspect_string_unstring_same_as_gnucobol(
        tmp_path_factory: pytest.TempPathFactory, cases: list[list[str]]) -> None:
    assert_same_output(tmp_path_factory.mktemp("hypotext"), "HYPOTEXT", program(cases))
