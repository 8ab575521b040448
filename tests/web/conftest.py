"""A real mfds32 serving the administration site, and a tiny cookie-keeping HTTP client."""

from __future__ import annotations

import base64
import http.client
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from tests.mfds.harness import client, start_mfds
from tests.region.conftest import RegionHarness

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Http:
    """One browser-like client: keeps the session cookie, finds the form token."""

    port: int
    cookie: str = ""
    auth: tuple[str, str] | None = None
    token: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=90)
        all_headers = {**self.extra, **(headers or {})}
        if self.cookie:
            all_headers["Cookie"] = self.cookie
        if self.auth:
            raw = base64.b64encode(f"{self.auth[0]}:{self.auth[1]}".encode()).decode()
            all_headers["Authorization"] = f"Basic {raw}"
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                          response.read())
        finally:
            conn.close()
        cookie = reply.headers.get("set-cookie", "")
        if cookie.startswith("mfds_session="):
            self.cookie = cookie.split(";")[0]
        found = CSRF.search(reply.body.decode("utf-8", "replace"))
        if found:
            self.token = found[1]
        return reply

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def form(self, path: str, fields: dict[str, str], token: bool = True) -> Reply:
        data = {"csrf_token": self.token, **fields} if token else fields
        return self.request("POST", path, urlencode(data).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def api(self, method: str, path: str, body: Any = None) -> Reply:
        payload = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        return self.request(method, path, payload, headers)


def serve(env: dict[str, str], reaper) -> Http:
    start_mfds(env, reaper)
    return Http(int(env["CCITCP2_PORT"]))


@pytest.fixture
def web(es_env, reaper):
    """MFDS running (access not restricted); an Http client bound to it."""
    return serve(es_env, reaper)


@pytest.fixture
def restricted_env(es_env):
    es_env["MFDS_RESTRICT_ACCESS"] = "1"
    return es_env


@pytest.fixture
def restricted(restricted_env, reaper):
    """MFDS running with access restricted (SYSAD/SYSAD)."""
    return serve(restricted_env, reaper)


@pytest.fixture
def regions(es_env):
    harness = RegionHarness(es_env)
    yield harness
    harness.kill_all()


def regions_path(port: int, *rest: str) -> str:
    """The API path; parts are quoted, except that '%' lets a test send raw escapes."""
    return "/".join([f"/native/v1/regions/127.0.0.1/{port}", *(quote(p, safe="%") for p in rest)])


__all__ = ["Http", "client", "regions_path"]
