"""The repository model, its validation and its storage (no processes)."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakees.mfds.repository import (
    CommsProcess,
    Directory,
    InvalidDefinition,
    Listener,
    Repository,
    RepositoryCorrupt,
    RepositoryLocked,
    Server,
    decode,
    encode,
    parse_endpoint,
)

names = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,10}", fullmatch=True)
text = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_categories=["Cs"]),
               max_size=40).filter(lambda s: "\x7f" not in s)
endpoints = st.builds(
    lambda a, p: f"tcp:{a}:{p}",
    st.sampled_from(["*", "10.0.0.1", "127.0.0.1", "node-a.example", "[::1]"]),
    st.one_of(st.just("*"), st.integers(1, 65535).map(str)),
)
listeners = st.builds(Listener, name=st.sampled_from(["Web Services and J2EE", "ESMQ", "Admin"]),
                      endpoint=endpoints,
                      status=st.sampled_from(["Started", "Stopped", "Invalid"]), reason=text)
servers = st.builds(
    Server,
    name=names,
    description=text,
    status=st.sampled_from(["Started", "Stopped", "Not Responding"]),
    seps=st.integers(1, 64),
    env=st.dictionaries(st.from_regex(r"[A-Z_][A-Z0-9_]{0,8}", fullmatch=True), text, max_size=3),
    faults=st.dictionaries(names.filter(lambda n: n != "listener"),
                           st.one_of(st.booleans(), st.integers(), text), max_size=2)
    | st.builds(lambda d: {"listener": d}, st.fixed_dictionaries(
        {}, optional={"delay": st.floats(0, 5), "fail_next": st.integers(0, 9),
                      "reset_after": st.none() | st.integers(0, 999)})),
    pid=st.one_of(st.none(), st.integers(1, 2**22)),
    comms=st.lists(listeners, min_size=1, max_size=3, unique_by=lambda lst: lst.name).map(
        lambda ls: [CommsProcess(listeners=ls)]),
    services=st.lists(st.builds(lambda n, p: {"name": n, "program": p}, names, text),
                      max_size=3, unique_by=lambda s: s["name"]),
)
directories = st.lists(servers, max_size=5, unique_by=lambda s: s.name).map(
    lambda ss: Directory({s.name: s for s in ss}))


@given(directories)
@settings(max_examples=150, deadline=None)
def test_encode_decode_round_trip(directory):
    assert decode(encode(directory), "mem") == directory


@given(directories)
@settings(max_examples=50, deadline=None)
def test_api_dicts_round_trip(directory):
    assert Directory.from_dict(json.loads(json.dumps(directory.to_dict()))) == directory


@given(directories, st.data())
@settings(max_examples=100, deadline=None)
def test_any_truncation_is_detected(directory, data):
    raw = encode(directory)
    cut = data.draw(st.integers(0, len(raw) - 2))
    with pytest.raises(RepositoryCorrupt):
        decode(raw[:cut], "repo")


@pytest.mark.parametrize(("given_", "expected"), [
    ("tcp:10.0.0.1:9003", "tcp:10.0.0.1:9003"),
    ("10.0.0.1:9003", "tcp:10.0.0.1:9003"),
    ("*:*", "tcp:*:*"),
    ("tcp:*:09003", "tcp:*:9003"),
    ("tcp:[::1]:86", "tcp:[::1]:86"),
    ("tcp:host1:*", "tcp:host1:*"),
])
def test_endpoints_are_normalised(given_, expected):
    assert parse_endpoint(given_) == expected


@pytest.mark.parametrize(("bad", "why"), [
    ("tcp:10.0.0.1:0", "port '0' must be * or 1-65535"),
    ("tcp:10.0.0.1:65536", "port '65536' must be * or 1-65535"),
    ("tcp:10.0.0.1", "expected tcp:ADDRESS:PORT"),
    ("udp:10.0.0.1:9003", "expected tcp:ADDRESS:PORT"),
    ("tcp:10.0.0.300:9003", "'10.0.0.300' is neither an IP address"),
    ("tcp:bad_host!:9003", "'bad_host!' is neither"),
    ("tcp:10.0.0.1:abc", "port 'abc' must be"),
    ("", "expected tcp:ADDRESS:PORT"),
])
def test_malformed_endpoints_are_explained(bad, why):
    with pytest.raises(InvalidDefinition, match="malformed endpoint") as info:
        parse_endpoint(bad)
    assert why in str(info.value)


@pytest.mark.parametrize(("data", "why"), [
    ({"name": "1BAD"}, "invalid server name '1BAD'"),
    ({"name": "A" * 33}, "invalid server name"),
    ({"name": "OK", "seps": 0}, "invalid SEP count 0"),
    ({"name": "OK", "seps": True}, "invalid SEP count True"),
    ({"name": "OK", "description": "two\nlines"}, "contains a control character"),
    ({"name": "OK", "env": {"1X": "v"}}, "invalid environment variable name '1X'"),
    ({"name": "OK", "status": "Running"}, "invalid server status 'Running'"),
    ({"name": "OK", "colour": "red"}, "unknown server field(s): colour"),
    ({"description": "x"}, "server definition has no name"),
])
def test_bad_definitions_are_explained(data, why):
    with pytest.raises(InvalidDefinition) as info:
        Server.from_dict(data)
    assert why in str(info.value)


def test_first_load_is_esdemo_and_save_leaves_no_temporary(tmp_path):
    repository = Repository(tmp_path)
    directory = repository.load()
    assert list(directory.servers) == ["ESDEMO"]
    assert directory.servers["ESDEMO"].listener("Web Services and J2EE").endpoint == "tcp:*:*"
    repository.save(directory)
    assert sorted(os.listdir(tmp_path)) == ["repository.json"]
    assert repository.load() == directory


def test_tampered_repository_is_refused_with_a_precise_message(tmp_path):
    repository = Repository(tmp_path)
    repository.save(Directory.initial())
    raw = repository.path.read_text()
    repository.path.write_text(raw.replace('"seps": 2', '"seps": 9'))
    with pytest.raises(RepositoryCorrupt, match=r"checksum mismatch .*modified outside mfds"):
        repository.load()
    repository.path.write_text(raw[: len(raw) // 2])
    with pytest.raises(RepositoryCorrupt, match=r"not a valid repository .*truncated or"):
        repository.load()
    repository.path.write_text("")
    with pytest.raises(RepositoryCorrupt, match=r"\(0 bytes\)"):
        repository.load()


def test_lock_is_single_writer_and_names_the_holder(tmp_path):
    first, second = Repository(tmp_path), Repository(tmp_path)
    first.lock()
    assert second.is_locked()
    with pytest.raises(RepositoryLocked, match=f"in use by mfds32 pid {os.getpid()}"):
        second.lock()
    first.unlock()
    assert not second.is_locked()
    second.lock()
    second.unlock()


def test_names_accept_product_style_identifiers():
    for name in ("ESDEMO", "ESSRV01", "esdemo", "A", "REGION_2"):
        assert Server.from_dict({"name": name}).name == name
