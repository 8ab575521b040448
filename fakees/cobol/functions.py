"""Intrinsic functions and the clock (ACCEPT FROM DATE/TIME/DAY, CURRENT-DATE).

Each function is built once at load time from its compiled arguments:
``("num", fn)`` returns a number, ``("alnum", fn)`` bytes, ``("word", fn)``
the keyword of TRIM's LEADING/TRAILING.
"""

from __future__ import annotations

import datetime
import functools
import math
import time
from collections.abc import Callable
from decimal import ROUND_FLOOR, Context, Decimal, InvalidOperation, localcontext
from typing import Any

from fakees.cobol.data import Item, Number, digits_text, format_display, numeric_codec
from fakees.cobol.errors import CobolSyntaxError, Position
from fakees.cobol.picture import NUMERIC, Picture

Arg = tuple[str, Callable[[], Any]]

ALNUM_FUNCTIONS = frozenset({
    "UPPER-CASE", "LOWER-CASE", "TRIM", "REVERSE", "CURRENT-DATE", "CHAR", "CONCATENATE",
    "WHEN-COMPILED",
})
NUM_FUNCTIONS = frozenset({
    "LENGTH", "MOD", "REM", "ABS", "NUMVAL", "NUMVAL-C", "INTEGER", "INTEGER-PART", "MAX", "MIN",
    "SUM", "ORD", "SQRT", "INTEGER-OF-DATE", "DATE-OF-INTEGER", "RANDOM", "SIGN", "FACTORIAL",
    "MEAN", "ORD-MAX", "ORD-MIN", "DAY-OF-INTEGER", "INTEGER-OF-DAY", "BYTE-LENGTH",
})


NUMERIC_ARGUMENTS = frozenset({
    "MOD", "REM", "ABS", "INTEGER", "INTEGER-PART", "MAX", "MIN", "SUM", "MEAN", "SQRT",
    "FACTORIAL", "CHAR", "SIGN", "RANDOM", "INTEGER-OF-DATE", "DATE-OF-INTEGER",
    "INTEGER-OF-DAY", "DAY-OF-INTEGER", "ORD-MAX", "ORD-MIN",
})


def result_kind(name: str, pos: Position) -> str:
    if name in ALNUM_FUNCTIONS:
        return "alnum"
    if name in NUM_FUNCTIONS:
        return "num"
    raise CobolSyntaxError(pos, f"FUNCTION {name} is not supported by fakees", name,
                           "see README 'COBOL' for the intrinsic functions fakees knows")


def number_text(value: Any) -> str:
    """A numeric function result as DISPLAY shows it (no exponent, no trailing zeros)."""
    if isinstance(value, int):
        return str(value)
    text = format(value.normalize(), "f") if value else "0"
    return text


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def _unscaled(value: Number) -> tuple[int, int]:
    """(integer, scale) of a value, trailing decimal zeros removed (cob_trim_decimal)."""
    if type(value) is int:
        return value, 0
    sign, digit_tuple, exp = value.as_tuple()
    m = int("".join(map(str, digit_tuple)) or "0")
    m = -m if sign else m
    assert isinstance(exp, int)
    if exp > 0:
        return m * 10 ** exp, 0
    scale = -exp
    while scale and m % 10 == 0:
        m //= 10
        scale -= 1
    return m, scale


# ------------------------------------------------------------------ result items
# A numeric function's result is a temporary item, and DISPLAY and MOVE to an
# alphanumeric item show it through that item's picture, as they show a data item.
# Micro Focus documents no size for it (a numeric function's definition gives only
# its sign and whether it is integer), so these are GnuCOBOL's, found with cobc 3.1.

# functions whose result is their (chosen) argument's item: ABS, MAX and MIN return
# it, and so does MEAN of a single argument
ARGUMENT_ITEM = frozenset({"ABS", "MAX", "MIN", "MEAN"})
# functions with a fixed result picture, by its digits
FIXED_DIGITS = {"DATE-OF-INTEGER": 8, "DAY-OF-INTEGER": 7}
# RANDOM is a floating-point item in GnuCOBOL and fakees' generator differs anyway:
# it keeps the plain number
UNSHAPED = frozenset({"RANDOM"})

# GMP's mp_bases[10].logb2 + 1 (64-bit limbs): mpz_sizeinbase(n, 10) estimates the
# digits from the bit length, one too many at times, and GnuCOBOL sizes items by it
_LOG10_2_FIXED = 0x4D104D427DE7FBCC + 1
# digits past the run unit's decimal precision (runtime.COBOL_CONTEXT): an item this
# wide (a SQRT result) is scaled in a wider context
_WIDE = 60


def _sizeinbase10(n: int) -> int:
    return ((max(n.bit_length(), 1) * _LOG10_2_FIXED) >> 64) + 1


@functools.lru_cache(maxsize=256)
def implied_item(digits: int, scale: int, signed: bool) -> Item:
    """A numeric DISPLAY item of ``digits`` digits, ``scale`` of them decimals."""
    text = ("S" if signed else "") + f"9({digits - scale})" * (digits > scale) + (
        f"V9({scale})" if scale else "")
    pic = Picture(text, text, NUMERIC, digits, scale, signed, digits)
    return Item("FUNCTION", 1, -1, size=digits, picture=pic, category=NUMERIC)


def literal_item(text: str) -> Item:
    """The item of a numeric literal: its digits as written, signed when it has a sign."""
    body = text.lstrip("+-")
    whole, _, decimals = body.partition(".")
    return implied_item(len(whole) + len(decimals), len(decimals), body != text)


def value_item(value: Number) -> tuple[Number, Item]:
    """GnuCOBOL's item for a computed result (cob_alloc_field), and the value it holds.

    Sized by the value: 9 digits (a 4-byte binary) while the integer fits 32 bits
    (31 when negative) with under 10 decimals, 20 digits (8 bytes) within 64 bits
    (63) and under 19 decimals, else as many digits as GMP estimates (at least the
    decimals).  Signed only when negative; a 9-digit item keeps the low 9 digits.
    """
    m, scale = _unscaled(value)
    negative = m < 0
    bits = max(abs(m).bit_length(), 1)
    if bits < 33 - negative and scale < 10:
        digits = 9
        if abs(m) >= 10 ** 9:
            m = -(abs(m) % 10 ** 9) if negative else m % 10 ** 9
            value = Decimal(m).scaleb(-scale) if scale else m
    elif bits < 65 - negative and scale < 19:
        digits = 20
    else:
        digits = max(_sizeinbase10(abs(m)), scale)
    return value, implied_item(digits, scale, negative)


@functools.lru_cache(maxsize=256)
def _sign_separate_encoder(item: Item) -> Callable[[Number], bytes]:
    return numeric_codec(item)[1]


def shown(value: Number, item: Item) -> bytes:
    """DISPLAY text of a function result held in ``item`` (as DISPLAY shows the item)."""
    if item.sign_separate and item.signed and not item.scale:
        return _sign_separate_encoder(item)(value)
    if item.digits > _WIDE:
        with localcontext(Context(prec=item.digits + 1)):
            return format_display(item, value)
    return format_display(item, value)


def sent(value: Number, item: Item) -> bytes:
    """A function result held in ``item`` sent to an alphanumeric receiver: its digits."""
    if item.digits > _WIDE:
        with localcontext(Context(prec=item.digits + 1)):
            return digits_text(item, value)
    return digits_text(item, value)


Shaped = Callable[[], tuple[Number, Item]]


def argument_shaped(name: str, args: list[Shaped], pos: Position) -> Shaped:
    """ABS, MAX, MIN, MEAN of one argument: the value in its (first chosen) argument's item."""
    if not args:
        raise CobolSyntaxError(pos, f"FUNCTION {name} needs 1 argument(s)", name)
    if name == "ABS":
        a = args[0]

        def absolute() -> tuple[Number, Item]:
            value, item = a()
            return abs(value), item
        return absolute
    if name == "MEAN":
        return args[0]
    pick = max if name == "MAX" else min
    return lambda: pick((f() for f in args), key=lambda pair: pair[0])


def numval(data: bytes, currency: bool = False) -> Any:
    """NUMVAL (and NUMVAL-C with ``currency``): invalid text gives 0, as in GnuCOBOL."""
    text = bytes(data).decode("latin-1").strip()
    if currency:
        text = text.replace(",", "")
    negative = False
    for mark in ("CR", "DB", "-", "+"):
        if text.endswith(mark):
            negative = mark != "+"
            text = text[: -len(mark)].strip()
            break
    if text.startswith(("-", "+")):
        negative = text[0] == "-"
        text = text[1:].strip()
    if currency:
        text = text.lstrip("$").strip()
    try:
        value = Decimal(text) if text else Decimal(0)
    except InvalidOperation:
        return 0
    value = -value if negative else value
    return int(value) if value == value.to_integral_value() and "." not in text else value


_TWO_DIGITS = tuple(b"%02d" % n for n in range(100))


@functools.lru_cache(maxsize=2)
def _local_second(second: int, zone: tuple[int, tuple[str, str]]) -> tuple[bytes, bytes]:
    """YYMMDD and HHMMSS of a second of the epoch in the local time ``zone`` (which
    time.tzset() moves): formatted once per second, since a service ACCEPTs both on
    every call.  DST changes fall on whole seconds."""
    tm = time.localtime(second)
    return (b"%02d%02d%02d" % (tm.tm_year % 100, tm.tm_mon, tm.tm_mday),
            b"%02d%02d%02d" % (tm.tm_hour, tm.tm_min, tm.tm_sec))


def _date() -> bytes:
    return _local_second(time.time_ns() // 1_000_000_000, (time.timezone, time.tzname))[0]


def _date_yyyymmdd() -> bytes:
    now = datetime.datetime.now()
    return b"%04d%02d%02d" % (now.year, now.month, now.day)


def _time() -> bytes:
    """HHMMSS and hundredths, truncated (as datetime.now() and GnuCOBOL do)."""
    second, ns = divmod(time.time_ns(), 1_000_000_000)
    return _local_second(second, (time.timezone, time.tzname))[1] + _TWO_DIGITS[
        ns // 10_000_000]


def _day() -> bytes:
    return datetime.datetime.now().strftime("%y%j").encode()


def _day_yyyyddd() -> bytes:
    return datetime.datetime.now().strftime("%Y%j").encode()


def _day_of_week() -> bytes:
    return b"%d" % datetime.datetime.now().isoweekday()


# ACCEPT ... FROM: the clock reading and its width; bytes formatting, not strftime, for
# the ones a service program ACCEPTs on every call
CLOCKS: dict[str, tuple[Callable[[], bytes], int]] = {
    "DATE": (_date, 6), "DATE YYYYMMDD": (_date_yyyymmdd, 8), "TIME": (_time, 8),
    "DAY": (_day, 5), "DAY YYYYDDD": (_day_yyyyddd, 7), "DAY-OF-WEEK": (_day_of_week, 1),
}


def current_date() -> bytes:
    now = datetime.datetime.now()
    offset = -time.timezone if not time.localtime().tm_isdst else -time.altzone
    sign = "+" if offset >= 0 else "-"
    offset = abs(offset) // 60
    return (now.strftime("%Y%m%d%H%M%S") + f"{now.microsecond // 10000:02d}"
            + f"{sign}{offset // 60:02d}{offset % 60:02d}").encode()


def _trim(args: list[Arg]) -> Callable[[], bytes]:
    get = args[0][1]
    mode = args[1][1]() if len(args) > 1 and args[1][0] == "word" else ""
    if mode == "LEADING":
        return lambda: bytes(get()).lstrip(b" ")
    if mode == "TRAILING":
        return lambda: bytes(get()).rstrip(b" ")
    return lambda: bytes(get()).strip(b" ")


# GnuCOBOL takes the square root in floating point and keeps 96 significant digits
_SQRT_CONTEXT = Context(prec=96)


def _divide(dividend: Number, divisor: int) -> Number:
    """GnuCOBOL's decimal division (cob_decimal_div): 38 more decimals than the
    dividend's, truncated."""
    m, scale = _unscaled(dividend)
    if not m:
        return 0
    q = abs(m) * 10 ** 38 // divisor
    return Decimal(f"{'-' if m < 0 else ''}{q}E-{scale + 38}")


def build(name: str, args: list[Arg], pos: Position,
          sizes: list[int | None]) -> Callable[[], Any]:
    """Compile FUNCTION name(args) into a callable."""
    fns = [fn for _, fn in args]
    if name in NUMERIC_ARGUMENTS and any(kind != "num" for kind, _ in args):
        raise CobolSyntaxError(pos, f"FUNCTION {name} needs numeric arguments", name,
                               "pass numeric items or literals")

    def need(count: int) -> None:
        if len(args) < count:
            raise CobolSyntaxError(pos, f"FUNCTION {name} needs {count} argument(s)", name)

    def first() -> Callable[[], Any]:
        need(1)
        return fns[0]

    if name == "UPPER-CASE":
        a = first()
        return lambda: bytes(a()).upper()
    if name == "LOWER-CASE":
        a = first()
        return lambda: bytes(a()).lower()
    if name == "REVERSE":
        a = first()
        return lambda: bytes(a())[::-1]
    if name == "TRIM":
        need(1)
        return _trim(args)
    if name == "CURRENT-DATE":
        return current_date
    if name == "WHEN-COMPILED":
        stamp = current_date()
        return lambda: stamp
    if name == "CONCATENATE":
        return lambda: b"".join(bytes(f()) for f in fns)
    if name == "CHAR":
        a = first()
        return lambda: bytes([(int(a()) - 1) % 256])
    if name in ("LENGTH", "BYTE-LENGTH"):
        need(1)
        size = sizes[0] if sizes else None
        if size is not None:
            return lambda: size
        a = fns[0]
        return lambda: len(a()) if not isinstance(a(), int | Decimal) else len(number_text(a()))
    if name == "ORD":
        a = first()
        return lambda: bytes(a())[0] + 1
    if name in ("NUMVAL", "NUMVAL-C"):
        a = first()
        currency = name == "NUMVAL-C"
        return lambda: numval(a(), currency)
    if name == "ABS":
        a = first()
        return lambda: abs(a())
    if name == "SIGN":
        a = first()
        return lambda: (a() > 0) - (a() < 0)
    if name == "INTEGER":
        a = first()
        return lambda: int(_decimal(a()).to_integral_value(rounding=ROUND_FLOOR))
    if name == "INTEGER-PART":
        a = first()
        return lambda: int(a())
    if name in ("MOD", "REM"):
        need(2)
        a, b = fns[0], fns[1]
        if name == "MOD":
            def mod() -> Any:
                x, y = a(), b()
                q = (_decimal(x) / _decimal(y)).to_integral_value(rounding=ROUND_FLOOR)
                r = x - y * int(q)
                return r
            return mod

        def rem() -> Any:
            x, y = a(), b()
            return x - y * int(_decimal(x) / _decimal(y))
        return rem
    if name in ("MAX", "MIN"):
        need(1)
        pick = max if name == "MAX" else min
        return lambda: pick(f() for f in fns)
    if name in ("ORD-MAX", "ORD-MIN"):
        need(1)
        pick = max if name == "ORD-MAX" else min

        def ordinal() -> int:
            values = [f() for f in fns]
            return values.index(pick(values)) + 1
        return ordinal
    if name == "SUM":
        return lambda: sum(f() for f in fns)
    if name == "MEAN":
        need(1)
        if len(fns) == 1:
            return fns[0]
        return lambda: _divide(sum(f() for f in fns), len(fns))
    if name == "SQRT":
        a = first()
        return lambda: _SQRT_CONTEXT.sqrt(_decimal(a()))
    if name == "FACTORIAL":
        a = first()
        return lambda: math.factorial(int(a()))
    if name == "RANDOM":
        import random

        rng = random.Random(int(fns[0]()) if fns else None)
        return lambda: Decimal(str(rng.random()))
    if name in ("INTEGER-OF-DATE", "INTEGER-OF-DAY"):
        a = first()
        base = datetime.date(1600, 12, 31).toordinal()

        def integer_of_date() -> int:
            n = int(a())
            if name == "INTEGER-OF-DATE":
                day = datetime.date(n // 10000, n // 100 % 100, n % 100)
            else:
                day = datetime.date(n // 1000, 1, 1) + datetime.timedelta(days=n % 1000 - 1)
            return day.toordinal() - base
        return integer_of_date
    if name in ("DATE-OF-INTEGER", "DAY-OF-INTEGER"):
        a = first()
        base = datetime.date(1600, 12, 31).toordinal()

        def date_of_integer() -> int:
            day = datetime.date.fromordinal(base + int(a()))
            if name == "DATE-OF-INTEGER":
                return day.year * 10000 + day.month * 100 + day.day
            return day.year * 1000 + day.timetuple().tm_yday
        return date_of_integer
    raise CobolSyntaxError(pos, f"FUNCTION {name} is not supported by fakees", name)
