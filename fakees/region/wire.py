"""Framing between mfcs32 and its SEPs: 4-byte big-endian length, a kind byte, the body.

Sans-IO: `encode_hello` and `encode_event` return bytes, `FrameDecoder.feed`
takes bytes and returns the complete messages, so the Twisted side (mfcs32)
and the blocking side (cassi32) share it. The length counts the kind byte and
the body.

- kind `H`, SEP -> mfcs, first: JSON `{"pid": P, "index": N}` (once per
  connection, so kept readable and open to new fields).
- kind `B`: one BINP frame (`fakees.binp.wire`), the codec the listener has
  already run, with its struct fast path; values keep their exact types
  (bytes and decimals included) and need no tagging.
  mfcs -> SEP: a Call whose call id is the pool's and whose function is
  "service.operation". SEP -> mfcs: a Reply carrying the OUT and INOUT values
  typed as the call declared, or an Error with UNKNOWN_SERVICE, BAD_ARGUMENTS
  or SERVICE_FAILED and the service's message.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass

from fakees.binp import wire as binp
from fakees.binp.events import BinpError, Call, Error, Reply

MAX_FRAME = 16 * 1024 * 1024
_HEAD = struct.Struct(">IB")  # length (kind byte + body), kind
HELLO, BINP = ord("H"), ord("B")


class FrameError(ValueError):
    """The peer sent something that is not a frame; the connection must be closed."""


@dataclass(frozen=True)
class SepHello:
    pid: int
    index: int


Message = SepHello | Call | Reply | Error


def _frame(kind: int, body: bytes) -> bytes:
    if len(body) >= MAX_FRAME:
        raise FrameError(f"message of {len(body) + 1} bytes exceeds the {MAX_FRAME}-byte limit")
    return _HEAD.pack(len(body) + 1, kind) + body


def encode_hello(pid: int, index: int) -> bytes:
    return _frame(HELLO, json.dumps({"pid": pid, "index": index}).encode())


def encode_event(event: Call | Reply | Error) -> bytes:
    """The frame of a call or an answer; LocalProtocolError if a value does not fit its type."""
    return _frame(BINP, binp.encode(event))


class FrameDecoder:
    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Message]:
        if not self._buffer and len(data) > _HEAD.size:  # the usual case: exactly one frame
            length, kind = _HEAD.unpack_from(data)
            if len(data) == 4 + length and length <= MAX_FRAME:
                return [_decode(kind, data[_HEAD.size :])]
        self._buffer += data
        messages = []
        while len(self._buffer) >= _HEAD.size:
            length, kind = _HEAD.unpack_from(self._buffer)
            if length > MAX_FRAME:
                raise FrameError(f"frame of {length} bytes exceeds the {MAX_FRAME}-byte limit")
            if length == 0:
                raise FrameError("frame of 0 bytes has no kind")
            if len(self._buffer) < 4 + length:
                break
            body = bytes(self._buffer[_HEAD.size : 4 + length])
            del self._buffer[: 4 + length]
            messages.append(_decode(kind, body))
        return messages


def _decode(kind: int, body: bytes) -> Message:
    if kind == BINP:
        try:
            event = binp.decode(body)
        except BinpError as exc:
            raise FrameError(f"bad BINP frame: {exc}") from None
        if not isinstance(event, (Call, Reply, Error)):  # a tuple: `|` builds a union each time
            raise FrameError(f"{type(event).__name__} is neither a call nor an answer")
        return event
    if kind == HELLO:
        try:
            hello = json.loads(body)
            return SepHello(int(hello["pid"]), int(hello["index"]))
        except (ValueError, TypeError, KeyError) as exc:
            raise FrameError(f"hello is not {{\"pid\": P, \"index\": N}}: {exc}") from None
    raise FrameError(f"unknown frame kind 0x{kind:02x}")
