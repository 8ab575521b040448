"""Random sequences of API calls against a plain model: replies, live and saved state agree."""

from __future__ import annotations

import json

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from fakees.mfds.api import DirectoryApi
from fakees.mfds.repository import Directory, decode, encode

R = "/native/v1/regions/localhost/86"
NAMES = st.sampled_from(["ESDEMO", "ESSRV01", "ESDEMO", "ESSRV01", "bad name", "X" * 40])
ENDPOINTS = st.sampled_from(["tcp:10.0.0.1:9003", "*:*", "tcp:10.0.0.1:0", "nonsense"])
VALID_ENDPOINTS = {"tcp:10.0.0.1:9003": "tcp:10.0.0.1:9003", "*:*": "tcp:*:*"}
STATUSES = st.sampled_from(["Started", "Stopped", "Starting", "Not Responding", "Running"])


class ApiMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.saved: bytes = encode(Directory.initial())
        self.api = DirectoryApi(Directory.initial(), port=86, save=self.save,
                                journal=lambda _: None, info=dict, journal_lines=list,
                                shutdown=lambda: None)
        # model: name -> (status, endpoint, seps)
        self.model: dict[str, list] = {"ESDEMO": ["Stopped", "tcp:*:*", 2]}

    def save(self, directory: Directory) -> None:
        self.saved = encode(directory)

    def call(self, method: str, path: str, body: object = None):
        return self.api.handle(method, path, json.dumps(body).encode() if body else b"")

    @rule(name=NAMES, endpoint=ENDPOINTS, seps=st.integers(-1, 70))
    def add(self, name, endpoint, seps):
        reply = self.call("POST", R, {"name": name, "listener_endpoint": endpoint, "seps": seps})
        valid = " " not in name and len(name) <= 32 and endpoint in VALID_ENDPOINTS
        valid = valid and 1 <= seps <= 64
        if name in self.model and valid:
            assert reply.status == 409
        elif valid:
            assert reply.status == 201, reply.body
            self.model[name] = ["Stopped", VALID_ENDPOINTS[endpoint], seps]
        else:
            assert reply.status == 400, reply.body

    @rule(name=NAMES, endpoint=ENDPOINTS)
    def set_endpoint(self, name, endpoint):
        reply = self.call("PUT", f"{R}/{name}", {"listener_endpoint": endpoint})
        if name not in self.model:
            assert reply.status == 404
        elif endpoint in VALID_ENDPOINTS:
            assert reply.status == 200
            self.model[name][1] = VALID_ENDPOINTS[endpoint]
        else:
            assert reply.status == 400

    @rule(name=NAMES, status=STATUSES, pid=st.integers(1, 10))
    def report(self, name, status, pid):
        reply = self.call("PUT", f"{R}/{name}/status", {"status": status, "pid": pid})
        if name not in self.model:
            assert reply.status == 404
        elif status == "Running":
            assert reply.status == 400
        else:
            assert reply.status == 200
            self.model[name][0] = status

    @rule(name=NAMES)
    def delete(self, name):
        reply = self.call("DELETE", f"{R}/{name}")
        if name not in self.model:
            assert reply.status == 404
        elif self.model[name][0] != "Stopped":
            assert reply.status == 409
        else:
            assert reply.status == 200
            del self.model[name]

    @invariant()
    def live_saved_and_model_agree(self):
        live = self.api.directory
        assert decode(self.saved, "saved") == live
        seen = {name: [s.status, s.listeners()[0].endpoint, s.seps]
                for name, s in live.servers.items()}
        assert seen == self.model
        listing = self.call("GET", R)
        assert [s["name"] for s in listing.body] == list(self.model)


TestApiAgainstModel = ApiMachine.TestCase
TestApiAgainstModel.settings = settings(max_examples=100, stateful_step_count=40, deadline=None)
