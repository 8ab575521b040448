"""PICTURE strings: category, digits, scale, sign, size, and numeric editing.

Editing follows the standard's rules for zero suppression (Z, *), simple
insertion (B 0 / ,), special insertion (.), fixed insertion (+ - CR DB $) and
floating insertion (strings of + - $).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ALPHABETIC, ALPHANUMERIC, NUMERIC, NUMERIC_EDITED, ALNUM_EDITED = (
    "alphabetic", "alphanumeric", "numeric", "numeric-edited", "alphanumeric-edited",
)


class PictureError(ValueError):
    """A PICTURE string that is not valid."""


@dataclass(frozen=True)
class Picture:
    text: str
    expanded: str  # repeat counts expanded, upper case, CR/DB kept as two letters
    category: str
    digits: int = 0  # digit positions (numeric and numeric-edited)
    scale: int = 0  # digit positions after the decimal point
    signed: bool = False
    size: int = 0  # characters in DISPLAY usage (without a separate sign)


def expand(text: str) -> str:
    out: list[str] = []
    i = 0
    upper = text.upper()
    while i < len(upper):
        c = upper[i]
        if c == "(":
            j = upper.find(")", i)
            if j < 0 or not out or not upper[i + 1:j].isdigit():
                raise PictureError(f"bad repeat count in PICTURE {text}")
            count = int(upper[i + 1:j])
            if count < 1 or count > 1_000_000:
                raise PictureError(f"repeat count out of range in PICTURE {text}")
            out.append(out[-1] * (count - 1))
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def parse_picture(text: str) -> Picture:
    ex = expand(text)
    if not ex:
        raise PictureError("empty PICTURE")
    chars = set(ex)
    if chars <= set("9SV"):
        if ex.count("S") > 1 or ("S" in ex and ex[0] != "S") or ex.count("V") > 1:
            raise PictureError(f"S must lead and V appear once in PICTURE {text}")
        body = ex.replace("S", "")
        fraction = body.partition("V")[2]
        digits = body.count("9")
        if digits > 38:
            raise PictureError(f"more than 38 digits in PICTURE {text}")
        scale = fraction.count("9")
        return Picture(text, ex, NUMERIC, digits, scale, "S" in ex, digits)
    if chars <= set("A"):
        return Picture(text, ex, ALPHABETIC, size=len(ex))
    if chars <= set("XA9"):
        return Picture(text, ex, ALPHANUMERIC, size=len(ex))
    if chars <= set("XA9B0/") and chars & set("XA"):
        return Picture(text, ex, ALNUM_EDITED, size=len(ex))
    if chars <= set("9ZB0/,.+-*$CRDBV"):
        for bad in ("C", "R", "D"):
            if bad in ex and "CR" not in ex and "DB" not in ex:
                raise PictureError(f"invalid symbol {bad} in PICTURE {text}")
        return _edited(text, ex)
    bad = sorted(chars - set("9ZB0/,.+-*$CRDBVXAS"))
    raise PictureError(f"invalid symbol {bad[0] if bad else ex} in PICTURE {text}")


def _edited(text: str, ex: str) -> Picture:
    tokens = _edit_tokens(ex)
    digits = 0
    scale = 0
    after_point = False
    float_char = _float_char(tokens)
    first_float = True
    for tok in tokens:
        if tok in ".V":
            after_point = True
            continue
        is_digit = tok in "9Z*" or (tok == float_char and not first_float)
        if tok == float_char:
            first_float = False
        if is_digit:
            digits += 1
            if after_point:
                scale += 1
    size = sum(len(t) for t in tokens if t != "V")
    signed = any(t in ("+", "-", "CR", "DB") for t in tokens)
    return Picture(text, ex, NUMERIC_EDITED, digits, scale, signed, size)


def _edit_tokens(ex: str) -> list[str]:
    tokens: list[str] = []
    i = 0
    while i < len(ex):
        if ex.startswith(("CR", "DB"), i):
            tokens.append(ex[i:i + 2])
            i += 2
        else:
            tokens.append(ex[i])
            i += 1
    return tokens


def _float_char(tokens: list[str]) -> str | None:
    """The floating insertion symbol, when the picture has two or more of + - or $."""
    for sym in ("$", "+", "-"):
        if tokens.count(sym) >= 2:
            return sym
    return None


def edit(pic: Picture, value: Decimal, blank_when_zero: bool = False) -> bytes:
    """Format ``value`` through a numeric-edited picture."""
    tokens = _edit_tokens(pic.expanded)
    negative = value < 0
    scaled = abs(int(value.scaleb(pic.scale)))
    digit_text = str(scaled).zfill(pic.digits)[-pic.digits:] if pic.digits else ""
    is_zero = not digit_text.strip("0")
    # GnuCOBOL reads one digit more into the leftmost floating symbol: when that digit
    # (just above the picture's digit positions) is nonzero, the floating string ends at
    # once; other lost digits are simply truncated (corpus c48, c67)
    high_digit_lost = bool(pic.digits) and (scaled // 10 ** pic.digits) % 10 != 0
    if blank_when_zero and is_zero:
        return b" " * pic.size
    float_char = _float_char(tokens)
    fill = "*" if "*" in tokens else " "
    if is_zero and all(t not in ("9",) for t in tokens) and (
        any(t in "Z*" for t in tokens) or float_char
    ):
        if fill == "*":
            return "".join("." if t == "." else "*" * len(t) for t in tokens if t != "V").encode()
        return b" " * pic.size
    out: list[str] = []
    significant = False
    digit_index = 0
    seen_float = False
    float_slot = -1  # output index where the floating symbol would go
    float_done = False

    def sign_text(sym: str) -> str:
        if sym == "+":
            return "-" if negative else "+"
        if sym == "-":
            return "-" if negative else " "
        return sym

    def place_float() -> None:
        nonlocal float_done
        if float_char and not float_done and float_slot >= 0:
            out[float_slot] = sign_text(float_char)
        float_done = True

    for tok in tokens:
        if tok == "V":  # the implied point ends suppression and floating like "." does
            if not significant:
                place_float()
            significant = True
            continue
        if tok == float_char:
            if not seen_float:
                seen_float = True
                float_slot = len(out)
                out.append(" ")
                if high_digit_lost:
                    place_float()
                    significant = True
                continue
            d = digit_text[digit_index]
            digit_index += 1
            if significant or d != "0":
                if not significant:
                    place_float()
                significant = True
                out.append(d)
            else:
                float_slot = len(out)
                out.append(" ")
            continue
        if tok in "9Z*":
            d = digit_text[digit_index]
            digit_index += 1
            if tok == "9" or significant or d != "0":
                if not significant:
                    place_float()
                significant = True
                out.append(d)
            else:
                out.append(fill if tok == "*" else " ")
            continue
        if tok == ".":
            if not significant:
                place_float()
            significant = True
            out.append(".")
            continue
        if tok in ",B0/":
            ch = " " if tok == "B" else tok
            if significant:
                out.append(ch)
            else:
                if float_char and not float_done:
                    float_slot = len(out)
                out.append(fill)
            continue
        if tok in ("+", "-"):
            out.append(sign_text(tok))
            continue
        if tok in ("CR", "DB"):
            out.append(tok if negative else "  ")
            continue
        if tok == "$":
            out.append("$")
            continue
        out.append(tok)
    if float_char and not float_done:
        place_float()
    return "".join(out).encode("latin-1")


def de_edit(pic: Picture, data: bytes) -> Decimal:
    """MOVE numeric-edited TO numeric: the digits in digit positions, scaled, signed."""
    tokens = _edit_tokens(pic.expanded)
    float_char = _float_char(tokens)
    digits = []
    first_float = True
    pos = 0
    negative = False
    for tok in tokens:
        if tok == "V":
            continue
        chunk = bytes(data[pos:pos + len(tok)])
        pos += len(tok)
        if tok in ("CR", "DB"):
            negative = negative or chunk == tok.encode()
            continue
        is_digit = tok in "9Z*" or (tok == float_char and not first_float)
        if tok == float_char:
            first_float = False
        if chunk == b"-":
            negative = True
        if is_digit:
            digits.append(chunk if chunk.isdigit() else b"0")
    number = int(b"".join(digits) or b"0")
    return Decimal(-number if negative else number).scaleb(-pic.scale)
