"""Hypothesis strategies for BINP, for fuzzing fakees and your own BINP code.

    from hypothesis import given
    from fakees.binp import strategies as bs

    @given(bs.client_frames())          # valid frames a client may send
    @given(bs.malformed_frames())       # frames every receiver must reject
    @given(bs.malformed_server_frames())            # ... to throw at a client
    @given(bs.mutated_frames())         # valid frames with random damage (may stay valid)
    @given(bs.mutated_frames(bs.server_frames()))   # ... to throw at a client

Values cover every type at its edges (64-bit extremes, non-ASCII text,
BigDecimal scales and signs, empty bytes); `malformed_frames` draws one
precise defect per frame, each MALFORMED_FRAME cause that protocol/BINP.md
section 5 lists (`DEFECTS`).  The damage itself (`malform`, `mutate`) takes
its choices from a `Picker`, so a campaign too big for Hypothesis can drive
it with a seeded random.Random (`RandomPicker`).
"""

from __future__ import annotations

import random
import struct
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from hypothesis import strategies as st

from fakees.binp import wire
from fakees.binp.events import (
    ArgType,
    Argument,
    Call,
    Direction,
    Error,
    ErrorCode,
    Hello,
    Ping,
    Pong,
    Reply,
    Welcome,
)

texts = st.text(max_size=40)
names = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=12)
call_ids = st.integers(0, 2**32 - 1)


def decimals() -> st.SearchStrategy[Decimal]:
    """Any BigDecimal: up to 40 digits (past decimal's 28-digit context), any i32 scale."""
    return st.builds(
        lambda unscaled, scale: Decimal(f"{unscaled}E{-scale}"),
        st.integers(-(10**40), 10**40),
        st.one_of(st.integers(-40, 40), st.integers(-(2**31), 2**31 - 1)),
    )


VALUES: dict[ArgType, st.SearchStrategy] = {
    ArgType.STRING: texts,
    ArgType.LONG: st.integers(-(2**63), 2**63 - 1),
    ArgType.INTEGER: st.integers(-(2**31), 2**31 - 1),
    ArgType.SHORT: st.integers(-(2**15), 2**15 - 1),
    ArgType.BOOLEAN: st.booleans(),
    ArgType.BIGDECIMAL: decimals(),
    ArgType.BYTES: st.binary(max_size=40),
}


@st.composite
def arguments(draw: st.DrawFn, directions: tuple[Direction, ...] = tuple(Direction)) -> Argument:
    """One argument as it appears in a CALL: OUT arguments carry no value."""
    direction = draw(st.sampled_from(directions))
    arg_type = draw(st.sampled_from(list(ArgType)))
    value = None if direction is Direction.OUT else draw(VALUES[arg_type])
    return Argument(direction, arg_type, value)


def functions() -> st.SearchStrategy[str]:
    return st.one_of(
        st.just("initialize"),
        st.builds(lambda s, o: f"{s}.{o}", st.sampled_from(["echo", "srv01", "nosuch"]), names),
        texts,
    )


def calls() -> st.SearchStrategy[Call]:
    return st.builds(Call, call_ids, functions(), st.lists(arguments(), max_size=8).map(tuple))


@st.composite
def replies(draw: st.DrawFn) -> Reply:
    """A REPLY with values for OUT/INOUT arguments (answering some call)."""
    args = draw(st.lists(arguments((Direction.OUT, Direction.INOUT)), max_size=8))
    valued = tuple(
        Argument(a.direction, a.type, a.value if a.value is not None else draw(VALUES[a.type]))
        for a in args
    )
    return Reply(draw(call_ids), valued)


def client_events() -> st.SearchStrategy:
    return st.one_of(
        st.builds(Hello, st.integers(0, 255), st.integers(0, 255), texts),
        calls(),
        st.builds(Ping, call_ids),
    )


def server_events() -> st.SearchStrategy:
    return st.one_of(
        st.builds(
            Welcome,
            st.integers(0, 255),
            st.integers(0, 2**32 - 1),
            st.integers(0, 2**16 - 1),
            st.integers(0, 2**32 - 1),
            st.integers(0, 2**16 - 1),
            texts,
        ),
        replies(),
        st.builds(Error, call_ids, st.sampled_from([int(c) for c in ErrorCode]), texts),
        st.builds(Pong, call_ids),
    )


def client_frames() -> st.SearchStrategy[bytes]:
    """Valid frames a client may send (valid alone; the state decides if they are welcome)."""
    return client_events().map(wire.encode)


def server_frames() -> st.SearchStrategy[bytes]:
    return server_events().map(wire.encode)


def frames() -> st.SearchStrategy[bytes]:
    return st.one_of(client_frames(), server_frames())


def _with_header(frame: bytes, **fields: int) -> bytes:
    kind, flags, call_id, length = frame[2], frame[3], *struct.unpack(">II", frame[4:12])
    kind, flags = fields.get("kind", kind), fields.get("flags", flags)
    length = fields.get("length", length)
    return frame[:2] + bytes([kind, flags]) + struct.pack(">II", call_id, length) + frame[12:]


# ---- damage driven by any source of choices ------------------------------------------------
#
# The defects and mutations below take their choices from a `Picker`, so that the same code
# serves the Hypothesis strategies (choices drawn, shrinkable) and plain seeded random.Random
# campaigns that need far more frames than Hypothesis draws quickly (tests/binp/test_fuzz_live.py).


class Picker(Protocol):
    def integer(self, low: int, high: int) -> int: ...
    def choice(self, options: Sequence[Any]) -> Any: ...
    def binary(self, min_size: int, max_size: int) -> bytes: ...


class RandomPicker:
    """Choices from a `random.Random` (seed it to replay a campaign)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def choice(self, options: Sequence[Any]) -> Any:
        return self.rng.choice(options)

    def binary(self, min_size: int, max_size: int) -> bytes:
        return self.rng.randbytes(self.rng.randint(min_size, max_size))


class _DrawPicker:
    """Choices drawn by Hypothesis inside a composite strategy."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def choice(self, options: Sequence[Any]) -> Any:
        return self.draw(st.sampled_from(options))

    def binary(self, min_size: int, max_size: int) -> bytes:
        return self.draw(st.binary(min_size=min_size, max_size=max_size))


# Every MALFORMED_FRAME cause in protocol/BINP.md section 5, as the defects `malform` makes:
# bad magic, non-zero flags, unknown frame type, a field past the payload's end (the payload
# cut short, its length field telling the truth), trailing bytes, invalid UTF-8 (function,
# HELLO client, WELCOME server, ERROR message or a String argument), undefined direction
# (IN in a REPLY included) or type, Boolean not 0/1, BigDecimal not minimal or of length 0.
DEFECTS = (
    "magic",
    "flags",
    "type",
    "truncated",
    "trailing",
    "utf8",
    "direction",
    "type_code",
    "boolean",
    "bigdecimal_not_minimal",
    "bigdecimal_empty",
)
_BAD_UTF8 = (b"\xff", b"\xc3", b"\xed\xa0\x80", b"a\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf")
# Bytes before the one String of these payloads, which is their last field.
_STRING_AT = {wire.HELLO: 2, wire.WELCOME: 13, wire.ERROR: 2}
# The frame that carries arguments on the same side as a frame without any.
_ARGUMENT_KIND = {
    wire.HELLO: wire.CALL,
    wire.PING: wire.CALL,
    wire.CALL: wire.CALL,
    wire.WELCOME: wire.REPLY,
    wire.ERROR: wire.REPLY,
    wire.PONG: wire.REPLY,
    wire.REPLY: wire.REPLY,
}


def malform(frame: bytes, pick: Picker, defect: str | None = None) -> bytes:
    """`frame` (one valid frame, client's or server's) with one `defect` (default: any of
    DEFECTS) that makes every receiver reject it as MALFORMED_FRAME, whatever its state
    (as long as the result fits the receiver's max frame)."""
    defect = defect or pick.choice(DEFECTS)
    kind, call_id = frame[2], struct.unpack(">I", frame[4:8])[0]
    if defect == "magic":
        magic = pick.binary(2, 2)
        return (magic if magic != wire.MAGIC else b"PB") + frame[2:]
    if defect == "flags":
        return _with_header(frame, flags=pick.integer(1, 255))
    if defect == "type":
        unknown = [k for k in range(256) if k not in wire.FRAME_NAMES]
        return _with_header(frame, kind=pick.choice(unknown))
    if defect == "trailing":
        extra = pick.binary(1, 8)
        return _with_header(frame + extra, length=len(frame) - wire.HEADER_SIZE + len(extra))
    if defect == "truncated":
        payload = frame[wire.HEADER_SIZE :]
        if not payload:  # PING and PONG have nothing to cut: an empty argument list then
            frame = _argument_frame(_ARGUMENT_KIND[kind], call_id, "echo.fuzz", 0, b"")
            payload = frame[wire.HEADER_SIZE :]
        cut = pick.integer(0, len(payload) - 1)
        return _with_header(frame[: wire.HEADER_SIZE + cut], length=cut)
    if defect == "utf8" and kind in _STRING_AT and pick.integer(0, 1):
        at, bad = wire.HEADER_SIZE + _STRING_AT[kind], pick.choice(_BAD_UTF8)
        payload = frame[wire.HEADER_SIZE : at] + struct.pack(">I", len(bad)) + bad
        return _with_header(frame[: wire.HEADER_SIZE] + payload, length=len(payload))
    return _with_bad_argument(frame, kind, call_id, defect, pick)


def _with_bad_argument(frame: bytes, kind: int, call_id: int, defect: str, pick: Picker) -> bytes:
    """A CALL or REPLY (`frame` itself if it is one) with one more argument, broken as
    `defect` says, or a CALL whose function name is not UTF-8."""
    function, args = "echo.fuzz", b""
    count = 0
    if kind in (wire.CALL, wire.REPLY):
        event = wire.decode(frame)
        count = len(event.args)
        if kind == wire.CALL:
            function = event.function
        head = wire.HEADER_SIZE + (4 + len(function.encode()) if kind == wire.CALL else 0)
        args = frame[head + 2 :]
    kind = _ARGUMENT_KIND[kind]
    reply = kind == wire.REPLY
    valued = [Direction.OUT, Direction.INOUT] if reply else [Direction.IN, Direction.INOUT]
    if defect == "utf8":
        bad = pick.choice(_BAD_UTF8)
        if not reply and pick.integer(0, 1):
            return _argument_frame(kind, call_id, bad, count, args)
        tail = bytes([pick.choice(valued), ArgType.STRING]) + struct.pack(">I", len(bad)) + bad
    elif defect == "direction":
        direction = pick.choice([0, *range(4, 256)])
        if reply and pick.integer(0, 1):
            direction = Direction.IN  # defined, but never in a REPLY
        tail = bytes([direction, ArgType.STRING]) + struct.pack(">I", 1) + b"x"
    elif defect == "type_code":
        undefined = [0, *range(8, 256)]
        tail = bytes([Direction.INOUT if reply else Direction.OUT, pick.choice(undefined)])
    elif defect == "boolean":
        tail = bytes([pick.choice(valued), ArgType.BOOLEAN, pick.integer(2, 255)])
    else:  # a BigDecimal: scale, then an unscaled value that is not minimal or empty
        if defect == "bigdecimal_empty":
            unscaled = b""
        else:
            minimal = wire.unscaled_bytes(pick.integer(-(2**70), 2**70))
            sign = b"\xff" if minimal[0] & 0x80 else b"\x00"
            unscaled = sign * pick.integer(1, 3) + minimal
        tail = (
            bytes([pick.choice(valued), ArgType.BIGDECIMAL])
            + struct.pack(">iI", pick.integer(-(2**31), 2**31 - 1), len(unscaled))
            + unscaled
        )
    return _argument_frame(kind, call_id, function, count + 1, args + tail)


def _argument_frame(
    kind: int, call_id: int, function: str | bytes, count: int, args: bytes
) -> bytes:
    """A CALL or REPLY frame from its parts: function (CALL), argument count, argument bytes."""
    payload = struct.pack(">H", count) + args
    if kind == wire.CALL:
        name = function.encode() if isinstance(function, str) else function
        payload = struct.pack(">I", len(name)) + name + payload
    return wire.HEADER_STRUCT.pack(wire.MAGIC, kind, 0, call_id, len(payload)) + payload


MUTATIONS = ("flip", "set", "cut", "insert", "delete", "length", "kind", "word", "sync")


def mutate(frame: bytes, pick: Picker, rounds: int | None = None) -> bytes:
    """`frame` with 1-3 (or `rounds`) random damages: bit flips, bytes set, inserted or
    deleted, the frame cut short, the length field or type set, a u16/u32 (a count or a
    length prefix?) overwritten anywhere, the length field made to fit again. The result
    may still be valid."""
    data = bytearray(frame)
    for _ in range(rounds or pick.integer(1, 3)):
        how = pick.choice(MUTATIONS)
        at = pick.integer(0, max(len(data) - 1, 0))
        if how == "flip" and data:
            data[at] ^= 1 << pick.integer(0, 7)
        elif how == "set" and data:
            data[at] = pick.integer(0, 255)
        elif how == "cut":
            del data[at:]
        elif how == "insert":
            data[at:at] = pick.binary(1, 8)
        elif how == "delete":
            del data[at : at + pick.integer(1, 8)]
        elif how == "length" and len(data) >= wire.HEADER_SIZE:
            length = struct.unpack(">I", data[8:12])[0]
            if pick.integer(0, 1):
                length = pick.integer(0, 2**32 - 1)
            else:
                length = max(0, length + pick.integer(-4, 4))
            data[8:12] = struct.pack(">I", min(length, 2**32 - 1))
        elif how == "kind" and len(data) > 2:
            data[2] = pick.choice([*wire.FRAME_NAMES, pick.integer(0, 255)])
        elif how == "word" and data:
            width = pick.choice([2, 4])
            value = pick.choice([0, 1, 2, 3, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF, 2**32 - 1,
                                 pick.integer(0, 2 ** (8 * width) - 1)])  # fmt: skip
            data[at : at + width] = (value % 2 ** (8 * width)).to_bytes(width, "big")
        elif how == "sync":
            data = bytearray(fit_length(bytes(data)))
    return bytes(data)


def fit_length(frame: bytes) -> bytes:
    """`frame` with its length field set to the bytes that follow the header (if it has one)."""
    if len(frame) < wire.HEADER_SIZE:
        return frame
    return _with_header(frame, length=len(frame) - wire.HEADER_SIZE)


@st.composite
def malformed_frames(draw: st.DrawFn, source: st.SearchStrategy[bytes] | None = None) -> bytes:
    """One valid frame (from `source`, default client_frames()) with exactly one defect from
    DEFECTS, so that every receiver rejects it as MALFORMED_FRAME (see `malform`)."""
    return malform(draw(source if source is not None else client_frames()), _DrawPicker(draw))


def malformed_server_frames() -> st.SearchStrategy[bytes]:
    """Server frames every client must reject as MALFORMED_FRAME (a REPLY with an IN
    argument among them), to throw at your client."""
    return malformed_frames(server_frames())


@st.composite
def mutated_frames(draw: st.DrawFn, source: st.SearchStrategy[bytes] | None = None) -> bytes:
    """A valid frame (from `source`, default client_frames()) with random damage (`mutate`)."""
    return mutate(draw(source if source is not None else client_frames()), _DrawPicker(draw))
