"""Hypothesis-generated MOVE, arithmetic, editing and comparison cases, vs GnuCOBOL.

Each example is one program with many cases (one cobc build per example keeps
the run time low); every case DISPLAYs its receiving item, so any difference in
truncation, rounding, sign handling, size error or editing shows as a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakees.cobol.picture import parse_picture
from tests.cobol.fakees_runner import GENERATED_PROGRAMS, assert_same_output, run_fakees
from tests.cobol.gnucobol import build, have_cobc, run_gnucobol

pytestmark = pytest.mark.skipif(not have_cobc(), reason="GnuCOBOL (cobc) is not installed")

EDITED = [
    "ZZZ9", "ZZ,ZZ9.99", "$$$,$$9.99", "***,**9.99", "-ZZZ9", "+ZZZ9", "ZZZ9-", "ZZZ9+",
    "ZZ9.99CR", "ZZ9.99DB", "----9", "++++9", "----9.99", "$ZZZ9.99", "9(4).99", "ZZZZ",
    "ZZZ.ZZ", "99B99", "9990", "Z(5)9", "$$$$9", "Z,ZZZ,ZZ9", "**9.9",
]
USAGES = ["DISPLAY", "COMP", "COMP-3", "COMP-5"]


@dataclass
class NumPic:
    digits: int
    scale: int
    signed: bool
    usage: str

    def text(self) -> str:
        integer = self.digits - self.scale
        body = (f"9({integer})" if integer else "") + (f"V9({self.scale})" if self.scale else "")
        pic = ("S" if self.signed else "") + body
        return pic + ("" if self.usage == "DISPLAY" else f" {self.usage}")


num_pics = st.builds(
    lambda digits, scale, signed, usage: NumPic(digits, min(scale, digits - 1), signed, usage),
    st.integers(1, 12), st.integers(0, 4), st.booleans(), st.sampled_from(USAGES))


def literal(draw: st.DrawFn, pic: NumPic) -> str:
    limit = 10 ** pic.digits - 1
    n = draw(st.integers(-limit if pic.signed else 0, limit))
    value = Decimal(n).scaleb(-pic.scale)
    return format(value, "f")


@st.composite
def move_case(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    src = draw(num_pics)
    value = literal(draw, src)
    dst_kind = draw(st.sampled_from(["numeric", "edited", "alnum"]))
    if dst_kind == "numeric":
        dst = f"PIC {draw(num_pics).text()}"
    elif dst_kind == "edited":
        edited = draw(st.sampled_from(EDITED))
        dst = f"PIC {edited}"
        # GnuCOBOL's zero suppression and sign after truncation differ between sign
        # symbols (a quirk, not a rule); keep values representable in the edited picture
        pic = parse_picture(edited)
        scale = min(src.scale, pic.scale)
        digits = max(1, min(src.digits - src.scale, pic.digits - pic.scale) + scale)
        src = NumPic(digits, min(scale, digits - 1), src.signed, src.usage)
        value = literal(draw, src)
    else:
        if src.scale:
            src = NumPic(src.digits, 0, src.signed, src.usage)
            value = literal(draw, src)
        dst = f"PIC X({draw(st.integers(1, 14))})"
        if draw(st.booleans()):
            dst += " JUSTIFIED RIGHT"
    data = [f"PIC {src.text()}", dst]
    code = [f"MOVE {value} TO SRC-#", "MOVE SRC-# TO DST-#"]
    return data, code


@st.composite
def alnum_to_numeric_case(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """Digit strings (an alphanumeric sender) into numeric and edited receivers."""
    if draw(st.booleans()):
        dst = f"PIC {draw(num_pics).text()}"
        digits = draw(st.text("0123456789", min_size=1, max_size=10))
    else:  # edited: no high-order truncation (see move_case)
        edited = draw(st.sampled_from(EDITED))
        dst = f"PIC {edited}"
        pic = parse_picture(edited)
        digits = draw(st.text("0123456789", min_size=1, max_size=pic.digits - pic.scale))
    return [f"PIC X({len(digits)})", dst], [f'MOVE "{digits}" TO SRC-#', "MOVE SRC-# TO DST-#"]


@st.composite
def arith_case(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    a_pic, b_pic = draw(num_pics), draw(num_pics)
    a, b = literal(draw, a_pic), literal(draw, b_pic)
    dst = draw(num_pics)
    rounded = " ROUNDED" if draw(st.booleans()) else ""
    size = draw(st.booleans())
    verb = draw(st.sampled_from(["ADD", "SUBTRACT", "MULTIPLY", "DIVIDE", "COMPUTE"]))
    if verb == "DIVIDE" and Decimal(b) == 0:
        b = "1"
    statement = {
        "ADD": f"ADD SRC-# B-# GIVING DST-#{rounded}",
        "SUBTRACT": f"SUBTRACT B-# FROM SRC-# GIVING DST-#{rounded}",
        "MULTIPLY": f"MULTIPLY SRC-# BY B-# GIVING DST-#{rounded}",
        "DIVIDE": f"DIVIDE SRC-# BY B-# GIVING DST-#{rounded}",
        "COMPUTE": f"COMPUTE DST-#{rounded} = SRC-# * 3 - B-# / 4",
    }[verb]
    code = [f"MOVE {a} TO SRC-#", f"MOVE {b} TO B-#", "MOVE 0 TO DST-#", statement]
    if size:
        code += ['   ON SIZE ERROR DISPLAY "#:size error"', f"END-{verb}"]
    return [f"PIC {a_pic.text()}", f"PIC {dst.text()}", f"PIC {b_pic.text()}"], code


@st.composite
def compare_case(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """Relation conditions between numeric items of any usage and scale, and DISPLAY."""
    a_pic, b_pic = draw(num_pics), draw(num_pics)
    a, b = literal(draw, a_pic), literal(draw, b_pic)
    op = draw(st.sampled_from(["=", "<", ">", "<=", ">=", "NOT ="]))
    code = [f"MOVE {a} TO SRC-#", f"MOVE {b} TO B-#", "MOVE SRC-# TO DST-#",
            f"IF SRC-# {op} B-#", '   DISPLAY "#:true " SRC-# " " B-#',
            "ELSE", '   DISPLAY "#:false " SRC-# " " B-#', "END-IF"]
    return [f"PIC {a_pic.text()}", f"PIC {a_pic.text()}", f"PIC {b_pic.text()}"], code


@st.composite
def de_edit_case(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A value through an edited item and back into a numeric item (de-editing)."""
    edited = draw(st.sampled_from([e for e in EDITED if "B" not in e and not e.endswith("0")]))
    pic = parse_picture(edited)
    src = NumPic(pic.digits, pic.scale, True, "DISPLAY")
    value = literal(draw, src)
    back = draw(num_pics)
    return ([f"PIC {back.text()}", f"PIC {edited}"],
            [f"MOVE {value} TO DST-#", "MOVE DST-# TO SRC-#", 'DISPLAY "#:" SRC-#'])


@st.composite
def varying_case(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """PERFORM VARYING with mixed pictures, decimal and negative steps (capped at 30)."""
    # wide enough never to overflow in 30 steps (GnuCOBOL does not truncate a packed
    # field's spare digit inside PERFORM VARYING); unsigned items only count upwards
    pic = draw(num_pics.filter(lambda p: p.digits - p.scale >= 3))
    start = literal(draw, NumPic(2, min(pic.scale, 1), pic.signed, "DISPLAY"))
    steps = ["1", "2", "0.5", "3"] + (["-1", "-0.5"] if pic.signed else [])
    step = draw(st.sampled_from([s for s in steps if pic.scale or "." not in s]))
    limit = literal(draw, NumPic(2, 0, pic.signed, "DISPLAY"))
    op = draw(st.sampled_from([">", "<", "=", ">=", "<="]))
    return ([f"PIC {pic.text()}", "PIC 9(3)", f"PIC {pic.text()}"],
            ["MOVE 0 TO DST-#", f"PERFORM VARYING SRC-# FROM {start} BY {step}",
             f"   UNTIL SRC-# {op} {limit} OR DST-# > 30",
             "   ADD 1 TO DST-#", "   MOVE SRC-# TO B-#", "END-PERFORM",
             'DISPLAY "#:" SRC-# " " B-#'])


def program(cases: list[tuple[list[str], list[str]]]) -> str:
    data, proc = [], []
    for k, (pics, code) in enumerate(cases):
        names = ["SRC", "DST", "B"]
        for name, pic in zip(names, pics, strict=False):
            data.append(f"       01 {name}-{k} {pic}.")
        for line in code:
            proc.append("           " + line.replace("#", str(k)))
        proc.append(f'           DISPLAY "{k}:[" DST-{k} "]"')
    return "\n".join([
        "       IDENTIFICATION DIVISION.", "       PROGRAM-ID. HYPO.", "       DATA DIVISION.",
        "       WORKING-STORAGE SECTION.", *data, "       PROCEDURE DIVISION.", *proc,
        "           STOP RUN.", ""])


@settings(max_examples=4, **GENERATED_PROGRAMS)
@given(st.lists(st.one_of(move_case(), arith_case(), compare_case(), alnum_to_numeric_case(),
                          de_edit_case(), varying_case()), min_size=40, max_size=40))
def test_move_arithmetic_editing_same_as_gnucobol(
        tmp_path_factory: pytest.TempPathFactory, cases: list) -> None:
    assert_same_output(tmp_path_factory.mktemp("hypo"), "HYPO", program(cases))


def test_program_shape(tmp_path: Path) -> None:
    """The generator writes a program both systems accept (guards the property test)."""
    text = program([([f"PIC {NumPic(5, 2, True, 'COMP-3').text()}", "PIC ZZ9.99-"],
                      ["MOVE -12.5 TO SRC-#", "MOVE SRC-# TO DST-#"])])
    source = tmp_path / "HYPO.cbl"
    source.write_text(text)
    assert run_fakees(source, tmp_path).stdout == run_gnucobol(build(source), tmp_path).stdout
    assert run_fakees(source, tmp_path).stdout == b"0:[ 12.50-]\n"
