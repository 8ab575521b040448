"""The twisted.web resource in front of mfds32's JSON API: pages, forms, extra routes, security.

Every request comes here first. `/native/v1/...` requests are checked
(authentication when restricted, body size, content type) and then either
answered here (start/stop, communications processes, listeners, logs,
processes, call metrics) or passed to the daemon's JSON resource. All other
paths are the administration pages, static files and operational endpoints.
Changes always go through `DirectoryApi.handle`, so validation, the durable
save and the journal entry happen in one place whichever door they came in by.
"""

from __future__ import annotations

import json
import os
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from twisted.internet import defer, utils
from twisted.web import resource, server

from fakees.cobdir import Cobdir
from fakees.mfds.api import ApiError, DirectoryApi, Reply
from fakees.mfds.api import _json as json_object  # one parser, one wording for bad bodies
from fakees.mfds.repository import Server, check_name
from fakees.mfds.web import monitor, openapi, pages
from fakees.mfds.web.metrics import Metrics, MetricsError
from fakees.mfds.web.security import (
    SESSION_COOKIE,
    AccessPolicy,
    BadAuthorization,
    Sessions,
    parse_basic,
)

MAX_BODY = 64 * 1024
STATIC = Path(__file__).with_name("static")
STATIC_TYPES = {"admin.css": b"text/css; charset=utf-8",
                "admin.js": b"text/javascript; charset=utf-8"}
MUTATING = {"POST", "PUT", "DELETE", "PATCH"}
_SESSION_ID = re.compile(r"[A-Za-z0-9_\-]{32}\Z")
_BACK = re.compile(r"/(server/[A-Za-z][A-Za-z0-9_]{0,31}(/monitor)?)?\Z")
MAX_FLASHES = 1024


def _is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "::1", "::ffff:127.0.0.1") or host.startswith("127.")


class AdminSite(resource.Resource):
    """The whole of mfds32's HTTP face; `json_api` is the daemon's own JSON resource."""

    isLeaf = True

    def __init__(self, api: DirectoryApi, json_api: resource.Resource, *, port: int,
                 cobdir: Cobdir | None = None, environ: Mapping[str, str] | None = None,
                 run: Callable[..., defer.Deferred] | None = None) -> None:
        super().__init__()
        self.api = api
        self.json_api = json_api
        self.port = port
        self.cobdir = cobdir or Cobdir.from_env()
        environ = dict(os.environ if environ is None else environ)
        self.policy = AccessPolicy.from_env(environ)
        # Region commands see what the daemon sees, with the port it really listens on.
        self.command_env = {**environ, "COBDIR": str(self.cobdir.root),
                            "CCITCP2_PORT": str(port)}
        self.run = run or utils.getProcessOutputAndValue
        self.sessions = Sessions()
        self.metrics = Metrics()
        self.busy: dict[str, str] = {}  # region -> "start" | "stop" in progress
        self.flashes: OrderedDict[str, tuple[str, bool]] = OrderedDict()
        self.openapi = json.dumps(openapi.document(), indent=1).encode()

    # -- entry -----------------------------------------------------------------

    def render(self, request: server.Request) -> bytes | int:
        parts = [unquote(p) for p in request.path.decode("latin-1").split("/") if p]
        method = request.method.decode("latin-1")
        request.setHeader(b"X-Content-Type-Options", b"nosniff")
        if parts[:2] == ["native", "v1"]:
            return self._native(request, method, parts[2:])
        return self._web(request, method, parts)

    # -- JSON API --------------------------------------------------------------

    def _native(self, request: server.Request, method: str, rest: list[str]) -> bytes | int:
        try:
            if method in MUTATING:
                self._check_json_request(request, rest)
            return self._native_route(request, method, rest)
        except ApiError as exc:
            if exc.status == 401:
                request.setHeader(b"WWW-Authenticate", b'Basic realm="MFDS"')
            return self._json(request, exc.status, {"error": str(exc)})

    def _check_json_request(self, request: server.Request, rest: list[str]) -> None:
        if _body_size(request) > MAX_BODY:
            raise ApiError(413, f"request body is larger than {MAX_BODY} bytes")
        kind = _header(request, b"content-type")
        if kind and kind.split(";")[0].strip().lower() != "application/json":
            raise ApiError(415, f"send JSON with Content-Type: application/json, not {kind!r}")
        if not self.policy.restricted or self._self_authenticating(request, rest):
            return
        try:
            credentials = parse_basic(_header(request, b"authorization"))
        except BadAuthorization as exc:
            raise ApiError(401, str(exc)) from None
        if credentials is None:
            raise ApiError(401, "access to MFDS is restricted: this request needs a user name "
                                 "and password (HTTP Basic)")
        if not self.policy.check(*credentials):
            raise ApiError(401, "invalid user name or password")

    def _self_authenticating(self, request: server.Request, rest: list[str]) -> bool:
        """Shutdown carries its own credentials; region processes report from this host."""
        if rest == ["mfds", "shutdown"]:
            return True
        reports = rest == ["metrics", "calls"] or (
            rest[:1] == ["regions"] and rest[-1:] == ["status"] and len(rest) in (5, 7))
        return reports and _is_loopback(request.getClientAddress().host)

    def _native_route(self, request: server.Request, method: str,
                      rest: list[str]) -> bytes | int:
        if rest == ["metrics", "calls"]:
            if method != "POST":
                raise ApiError(405, f"{method} /native/v1/metrics/calls is not supported")
            try:
                count = self.metrics.feed(_json_body(request))
            except MetricsError as exc:
                raise ApiError(400, str(exc)) from None
            return self._json(request, 200, {"recorded": count})
        if rest[:1] != ["regions"] or len(rest) < 5 or rest[4] not in (
                "start", "stop", "commsprocesses", "logs", "processes"):
            return self.json_api.render(request)
        if rest[2] != str(self.port):
            raise ApiError(404, f"this MFDS listens on port {self.port}, not {rest[2]!r}")
        server_ = self._known(rest[3])
        match method, rest[4:]:
            case "POST", [("start" | "stop") as verb]:
                return self._json_region_command(request, server_.name, verb)
            case "GET", ["commsprocesses"]:
                return self._json(request, 200, server_.to_dict()["comms"])
            case "GET", ["commsprocesses", comms, "listeners"]:
                return self._json(request, 200, self._comms(server_, comms)["listeners"])
            case "GET", ["commsprocesses", comms, "listeners", name]:
                return self._json(request, 200, self._listener(server_, comms, name))
            case "PUT", ["commsprocesses", comms, "listeners", name]:
                body = _json_body(request)
                unknown = sorted(set(body) - {"endpoint"})
                if unknown or "endpoint" not in body:
                    raise ApiError(400, 'expected {"endpoint": "tcp:ADDRESS:PORT"}'
                                    + (f"; unknown field(s): {', '.join(unknown)}"
                                       if unknown else ""))
                self._set_endpoint(server_, comms, name, body["endpoint"])
                return self._json(request, 200, self._listener(self._known(server_.name),
                                                               comms, name))
            case "GET", ["logs", which]:
                return self._json(request, 200, self._log(server_.name, which))
            case "GET", ["processes"]:
                rows = monitor.processes(self.cobdir.casroot(), server_.name)
                return self._json(request, 200, [row.__dict__ for row in rows])
        raise ApiError(405 if len(rest) <= 6 else 404,
                        f"{method} on regions/{'/'.join(rest[3:])} is not supported")

    def _json(self, request: server.Request, status: int, body: Any) -> bytes:
        request.setResponseCode(status)
        request.setHeader(b"Content-Type", b"application/json")
        return json.dumps(body).encode()

    def _json_region_command(self, request: server.Request, name: str, verb: str) -> int:
        def done(result: tuple[int, str]) -> None:
            status, output = result
            if status == 200:
                body = {"region": name, "status": self._known(name).status, "output": output}
            else:
                body = {"error": output}
            _finish(request, self._json(request, status, body))

        self._region_command(name, verb).addCallback(done)
        return server.NOT_DONE_YET

    # -- shared operations -----------------------------------------------------

    def _known(self, name: str) -> Server:
        try:
            check_name(name)
        except ValueError as exc:
            raise ApiError(404, f"unknown server: {exc}") from None
        found = self.api.directory.servers.get(name)
        if found is None:
            raise ApiError(404, f"unknown server {name!r}")
        return found

    def _comms(self, server_: Server, comms: str) -> dict[str, Any]:
        for item in server_.to_dict()["comms"]:
            if item["name"] == comms:
                return item
        raise ApiError(404, f"server {server_.name} has no communications process {comms!r}")

    def _listener(self, server_: Server, comms: str, name: str) -> dict[str, Any]:
        for listener in self._comms(server_, comms)["listeners"]:
            if listener["name"] == name:
                return listener
        raise ApiError(404, f"{comms!r} of server {server_.name} has no listener {name!r}")

    def _set_endpoint(self, server_: Server, comms: str, name: str, endpoint: Any) -> None:
        all_comms = server_.to_dict()["comms"]
        self._listener(server_, comms, name)  # 404s first
        for item in all_comms:
            for listener in item["listeners"]:
                if item["name"] == comms and listener["name"] == name:
                    listener["endpoint"] = endpoint
        self._api("PUT", server_.name, {"comms": all_comms})

    def _api(self, method: str, name: str | None, body: Any = None) -> Reply:
        """A change through the directory API; ApiError carries its refusal unchanged."""
        path = f"/native/v1/regions/localhost/{self.port}"
        if name is not None:
            path += "/" + quote(name, safe="")
        reply = self.api.handle(method, path, b"" if body is None else json.dumps(body).encode())
        if reply.status >= 400:
            raise ApiError(reply.status, reply.body["error"])
        return reply

    def _region_command(self, name: str, verb: str) -> defer.Deferred:
        """Run casstart or casstop for a region; fires (HTTP status, output or error text)."""
        current = self._known(name)
        if name in self.busy:
            raise ApiError(409, f"a {self.busy[name]} of server {name} is already in progress")
        if verb == "start" and current.status != "Stopped":
            raise ApiError(409, f"server {name} is {current.status}; only a Stopped server "
                                 "can be started")
        if verb == "stop" and current.status == "Stopped":
            raise ApiError(409, f"server {name} is already Stopped")
        command = "casstart" if verb == "start" else "casstop"
        self.busy[name] = verb
        ran = self.run(str(self.cobdir.bin / command), [f"/r{name}"], env=self.command_env)

        def finished(result: tuple[bytes, bytes, int]) -> tuple[int, str]:
            out, err, code = result
            text = (out + err).decode("utf-8", "replace").strip()
            if code == 0:
                return 200, text
            return 500, f"{command} /r{name} failed (exit {code}): {text or 'no message'}"

        def failed(failure: Any) -> tuple[int, str]:
            return 500, f"{command} /r{name} could not be run: {failure.getErrorMessage()}"

        def release(result: Any) -> Any:
            self.busy.pop(name, None)
            return result

        return ran.addCallbacks(finished, failed).addBoth(release)

    def _log(self, name: str, which: str) -> dict[str, Any]:
        try:
            path = monitor.log_path(self.cobdir.casroot(), name, which)
        except monitor.LogUnavailable as exc:
            raise ApiError(404, str(exc)) from None
        lines, truncated = monitor.read_tail(path)
        return {"region": name, "file": monitor.LOGS[which], "lines": lines,
                "truncated": truncated}

    # -- web pages -------------------------------------------------------------

    def _web(self, request: server.Request, method: str, parts: list[str]) -> bytes | int:
        match method, parts:
            case "GET" | "HEAD", ["static", name] if name in STATIC_TYPES:
                request.setHeader(b"Content-Type", STATIC_TYPES[name])
                request.setHeader(b"Cache-Control", b"max-age=300")
                return (STATIC / name).read_bytes()
            case "GET" | "HEAD", ["api", "openapi.json"]:
                request.setHeader(b"Content-Type", b"application/json")
                return self.openapi
            case "GET" | "HEAD", ["health"]:
                return self._json(request, 200, {"status": "ok", "pid": os.getpid()})
            case "GET" | "HEAD", ["ready"]:
                return self._ready(request)
            case "GET" | "HEAD", ["metrics"]:
                request.setHeader(b"Content-Type", b"text/plain; version=0.0.4; charset=utf-8")
                return self.metrics.exposition(self.api.directory.servers.values()).encode()
        session = self._session(request)
        request.setHeader(b"Content-Type", b"text/html; charset=utf-8")
        request.setHeader(b"X-Frame-Options", b"DENY")
        request.setHeader(b"Content-Security-Policy",
                          b"default-src 'self'; style-src 'self'; script-src 'self'")
        try:
            if method == "POST":
                return self._form(request, session, parts)
            if method not in ("GET", "HEAD"):
                raise ApiError(405, f"{method} is not supported on this page")
            return self._page(request, session, parts)
        except ApiError as exc:
            request.setResponseCode(exc.status)
            return pages.error(exc.status, str(exc), self._context(request, session))

    def _ready(self, request: server.Request) -> bytes:
        repository = Path(self.api.handle("GET", "/native/v1/mfds", b"").body["repository"])
        if not repository.is_file():
            return self._json(request, 503, {"error": f"repository {repository} is missing"})
        if not os.access(repository.parent, os.W_OK):
            return self._json(request, 503, {"error": f"repository directory "
                                                      f"{repository.parent} is not writable"})
        return self._json(request, 200, {"ready": True, "servers": len(self.api.directory.servers)})

    def _session(self, request: server.Request) -> str:
        raw = request.getCookie(SESSION_COOKIE.encode())
        value = raw.decode("latin-1") if raw else ""
        if not _SESSION_ID.match(value):
            value = self.sessions.new_id()
            request.addCookie(SESSION_COOKIE, value, path="/", httpOnly=True, sameSite="strict")
        return value

    def _context(self, request: server.Request, session: str) -> pages.PageContext:
        flash, is_error = self.flashes.pop(session, ("", False))
        host = _header(request, b"host") or f"localhost:{self.port}"
        here = request.path.decode("latin-1")
        return pages.PageContext(mfds=host, port=self.port, here=here if _BACK.match(here) else "/",
                                 csrf=self.sessions.csrf_token(session),
                                 user=self.sessions.user(session),
                                 restricted=self.policy.restricted,
                                 flash=flash, flash_error=is_error)

    def _page(self, request: server.Request, session: str, parts: list[str]) -> bytes:
        context = self._context(request, session)
        servers = self.api.directory.servers
        match parts:
            case []:
                return pages.server_list(servers.values(), context)
            case ["journal"]:
                lines = self.api.handle("GET", "/native/v1/mfds/journal", b"").body["lines"]
                return pages.journal(lines, context)
            case ["login"]:
                return pages.login(context)
            case ["server", name]:
                return pages.server_detail(self._known(name), context)
            case ["server", name, "monitor"]:
                found = self._known(name)
                which = _arg(request, "log") or "current"
                if which not in monitor.LOGS:
                    raise ApiError(400, f"unknown log {which!r}: expected current or previous")
                lines, problem, truncated = None, "", False
                try:
                    log = self._log(found.name, which)
                    lines, truncated = log["lines"], log["truncated"]
                except ApiError as exc:
                    problem = str(exc)
                rows = monitor.processes(self.cobdir.casroot(), found.name)
                return pages.monitor(found, rows, which, lines, problem, truncated, context)
        raise ApiError(404, f"no such page /{'/'.join(parts)}")

    # -- forms -----------------------------------------------------------------

    def _form(self, request: server.Request, session: str, parts: list[str]) -> bytes | int:
        if _body_size(request) > MAX_BODY:
            raise ApiError(413, f"form is larger than {MAX_BODY} bytes; nothing was changed")
        if not self.sessions.csrf_ok(session, _arg(request, "csrf_token")):
            raise ApiError(403, "missing or stale form token (CSRF): reload the page and "
                                 "submit again; nothing was changed")
        if parts == ["login"]:
            return self._login(request, session)
        if parts == ["logout"]:
            self.sessions.logout(session)
            return self._redirect(request, session, "/", "Signed out.")
        self._form_user(request, session)
        match parts:
            case ["server"]:
                return self._add(request, session)
            case ["server", name, action] if action in (
                    "delete", "start", "stop", "edit", "listener"):
                server_ = self._known(name)
                return self._server_form(request, session, server_, action)
        raise ApiError(404, f"no form handler at /{'/'.join(parts)}")

    def _form_user(self, request: server.Request, session: str) -> str | None:
        if not self.policy.restricted:
            return None
        user = self.sessions.user(session)
        if user:
            return user
        try:
            credentials = parse_basic(_header(request, b"authorization"))
        except BadAuthorization as exc:
            raise ApiError(401, str(exc)) from None
        if credentials and self.policy.check(*credentials):
            return credentials[0]
        raise ApiError(401, "access to MFDS is restricted: sign in first (Sign in, top right); "
                             "nothing was changed")

    def _login(self, request: server.Request, session: str) -> bytes:
        user, password = _arg(request, "user") or "", _arg(request, "password") or ""
        if not self.policy.check(user, password):
            request.setResponseCode(401)
            return pages.login(self._context(request, session), "Invalid user name or password.")
        fresh = self.sessions.new_id()  # a new id at login: no session fixation
        request.addCookie(SESSION_COOKIE, fresh, path="/", httpOnly=True, sameSite="strict")
        self.sessions.login(fresh, user)
        return self._redirect(request, fresh, "/", f"Signed in as {user}.")

    def _add(self, request: server.Request, session: str) -> bytes:
        form = {k: _arg(request, k) or "" for k in ("name", "description", "seps", "endpoint")}
        try:
            body = {"name": form["name"], "description": form["description"],
                    "seps": _whole_number(form["seps"] or "2", "SEPs"),
                    "listener_endpoint": form["endpoint"] or "tcp:*:*"}
            self._api("POST", None, body)
        except ApiError as exc:
            request.setResponseCode(exc.status)
            context = replace(self._context(request, session), flash=str(exc),
                              flash_error=True)
            return pages.server_list(self.api.directory.servers.values(), context, form)
        return self._redirect(request, session, pages.server_url(form["name"]),
                              f"Server {form['name']} added.")

    def _server_form(self, request: server.Request, session: str, server_: Server,
                     action: str) -> bytes | int:
        name = server_.name
        back = _arg(request, "back") or ""
        back = back if _BACK.match(back) else pages.server_url(name)
        if action == "delete":
            self._api("DELETE", name)
            return self._redirect(request, session, "/", f"Server {name} deleted.")
        if action == "edit":
            self._api("PUT", name, {
                "description": _arg(request, "description") or "",
                "seps": _whole_number(_arg(request, "seps") or "", "SEPs")})
            return self._redirect(request, session, back, f"Server {name} saved.")
        if action == "listener":
            comms, listener = _arg(request, "comms") or "", _arg(request, "listener") or ""
            self._set_endpoint(server_, comms, listener, _arg(request, "endpoint") or "")
            return self._redirect(request, session, back,
                                  f"Listener {listener!r} of {name} set; it applies at the "
                                  "next start.")

        def done(result: tuple[int, str]) -> None:
            status, output = result
            if status == 200:
                message = f"Server {name} {'started' if action == 'start' else 'stopping'}."
                _finish(request, self._redirect(request, session, back, message))
            else:
                request.setResponseCode(status)
                _finish(request, pages.error(status, output, self._context(request, session)))

        self._region_command(name, action).addCallback(done)
        return server.NOT_DONE_YET

    def _redirect(self, request: server.Request, session: str, where: str, message: str) -> bytes:
        self.flashes.pop(session, None)
        self.flashes[session] = (message, False)
        while len(self.flashes) > MAX_FLASHES:
            self.flashes.popitem(last=False)
        request.setResponseCode(303)
        request.setHeader(b"Location", where.encode())
        return b""


def _header(request: server.Request, name: bytes) -> str | None:
    value = request.getHeader(name)
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _body_size(request: server.Request) -> int:
    content = request.content
    position = content.tell()
    size = content.seek(0, os.SEEK_END)
    content.seek(position)
    return size


def _json_body(request: server.Request) -> dict[str, Any]:
    return json_object(request.content.read())


def _arg(request: server.Request, name: str) -> str | None:
    values = (request.args or {}).get(name.encode())
    if not values:
        return None
    try:
        return values[0].decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(
            400, f"form field {name!r} is not UTF-8 text; nothing was changed") from None


def _whole_number(text: str, what: str) -> int:
    if not text.strip().isdigit() or len(text) > 6:
        raise ApiError(400, f"{what} must be a whole number, not {text[:40]!r}")
    return int(text)


def _finish(request: server.Request, body: bytes) -> None:
    """Complete a delayed reply unless the client went away meanwhile."""
    if request.finished or getattr(request, "_disconnected", False):
        return
    request.write(body)
    request.finish()
