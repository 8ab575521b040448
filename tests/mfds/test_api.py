"""The API core without sockets: routes, replies, and all-or-nothing changes."""

from __future__ import annotations

import json
import os

import pytest

from fakees.mfds.api import DirectoryApi
from fakees.mfds.repository import Directory


class Harness:
    def __init__(self) -> None:
        self.saved: list[dict] = []
        self.events: list[str] = []
        self.fail_saves = False
        self.stopped = False
        self.api = DirectoryApi(Directory.initial(), port=8686, save=self.save,
                                journal=self.events.append, info=lambda: {"pid": 1},
                                journal_lines=lambda: list(self.events), shutdown=self.stop)

    def save(self, directory: Directory) -> None:
        if self.fail_saves:
            raise OSError(28, "No space left on device")
        self.saved.append(directory.to_dict())

    def stop(self) -> None:
        self.stopped = True

    def call(self, method: str, path: str, body: object = None):
        raw = b"" if body is None else json.dumps(body).encode()
        return self.api.handle(method, path, raw)


R = "/native/v1/regions/localhost/8686"


@pytest.fixture
def h() -> Harness:
    return Harness()


def test_create_read_change_delete(h):
    assert h.call("POST", R, {"name": "ESSRV01", "listener_endpoint": "*:9003"}).status == 201
    got = h.call("GET", f"{R}/ESSRV01").body
    assert got["comms"][0]["listeners"][0]["endpoint"] == "tcp:*:9003"
    assert h.call("PUT", f"{R}/ESSRV01", {"seps": 5}).body["seps"] == 5
    assert h.call("DELETE", f"{R}/ESSRV01").status == 200
    assert [s["name"] for s in h.call("GET", R).body] == ["ESDEMO"]
    assert len(h.saved) == 3 and h.events[0] == "server ESSRV01 added"


def test_new_definitions_start_stopped_whatever_is_sent(h):
    reply = h.call("POST", R, {"name": "X", "status": "Started", "pid": 99,
                               "comms": [{"listeners": [{"status": "Started"}]}]})
    assert reply.status == 201
    assert (reply.body["status"], reply.body["pid"]) == ("Stopped", None)
    assert reply.body["comms"][0]["listeners"][0]["status"] == "Stopped"


@pytest.mark.parametrize(("method", "path", "body", "status", "error"), [
    ("GET", "/native/v1/regions/localhost/86", None, 404,
     "this MFDS listens on port 8686, not '86'"),
    ("GET", f"{R}/NOPE", None, 404, "unknown server 'NOPE'"),
    ("POST", R, {"name": "ESDEMO"}, 409, "server ESDEMO already exists"),
    ("POST", R, [1, 2], 400, "request body must be a JSON object"),
    ("PUT", f"{R}/ESDEMO/listeners/Nope/status", {"status": "Started"}, 404,
     "server ESDEMO has no listener 'Nope'"),
    ("PUT", f"{R}/ESDEMO/status", {"status": "Started", "pid": -4}, 400, "invalid pid -4"),
    ("PUT", f"{R}/ESDEMO", {"faults": {"listener": {"dleay": 1}}}, 400,
     "fault listener: unknown setting 'dleay' (expected delay, drop, reset_after, "
     "corrupt_reply, fail_next)"),
    ("PUT", f"{R}/ESDEMO", {"faults": {"listener": {"fail_next": "3"}}}, 400,
     "fault listener: fail_next must be a whole number >= 0, got '3'"),
    ("PUT", f"{R}/ESDEMO", {"faults": {"listener": {"delay": 10**400}}}, 400,
     f"fault listener: delay must be a number >= 0, got {10**400}"),  # past a float's range
    ("POST", R, {"name": "X", "faults": {"listener": True}}, 400,
     "fault listener must be an object of delay, drop, reset_after, corrupt_reply, "
     "fail_next, got True"),
    ("PATCH", R, None, 405, "PATCH on regions/ is not supported"),
    ("GET", "/index.html", None, 404, "no such resource /index.html"),
    ("POST", "/native/v1/mfds/shutdown", {"user": "SYSAD", "password": "x"}, 401,
     "shutdown refused: invalid user name or password"),
])
def test_refusals_are_precise_and_change_nothing(h, method, path, body, status, error):
    before = h.api.directory.to_dict()
    reply = h.call(method, path, body)
    assert (reply.status, reply.body) == (status, {"error": error})
    assert h.api.directory.to_dict() == before and h.saved == [] and not h.stopped


def test_listener_fault_is_an_object_of_listener_fault_settings(h):
    faults = {"orphans_linger": True, "listener": {"delay": 0.2, "fail_next": 3}}
    assert h.call("PUT", f"{R}/ESDEMO", {"faults": faults}).body["faults"] == faults
    assert h.call("GET", f"{R}/ESDEMO").body["faults"] == faults


def test_body_that_is_not_json(h):
    reply = h.api.handle("POST", R, b"{name: ESSRV01")
    assert reply.status == 400 and reply.body["error"].startswith("request body is not JSON")


def test_failed_write_leaves_the_live_state_untouched(h):
    h.fail_saves = True
    reply = h.call("POST", R, {"name": "ESSRV01"})
    assert reply.status == 500
    assert "No space left on device" in reply.body["error"]
    assert list(h.api.directory.servers) == ["ESDEMO"] and h.events == []


def test_import_is_all_or_nothing(h):
    reply = h.call("POST", "/native/v1/mfds/import",
                   {"servers": [{"name": "A"}, {"name": "ESDEMO"}]})
    assert reply.status == 409 and list(h.api.directory.servers) == ["ESDEMO"]
    reply = h.call("POST", "/native/v1/mfds/import", {"servers": [{"name": "A"}, {"name": "B"}]})
    assert reply.status == 201 and list(h.api.directory.servers) == ["ESDEMO", "A", "B"]


def test_liveness_steps_and_stale_reports(h):
    h.call("PUT", f"{R}/ESDEMO/status", {"status": "Started", "pid": 321})
    h.call("PUT", f"{R}/ESDEMO/listeners/Web Services and J2EE/status", {"status": "Started"})
    assert h.api.mark_dead("ESDEMO", 999) is None  # not the reported pid: ignored
    assert h.api.mark_dead("ESDEMO", 321) == "Not Responding"
    assert h.api.mark_dead("ESDEMO", 321) == "Stopped"
    server = h.api.directory.servers["ESDEMO"]
    assert server.pid is None and server.listeners()[0].status == "Stopped"
    assert h.api.mark_dead("ESDEMO", 321) is None
    assert h.events[-1] == "server ESDEMO: process 321 is gone; status Stopped, listeners Stopped"


def test_shutdown_with_default_credentials(h):
    reply = h.call("POST", "/native/v1/mfds/shutdown", {"user": "SYSAD", "password": "SYSAD"})
    assert reply.status == 200 and h.stopped


def test_listener_reason_is_kept_on_one_bounded_line(h):
    reason = "bind failed:\n[Errno 99] Cannot assign requested address " + "x" * 400
    reply = h.call("PUT", f"{R}/ESDEMO/listeners/Web Services and J2EE/status",
                   {"status": "Invalid", "reason": reason})
    assert reply.status == 200
    stored = reply.body["comms"][0]["listeners"][0]["reason"]
    assert stored.startswith("bind failed: [Errno 99] Cannot assign") and len(stored) == 256


def test_liveness_takes_a_recycled_pid_for_a_dead_region(h):
    from fakees.mfds.daemon import Liveness

    me = os.getpid()
    h.call("PUT", f"{R}/ESDEMO/status", {"status": "Started", "pid": me})
    liveness = Liveness(h.api)
    liveness.check()
    assert h.api.directory.servers["ESDEMO"].status == "Started"  # alive, start time recorded
    liveness.seen[("ESDEMO", me)] += 1  # as if pid `me` now belonged to a newer process
    liveness.check()
    assert h.api.directory.servers["ESDEMO"].status == "Not Responding"
    liveness.check()
    assert h.api.directory.servers["ESDEMO"].status == "Stopped"
