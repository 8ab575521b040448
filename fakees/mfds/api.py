"""The MFDS JSON API: routes, shapes and rules, with no sockets (the daemon adds those).

Routes are shaped after the product's later admin API (`/native/v1/regions/...`).
`{host}` and `{port}` name the MFDS itself: any host name is accepted (the
caller reached us somehow), the port must be ours. Bodies and replies are JSON;
errors are `{"error": "precise message"}` with the status code shown.

    GET    /native/v1/mfds                          -> {"pid", "address", "port", "repository",
                                                        "servers"}
    POST   /native/v1/mfds/shutdown                 {"user", "password"} -> 200 | 401
    POST   /native/v1/mfds/import                   {"servers": [SERVER...]} -> 201 | 400 | 409
                                                    (all or nothing)
    GET    /native/v1/mfds/journal                  -> {"lines": [...]}
    GET    /native/v1/regions/{host}/{port}         -> [SERVER...]
    POST   /native/v1/regions/{host}/{port}         SERVER (name required) -> 201 SERVER | 400 | 409
    GET    /native/v1/regions/{host}/{port}/{name}  -> SERVER | 404
    PUT    /native/v1/regions/{host}/{port}/{name}  {changes} -> SERVER | 400 | 404
    DELETE /native/v1/regions/{host}/{port}/{name}  -> 200 | 404 | 409 (not Stopped)
    PUT    /native/v1/regions/{host}/{port}/{name}/status
                                                    {"status", "pid"?} -> SERVER
    PUT    /native/v1/regions/{host}/{port}/{name}/listeners/{listener}/status
                                                    {"status", "reason"?, "actual_endpoint"?}

SERVER is
    {"name": "ESSRV01", "description": "", "status": "Stopped", "seps": 2,
     "env": {"NAME": "value"}, "faults": {"orphans_linger": true}, "pid": null,
     "comms": [{"name": "Communications Process 1",
                "listeners": [{"name": "Web Services and J2EE", "endpoint": "tcp:*:*",
                               "status": "Stopped", "reason": "", "actual_endpoint": ""}]}],
     "services": [{"name": "srv01", ...free-form text fields...}]}

PUT changes may hold description, seps, env, faults, comms, services, and the
shortcut `listener_endpoint` (sets the Web Services listener's endpoint).
Region status "Stopped" clears the pid. Every accepted change is saved to the
repository before the reply is sent, so an acknowledged change survives kill -9.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from fakees.mfds.repository import (
    LISTENER_STATUSES,
    REGION_STATUSES,
    WEB_SERVICES_LISTENER,
    Directory,
    InvalidDefinition,
    Server,
    canonical_status,
    parse_endpoint,
)

DEFAULT_USER = "SYSAD"
DEFAULT_PASSWORD = "SYSAD"
SERVER_CHANGES = {"description", "seps", "env", "faults", "comms", "services", "listener_endpoint"}


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any

    def encode(self) -> bytes:
        return json.dumps(self.body).encode()


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class DirectoryApi:
    """Applies requests to the directory; every accepted change goes through `save` first.

    `save(directory)` persists a candidate state (raising leaves the live state
    untouched), `journal(text)` records an event, `shutdown()` asks the daemon
    to stop after replying, `journal_lines()` reads the journal back.
    """

    def __init__(
        self,
        directory: Directory,
        *,
        port: int,
        save: Callable[[Directory], None],
        journal: Callable[[str], None],
        info: Callable[[], dict[str, Any]],
        journal_lines: Callable[[], list[str]],
        shutdown: Callable[[], None],
    ) -> None:
        self.directory = directory
        self.port = port
        self._save = save
        self._journal = journal
        self._info = info
        self._journal_lines = journal_lines
        self._shutdown = shutdown

    def handle(self, method: str, path: str, body: bytes) -> Reply:
        try:
            return self._route(method, [unquote(p) for p in path.split("?")[0].split("/") if p],
                               body)
        except ApiError as exc:
            return Reply(exc.status, {"error": str(exc)})
        except InvalidDefinition as exc:
            return Reply(400, {"error": str(exc)})

    # -- routing -------------------------------------------------------------

    def _route(self, method: str, parts: list[str], body: bytes) -> Reply:
        if parts[:2] != ["native", "v1"] or len(parts) < 3:
            raise ApiError(404, f"no such resource /{'/'.join(parts)}")
        kind, rest = parts[2], parts[3:]
        if kind == "mfds":
            return self._mfds(method, rest, body)
        if kind == "regions" and len(rest) >= 2:
            self._check_port(rest[1])
            return self._regions(method, rest[2:], body)
        raise ApiError(404, f"no such resource /{'/'.join(parts)}")

    def _mfds(self, method: str, rest: list[str], body: bytes) -> Reply:
        match method, rest:
            case "GET", []:
                return Reply(200, {**self._info(), "servers": len(self.directory.servers)})
            case "POST", ["shutdown"]:
                request = _json(body)
                user = request.get("user")
                if (user, request.get("password")) != (DEFAULT_USER, DEFAULT_PASSWORD):
                    self._journal(f"shutdown refused: wrong credentials for {user!r}")
                    raise ApiError(401, "shutdown refused: invalid user name or password")
                self._journal(f"shutdown requested by {request['user']}")
                self._shutdown()
                return Reply(200, {"stopping": True})
            case "POST", ["import"]:
                return self._import(_json(body))
            case "GET", ["journal"]:
                return Reply(200, {"lines": self._journal_lines()})
        raise ApiError(405 if rest in ([], ["shutdown"], ["import"], ["journal"]) else 404,
                       f"{method} /native/v1/mfds/{'/'.join(rest)} is not supported")

    def _regions(self, method: str, rest: list[str], body: bytes) -> Reply:
        match method, rest:
            case "GET", []:
                return Reply(200, [s.to_dict() for s in self.directory.servers.values()])
            case "POST", []:
                return self._create(_json(body))
            case "GET", [name]:
                return Reply(200, self._server(name).to_dict())
            case "PUT", [name]:
                return self._change(name, _json(body))
            case "DELETE", [name]:
                return self._delete(name)
            case "PUT", [name, "status"]:
                return self._region_status(name, _json(body))
            case "PUT", [name, "listeners", listener, "status"]:
                return self._listener_status(name, listener, _json(body))
        raise ApiError(405 if len(rest) <= 1 else 404,
                       f"{method} on regions/{'/'.join(rest)} is not supported")

    # -- operations ------------------------------------------------------------

    def _create(self, request: dict) -> Reply:
        server = Server.from_dict(_definition_only(request))
        if server.name in self.directory.servers:
            raise ApiError(409, f"server {server.name} already exists")
        candidate = self.directory.copy()
        candidate.servers[server.name] = server
        self._commit(candidate, f"server {server.name} added")
        return Reply(201, server.to_dict())

    def _import(self, request: dict) -> Reply:
        servers = request.get("servers")
        if not isinstance(servers, list) or not servers:
            raise ApiError(400, "import needs a non-empty list of servers")
        candidate = self.directory.copy()
        for item in servers:
            server = Server.from_dict(_definition_only(item))
            if server.name in candidate.servers:
                raise ApiError(409, f"server {server.name} already exists; nothing was imported")
            candidate.servers[server.name] = server
        names = ", ".join(str(item.get("name")) for item in servers)
        self._commit(candidate, f"imported server(s) {names}")
        return Reply(201, [candidate.servers[item["name"]].to_dict() for item in servers])

    def _change(self, name: str, changes: dict) -> Reply:
        current = self._server(name)
        unknown = sorted(set(changes) - SERVER_CHANGES)
        if unknown:
            raise ApiError(400, f"cannot change {', '.join(unknown)} of server {name}; "
                                f"changeable: {', '.join(sorted(SERVER_CHANGES))}")
        data = current.to_dict()
        endpoint = changes.get("listener_endpoint")
        data.update({k: v for k, v in changes.items() if k != "listener_endpoint"})
        server = Server.from_dict(data)
        if endpoint is not None:
            try:
                server.listener(WEB_SERVICES_LISTENER).endpoint = parse_endpoint(endpoint)
            except KeyError:
                raise ApiError(
                    400, f"server {name} has no {WEB_SERVICES_LISTENER!r} listener"
                ) from None
        candidate = self.directory.copy()
        candidate.servers[name] = server
        self._commit(candidate, f"server {name} changed: {', '.join(sorted(changes))}")
        return Reply(200, server.to_dict())

    def _delete(self, name: str) -> Reply:
        server = self._server(name)
        if server.status != "Stopped":
            raise ApiError(409, f"server {name} is {server.status}: stop it before deleting it")
        candidate = self.directory.copy()
        del candidate.servers[name]
        self._commit(candidate, f"server {name} deleted")
        return Reply(200, {"deleted": name})

    def _region_status(self, name: str, request: dict) -> Reply:
        self._server(name)
        status = canonical_status(request.get("status"), REGION_STATUSES, "server status")
        pid = request.get("pid")
        if pid is not None and (isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0):
            raise ApiError(400, f"invalid pid {pid!r}")
        candidate = self.directory.copy()
        server = candidate.servers[name]
        server.status = status
        if status == "Stopped":
            server.pid = None
            for listener in server.listeners():
                listener.status, listener.actual_endpoint = "Stopped", ""
        elif pid is not None:
            server.pid = pid
        self._commit(candidate, f"server {name} {status}" + (f" (pid {pid})" if pid else ""))
        return Reply(200, server.to_dict())

    def _listener_status(self, name: str, listener_name: str, request: dict) -> Reply:
        self._server(name)
        status = canonical_status(request.get("status"), LISTENER_STATUSES, "listener status")
        candidate = self.directory.copy()
        server = candidate.servers[name]
        try:
            listener = server.listener(listener_name)
        except KeyError:
            raise ApiError(404, f"server {name} has no listener {listener_name!r}") from None
        listener.status = status
        # The reason is the region's free text (often an OS error): kept on one line, bounded.
        listener.reason = " ".join(str(request.get("reason", "")).split())[:256]
        listener.actual_endpoint = str(request.get("actual_endpoint", ""))
        # Validate the free text the same way a definition is validated.
        Server.from_dict(server.to_dict())
        why = f": {listener.reason}" if listener.reason else ""
        self._commit(candidate, f"server {name} listener {listener_name!r} {status}{why}")
        return Reply(200, server.to_dict())

    def mark_dead(self, name: str, pid: int) -> str | None:
        """Liveness step for a region whose reported pid is gone: Not Responding, then Stopped.

        Returns the new status, or None when nothing changed (the region moved on).
        """
        server = self.directory.servers.get(name)
        if server is None or server.pid != pid:
            return None
        candidate = self.directory.copy()
        server = candidate.servers[name]
        if server.status != "Not Responding":
            server.status = "Not Responding"
            message = f"server {name}: process {pid} is gone; status Not Responding"
        else:
            server.status, server.pid = "Stopped", None
            for listener in server.listeners():
                listener.status, listener.actual_endpoint = "Stopped", ""
                listener.reason = "region process gone"
            message = f"server {name}: process {pid} is gone; status Stopped, listeners Stopped"
        self._commit(candidate, message)
        return server.status

    # -- helpers ---------------------------------------------------------------

    def _server(self, name: str) -> Server:
        try:
            return self.directory.servers[name]
        except KeyError:
            raise ApiError(404, f"unknown server {name!r}") from None

    def _check_port(self, port: str) -> None:
        if port != str(self.port):
            raise ApiError(404, f"this MFDS listens on port {self.port}, not {port!r}")

    def _commit(self, candidate: Directory, event: str) -> None:
        try:
            self._save(candidate)
        except OSError as exc:
            raise ApiError(500, f"repository write failed ({exc}); nothing was changed") from None
        self.directory = candidate
        self._journal(event)


def _json(body: bytes) -> dict:
    try:
        value = json.loads(body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, f"request body is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ApiError(400, "request body must be a JSON object")
    return value


def _definition_only(request: Any) -> dict:
    """A new definition starts Stopped with no pid, whatever the caller sent."""
    if not isinstance(request, dict):
        raise ApiError(400, "a server definition must be a JSON object")
    data = {k: v for k, v in request.items() if k not in ("status", "pid", "listener_endpoint")}
    if "listener_endpoint" in request:
        endpoint = parse_endpoint(request["listener_endpoint"])
        data["comms"] = [{"listeners": [{"endpoint": endpoint}]}]
    for comms in data.get("comms", []) if isinstance(data.get("comms"), list) else []:
        for listener in comms.get("listeners", []) if isinstance(comms, dict) else []:
            if isinstance(listener, dict):
                listener.pop("status", None)
                listener.pop("reason", None)
                listener.pop("actual_endpoint", None)
    return data
