"""Property tests of the codec and state machine with fakees.binp.strategies."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakees.binp import definitions, wire
from fakees.binp import strategies as bs
from fakees.binp.connection import (
    CLIENT,
    NEED_DATA,
    SERVER,
    Connection,
    Limits,
    State,
    call_ids,
)
from fakees.binp.events import (
    ArgType,
    Argument,
    BinpError,
    Call,
    ConnectionClosed,
    Direction,
    Error,
    ErrorCode,
    Hello,
    LocalProtocolError,
    Ping,
    Pong,
    RemoteProtocolError,
    Reply,
    Welcome,
)


@given(st.one_of(bs.client_events(), bs.server_events()))
def test_every_event_round_trips(event) -> None:
    data = wire.encode(event)
    assert wire.decode(data) == event
    assert wire.encode(wire.decode(data)) == data


@given(bs.frames())
def test_struct_header_reads_what_the_construct_header_declares(frame: bytes) -> None:
    header = definitions.Header.parse(frame[: wire.HEADER_SIZE])
    assert wire.parse_header(frame[: wire.HEADER_SIZE]) == (
        header.type,
        header.call_id,
        header.length,
    )
    assert definitions.Header.build(header) == frame[: wire.HEADER_SIZE]


@given(bs.malformed_frames())
def test_every_malformed_frame_is_rejected_as_malformed(frame: bytes) -> None:
    with pytest.raises(RemoteProtocolError) as caught:
        wire.decode(frame)
    assert caught.value.code == ErrorCode.MALFORMED_FRAME
    assert caught.value.message


@given(bs.malformed_server_frames())
def test_every_malformed_server_frame_is_rejected_as_malformed(frame: bytes) -> None:
    with pytest.raises(RemoteProtocolError) as caught:
        wire.decode(frame)
    assert caught.value.code == ErrorCode.MALFORMED_FRAME


@pytest.mark.parametrize("defect", bs.DEFECTS)
@settings(max_examples=40)
@given(frame=bs.frames(), rng=st.randoms(use_true_random=False))
def test_each_defect_makes_any_frame_malformed(defect: str, frame: bytes, rng) -> None:
    """Every cause BINP.md section 5 lists, applied to any valid frame of either side."""
    bad = bs.malform(frame, bs.RandomPicker(rng), defect)
    with pytest.raises(RemoteProtocolError) as caught:
        wire.decode(bad)
    assert caught.value.code == ErrorCode.MALFORMED_FRAME


@given(bs.mutated_frames())
def test_mutated_frames_decode_or_fail_with_a_binp_error(frame: bytes) -> None:
    conn = Connection(SERVER, Limits(max_frame=1 << 16))
    conn.receive_data(frame)
    conn.receive_data(b"")
    try:
        while not isinstance(conn.next_event(), ConnectionClosed):
            pass
    except BinpError as exc:  # anything else escaping is a codec bug
        assert exc.code in set(ErrorCode)


def outcome(function, *args):
    """What a codec function gives: its result, or the kind and text of what it raised."""
    try:
        return function(*args)
    except Exception as exc:
        return type(exc), getattr(exc, "code", None), str(exc)


# Any value under any direction and type: the fast encoder must decline what it cannot
# carry exactly as the construct encoder refuses it.
any_arguments = st.builds(
    Argument,
    st.sampled_from(list(Direction)),
    st.sampled_from(list(ArgType)),
    st.one_of(st.none(), st.text(), st.integers(), st.booleans(), st.binary(), bs.decimals()),
)
any_calls = st.builds(
    Call, bs.call_ids, bs.functions(), st.lists(any_arguments, max_size=4).map(tuple)
)


@settings(max_examples=500)
@given(
    st.one_of(
        bs.client_events(),
        bs.server_events(),
        any_calls,
        st.builds(Reply, bs.call_ids, st.lists(any_arguments, max_size=4).map(tuple)),
    )
)
def test_fast_encoder_gives_the_construct_bytes_or_error(event) -> None:
    assert outcome(wire.encode, event) == outcome(wire.encode_reference, event)


@given(st.one_of(bs.client_events(), bs.server_events()).filter(
    lambda event: isinstance(event, Call | Reply)))
def test_relayed_arguments_encode_as_the_reference_does(event: Call | Reply) -> None:
    """mfcs32 sends a decoded argument tuple on as it is (to a SEP, or back to the client);
    the codec then reuses the bytes it decoded, which must be what construct would build,
    in a frame of the same kind and (an OUT argument carries no value in a CALL) the other."""
    decoded = wire.decode(wire.encode(event))
    for relayed in (Call(9, "other.op", decoded.args), Reply(9, decoded.args)):
        assert outcome(wire.encode, relayed) == outcome(wire.encode_reference, relayed)


def argument_soup(kind: int, args: list[tuple[int, int, bytes]]) -> bytes:
    """A CALL or REPLY frame whose arguments are a direction and type code near the valid
    ones, each followed by arbitrary value bytes."""
    head = struct.pack(">I", 3) + b"a.b" if kind == wire.CALL else b""
    body = b"".join(bytes((d, t)) + value for d, t, value in args)
    payload = head + struct.pack(">H", len(args)) + body
    return wire.HEADER_STRUCT.pack(wire.MAGIC, kind, 0, 7, len(payload)) + payload


soup_values = st.one_of(
    st.binary(max_size=9),
    st.integers(0, 3).map(lambda flag: bytes([flag])),  # Booleans and just beyond
    st.builds(  # length-prefixed values whose prefix may be one off
        lambda body, slack: struct.pack(">I", max(len(body) + slack, 0)) + body,
        st.binary(max_size=6),
        st.integers(0, 1) | st.just(-1),
    ),
)
soup_arguments = st.tuples(st.integers(0, 4), st.integers(0, 8), soup_values)


@given(
    st.one_of(
        bs.frames(),
        bs.malformed_frames(),
        bs.mutated_frames(),
        bs.mutated_frames(bs.server_frames()),
    )
)
def test_fast_decoder_gives_the_construct_event_or_error(frame: bytes) -> None:
    same_decoding(frame)


@settings(max_examples=1000)  # near misses are rare among arbitrary bytes: look hard
@given(st.sampled_from([wire.CALL, wire.REPLY]), st.lists(soup_arguments, max_size=3))
def test_fast_decoder_matches_construct_on_argument_soup(kind: int, args: list) -> None:
    same_decoding(argument_soup(kind, args))


def same_decoding(frame: bytes) -> None:
    kind, call_id = frame[2] if len(frame) > 2 else 0, 7
    payload = frame[wire.HEADER_SIZE :]
    fast = outcome(wire.decode_payload, kind, call_id, payload)
    assert fast == outcome(wire.decode_reference, kind, call_id, payload)


@settings(max_examples=50)
@given(st.lists(bs.calls(), min_size=1, max_size=6), st.data())
def test_any_chunking_of_the_stream_gives_the_same_events(calls, data) -> None:
    client = Connection(CLIENT, Limits(max_pending=10))
    welcome = Welcome(1, 1 << 20, 8, 100, 10, "s")
    stream = client.send(Hello())
    client.receive_data(wire.encode(welcome))
    client.next_event()
    stream += b"".join(client.send(c) for c in calls)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    server = Connection(SERVER, Limits(max_pending=10))
    events = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        if start == end:
            continue  # b"" would mean end of file
        server.receive_data(stream[start:end])
        while (event := server.next_event()) is not NEED_DATA:
            events.append(event)
            if isinstance(event, Hello):
                server.send(welcome)
    assert events == [Hello(), *calls]
    assert server.pending == len(calls)


def ready_pair() -> tuple[Connection, Connection]:
    client, server = Connection(CLIENT), Connection(SERVER)
    server.receive_data(client.send(Hello()))
    server.next_event()
    client.receive_data(server.send(Welcome(1, 1 << 20, 8, 100, 4, "s")))
    client.next_event()
    return client, server


def test_client_rejects_a_reply_that_does_not_match_its_call() -> None:
    client, server = ready_pair()
    server.receive_data(client.send(Call(1, "a.b", (Argument(Direction.OUT, ArgType.LONG),))))
    server.next_event()
    client.receive_data(wire.encode(Reply(1, (Argument(Direction.OUT, ArgType.SHORT, 1),))))
    with pytest.raises(RemoteProtocolError, match=r"carries arguments \(OUT SHORT\), the call"):
        client.next_event()


def test_answers_must_follow_call_order() -> None:
    client, server = ready_pair()
    for call_id in (1, 2):
        server.receive_data(client.send(Call(call_id, "a.b")))
        server.next_event()
    with pytest.raises(LocalProtocolError, match="call id 2, the oldest pending call is 1"):
        server.send(Reply(2))
    client.receive_data(wire.encode(Pong(1)))
    with pytest.raises(RemoteProtocolError, match="Pong answers a Call"):
        client.next_event()


def test_roles_cannot_send_each_others_frames() -> None:
    client, server = ready_pair()
    with pytest.raises(LocalProtocolError, match="Reply from the client is not allowed"):
        client.send(Reply(1))
    with pytest.raises(LocalProtocolError, match="Call from the server is not allowed"):
        server.send(Call(1, "a.b"))


def test_fatal_error_closes_and_later_bytes_are_refused() -> None:
    client, server = ready_pair()
    client.receive_data(server.send(Error(0, ErrorCode.IDLE_TIMEOUT, "idle")))
    assert client.next_event() == Error(0, ErrorCode.IDLE_TIMEOUT, "idle")
    assert client.state is server.state is State.CLOSED
    assert client.next_event() is NEED_DATA
    client.receive_data(wire.encode(Pong(1)))
    with pytest.raises(RemoteProtocolError, match="bytes after the connection ended"):
        client.next_event()


def test_end_of_file_inside_a_frame_is_reported() -> None:
    _, server = ready_pair()
    server.receive_data(wire.encode(Ping(1))[:7])
    server.receive_data(b"")
    assert server.next_event() == ConnectionClosed("closed by peer inside a frame (7 bytes)")


def test_values_that_do_not_fit_their_type_are_refused_before_sending() -> None:
    client, _ = ready_pair()
    for arg, message in [
        (Argument(Direction.IN, ArgType.SHORT, 40000), "SHORT needs an int in -32768..32767"),
        (Argument(Direction.IN, ArgType.BOOLEAN, 1), "BOOLEAN needs a bool"),
        (Argument(Direction.IN, ArgType.STRING, b"x"), "STRING needs a str"),
    ]:
        with pytest.raises(LocalProtocolError, match=message):
            client.send(Call(1, "a.b", (arg,)))
    assert client.pending == 0


def test_the_documented_transition_table_is_the_one_in_force() -> None:
    """Every transition in TRANSITIONS is a row of the table in connection.py's docstring
    and of the state table in protocol/BINP.md section 4."""
    from pathlib import Path

    from fakees.binp import connection

    doc_rows = [line.split() for line in (connection.__doc__ or "").splitlines()]
    spec = (Path(__file__).resolve().parents[2] / "protocol" / "BINP.md").read_text()
    spec_rows = [line for line in spec.splitlines() if line.startswith("| ") and "|" in line[2:]]
    frame_names = {"Call": "CALL", "Ping": "PING", "Reply": "REPLY", "Pong": "PONG",
                   "Error": "ERROR", "Hello": "HELLO", "Welcome": "WELCOME"}  # fmt: skip
    for (state, sender, kind), after in connection.TRANSITIONS.items():
        name = kind.__name__
        assert any(
            row[:2] == [state.value, sender.value]
            and any(name in cell for cell in row[2:-1])
            and after.value in row[2:]
            for row in doc_rows
            if len(row) >= 4
        ), f"{state.value} {sender.value} {name} -> {after.value} missing from the docstring"
        assert any(
            f"| {state.value} | {sender.value} |" in row
            and frame_names[name] in row
            and f"| {after.value}" in row
            for row in spec_rows
        ), f"{state.value} {sender.value} {name} -> {after.value} missing from BINP.md"


PLAIN_THEN_ERROR = """
import sys
from fakees.binp import wire
from fakees.binp.events import ArgType, Argument, Call, Direction, Error, Reply
import fakees.region.cassi
args = (Argument(Direction.IN, ArgType.STRING, "x"), Argument(Direction.OUT, ArgType.LONG))
wire.decode(wire.encode(Call(1, "srv01.CBLAPP01", args)))
wire.decode(wire.encode(Reply(1, (Argument(Direction.OUT, ArgType.LONG, 7),))))
print("construct" in sys.modules)
wire.encode(Error(2, 105, "boom"))
print("construct" in sys.modules)
"""


def test_plain_calls_never_load_construct() -> None:
    """A SEP meets only plain CALL and REPLY frames: they must not pull construct in
    (about 6 MB per process); the first frame the fast path declines does."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", PLAIN_THEN_ERROR], capture_output=True,
                          text=True, check=True)  # fmt: skip
    assert done.stdout.split() == ["False", "True"]


def test_client_call_ids_wrap_from_the_largest_u32_to_one() -> None:
    ids = call_ids()
    assert [next(ids) for _ in range(3)] == [1, 2, 3]
    top = call_ids((1 << 32) - 2)
    assert [next(top) for _ in range(4)] == [(1 << 32) - 2, (1 << 32) - 1, 1, 2]


def _frame(kind: int, payload: bytes) -> bytes:
    return wire.HEADER_STRUCT.pack(wire.MAGIC, kind, 0, 7, len(payload)) + payload


# A last field whose length prefix says more bytes than the payload has left (BINP.md 1:
# "a field that runs past the end" is an error). construct 2.10's *compiled* parsers read
# such a field short without a word; definitions.py makes them check.
SHORT_LAST_FIELDS = {
    "hello client": _frame(wire.HELLO, b"\x01\x01" + struct.pack(">I", 9) + b"clp"),
    "error message": _frame(wire.ERROR, b"\x00\x01" + struct.pack(">I", 4) + b"ab"),
    "welcome server": _frame(
        wire.WELCOME, struct.pack(">BIHIH", 1, 4096, 8, 99, 4) + struct.pack(">I", 2) + b"s"
    ),
    "call function": _frame(wire.CALL, struct.pack(">I", 10) + b"echo.x"),
    "call string": _frame(
        wire.CALL, struct.pack(">I", 6) + b"echo.x\x00\x01\x01\x01" + struct.pack(">I", 5) + b"ab"
    ),
    "call bytes": _frame(
        wire.CALL, struct.pack(">I", 6) + b"echo.x\x00\x01\x03\x07" + struct.pack(">I", 3) + b"a"
    ),
    "call bigdecimal": _frame(
        wire.CALL, struct.pack(">I", 6) + b"echo.x\x00\x01\x01\x06" + b"\0\0\0\2\0\0\0\x095"
    ),
    "reply string": _frame(wire.REPLY, b"\x00\x01\x02\x01" + struct.pack(">I", 4) + b"abc"),
}


@pytest.mark.parametrize("frame", SHORT_LAST_FIELDS.values(), ids=SHORT_LAST_FIELDS)
def test_a_last_field_running_past_the_payload_is_malformed(frame: bytes) -> None:
    for decode in (wire.decode, lambda f: wire.decode_reference(f[2], 7, f[wire.HEADER_SIZE :])):
        with pytest.raises(RemoteProtocolError) as caught:
            decode(frame)
        assert caught.value.code == ErrorCode.MALFORMED_FRAME
        assert "truncated, the payload ends inside this field" in caught.value.message


@settings(max_examples=300)
@given(
    st.integers(-(2**256), 2**256),
    st.one_of(st.integers(-(2**31), 2**31 - 1), st.sampled_from([-(2**31), 2**31 - 1])),
)
def test_any_bigdecimal_on_the_wire_decodes_exactly(unscaled: int, scale: int) -> None:
    """Any unscaled value and any i32 scale (BINP.md 2.1): decoded to exactly that number,
    not rounded to the decimal context's 28 digits nor refused for an exponent past Emax."""
    value = wire.unscaled_bytes(unscaled)
    payload = (struct.pack(">I", 6) + b"echo.x" + struct.pack(">HBB", 1, Direction.IN,
               ArgType.BIGDECIMAL) + struct.pack(">iI", scale, len(value)) + value)  # fmt: skip
    frame = _frame(wire.CALL, payload)
    [arg] = wire.decode(frame).args
    sign, digits, exponent = arg.value.as_tuple()
    assert (exponent, int("".join(map(str, digits))) * (-1 if sign else 1)) == (-scale, unscaled)
    assert wire.encode(wire.decode(frame)) == frame
