"""Hypothesis strategies for BINP, for fuzzing fakees and your own BINP code.

    from hypothesis import given
    from fakees.binp import strategies as bs

    @given(bs.client_frames())          # valid frames a client may send
    @given(bs.malformed_frames())       # frames every receiver must reject
    @given(bs.mutated_frames())         # valid frames with random damage (may stay valid)
    @given(bs.mutated_frames(bs.server_frames()))   # ... to throw at a client

Values cover every type at its edges (64-bit extremes, non-ASCII text,
BigDecimal scales and signs, empty bytes); `malformed_frames` draws one
precise defect per frame from the list in protocol/BINP.md section 5.
"""

from __future__ import annotations

import struct
from decimal import Decimal

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
    return st.builds(
        lambda unscaled, scale: Decimal(unscaled).scaleb(-scale),
        st.integers(-(10**30), 10**30),
        st.integers(-40, 40),
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


@st.composite
def malformed_frames(draw: st.DrawFn) -> bytes:
    """One whole frame with exactly one defect that makes every receiver reject it."""
    frame = draw(client_frames())
    defect = draw(
        st.sampled_from(
            ["magic", "flags", "type", "trailing", "direction", "type_code", "boolean", "utf8"]
        )
    )
    if defect == "magic":
        magic = draw(st.binary(min_size=2, max_size=2).filter(lambda m: m != wire.MAGIC))
        return magic + frame[2:]
    if defect == "flags":
        return _with_header(frame, flags=draw(st.integers(1, 255)))
    if defect == "type":
        known = set(wire.FRAME_NAMES)
        return _with_header(frame, kind=draw(st.integers(0, 255).filter(lambda k: k not in known)))
    if defect == "trailing":
        extra = draw(st.binary(min_size=1, max_size=8))
        return _with_header(frame + extra, length=len(frame) - wire.HEADER_SIZE + len(extra))
    return _bad_argument_frame(draw, defect)


def _bad_argument_frame(draw: st.DrawFn, defect: str) -> bytes:
    """A CALL whose last argument is broken in the way `defect` names."""
    good = draw(st.lists(arguments(), max_size=3))
    if defect == "direction":
        tail = bytes([draw(st.sampled_from([0, *range(4, 256)])), ArgType.STRING])
    elif defect == "type_code":
        tail = bytes([Direction.OUT, draw(st.sampled_from([0, *range(8, 256)]))])
    elif defect == "boolean":
        tail = bytes([Direction.IN, ArgType.BOOLEAN, draw(st.integers(2, 255))])
    else:
        bad = draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"a\x80"]))
        tail = bytes([Direction.IN, ArgType.STRING]) + struct.pack(">I", len(bad)) + bad
    call = wire.encode(Call(draw(call_ids), "echo.fuzz", tuple(good)))
    head, count_at = call[: wire.HEADER_SIZE], wire.HEADER_SIZE + 4 + len(b"echo.fuzz")
    payload = call[wire.HEADER_SIZE :]
    count = struct.unpack(">H", call[count_at : count_at + 2])[0]
    payload = (
        payload[: count_at - wire.HEADER_SIZE]
        + struct.pack(">H", count + 1)
        + payload[count_at - wire.HEADER_SIZE + 2 :]
        + tail
    )
    return _with_header(head + payload, length=len(payload))


@st.composite
def mutated_frames(draw: st.DrawFn, source: st.SearchStrategy[bytes] | None = None) -> bytes:
    """A valid frame (from `source`, default client_frames()) with random damage: flips,
    cuts, insertions, a wrong length."""
    frame = bytearray(draw(source if source is not None else client_frames()))
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["flip", "set", "cut", "insert", "length"]))
        at = draw(st.integers(0, max(len(frame) - 1, 0)))
        if how == "flip" and frame:
            frame[at] ^= 1 << draw(st.integers(0, 7))
        elif how == "set" and frame:
            frame[at] = draw(st.integers(0, 255))
        elif how == "cut":
            del frame[at:]
        elif how == "insert":
            frame[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif how == "length" and len(frame) >= wire.HEADER_SIZE:
            frame[8:12] = struct.pack(">I", draw(st.integers(0, 2**32 - 1)))
    return bytes(frame)
