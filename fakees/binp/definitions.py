"""BINP payloads declared once with construct: the reference of `fakees.binp.wire`.

`fakees.binp.wire` encodes and decodes CALL and REPLY with struct and hands
everything else here: the other frames, whatever its fast path declines, and
the precise explanation of every malformed payload.  It imports this module at
first need, so processes that only ever meet plain calls do not load construct
(about 6 MB per process).
"""

from __future__ import annotations

import functools
import io

import construct as c
from construct import ConstructError, this

from fakees.binp.events import ArgType, Direction
from fakees.binp.wire import (
    CALL,
    ERROR,
    HELLO,
    MAGIC,
    PING,
    PONG,
    REPLY,
    WELCOME,
    frame_name,
)

__all__ = ["PAYLOADS", "ConstructError", "Frame", "Header", "compiled", "explain"]

# construct 2.10's compiled parsers read a length-prefixed field with a bare `io.read(n)`, so a
# field that runs past the payload's end came back short instead of failing (a HELLO naming a
# 9-byte client followed by 3 bytes was accepted). Length-prefixed fields here parse through
# `read_exact`, which fails such a read as the interpreted parsers do.
_READ_EXACT = """
    def read_exact(io, length):
        data = io.read(length)
        if len(data) != length:
            raise StreamError(f"read {len(data)} of {length} bytes")
        return data
"""


def _length_prefixed(macro: c.Construct, text: bool) -> c.Construct:
    """`macro` (a u32-prefixed string or bytes) whose compiled parser checks the length."""

    def emitparse(code: c.CodeGen) -> str:
        code.append(_READ_EXACT)
        data = f"read_exact(io, {c.Int32ub._compileparse(code)})"
        return f"{data}.decode('utf8')" if text else data

    macro._emitparse = emitparse
    return macro


String = _length_prefixed(c.PascalString(c.Int32ub, "utf8"), text=True)
Blob = _length_prefixed(c.Prefixed(c.Int32ub, c.GreedyBytes), text=False)
BigDecimal = c.Struct("scale" / c.Int32sb, "unscaled" / Blob)
VALUES = {  # int keys: construct's compiler writes them into generated source
    int(ArgType.STRING): String,
    int(ArgType.LONG): c.Int64sb,
    int(ArgType.INTEGER): c.Int32sb,
    int(ArgType.SHORT): c.Int16sb,
    int(ArgType.BOOLEAN): c.OneOf(c.Int8ub, [0, 1]),
    int(ArgType.BIGDECIMAL): BigDecimal,
    int(ArgType.BYTES): Blob,
}
TypeCode = c.OneOf(c.Int8ub, [int(t) for t in ArgType])
CallArgument = c.Struct(
    "direction" / c.OneOf(c.Int8ub, [int(d) for d in Direction]),
    "type" / TypeCode,
    "value" / c.If(this.direction != int(Direction.OUT), c.Switch(this.type, VALUES)),
)
ReplyArgument = c.Struct(
    "direction" / c.OneOf(c.Int8ub, [int(Direction.OUT), int(Direction.INOUT)]),
    "type" / TypeCode,
    "value" / c.Switch(this.type, VALUES),
)
PAYLOADS = {
    HELLO: c.Struct(
        "min_version" / c.Int8ub, "max_version" / c.Int8ub, "client" / String, c.Terminated
    ),
    WELCOME: c.Struct(
        "version" / c.Int8ub,
        "max_frame" / c.Int32ub,
        "max_args" / c.Int16ub,
        "max_string" / c.Int32ub,
        "max_pending" / c.Int16ub,
        "server" / String,
        c.Terminated,
    ),
    CALL: c.Struct(
        "function" / String, "args" / c.PrefixedArray(c.Int16ub, CallArgument), c.Terminated
    ),
    REPLY: c.Struct("args" / c.PrefixedArray(c.Int16ub, ReplyArgument), c.Terminated),
    ERROR: c.Struct("code" / c.Int16ub, "message" / String, c.Terminated),
    PING: c.Struct(c.Terminated),
    PONG: c.Struct(c.Terminated),
}
Header = c.Struct(
    "magic" / c.Const(MAGIC),
    "type" / c.Int8ub,
    "flags" / c.Const(0, c.Int8ub),
    "call_id" / c.Int32ub,
    "length" / c.Int32ub,
)
Frame = c.Struct(
    "header" / Header,
    "payload" / c.FixedSized(this.header.length, c.Switch(this.header.type, PAYLOADS)),
)


@functools.cache
def compiled(kind: int) -> c.Construct:
    """The compiled payload definition, built at first use (it takes milliseconds)."""
    return PAYLOADS[kind].compile()


def explain(kind: int, payload: bytes) -> str:
    """Why `payload` is not a valid `kind` payload, naming the field and argument."""
    name = frame_name(kind)
    if kind in (CALL, REPLY):
        located = _explain_arguments(kind, payload)
        if located:
            return f"{name}: {located}"
    try:
        PAYLOADS[kind].parse(payload)
    except c.ConstructError as exc:
        return f"{name}: {_describe(exc, TEXT_FIELDS.get(kind, 'payload'))}"
    return f"{name}: payload rejected"


def _explain_arguments(kind: int, payload: bytes) -> str | None:
    """Walk the argument list one argument at a time to name the one that is broken."""
    stream = io.BytesIO(payload)
    try:
        if kind == CALL:
            String.parse_stream(stream)
        count = c.Int16ub.parse_stream(stream)
    except c.ConstructError:
        return None
    definition = CallArgument if kind == CALL else ReplyArgument
    for index in range(1, count + 1):
        offset = stream.tell()
        try:
            definition.parse_stream(stream)
        except c.ConstructError as exc:
            return f"argument {index} of {count} at payload offset {offset}: " + _describe(
                exc, "value"
            )
    trailing = len(payload) - stream.tell()
    if trailing:
        return f"{trailing} trailing bytes after argument {count} of {count}"
    return None


# construct's text decoding errors carry no path: the one text field of each payload
TEXT_FIELDS = {HELLO: "client", WELCOME: "server", CALL: "function", ERROR: "message"}


def _describe(exc: c.ConstructError, text_field: str) -> str:
    field = str(getattr(exc, "path", "") or "").replace("(parsing)", "").strip(" ->") or "payload"
    field = field.replace(" -> ", ".")
    if isinstance(exc, c.TerminatedError):
        return "trailing bytes after the last field"
    if isinstance(exc, c.StringError):
        return f"{text_field}: text is not valid UTF-8"
    if isinstance(exc, c.ValidationError):
        value = str(exc).rsplit(":", 1)[-1].strip()
        leaf = field.rsplit(".", 1)[-1]
        allowed = {
            "direction": "1 IN, 2 OUT, 3 INOUT (a reply carries only OUT and INOUT)",
            "type": "1-7",
            "value": "0 or 1 for a Boolean",
        }.get(leaf, "see BINP.md")
        return f"{field}: invalid value {value} (allowed: {allowed})"
    if isinstance(exc, c.StreamError):
        return f"{field}: truncated, the payload ends inside this field"
    return f"{field}: {str(exc).splitlines()[-1]}"
