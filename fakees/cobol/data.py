"""Data items as typed views over byte buffers, and the one place MOVE semantics live.

An :class:`Item` knows its record, offset, length, picture and usage; a record
is a ``bytearray`` (WORKING-STORAGE, FD areas) or a caller's buffer (LINKAGE).
Numeric values travel as ``int`` (no decimals) or ``Decimal``; alphanumeric
values as ``bytes``. Encoding follows GnuCOBOL/Micro Focus on ASCII machines:
DISPLAY digits with the trailing sign overpunched as 0x70+digit, big-endian
COMP sized 1-2-4-8 bytes, packed COMP-3 with C/D/F sign nibbles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from fakees.cobol.errors import CobolRuntimeError
from fakees.cobol.picture import (
    ALNUM_EDITED,
    ALPHABETIC,
    ALPHANUMERIC,
    NUMERIC,
    NUMERIC_EDITED,
    Picture,
    edit,
)

GROUP = "group"
INDEX = "index"
Number = int | Decimal
NEGATIVE_DIGITS = frozenset(range(0x70, 0x7A))
FIGURATIVE_BYTES = {"SPACE": b" ", "ZERO": b"0", "HIGH-VALUE": b"\xff", "LOW-VALUE": b"\x00",
                    "QUOTE": b'"'}


def binary_size(digits: int) -> int:
    """Bytes of a COMP/BINARY item by its digits (GnuCOBOL's default 1-2-4-8 sizes)."""
    if digits <= 2:
        return 1
    if digits <= 4:
        return 2
    if digits <= 9:
        return 4
    return 8


@dataclass(eq=False)
class Item:
    """A data item: where it lives and how its bytes are read and written."""

    name: str
    level: int
    record: int  # index of the record (storage slot) it lives in
    offset: int = 0
    size: int = 0
    picture: Picture | None = None
    usage: str = "DISPLAY"
    category: str = GROUP
    occurs: int = 0
    occurs_min: int = 0
    parent: Item | None = None
    children: list[Item] = field(default_factory=list)
    conditions: list[Item] = field(default_factory=list)
    condition_values: list[tuple[object, object]] = field(default_factory=list)
    redefines: Item | None = None
    justified: bool = False
    blank_when_zero: bool = False
    sign_leading: bool = False
    sign_separate: bool = False
    section: str = ""
    line: int = 0
    indexed_by: list[str] = field(default_factory=list)
    depending: object = None  # ast.Ref of OCCURS DEPENDING ON
    value: object = None  # ast value expression

    @property
    def digits(self) -> int:
        return self.picture.digits if self.picture else 0

    @property
    def scale(self) -> int:
        return self.picture.scale if self.picture else 0

    @property
    def signed(self) -> bool:
        return bool(self.picture and self.picture.signed)

    @property
    def is_numeric(self) -> bool:
        return self.category in (NUMERIC, INDEX)

    def dims(self) -> list[tuple[int, int, Item]]:
        """(stride, count, item) of every OCCURS from the outermost to this item."""
        out: list[tuple[int, int, Item]] = []
        node: Item | None = self
        while node is not None:
            if node.occurs:
                out.append((node.size, node.occurs, node))
            node = node.parent
        return list(reversed(out))

    def qualified(self) -> list[str]:
        names = []
        node = self.parent
        while node is not None:
            names.append(node.name)
            node = node.parent
        return names


# ------------------------------------------------------------------ numeric codecs
Decoder = Callable[[bytes], Number]
Encoder = Callable[[Number], bytes]


def _scaled_int(value: Number, scale: int) -> int:
    """The value times 10**scale, truncated toward zero."""
    if type(value) is int:
        return value * 10 ** scale if scale else value
    return int(value.scaleb(scale)) if scale else int(value)


def _unscale(number: int, scale: int) -> Number:
    return Decimal(number).scaleb(-scale) if scale else number


def numeric_codec(item: Item) -> tuple[Decoder, Encoder]:
    """Build the decode (bytes -> value) and encode (value -> bytes) pair of a numeric item.

    The encoder truncates high-order digits as COBOL does without ON SIZE ERROR.
    """
    digits, scale, signed, size = item.digits, item.scale, item.signed, item.size
    usage = item.usage
    limit = 10 ** digits
    if usage == "DISPLAY":
        return _display_codec(item, digits, scale, signed, limit)
    if usage == "COMP-3":
        return _packed_codec(digits, scale, signed, size, limit)
    if usage in ("COMP", "COMP-5", "COMP-X", "INDEX", "POINTER"):
        order = "little" if usage in ("COMP-5", "INDEX", "POINTER") else "big"
        is_signed = signed or usage in ("INDEX",)
        capacity = 1 << (8 * size)
        wrap = usage in ("COMP-5", "COMP-X", "INDEX", "POINTER")

        def decode_binary(raw: bytes) -> Number:
            return _unscale(int.from_bytes(raw, order, signed=is_signed), scale)

        def decode_binary_integer(raw: bytes) -> Number:  # no scaling: loop counters
            return int.from_bytes(raw, order, signed=is_signed)

        def encode_binary(value: Number) -> bytes:
            n = _scaled_int(value, scale)
            if not is_signed:
                n = abs(n)
            if wrap:
                n %= capacity
                if is_signed and n >= capacity >> 1:
                    n -= capacity
            else:
                n = -(abs(n) % limit) if n < 0 else n % limit
            return n.to_bytes(size, order, signed=is_signed)

        return (decode_binary_integer if scale == 0 else decode_binary), encode_binary
    raise ValueError(f"no numeric codec for usage {usage}")


def _display_codec(item: Item, digits: int, scale: int, signed: bool,
                   limit: int) -> tuple[Decoder, Encoder]:
    name = item.name
    fmt = b"%0" + str(digits).encode() + b"d"
    if signed and item.sign_separate:
        leading = item.sign_leading

        def decode_sep(raw: bytes) -> Number:
            sign, body = (raw[:1], raw[1:]) if leading else (raw[-1:], raw[:-1])
            if not body.isdigit() or sign not in (b"+", b"-"):
                raise CobolRuntimeError(163, f"in {name}: {bytes(raw)!r}")
            n = int(body)
            return _unscale(-n if sign == b"-" else n, scale)

        def encode_sep(value: Number) -> bytes:
            n = _scaled_int(value, scale)
            body = fmt % (abs(n) % limit)
            sign = b"-" if n < 0 and abs(n) % limit else b"+"
            return sign + body if leading else body + sign

        return decode_sep, encode_sep
    if signed:
        leading = item.sign_leading

        def decode_signed(raw: bytes) -> Number:
            if raw.isdigit():
                return _unscale(int(raw), scale)
            pos = 0 if leading else len(raw) - 1
            last = raw[pos]
            if last in NEGATIVE_DIGITS:
                fixed = bytearray(raw)
                fixed[pos] = last - 0x40
                if fixed.isdigit():
                    return _unscale(-int(fixed), scale)
            raise CobolRuntimeError(163, f"in {name}: {bytes(raw)!r}")

        def encode_signed(value: Number) -> bytes:
            n = _scaled_int(value, scale)
            body = fmt % (abs(n) % limit)
            if n < 0 and abs(n) % limit:
                if leading:
                    return bytes([body[0] + 0x40]) + body[1:]
                return body[:-1] + bytes([body[-1] + 0x40])
            return body

        return decode_signed, encode_signed

    def decode_unsigned(raw: bytes) -> Number:
        if raw.isdigit():
            return _unscale(int(raw), scale)
        raise CobolRuntimeError(163, f"in {name}: {bytes(raw)!r}")

    def encode_unsigned(value: Number) -> bytes:
        return fmt % (abs(_scaled_int(value, scale)) % limit)

    if scale == 0:  # the common PIC 9(n): no scaling on the hot path
        def decode_integer(raw: bytes) -> Number:
            if raw.isdigit():
                return int(raw)
            raise CobolRuntimeError(163, f"in {name}: {bytes(raw)!r}")

        def encode_integer(value: Number) -> bytes:
            return fmt % (abs(value if type(value) is int else int(value)) % limit)

        return decode_integer, encode_integer
    return decode_unsigned, encode_unsigned


def _packed_codec(digits: int, scale: int, signed: bool, size: int,
                  limit: int) -> tuple[Decoder, Encoder]:
    width = size * 2 - 1

    def decode_packed(raw: bytes) -> Number:
        text = bytes(raw).hex()
        body, sign = text[:-1], text[-1]
        if not body.isdigit() or sign not in "cdf":
            raise CobolRuntimeError(163, f"packed field {text}")
        n = int(body)
        return _unscale(-n if sign == "d" else n, scale)

    def encode_packed(value: Number) -> bytes:
        n = _scaled_int(value, scale)
        body = str(abs(n) % limit).zfill(width)
        sign = "f" if not signed else ("d" if n < 0 and abs(n) % limit else "c")
        return bytes.fromhex(body + sign)

    return decode_packed, encode_packed


def round_to(value: Number, scale: int) -> Number:
    """ROUNDED: half away from zero at the receiving item's scale."""
    if type(value) is int:
        return value
    return value.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)


def overflows(item: Item, value: Number) -> bool:
    """Would storing ``value`` lose high-order digits (the SIZE ERROR condition)?"""
    if item.usage in ("COMP-5", "INDEX", "COMP-X"):
        n = _scaled_int(value, item.scale)
        bits = 8 * item.size - (1 if item.signed or item.usage == "INDEX" else 0)
        return abs(n) >= (1 << bits)
    return abs(_scaled_int(value, item.scale)) >= 10 ** item.digits


def display_digits(item: Item) -> int:
    if item.usage == "COMP-5":
        return len(str((1 << (8 * item.size)) - 1))
    return item.digits


def format_display(item: Item, value: Number) -> bytes:
    """DISPLAY text of a numeric item: sign when signed, digits, point when scaled."""
    digits = display_digits(item)
    scale = item.scale
    n = _scaled_int(value, scale)
    body = str(abs(n)).zfill(digits)
    if scale and item.usage != "COMP-5":  # GnuCOBOL shows a COMP-5 item's raw integer
        body = body[:-scale] + "." + body[-scale:]
    if item.signed or (item.usage == "INDEX"):
        body = ("-" if n < 0 else "+") + body
    return body.encode()


def digits_text(item: Item, value: Number) -> bytes:
    """A numeric item sent to an alphanumeric receiver: its digits, unsigned, no point."""
    n = abs(_scaled_int(value, item.scale))
    return str(n).zfill(item.digits).encode()


def literal_digits(text: str) -> bytes:
    """A numeric literal sent to an alphanumeric receiver: its digits without sign or point."""
    return text.lstrip("+-").replace(".", "").encode()


def fit_alnum(data: bytes, size: int, justified: bool = False) -> bytes:
    """Alphanumeric MOVE: left-justify, pad with spaces, truncate on the right."""
    n = len(data)
    if n == size:
        return data
    if justified:
        return data[n - size:] if n > size else b" " * (size - n) + data
    return data[:size] if n > size else data + b" " * (size - n)


def fill_pattern(pattern: bytes, size: int) -> bytes:
    """A figurative constant or ALL literal repeated to the receiver's length."""
    if not pattern:
        return b" " * size
    return (pattern * (size // len(pattern) + 1))[:size]


def alnum_edit(pic: Picture, data: bytes) -> bytes:
    """Alphanumeric-edited MOVE: data into X/A/9 positions, B 0 / inserted."""
    out = bytearray()
    k = 0
    for sym in pic.expanded:
        if sym in "XA9":
            out.append(data[k] if k < len(data) else 0x20)
            k += 1
        elif sym == "B":
            out.append(0x20)
        else:
            out += sym.encode()
    return bytes(out)


def numeric_from_alnum(data: bytes) -> Number:
    """An alphanumeric sender moved to a numeric receiver: its digits as an integer."""
    text = bytes(data).strip(b" ")
    if text.isdigit():
        return int(text)
    digits = bytes((c & 0x0F) % 10 + 0x30 for c in bytes(data))
    return int(digits) if digits else 0


def edited_value(item: Item, value: Number) -> bytes:
    assert item.picture is not None
    return edit(item.picture, Decimal(value), item.blank_when_zero)


def edited_result(item: Item, value: Number) -> bytes:
    """An arithmetic result stored into an edited item: truncated at the item's scale and
    its high-order digits beyond the item's digit positions lost before editing (the
    standard), as into a numeric item. So a lost nonzero digit does not end a floating
    string, unlike a MOVE, where fakees follows GnuCOBOL's extra digit read into the
    floating symbol (corpus c48), and a negative result truncated to zero is zero, shown
    without a minus, CR or DB, as "+0.00" into S9V99. GnuCOBOL stores an arithmetic result
    through a numeric temporary of the item's digits and scale (numeric.c,
    cob_decimal_get_field), so it does the same (corpus c70)."""
    scaled = int(Decimal(value).scaleb(item.scale))
    kept = abs(scaled) % 10 ** item.digits
    return edited_value(item, Decimal(-kept if scaled < 0 else kept).scaleb(-item.scale))


__all__ = [
    "ALNUM_EDITED", "ALPHABETIC", "ALPHANUMERIC", "GROUP", "INDEX", "NUMERIC", "NUMERIC_EDITED",
    "Item", "Number", "alnum_edit", "binary_size", "digits_text", "edited_result", "edited_value",
    "fill_pattern", "fit_alnum", "format_display", "literal_digits", "numeric_codec",
    "numeric_from_alnum", "overflows", "round_to",
]
