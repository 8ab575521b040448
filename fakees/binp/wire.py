"""BINP frames: the bytes that protocol/BINP.md describes.

Every frame is a 12-byte header followed by a payload whose layout depends on
the frame type.  `encode` turns an event into frame bytes, `decode` turns the
bytes of exactly one frame back into an event.

The construct definitions (`fakees.binp.definitions`) are the reference.  CALL
and REPLY, the frames of every call, first go through a hand-written struct
codec (a few microseconds instead of tens); whenever it meets anything it does
not handle plainly (a BigDecimal, a bad value, a truncated or malformed
payload) it declines and the compiled construct definitions decide, and when
those reject a frame the plain definitions are run again to say precisely
where and why (field path, argument number).  So errors always come from
construct, and tests/binp/test_properties.py checks that both paths give
identical bytes, events and errors (`encode_reference`, `decode_reference`).
construct is imported at the first frame the fast path declines, so a process
that only meets plain calls (a SEP) never loads it.
"""

from __future__ import annotations

import struct
from decimal import Decimal, InvalidOperation
from typing import Any

from fakees.binp.events import (
    ArgType,
    Argument,
    Call,
    Direction,
    Error,
    ErrorCode,
    Event,
    Hello,
    LocalProtocolError,
    Ping,
    Pong,
    RemoteProtocolError,
    Reply,
    Welcome,
    argument,
)

MAGIC = b"BP"
HEADER_SIZE = 12
PROTOCOL_VERSIONS = (1, 1)  # lowest and highest version this implementation speaks

HELLO, WELCOME, CALL, REPLY, ERROR, PING, PONG = 0x01, 0x02, 0x10, 0x11, 0x12, 0x20, 0x21
FRAME_NAMES = {
    HELLO: "HELLO",
    WELCOME: "WELCOME",
    CALL: "CALL",
    REPLY: "REPLY",
    ERROR: "ERROR",
    PING: "PING",
    PONG: "PONG",
}

# The header is fixed-size and on every frame's path: struct reads and writes the same
# 12 bytes as `definitions.Header` (tests/binp/test_properties.py checks the two agree).
HEADER_STRUCT = struct.Struct(">2sBBII")


INT_RANGES = {
    ArgType.LONG: (-(2**63), 2**63 - 1),
    ArgType.INTEGER: (-(2**31), 2**31 - 1),
    ArgType.SHORT: (-(2**15), 2**15 - 1),
}


def frame_name(kind: int) -> str:
    return FRAME_NAMES.get(kind, f"0x{kind:02x}")


def parse_header(data: bytes) -> tuple[int, int, int]:
    """(type, call_id, payload length) of a 12-byte header, or MALFORMED_FRAME saying why."""
    if data[:2] != MAGIC:
        raise RemoteProtocolError(
            ErrorCode.MALFORMED_FRAME, f"bad magic {bytes(data[:2])!r} at offset 0 (expected b'BP')"
        )
    if data[3] != 0:
        raise RemoteProtocolError(
            ErrorCode.MALFORMED_FRAME, f"flags byte is 0x{data[3]:02x} at offset 3 (must be 0)"
        )
    _, kind, _, call_id, length = HEADER_STRUCT.unpack(data)
    if kind not in FRAME_NAMES:
        raise RemoteProtocolError(
            ErrorCode.MALFORMED_FRAME, f"unknown frame type 0x{kind:02x} at offset 2", call_id
        )
    return kind, call_id, length


# ---- decoding ---------------------------------------------------------------------------


def decode(frame: bytes) -> Event:
    """The event carried by exactly one whole frame (header + payload)."""
    kind, call_id, length = parse_header(frame[:HEADER_SIZE])
    payload = frame[HEADER_SIZE:]
    if len(payload) != length:
        raise RemoteProtocolError(
            ErrorCode.MALFORMED_FRAME,
            f"{frame_name(kind)} header says {length} payload bytes, frame has {len(payload)}",
            call_id,
        )
    return decode_payload(kind, call_id, payload)


def decode_payload(kind: int, call_id: int, payload: bytes) -> Event:
    """The event of a frame whose header `parse_header` has already read."""
    if kind in (CALL, REPLY):
        try:
            return _fast_decode(kind, call_id, payload)
        except _DECLINED:
            pass
    return decode_reference(kind, call_id, payload)


def decode_reference(kind: int, call_id: int, payload: bytes) -> Event:
    """`decode_payload` by the construct definitions alone (the judge of the fast path)."""
    from fakees.binp import definitions

    try:
        body = definitions.compiled(kind).parse(payload)
        return _to_event(kind, call_id, body)
    except RemoteProtocolError:
        raise
    except Exception:  # any compiled-parse failure is explained by the slow path below
        raise RemoteProtocolError(
            ErrorCode.MALFORMED_FRAME, definitions.explain(kind, payload), call_id
        ) from None


def _to_event(kind: int, call_id: int, body: Any) -> Event:
    if kind == HELLO:
        return Hello(body.min_version, body.max_version, body.client)
    if kind == WELCOME:
        return Welcome(
            body.version,
            body.max_frame,
            body.max_args,
            body.max_string,
            body.max_pending,
            body.server,
        )
    if kind == CALL:
        args = tuple(_argument(i, a, call_id) for i, a in enumerate(body.args, 1))
        return Call(call_id, body.function, args)
    if kind == REPLY:
        return Reply(call_id, tuple(_argument(i, a, call_id) for i, a in enumerate(body.args, 1)))
    if kind == ERROR:
        return Error(call_id, body.code, body.message)
    if kind == PING:
        return Ping(call_id)
    return Pong(call_id)


def _argument(index: int, raw: Any, call_id: int) -> Argument:
    arg_type = ArgType(raw.type)
    value = raw.value
    if value is not None:
        if arg_type is ArgType.BOOLEAN:
            value = bool(value)
        elif arg_type is ArgType.BIGDECIMAL:
            value = _decimal_from_wire(index, raw.value, call_id)
        elif arg_type is ArgType.BYTES:
            value = bytes(value)
    return Argument(Direction(raw.direction), arg_type, value)


def _decimal_from_wire(index: int, raw: Any, call_id: int) -> Decimal:
    unscaled = bytes(raw.unscaled)
    if not unscaled:
        raise RemoteProtocolError(
            ErrorCode.MALFORMED_FRAME,
            f"argument {index}: BigDecimal unscaled value has length 0 (needs at least 1 byte)",
            call_id,
        )
    number = int.from_bytes(unscaled, "big", signed=True)
    if unscaled_bytes(number) != unscaled:
        raise RemoteProtocolError(
            ErrorCode.MALFORMED_FRAME,
            f"argument {index}: BigDecimal unscaled value {unscaled.hex()} "
            "is not minimally encoded",
            call_id,
        )
    # Built from text, exactly: `Decimal(number).scaleb(-scale)` rounded to the context's 28
    # digits and refused exponents past its Emax (BINP allows any digits, any i32 scale).
    return Decimal(f"{number}E{-raw.scale}")


# ---- encoding ---------------------------------------------------------------------------


def encode(event: Event) -> bytes:
    """The frame bytes of `event`; LocalProtocolError if a value cannot be represented."""
    kind = _FAST_KINDS.get(type(event))
    if kind is not None:
        try:
            payload = _fast_payload(event)
        except _DECLINED:
            pass
        else:
            return HEADER_STRUCT.pack(MAGIC, kind, 0, event.call_id, len(payload)) + payload
    return encode_reference(event)


def encode_reference(event: Event) -> bytes:
    """`encode` by the construct definitions alone (the judge of the fast path)."""
    from fakees.binp import definitions

    kind, call_id, body = _from_event(event)
    try:
        payload = definitions.compiled(kind).build(body)
    except definitions.ConstructError as exc:
        raise LocalProtocolError(
            ErrorCode.MALFORMED_FRAME, f"cannot encode {frame_name(kind)}: {exc}", call_id
        ) from None
    return HEADER_STRUCT.pack(MAGIC, kind, 0, call_id, len(payload)) + payload


def _from_event(event: Event) -> tuple[int, int, dict[str, Any]]:
    match event:
        case Hello():
            return HELLO, 0, vars(event)
        case Welcome():
            return WELCOME, 0, vars(event)
        case Call():
            args = [_arg_to_wire(i, a, reply=False) for i, a in enumerate(event.args, 1)]
            return CALL, event.call_id, {"function": event.function, "args": args}
        case Reply():
            args = [_arg_to_wire(i, a, reply=True) for i, a in enumerate(event.args, 1)]
            return REPLY, event.call_id, {"args": args}
        case Error():
            return ERROR, event.call_id, {"code": event.code, "message": event.message}
        case Ping():
            return PING, event.call_id, {}
        case Pong():
            return PONG, event.call_id, {}
    raise LocalProtocolError(ErrorCode.UNEXPECTED_MESSAGE, f"{event!r} is not a frame")


def _arg_to_wire(index: int, arg: Argument, *, reply: bool) -> dict[str, Any]:
    direction, arg_type = Direction(arg.direction), ArgType(arg.type)
    carries_value = direction is not Direction.OUT if not reply else True
    if reply and direction is Direction.IN:
        raise LocalProtocolError(
            ErrorCode.MALFORMED_FRAME, f"argument {index}: a reply carries no IN arguments"
        )
    if not carries_value:
        return {"direction": direction, "type": arg_type, "value": None}
    return {"direction": direction, "type": arg_type, "value": to_wire_value(index, arg)}


def to_wire_value(index: int, arg: Argument) -> Any:
    """Check that `arg.value` fits its type and return what the construct field builds."""
    arg_type, value = ArgType(arg.type), arg.value

    def wrong(expected: str) -> LocalProtocolError:
        return LocalProtocolError(
            ErrorCode.BAD_ARGUMENTS,
            f"argument {index}: {arg_type.name} needs {expected}, got {value!r}",
        )

    if arg_type is ArgType.STRING:
        if not isinstance(value, str):
            raise wrong("a str")
        return value
    if arg_type in INT_RANGES:
        low, high = INT_RANGES[arg_type]
        if type(value) is not int or not low <= value <= high:
            raise wrong(f"an int in {low}..{high}")
        return value
    if arg_type is ArgType.BOOLEAN:
        if not isinstance(value, bool):
            raise wrong("a bool")
        return int(value)
    if arg_type is ArgType.BYTES:
        if not isinstance(value, bytes | bytearray):
            raise wrong("bytes")
        return bytes(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise wrong("a finite decimal.Decimal")
    return _decimal_to_wire(value, wrong)


def _decimal_to_wire(value: Decimal, wrong: Any) -> dict[str, Any]:
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    unscaled = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    scale = -exponent
    if not -(2**31) <= scale < 2**31:
        raise wrong("a scale that fits 32 bits")
    try:
        return {"scale": scale, "unscaled": unscaled_bytes(unscaled)}
    except (OverflowError, InvalidOperation):
        raise wrong("a representable decimal") from None


def value_size(arg: Argument) -> int:
    """Bytes of a String, bytes or BigDecimal (unscaled) value, the measure of max string."""
    value = arg.value
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bytes):
        return len(value)
    if isinstance(value, Decimal) and value.is_finite():
        sign, digits, _ = value.as_tuple()
        return len(unscaled_bytes(int("".join(map(str, digits)) or "0") * (-1 if sign else 1)))
    return 0


def unscaled_bytes(number: int) -> bytes:
    """Shortest big-endian two's complement form (at least one byte), as Java's BigInteger."""
    length = (number + (number < 0)).bit_length() // 8 + 1
    return number.to_bytes(length, "big", signed=True)


# ---- the fast path for CALL and REPLY -----------------------------------------------------


class _Decline(Exception):
    """The fast codec leaves this frame or event to the construct definitions."""


# What the fast path may meet on odd input; each only means "let construct decide".
_DECLINED = (_Decline, AttributeError, IndexError, KeyError, TypeError, struct.error, UnicodeError)
_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")
_INTS = {
    ArgType.LONG: struct.Struct(">q"),
    ArgType.INTEGER: struct.Struct(">i"),
    ArgType.SHORT: struct.Struct(">h"),
}
_DIRECTIONS = {int(d): d for d in Direction}
_TYPES = {int(t): t for t in ArgType}
_FAST_KINDS: dict[type, int] = {Call: CALL, Reply: REPLY}
# The argument section of the last CALL or REPLY decoded, with its kind and its Arguments.
# mfcs32 relays a call's arguments to a SEP, and the SEP's reply arguments to the client, as
# the very tuple it decoded, so encoding them again can reuse these bytes. Exact: the tuple
# and its Arguments are immutable and held here, so `is` can not mistake another for it.
# Only small frames are remembered, so that a big one is not kept alive until the next.
_last_decoded: tuple[int, tuple[Argument, ...], bytes] = (0, (), b"")
_REMEMBERED = 64 * 1024
# Enum members are looked up through a Python-level descriptor in 3.11 (~80 ns a look-up);
# the per-argument loops below name them through module globals instead.
_IN, _OUT = Direction.IN, Direction.OUT
_STRING, _BYTES, _BOOLEAN, _BIGDECIMAL = (
    ArgType.STRING, ArgType.BYTES, ArgType.BOOLEAN, ArgType.BIGDECIMAL)


def _fast_decode(kind: int, call_id: int, payload: bytes) -> Event:
    """CALL or REPLY parsed with struct; declines (see _DECLINED) what is not plain."""
    offset = 0
    if kind == CALL:
        (size,) = _U32.unpack_from(payload, 0)
        offset = 4 + size
        if offset > len(payload):
            raise _Decline
        function = payload[4:offset].decode("utf-8")
    start = offset
    (count,) = _U16.unpack_from(payload, offset)
    offset += 2
    args = []
    for _ in range(count):
        direction, arg_type = _DIRECTIONS[payload[offset]], _TYPES[payload[offset + 1]]
        offset += 2
        value: Any = None
        if direction is _OUT and kind == CALL:
            pass
        elif direction is _IN and kind == REPLY:
            raise _Decline
        elif arg_type is _STRING or arg_type is _BYTES:
            (size,) = _U32.unpack_from(payload, offset)
            end = offset + 4 + size
            if end > len(payload):
                raise _Decline
            value = payload[offset + 4 : end]
            value = value.decode("utf-8") if arg_type is _STRING else bytes(value)
            offset = end
        elif arg_type is _BOOLEAN:
            flag = payload[offset]
            if flag > 1:
                raise _Decline
            value = flag == 1
            offset += 1
        elif arg_type is _BIGDECIMAL:
            raise _Decline
        else:
            codec = _INTS[arg_type]
            (value,) = codec.unpack_from(payload, offset)
            offset += codec.size
        args.append(argument(direction, arg_type, value))
    if offset != len(payload):
        raise _Decline
    global _last_decoded
    decoded = tuple(args)
    if len(payload) <= _REMEMBERED:
        _last_decoded = (kind, decoded, payload[start:] if start else payload)
    if kind == CALL:
        return Call(call_id, function, decoded)
    return Reply(call_id, decoded)


def _fast_payload(event: Call | Reply) -> bytes:
    """The payload of a CALL or REPLY built with struct; declines what is not plain."""
    parts = []
    reply = isinstance(event, Reply)
    if not reply:
        function = event.function.encode("utf-8")
        parts += (_U32.pack(len(function)), function)
    kind, decoded, encoded = _last_decoded
    if event.args is decoded and kind == (REPLY if reply else CALL):
        parts.append(encoded)  # relayed as decoded: the same bytes
        return b"".join(parts)
    parts.append(_U16.pack(len(event.args)))
    for arg in event.args:
        direction, arg_type, value = _DIRECTIONS[arg.direction], _TYPES[arg.type], arg.value
        parts.append(bytes((direction, arg_type)))
        if direction is _OUT and not reply:
            continue
        if direction is _IN and reply:
            raise _Decline
        if arg_type is _STRING and type(value) is str:
            data = value.encode("utf-8")
            parts += (_U32.pack(len(data)), data)
        elif arg_type is _BYTES and isinstance(value, bytes | bytearray):
            parts += (_U32.pack(len(value)), bytes(value))
        elif arg_type is _BOOLEAN and isinstance(value, bool):
            parts.append(b"\x01" if value else b"\x00")
        elif arg_type in _INTS and type(value) is int:
            parts.append(_INTS[arg_type].pack(value))  # out of range: struct.error, declined
        else:
            raise _Decline
    return b"".join(parts)
