"""Framing between mfcs32 and its SEPs: 4-byte big-endian length, then a JSON object.

Sans-IO: `encode` returns bytes, `FrameDecoder.feed` takes bytes and returns
the complete messages, so the Twisted side (mfcs32) and the blocking side
(cassi32) share it. JSON has no bytes or exact decimals, so argument values
are tagged: `{"$bytes": base64}` and `{"$decimal": "12.50"}`.

Messages: SEP -> mfcs `{"type": "hello", "pid": P, "index": N}`;
mfcs -> SEP `{"type": "call", "id": K, "service": S, "operation": O, "args": [...]}`;
SEP -> mfcs `{"type": "reply", "id": K, "ok": true, "result": V}` or
`{"type": "reply", "id": K, "ok": false, "error": "text"}`.
"""

from __future__ import annotations

import base64
import json
import struct
from decimal import Decimal
from typing import Any

MAX_FRAME = 16 * 1024 * 1024
_LENGTH = struct.Struct(">I")


class FrameError(ValueError):
    """The peer sent something that is not a frame; the connection must be closed."""


def to_wire(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, list | tuple):
        return [to_wire(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_wire(v) for k, v in value.items()}
    return value


def from_wire(value: Any) -> Any:
    if isinstance(value, list):
        return [from_wire(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"$bytes"}:
            return base64.b64decode(value["$bytes"])
        if set(value) == {"$decimal"}:
            return Decimal(value["$decimal"])
        return {k: from_wire(v) for k, v in value.items()}
    return value


def encode(message: dict[str, Any]) -> bytes:
    body = json.dumps(to_wire(message), separators=(",", ":")).encode()
    if len(body) > MAX_FRAME:
        raise FrameError(f"message of {len(body)} bytes exceeds the {MAX_FRAME}-byte limit")
    return _LENGTH.pack(len(body)) + body


class FrameDecoder:
    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        self._buffer += data
        messages = []
        while len(self._buffer) >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(self._buffer)
            if length > MAX_FRAME:
                raise FrameError(f"frame of {length} bytes exceeds the {MAX_FRAME}-byte limit")
            if len(self._buffer) < _LENGTH.size + length:
                break
            body = bytes(self._buffer[_LENGTH.size:_LENGTH.size + length])
            del self._buffer[:_LENGTH.size + length]
            try:
                message = json.loads(body)
            except ValueError as exc:
                raise FrameError(f"frame is not JSON: {exc}") from None
            if not isinstance(message, dict) or not isinstance(message.get("type"), str):
                raise FrameError("frame is not an object with a 'type'")
            messages.append(from_wire(message))
        return messages
