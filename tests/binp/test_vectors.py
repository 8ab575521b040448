"""The golden vectors in protocol/vectors against the codec: the spec and the code agree."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fakees.binp import wire
from fakees.binp.connection import CLIENT, NEED_DATA, SERVER, Connection, State
from fakees.binp.events import (
    ArgType,
    Argument,
    BinpError,
    Call,
    Direction,
    ErrorCode,
    Event,
    Hello,
    Welcome,
)
from fakees.binp.jsonform import event_from_json, event_to_json

VECTORS = Path(__file__).resolve().parents[2] / "protocol" / "vectors"
INDEX = json.loads((VECTORS / "index.json").read_text())


def read_hex(name: str) -> bytes:
    text = (VECTORS / name).read_text()
    return bytes.fromhex(" ".join(re.sub(r"#.*", "", line) for line in text.splitlines()))


def receiver(sender: str, ready: bool) -> Connection:
    """A Connection at the receiving end of `sender`'s frames, in the state the vector needs."""
    client, server = Connection(CLIENT), Connection(SERVER)
    if ready:
        server.receive_data(client.send(Hello()))
        server.next_event()
        client.receive_data(server.send(Welcome(1, 1 << 20, 256, 1 << 18, 32, "test")))
        client.next_event()
        if sender == "server":  # a call is pending so that an answer is expected
            pending = Call(6, "echo.x", (Argument(Direction.OUT, ArgType.LONG),))
            server.receive_data(client.send(pending))
            server.next_event()
    return server if sender == "client" else client


@pytest.mark.parametrize("vector", INDEX["valid"], ids=lambda v: v["name"])
def test_valid_vector_decodes_to_its_meaning_and_encodes_back(vector: dict) -> None:
    data = read_hex(vector["file"])
    event = wire.decode(data)
    assert event_to_json(event) == vector["event"]
    assert wire.encode(event_from_json(vector["event"])) == data


@pytest.mark.parametrize("vector", INDEX["malformed"], ids=lambda v: v["name"])
def test_malformed_vector_is_rejected_with_its_precise_error(vector: dict) -> None:
    conn = receiver(vector["sender"], vector["receiver_state"] == "READY")
    assert conn.state is State[vector["receiver_state"]]
    conn.receive_data(read_hex(vector["file"]))
    with pytest.raises(BinpError) as caught:
        conn.next_event()
    assert caught.value.code == vector["error"]["code"]
    assert caught.value.message == vector["error"]["message"]


def test_every_vector_file_is_indexed_and_exists() -> None:
    listed = {v["file"] for v in INDEX["valid"] + INDEX["malformed"]}
    assert listed == {p.name for p in VECTORS.glob("*.hex")}


@pytest.mark.parametrize("sequence", INDEX["sequences"], ids=lambda s: s["name"])
def test_sequence_runs_through_both_state_machines(sequence: dict) -> None:
    client, server = Connection(CLIENT), Connection(SERVER)
    for request_file, answer_file in sequence["exchange"]:
        request, answer = read_hex(request_file), read_hex(answer_file)
        assert client.send(wire.decode(request)) == request
        server.receive_data(request)
        assert wire.encode(server.next_event()) == request
        assert server.next_event() is NEED_DATA
        assert server.send(wire.decode(answer)) == answer
        client.receive_data(answer)
        assert wire.encode(client.next_event()) == answer
    assert client.state is server.state is State.READY
    assert client.pending == server.pending == 0


def outcome(function, *args):
    """A codec function's result, or the kind, code and text of what it raised."""
    try:
        return function(*args)
    except BinpError as exc:
        return type(exc), exc.code, exc.message, exc.call_id


@pytest.mark.parametrize("vector", INDEX["valid"] + INDEX["malformed"], ids=lambda v: v["name"])
def test_reference_codec_agrees_with_the_fast_path_on_every_vector(vector: dict) -> None:
    """The construct definitions alone (wire.decode_reference / encode_reference) give the
    same events, bytes and errors as the codec the listener runs, on every golden vector."""
    data = read_hex(vector["file"])
    try:
        kind, call_id, length = wire.parse_header(data[: wire.HEADER_SIZE])
    except BinpError as exc:  # bad magic, flags, type: decided before any payload
        assert "event" not in vector and exc.code == vector["error"]["code"]
        return
    payload = data[wire.HEADER_SIZE :]
    if length != len(payload):  # FRAME_TOO_LARGE: the header alone is judged
        assert vector["error"]["name"] == "FRAME_TOO_LARGE"
        return
    reference = outcome(wire.decode_reference, kind, call_id, payload)
    assert reference == outcome(wire.decode_payload, kind, call_id, payload)
    if "event" in vector:
        assert event_to_json(reference) == vector["event"]
        assert wire.encode_reference(reference) == data == wire.encode(reference)
        assert wire.encode_reference(event_from_json(vector["event"])) == data
    elif vector["error"]["code"] == ErrorCode.MALFORMED_FRAME:  # the payload is what is wrong
        assert reference[1:3] == (vector["error"]["code"], vector["error"]["message"])
    else:  # well-formed, refused for its place in the conversation: both decode it alike
        assert isinstance(reference, Event)
        assert wire.encode_reference(reference) == data == wire.encode(reference)
