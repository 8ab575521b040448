"""Hypothesis-generated MOVE, arithmetic, editing and comparison cases, vs GnuCOBOL.

Each example is one program with many cases (one cobc build per example keeps
the run time low); every case DISPLAYs its receiving item, so any difference in
truncation, rounding, sign handling, size error or editing shows as a line.
Numeric-edited pictures are generated from the PICTURE grammar (``edited_pictures``)
and receive any value of the sender: high-order digits lost, negative into unsigned,
zero into all-Z/all-* and BLANK WHEN ZERO; arithmetic results (GIVING and COMPUTE,
ROUNDED, ON SIZE ERROR) are stored into them too. GnuCOBOL 3.1's known deviations from the
standard are kept out of reach, each where it is avoided, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakees.cobol.picture import NUMERIC_EDITED, expand, parse_picture
from tests.cobol.fakees_runner import GENERATED_PROGRAMS, assert_same_output, run_fakees
from tests.cobol.gnucobol import build, have_cobc, run_gnucobol

pytestmark = pytest.mark.skipif(not have_cobc(), reason="GnuCOBOL (cobc) is not installed")

USAGES = ["DISPLAY", "COMP", "COMP-3", "COMP-5"]


MAX_EDITED_SIZE = 30
MAX_EDITED_DIGITS = 18


def _compress(draw: st.DrawFn, symbols: list[str]) -> str:
    """Join picture symbols, writing some runs of one symbol with a repeat count: Z(5)."""
    out: list[str] = []
    i = 0
    while i < len(symbols):
        j = i
        while j < len(symbols) and symbols[j] == symbols[i] and len(symbols[i]) == 1:
            j += 1
        run = max(j - i, 1)
        if run > 1 and draw(st.integers(0, 2)) == 0:
            head = draw(st.integers(0, run - 2))  # "ZZZ(3)" is legal too
            out.append(symbols[i] * head + f"{symbols[i]}({run - head})")
        else:
            out.append("".join(symbols[i:i + run]))
        i += run
    return "".join(out)


def _with_insertions(draw: st.DrawFn, positions: list[str], allowed: str,
                     budget: list[int]) -> list[str]:
    """Simple insertion characters (B 0 / ,) between digit positions (never first).

    Only B and , follow a Z, * or floating position: GnuCOBOL 3.1 (libcob/move.c,
    cob_move_display_to_edited: ``case '0': case '/': *dst = c;``) never replaces a 0 or
    / within or just after a suppression or floating string, where the standard and
    Micro Focus replace every simple insertion character there ("Any simple insertion
    symbols (B 0 / ,) within or to the immediate right of the string ... are considered
    part of the string")."""
    out = positions[:1]
    for prev, sym in pairwise(positions):
        choice = allowed if prev == "9" else "".join(c for c in allowed if c in "B,")
        if choice and budget[0] > 0 and draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from(choice)))
            budget[0] -= 1
        out.append(sym)
    return out


@st.composite
def edited_pictures(draw: st.DrawFn, insertions: str = ",B0/") -> str:
    """A numeric-edited PICTURE generated from the standard's grammar:
    [fixed sign][fixed $ | floating $/+/- string] [Z|* suppression] 9s, insertion B 0 / ,
    anywhere between positions, one "." or V, a fraction of 9s (or all Z/*/floating when
    the integer part has no 9), and a trailing fixed sign or CR/DB."""
    sign = draw(st.sampled_from(["", "", "lead+", "lead-", "trail+", "trail-", "CR", "DB",
                                 "float+", "float-"]))
    currency = draw(st.sampled_from(["", "", "$", "float$"]))
    if sign.startswith("float") and currency == "float$":
        currency = "$"
    floating = sign[-1] if sign.startswith("float") else "$" if currency == "float$" else ""
    suppress = "" if floating else draw(st.sampled_from(["", "Z", "*"]))
    n_int = draw(st.integers(0, 12))
    n_frac = draw(st.integers(0, 6))
    n_float = draw(st.integers(1, n_int)) if floating and n_int else 0
    if floating and not n_float:
        n_int, n_float = 1, 1
    n_supp = draw(st.integers(0, n_int - n_float)) if suppress else 0
    # a float or suppression string may take in all the integer digit positions and then
    # the fraction too (the standard: all of them, or none of the fraction)
    lead_sym = floating or suppress
    int_positions = [lead_sym] * (n_float + n_supp) + ["9"] * (n_int - n_float - n_supp)
    frac_sym = "9"
    # (GnuCOBOL 3.1 rejects a floating $ string past the point, which the standard allows)
    if lead_sym not in ("", "$") and n_int == n_float + n_supp and n_frac and draw(st.booleans()):
        frac_sym = lead_sym
    if not int_positions and not n_frac:
        int_positions = ["9"]
    insert = insertions if draw(st.booleans()) else ","
    # at most 30 characters: 2 fixed, 1 floating, 18 digits, point, 2 CR/DB, insertions
    budget = [MAX_EDITED_SIZE - 6 - len(int_positions) - n_frac]
    symbols: list[str] = []
    if floating:  # the floating string starts with its extra, non-digit symbol
        symbols.append(floating)
    symbols += _with_insertions(draw, int_positions, insert, budget) if int_positions else []
    if n_frac:
        point = draw(st.sampled_from([".", ".", "V"]))
        symbols.append(point)
        # no insertion in a Z, * or floating fraction: GnuCOBOL 3.1 writes 0 for a B there
        # (".ZBZZZ" gets ".00181" for 0.0181, the standard ".0 181")
        frac_insert = insert.replace(",", "") if frac_sym == "9" else ""
        symbols += _with_insertions(draw, [frac_sym] * n_frac, frac_insert, budget)
    if set(symbols) <= set("9V"):  # a plain numeric picture: make it edited
        symbols[0] = "Z" if symbols[0] == "9" else "."
    prefix = {"lead+": "+", "lead-": "-"}.get(sign, "")
    # GnuCOBOL 3.1 bugs, beside the standard: a fixed leading sign before $ shows the
    # symbol itself whatever the sign ("-$99" gives "-$05" for +5), and a floating $ string
    # holding every digit position loses a trailing +/- ("$$$$-" gives "  $$5" for -5)
    if prefix and currency:
        prefix = ""
    if currency == "float$" and "9" not in int_positions and n_frac == 0 and sign in (
            "trail+", "trail-"):
        sign = "CR"
    prefix += "$" if currency == "$" else ""
    suffix = {"trail+": "+", "trail-": "-", "CR": "CR", "DB": "DB"}.get(sign, "")
    symbols = list(prefix) + symbols + ([suffix] if suffix else [])
    text = _compress(draw, symbols)
    pic = parse_picture(text)
    assert pic.category == NUMERIC_EDITED, text
    assert len(pic.expanded) <= MAX_EDITED_SIZE and 0 < pic.digits <= MAX_EDITED_DIGITS, text
    return text


def gnucobol_comparable(value: Decimal, clause: str) -> Decimal:
    """``value`` with GnuCOBOL 3.1 deviations from the standard kept out of reach; the
    standard truncates high-order digits first and then edits the digits that remain.

    - It reads one high-order digit more into the leftmost floating insertion symbol or
      a fixed leading $ or sign (move.c counts every $/+/- before the first 9, Z or * as
      a digit place): when that digit is nonzero, floating insertion or zero suppression
      ends at once ("$ZZ9" gets "$013" for 103013; for floating strings fakees follows,
      corpus c48). So the digit just above the picture's integer positions is made zero.
    - After a fixed $, a floating sign string shows that extra digit (even 0) in place
      of the sign when any high-order digit is lost ("$--.--" gets "$05.43" for 305.43
      where the standard gives "$ 5.43"): no high-order loss there.
    - A nonzero value whose digits all fall outside the picture is not zero to it: BLANK
      WHEN ZERO does not blank, "$.*" shows "$.0" where all-* gives "*.*", and the sign
      depends on the symbol ("ZZ9.99-" keeps "-", "9.99CR" drops "CR" for -0.0024).
      Such a value is replaced by zero.
    """
    pic = parse_picture(clause.split()[1])
    integer = Decimal(10) ** (pic.digits - pic.scale)
    negative = value < 0
    floating = next((c for c in "$+-" if pic.expanded.count(c) >= 2), None)
    lead = re.split("[9Z*.V]", pic.expanded)[0]
    if floating in ("+", "-") and pic.expanded.startswith("$"):
        value = abs(value) % integer
    elif set(lead) & set("$+-"):
        value = abs(value) - int(abs(value) // integer) % 10 * integer
    if not value or int(abs(value).scaleb(pic.scale)) % 10 ** pic.digits == 0:
        return Decimal(0)
    return -abs(value) if negative else abs(value)


def edited_clause(draw: st.DrawFn) -> str:
    """PIC clause of a generated edited picture, now and then BLANK WHEN ZERO (not with *)."""
    edited = draw(edited_pictures())
    blank = "*" not in edited and draw(st.integers(0, 5)) == 0
    return f"PIC {edited}" + (" BLANK WHEN ZERO" if blank else "")


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
        # any value of the sender: high-order digits may be lost, a negative value may go
        # into an unsigned picture, and zero is drawn often (all-Z/* pictures blank or star)
        dst = edited_clause(draw)
        if draw(st.integers(0, 4)) == 0:
            value = format(Decimal(0).scaleb(-src.scale), "f")
        value = format(gnucobol_comparable(Decimal(value), dst), "f")
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
    else:  # edited: digits beyond the picture's integer positions are lost
        dst = edited_clause(draw)
        digits = draw(st.text("0123456789", min_size=1, max_size=18))
        digits = format(gnucobol_comparable(Decimal(digits), dst), "f").zfill(len(digits))
    return [f"PIC X({len(digits)})", dst], [f'MOVE "{digits}" TO SRC-#', "MOVE SRC-# TO DST-#"]


@st.composite
def arith_case(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """ADD/SUBTRACT/MULTIPLY/DIVIDE GIVING and COMPUTE into numeric receivers and, a third of
    the time, into generated numeric-edited ones (ROUNDED, ON SIZE ERROR: an edited
    receiver's size is its digit positions, so a result with more integer digits is a size
    error and leaves the receiver as it was)."""
    a_pic, b_pic = draw(num_pics), draw(num_pics)
    a, b = literal(draw, a_pic), literal(draw, b_pic)
    edited = draw(st.integers(0, 2)) == 0
    dst = edited_clause(draw) if edited else f"PIC {draw(num_pics).text()}"
    rounded = " ROUNDED" if draw(st.booleans()) else ""
    size = draw(st.booleans())
    verb = draw(st.sampled_from(["ADD", "SUBTRACT", "MULTIPLY", "DIVIDE", "COMPUTE"]))
    if verb == "DIVIDE" and Decimal(b) == 0:
        b = "1"
    # Into an edited item both keep to the standard (the result truncated to the item's
    # digit positions, then edited), so any value may be stored: GnuCOBOL 3.1 goes through a
    # signed numeric temporary of the item's digits and scale (numeric.c,
    # cob_decimal_get_field, "Other types": cob_decimal_get_display, then cob_move), and
    # the move.c deviations on lost high-order digits or a value truncated to zero (see
    # gnucobol_comparable) do not arise; nor does BLANK WHEN ZERO's on a nonzero value.
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
    return [f"PIC {a_pic.text()}", dst, f"PIC {b_pic.text()}"], code


@st.composite
def compare_case(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """Relation conditions between numeric items of any usage and scale, and DISPLAY."""
    a_pic, b_pic = draw(num_pics), draw(num_pics)
    a, b = literal(draw, a_pic), literal(draw, b_pic)
    # GnuCOBOL 3.1 compares an unsigned 8-byte COMP-5 item (10 or more digits) with a
    # negative value as if the negative were larger ("5 > -9" is false for a PIC 9(11)
    # COMP-5 holding 5): no negative value against such an item
    if any(p.usage == "COMP-5" and not p.signed and p.digits >= 10 for p in (a_pic, b_pic)):
        a, b = a.lstrip("-"), b.lstrip("-")
    op = draw(st.sampled_from(["=", "<", ">", "<=", ">=", "NOT ="]))
    code = [f"MOVE {a} TO SRC-#", f"MOVE {b} TO B-#", "MOVE SRC-# TO DST-#",
            f"IF SRC-# {op} B-#", '   DISPLAY "#:true " SRC-# " " B-#',
            "ELSE", '   DISPLAY "#:false " SRC-# " " B-#', "END-IF"]
    return [f"PIC {a_pic.text()}", f"PIC {a_pic.text()}", f"PIC {b_pic.text()}"], code


def _floating_after_v(edited: str) -> bool:
    ex = expand(edited)
    return "V" in ex and any(ex.count(c) >= 2 and c in ex.partition("V")[2] for c in "$+-")


@st.composite
def de_edit_case(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A value through an edited item and back into a numeric item (de-editing)."""
    # GnuCOBOL 3.1 de-edits (move.c, cob_move_edited_to_display) a DB as positive (only
    # "-" and "C" make the value negative), and takes the scale of a picture without a
    # "." from its 9, 0, Z and * after the V only, so "$--V-" loses floating fraction
    # digits' scale; the standard de-edits to the value the edited item represents
    edited = draw(edited_pictures(insertions=",").filter(
        lambda e: "DB" not in e and not _floating_after_v(e)))
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


@settings(max_examples=90, **GENERATED_PROGRAMS)
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
