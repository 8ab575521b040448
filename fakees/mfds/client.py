"""A blocking client of mfds32's JSON API (routes in `fakees.mfds.api`).

It runs inside short-lived commands (`mdump`, `casstart`, `fakees server`), so
it imports only the standard library, and not even http.client (which pulls in
the email package): one HTTP/1.0 exchange per request over a plain socket,
which mfds32 closes after replying. mdump's start-up time is most of its cost.

When MFDS restricts access, changes need credentials: the tools take them from
MFDS_ADMIN_USER and MFDS_ADMIN_PASSWORD, the same variables that configure the
daemon, so one environment serves both.
"""

from __future__ import annotations

import json
import os
import socket
from urllib.parse import quote

TYPE_CHECKING = False  # `typing` costs mdump a few ms at start: annotations only
if TYPE_CHECKING:
    from typing import Any

DEFAULT_MFDS_PORT = 86


class MfdsDown(ConnectionError):
    """Nothing answers at the MFDS address (not started, killed, or unreachable)."""


class MfdsError(Exception):
    """mfds32 refused a request; the message is its precise reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownServer(MfdsError, KeyError):
    """No server (region) of that name is defined."""


class DuplicateServer(MfdsError):
    """A server of that name already exists."""


class InvalidRequest(MfdsError, ValueError):
    """The definition or change was refused as malformed."""


class AccessDenied(MfdsError):
    """Wrong user name or password (shutdown)."""


class Conflict(MfdsError):
    """The request contradicts the server's state (e.g. deleting a running server)."""


def mfds_port() -> int:
    """The MFDS port as the product chooses it: CCITCP2_PORT, else 86."""
    value = os.environ.get("CCITCP2_PORT", "")
    return int(value) if value.isdigit() else DEFAULT_MFDS_PORT


def credentials_from_env() -> tuple[str, str] | None:
    user = os.environ.get("MFDS_ADMIN_USER")
    return (user, os.environ.get("MFDS_ADMIN_PASSWORD", "")) if user else None


def _error_class(status: int, message: str) -> type[MfdsError]:
    if status == 404 and message.startswith("unknown server"):
        return UnknownServer
    if status == 409 and "already exists" in message:
        return DuplicateServer
    return {400: InvalidRequest, 401: AccessDenied, 409: Conflict}.get(status, MfdsError)


def parse_response(raw: bytes) -> tuple[int | None, bytes]:
    """(status, body) of a complete HTTP/1.x response; status None when it is not one."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    parts = head.split(b"\r\n", 1)[0].split(b" ", 2)
    if not sep or len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        return None, b""
    return int(parts[1]), body


class MfdsClient:
    def __init__(self, host: str = "localhost", port: int = 86, timeout: float = 10.0,
                 credentials: tuple[str, str] | None = None) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.credentials = credentials or credentials_from_env()
        self.regions = f"/native/v1/regions/{quote(host, safe='')}/{port}"

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """One HTTP exchange; MfdsDown when nothing answers, MfdsError when refused."""
        payload = b"" if body is None else json.dumps(body).encode()
        auth = ""
        if self.credentials is not None:
            import base64  # only here: it pulls in `re`, a cost every mdump would pay

            token = base64.b64encode(":".join(self.credentials).encode()).decode()
            auth = f"Authorization: Basic {token}\r\n"
        head = (f"{method} {path} HTTP/1.0\r\nHost: {self.host}:{self.port}\r\n{auth}"
                f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n")
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
                sock.sendall(head.encode() + payload)
                chunks = []
                while chunk := sock.recv(65536):
                    chunks.append(chunk)
        except OSError as exc:
            raise MfdsDown(f"MFDS at {self.host}:{self.port} does not answer: {exc}") from None
        response = b"".join(chunks)
        status, raw = parse_response(response)
        if status is None:
            raise MfdsDown(f"{self.host}:{self.port} answered, but not as MFDS")
        try:
            data = json.loads(raw) if raw else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise MfdsDown(f"{self.host}:{self.port} answered, but not as MFDS") from None
        if status >= 400:
            message = data.get("error", raw.decode()) if isinstance(data, dict) else str(data)
            reply_head = response.partition(b"\r\n\r\n")[0].lower()
            if b"\r\nwww-authenticate: basic" in reply_head and self.credentials is None:
                message += " (MFDS restricts access: set MFDS_ADMIN_USER and MFDS_ADMIN_PASSWORD)"
            raise _error_class(status, message)(status, message)
        return data

    def _server_path(self, name: str, *rest: str) -> str:
        return "/".join([self.regions, quote(name, safe=""), *(quote(r, safe="") for r in rest)])

    # -- definitions -----------------------------------------------------------

    def info(self) -> dict:
        return self.request("GET", "/native/v1/mfds")

    def list_servers(self) -> list[dict]:
        return self.request("GET", self.regions)

    def get_server(self, name: str) -> dict:
        return self.request("GET", self._server_path(name))

    def add_server(
        self,
        name: str,
        description: str = "",
        seps: int = 2,
        listener_endpoint: str | None = None,
        env: dict[str, str] | None = None,
        faults: dict[str, Any] | None = None,
    ) -> dict:
        body: dict[str, Any] = {"name": name, "description": description, "seps": seps,
                                "env": env or {}, "faults": faults or {}}
        if listener_endpoint is not None:
            body["listener_endpoint"] = listener_endpoint
        return self.request("POST", self.regions, body)

    def set_server(self, name: str, **changes: Any) -> dict:
        return self.request("PUT", self._server_path(name), changes)

    def delete_server(self, name: str) -> None:
        self.request("DELETE", self._server_path(name))

    def import_servers(self, servers: list[dict]) -> list[dict]:
        return self.request("POST", "/native/v1/mfds/import", {"servers": servers})

    # -- status reports (from region processes) --------------------------------

    def report_region(self, name: str, status: str, pid: int | None = None) -> dict:
        return self.request("PUT", self._server_path(name, "status"),
                            {"status": status, "pid": pid})

    def report_listener(
        self,
        name: str,
        listener_name: str,
        status: str,
        reason: str = "",
        actual_endpoint: str = "",
    ) -> dict:
        return self.request(
            "PUT", self._server_path(name, "listeners", listener_name, "status"),
            {"status": status, "reason": reason, "actual_endpoint": actual_endpoint},
        )

    # -- the directory server itself ------------------------------------------

    def journal(self) -> list[str]:
        return self.request("GET", "/native/v1/mfds/journal")["lines"]

    def shutdown(self, user: str, password: str) -> None:
        self.request("POST", "/native/v1/mfds/shutdown", {"user": user, "password": password})


def resolve(host: str) -> str:
    """The host as given if it resolves; MfdsDown (the product's SERVER_DOWN) if it does not."""
    try:
        socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise MfdsDown(f"cannot resolve {host!r}: {exc.strerror}") from None
    return host
