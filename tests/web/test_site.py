"""The administration site on a real mfds32: pages, forms, CSRF, hostile input, region control."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import free_port
from tests.mfds.harness import client, run
from tests.region.conftest import wait_for
from tests.web.conftest import Http, regions_path


def test_pages_and_operational_endpoints(web: Http) -> None:
    page = web.get("/")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert "ESDEMO" in page.text and 'data-status-of="ESDEMO">Stopped<' in page.text
    assert "mfds_session=" in web.cookie and web.token
    detail = web.get("/server/ESDEMO")
    assert "Communications Process 1" in detail.text and "Web Services and J2EE" in detail.text
    assert "Deployed packages and services" in detail.text
    monitor = web.get("/server/ESDEMO/monitor")
    assert monitor.status == 200 and "has no console.log yet" in monitor.text
    assert web.get("/journal").status == 200
    assert web.get("/static/admin.css").body.startswith(b"/*")
    assert web.get("/api/openapi.json").json()["openapi"].startswith("3.1")
    assert web.get("/health").json()["status"] == "ok"
    assert web.get("/ready").json()["ready"] is True
    metrics = web.get("/metrics").text
    assert 'mfds_regions{status="Stopped"} 1' in metrics
    assert web.get("/nothing/here").status == 404


def test_add_edit_delete_through_forms(web: Http, es_env) -> None:
    web.get("/")
    reply = web.form("/server", {"name": "ESSRV01", "description": "web <b>test</b>",
                                 "seps": "3", "endpoint": "tcp:127.0.0.1:9003"})
    assert reply.status == 303 and reply.headers["location"] == "/server/ESSRV01"
    page = web.get("/server/ESSRV01")
    assert "Server ESSRV01 added." in page.text
    assert "web &lt;b&gt;test&lt;/b&gt;" in page.text and "<b>test</b>" not in page.text
    listing = web.get("/").text
    assert "<td>web &lt;b&gt;test&lt;/b&gt;</td>" in listing and "<b>test</b>" not in listing
    mfds = client(es_env)
    assert mfds.get_server("ESSRV01")["seps"] == 3
    reply = web.form("/server/ESSRV01/listener", {"comms": "Communications Process 1",
                                                  "listener": "Web Services and J2EE",
                                                  "endpoint": "tcp:127.0.0.2:9100"})
    assert reply.status == 303
    listener = mfds.get_server("ESSRV01")["comms"][0]["listeners"][0]
    assert listener["endpoint"] == "tcp:127.0.0.2:9100"
    assert "mfRequestedEndpoint: tcp:127.0.0.2:9100" in run(
        es_env, "mdump", "127.0.0.1", "ESSRV01").stdout
    assert web.form("/server/ESSRV01/edit", {"description": "edited", "seps": "4"}).status == 303
    assert mfds.get_server("ESSRV01")["description"] == "edited"
    assert web.form("/server/ESSRV01/delete", {}).status == 303
    assert "ESSRV01" not in [s["name"] for s in mfds.list_servers()]


def test_bad_forms_get_precise_errors_and_change_nothing(web: Http, es_env) -> None:
    mfds = client(es_env)
    before = mfds.list_servers()
    web.get("/")
    cases = [
        ({"name": "9BAD"}, 400, "invalid server name"),
        ({"name": "ESDEMO"}, 409, "already exists"),
        ({"name": "OK1", "description": "x" * 300}, 400, "the limit is 256"),
        ({"name": "OK2", "endpoint": "tcp:10.0.0.1:99999"}, 400, "port '99999' must be"),
        ({"name": "OK3", "endpoint": "tcp:../../etc:1"}, 400, "malformed endpoint"),
        ({"name": "OK4", "seps": "lots"}, 400, "SEPs must be a whole number"),
        ({"name": "OK5", "description": "line\nbreak"}, 400, "control character"),
    ]
    for fields, status, message in cases:
        reply = web.form("/server", fields)
        assert (reply.status, message in reply.text) == (status, True), (fields, reply.text)
        assert 'value="' + fields["name"] + '"' in reply.text  # the form keeps what was typed
    reply = web.form("/server/ESDEMO/listener", {"comms": "Communications Process 1",
                                                 "listener": "Web Services and J2EE",
                                                 "endpoint": "tcp:nowhere..:1"})
    assert reply.status == 400 and "malformed endpoint" in reply.text
    reply = web.form("/server/ESDEMO/listener", {"comms": "Communications Process 1",
                                                 "listener": "Nope", "endpoint": "tcp:*:1"})
    assert reply.status == 404 and "has no listener 'Nope'" in reply.text
    assert web.form("/server/NOSUCH/delete", {}).status == 404
    assert web.form("/server/ESDEMO/stop", {}).status == 409  # it is Stopped already
    assert mfds.list_servers() == before


def test_csrf_missing_stale_or_foreign_is_refused(web: Http, es_env) -> None:
    web.get("/")
    for token in ("", "0" * 64, web.token[:-1] + ("0" if web.token[-1] != "0" else "1")):
        reply = web.form("/server", {"csrf_token": token, "name": "CSRF1"}, token=False)
        assert reply.status == 403 and "missing or stale form token" in reply.text
    other = Http(web.port)
    other.get("/")
    # A token from another browser's session does not work with this cookie.
    reply = web.form("/server/ESDEMO/delete", {"csrf_token": other.token}, token=False)
    assert reply.status == 403
    cookieless = Http(web.port, token=web.token)
    assert cookieless.form("/server/ESDEMO/delete", {}).status == 403
    assert [s["name"] for s in client(es_env).list_servers()] == ["ESDEMO"]


def test_traversal_and_hostile_paths_read_nothing(web: Http, es_env, tmp_path) -> None:
    port = web.port
    for path in ["/static/../../../etc/passwd", "/static/..%2f..%2fetc%2fpasswd",
                 "/server/..%2F..%2Fetc/monitor", "/server/ESDEMO/monitor?log=../../etc/passwd",
                 regions_path(port, "ESDEMO", "logs", "..%2F..%2F..%2Fetc%2Fpasswd"),
                 regions_path(port, "..%2F..", "logs", "current"),
                 regions_path(port, "ESDEMO%00", "logs", "current")]:
        reply = web.get(path)
        assert reply.status in (400, 404), path
        assert b"root:" not in reply.body
    # A console.log planted as a symlink out of CASROOT is refused, not followed.
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET\n")
    casroot = tmp_path / "casroot" / "ESDEMO"
    casroot.mkdir(parents=True)
    os.symlink(secret, casroot / "console.log")
    reply = web.get(regions_path(port, "ESDEMO", "logs", "current"))
    assert reply.status == 404 and "refusing to read it" in reply.json()["error"]
    page = web.get("/server/ESDEMO/monitor")
    assert "TOP SECRET" not in page.text and "refusing to read it" in page.text


def test_json_api_refuses_oversized_and_foreign_bodies(web: Http, es_env) -> None:
    port = web.port
    big = {"name": "BIG", "description": "x" * (70 * 1024)}
    reply = web.api("POST", regions_path(port), big)
    assert reply.status == 413 and "larger than" in reply.json()["error"]
    reply = web.request("POST", regions_path(port), b"name=X",
                        {"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 415 and "application/json" in reply.json()["error"]
    reply = web.api("PUT", regions_path(port, "ESDEMO", "commsprocesses",
                                        "Communications Process 1", "listeners",
                                        "Web Services and J2EE"), {"endpoint": "tcp:*:70000"})
    assert reply.status == 400 and "must be * or 1-65535" in reply.json()["error"]
    assert [s["name"] for s in client(es_env).list_servers()] == ["ESDEMO"]


def test_restricted_access_needs_credentials(restricted: Http, restricted_env) -> None:
    port = restricted.port
    mfds = client(restricted_env)
    reply = restricted.api("POST", regions_path(port), {"name": "ESSRV01"})
    assert reply.status == 401 and "needs a user name and password" in reply.json()["error"]
    assert reply.headers["www-authenticate"] == 'Basic realm="MFDS"'
    restricted.auth = ("SYSAD", "wrong")
    reply = restricted.api("DELETE", regions_path(port, "ESDEMO"))
    assert reply.status == 401 and reply.json()["error"] == "invalid user name or password"
    restricted.extra = {"Authorization": "Bearer abc"}
    restricted.auth = None
    reply = restricted.api("DELETE", regions_path(port, "ESDEMO"))
    assert reply.status == 401 and "use Basic" in reply.json()["error"]
    restricted.extra = {}
    assert [s["name"] for s in mfds.list_servers()] == ["ESDEMO"]
    assert restricted.get("/").status == 200  # reading stays open
    reply = restricted.form("/server", {"name": "ESSRV01"})
    assert reply.status == 401 and "sign in first" in reply.text
    reply = restricted.form("/login", {"user": "SYSAD", "password": "nope"})
    assert reply.status == 401 and "Invalid user name or password." in reply.text
    old_cookie = restricted.cookie
    assert restricted.form("/login", {"user": "SYSAD", "password": "SYSAD"}).status == 303
    assert restricted.cookie != old_cookie  # a fresh session id at login
    restricted.get("/")
    assert restricted.form("/server", {"name": "ESSRV01"}).status == 303
    restricted.auth = ("SYSAD", "SYSAD")
    assert restricted.api("POST", regions_path(port), {"name": "ESSRV02"}).status == 201
    # Region processes report status from this host without credentials.
    restricted.auth = None
    assert mfds.report_region("ESSRV02", "Stopped")["status"] == "Stopped"
    assert [s["name"] for s in mfds.list_servers()] == ["ESDEMO", "ESSRV01", "ESSRV02"]


def test_start_stop_logs_and_processes_through_the_api(web: Http, es_env, regions) -> None:
    port = web.port
    mfds = client(es_env)
    mfds.add_server("ESSRV01", seps=2, listener_endpoint=f"tcp:127.0.0.1:{free_port()}")
    reply = web.api("POST", regions_path(port, "ESSRV01", "start"))
    regions.note_pids()
    assert reply.status == 200, reply.text
    assert reply.json()["status"] == "Started"
    assert web.api("POST", regions_path(port, "ESSRV01", "start")).status == 409
    assert web.api("DELETE", regions_path(port, "ESSRV01")).status == 409
    procs = web.get(regions_path(port, "ESSRV01", "processes")).json()
    assert [p["command"] for p in procs].count("cassi32") == 2
    assert procs[0]["command"] == "cascd32"
    log = web.get(regions_path(port, "ESSRV01", "logs", "current")).json()
    assert any("CASCD0002I Region ESSRV01 started" in line for line in log["lines"])
    assert web.get(regions_path(port, "ESSRV01", "logs", "previous")).status == 404
    page = web.get("/server/ESSRV01/monitor")
    assert "2 of 2 SEPs running" in page.text and "CASCD0002I" in page.text
    reply = web.api("POST", regions_path(port, "ESSRV01", "stop"))
    assert reply.status == 200, reply.text
    wait_for(lambda: mfds.get_server("ESSRV01")["status"] == "Stopped", 30, "ESSRV01 Stopped")
    assert web.api("POST", regions_path(port, "ESSRV01", "stop")).status == 409
    # Started again, the first run's log is the previous one (console.bak), as in pattern 9.
    assert web.api("POST", regions_path(port, "ESSRV01", "start")).status == 200
    regions.note_pids()
    previous = web.get(regions_path(port, "ESSRV01", "logs", "previous")).json()
    assert previous["file"] == "console.bak"
    assert any("CASCD0004I Region ESSRV01 stopped" in line for line in previous["lines"])
    current = web.get(regions_path(port, "ESSRV01", "logs", "current")).json()["lines"]
    assert not any("CASCD0004I" in line for line in current)
    page = web.get("/server/ESSRV01/monitor?log=previous").text
    assert "CASCD0004I Region ESSRV01 stopped" in page and 'class="tab active"' in page
    assert web.api("POST", regions_path(port, "ESSRV01", "stop")).status == 200
    wait_for(lambda: mfds.get_server("ESSRV01")["status"] == "Stopped", 30, "stopped again")


def test_call_metrics_feed(web: Http) -> None:
    path = "/native/v1/metrics/calls"
    calls = [{"service": "srv01.CBLAPP01", "seconds": 0.003},
             {"service": "srv01.CBLAPP01", "seconds": 0.2, "error": True}]
    assert web.api("POST", path, {"calls": calls}).json() == {"recorded": 2}
    for bad, message in [({"calls": [{"service": "a b", "seconds": 1}]}, "invalid service name"),
                         ({"calls": [{"service": "ok", "seconds": -1}]}, "invalid seconds"),
                         ({"calls": [{"service": "ok", "seconds": 1, "x": 1}]}, "unknown call")]:
        reply = web.api("POST", path, bad)
        assert reply.status == 400 and message in reply.json()["error"]
    summed = {"service": "srv01.CBLAPP01", "calls": 1500, "errors": 2, "seconds": 0.6,
              "buckets": [1500] + [0] * 13}  # as regions report: calls summed per service
    assert web.api("POST", path, {"services": [summed]}).json() == {"recorded": 1500}
    bad = web.api("POST", path, {"services": [{**summed, "calls": 1499}]})
    assert bad.status == 400 and "add up to calls" in bad.json()["error"]
    text = web.get("/metrics").text
    assert 'mfds_service_calls_total{service="srv01.CBLAPP01"} 1502' in text
    assert 'mfds_service_errors_total{service="srv01.CBLAPP01"} 3' in text
    assert 'mfds_service_call_seconds_bucket{service="srv01.CBLAPP01",le="0.005"} 1501' in text
    assert 'service="ok"' not in text


def test_tools_authenticate_from_the_environment_when_access_is_restricted(
        restricted: Http, restricted_env) -> None:
    fakees = [str(Path(sys.executable).with_name("fakees")), "server"]
    port = ["--host", "127.0.0.1", "--port", restricted_env["CCITCP2_PORT"]]

    def server(*argv: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([*fakees, *port, *argv], env={**restricted_env, **extra},
                              capture_output=True, text=True, timeout=60)

    refused = server("add", "ESSRV01")
    assert refused.returncode != 0
    assert "set MFDS_ADMIN_USER and MFDS_ADMIN_PASSWORD" in refused.stderr
    wrong = server("add", "ESSRV01", MFDS_ADMIN_USER="SYSAD", MFDS_ADMIN_PASSWORD="nope")
    assert wrong.returncode != 0 and "invalid user name or password" in wrong.stderr
    assert [s["name"] for s in client(restricted_env).list_servers()] == ["ESDEMO"]
    ok = server("add", "ESSRV01", MFDS_ADMIN_USER="SYSAD", MFDS_ADMIN_PASSWORD="SYSAD")
    assert ok.returncode == 0, ok.stderr
    assert [s["name"] for s in client(restricted_env).list_servers()] == ["ESDEMO", "ESSRV01"]
