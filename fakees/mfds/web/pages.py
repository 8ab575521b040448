"""HTML pages of Enterprise Server Administration, rendered on the server (no JS needed).

Pure functions from repository data to bytes, built with twisted.web.template's
`tags`, which escapes every text and attribute value: nothing a user typed can
become markup. Every form posts to a fixed action with the CSRF token of the
browser's session; `admin.js` only refreshes status cells when it can.
"""

from __future__ import annotations

import html
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from twisted.web.template import Tag, flattenString, tags

from fakees.mfds.repository import MAX_SEPS, WEB_SERVICES_LISTENER, Server
from fakees.mfds.web.monitor import LOGS, ProcessRow

TITLE = "Enterprise Server Administration"


@dataclass(frozen=True)
class PageContext:
    """What every page needs beyond its own data."""

    mfds: str  # "host:port" shown in the header
    port: int
    csrf: str
    user: str | None
    restricted: bool
    here: str = "/"  # where a form's action returns to
    flash: str = ""
    flash_error: bool = False


def render(title: str, context: PageContext, *body: Any) -> bytes:
    tree = tags.html(
        tags.head(
            tags.meta(charset="utf-8"),
            tags.meta(name="viewport", content="width=device-width, initial-scale=1"),
            tags.title(f"{title} - {TITLE}"),
            tags.link(rel="stylesheet", href="/static/admin.css"),
        ),
        tags.body(
            _header(context),
            Tag("main")(
                _flash(context),
                tags.h1(title),
                *body,
            ),
            tags.script(src="/static/admin.js", defer="defer"),
            **{"data-port": str(context.port)},
        ),
        lang="en",
    )
    return b"<!DOCTYPE html>\n" + _flatten(tree)


def _flatten(tree: Any) -> bytes:
    """Flatten synchronously (nothing in our trees is a Deferred); errors are raised."""
    out: list[bytes] = []
    failures: list[Any] = []
    flattenString(None, tree).addCallbacks(out.append, failures.append)
    if failures:
        failures[0].raiseException()
    return out[0]


def _header(context: PageContext) -> Tag:
    if context.user:
        who: Any = tags.form(
            tags.span(f"Signed in as {context.user} "),
            _csrf(context), tags.button("Sign out", type="submit", class_="link"),
            method="post", action="/logout", class_="inline")
    elif context.restricted:
        who = tags.a("Sign in", href="/login")
    else:
        who = tags.span("Access not restricted", class_="muted")
    return tags.header(
        tags.a(TITLE, href="/", class_="brand"),
        tags.nav(tags.a("Directory Servers", href="/"), tags.a("Journal", href="/journal"),
                 tags.a("API", href="/api/openapi.json"), tags.a("Metrics", href="/metrics")),
        tags.span(f"MFDS {context.mfds}", class_="muted"),
        who,
    )


def _flash(context: PageContext) -> Any:
    if not context.flash:
        return ""
    return tags.p(context.flash, class_="flash error" if context.flash_error else "flash",
                  role="alert" if context.flash_error else "status")


def _csrf(context: PageContext) -> list[Tag]:
    return [tags.input(type="hidden", name="csrf_token", value=context.csrf),
            tags.input(type="hidden", name="back", value=context.here)]


def server_url(name: str, *rest: str) -> str:
    return "/".join(["/server", quote(name, safe=""), *rest])


def status_badge(status: str, name: str | None = None) -> Tag:
    attrs = {"data-status-of": name} if name else {}
    css = "status-" + status.lower().replace(" ", "-")
    return tags.span(status, class_=f"status {css}", **attrs)


def _post_button(context: PageContext, action: str, label: str, css: str = "",
                 confirm: str = "") -> Tag:
    attrs = {"data-confirm": confirm} if confirm else {}
    return tags.form(_csrf(context), tags.button(label, type="submit", class_=css),
                     method="post", action=action, class_="inline", **attrs)


def _actions(context: PageContext, server: Server) -> list[Tag]:
    if server.status == "Stopped":
        return [_post_button(context, server_url(server.name, "start"), "Start", "primary"),
                _post_button(context, server_url(server.name, "delete"), "Delete", "danger",
                             f"Delete server {server.name}?")]
    return [_post_button(context, server_url(server.name, "stop"), "Stop")]


def _endpoint(server: Server) -> str:
    for listener in server.listeners():
        if listener.name == WEB_SERVICES_LISTENER:
            return listener.endpoint
    return ""


# The server list is the page people keep open and reload, so its rows (the bulk of
# it) are written directly, every value through html.escape, and spliced into the
# flattened page at a marker nobody can guess: flattening 100 rows of tags costs
# 20-60 ms, the strings under 1 ms. The CSRF token sits once in the form around the
# table; each button names its action with formaction.
_ROWS_MARK = f"rows-{secrets.token_hex(16)}"


def _button(label: str, action: str, css: str = "", confirm: str = "") -> str:
    esc = html.escape
    extra = f' class="{esc(css)}"' if css else ""
    extra += f' data-confirm="{esc(confirm)}"' if confirm else ""
    return f'<button type="submit" formaction="{esc(action)}"{extra}>{esc(label)}</button>'


def _row(server: Server) -> str:
    name, status, esc = server.name, server.status, html.escape
    if status == "Stopped":
        buttons = (_button("Start", server_url(name, "start"), "primary")
                   + _button("Delete", server_url(name, "delete"), "danger",
                             f"Delete server {name}?"))
    else:
        buttons = _button("Stop", server_url(name, "stop"))
    css = "status-" + status.lower().replace(" ", "-")
    return (f'<tr><td><a href="{esc(server_url(name))}">{esc(name)}</a></td>'
            f'<td><span class="status {esc(css)}" data-status-of="{esc(name)}">{esc(status)}'
            f'</span></td><td>{esc(server.description)}</td>'
            f'<td><code>{esc(_endpoint(server))}</code></td>'
            f'<td class="num">{server.seps}</td><td>{buttons}'
            f'<a href="{esc(server_url(name, "monitor"))}" class="button">Monitor</a></td></tr>')


def server_list(servers: Iterable[Server], context: PageContext,
                form: dict[str, str] | None = None) -> bytes:
    rows = "".join(_row(server) for server in servers).encode()
    table = tags.form(
        _csrf(context),
        tags.table(
            tags.thead(tags.tr(*(tags.th(h) for h in (
                "Server", "Status", "Description", "Web Services listener", "SEPs", "Actions")))),
            tags.tbody(_ROWS_MARK if rows else tags.tr(tags.td("No servers defined.",
                                                               colspan="6"))),
            class_="servers", id="servers",
        ),
        method="post", action="/", id="server-actions",
    )
    page = render("Directory Servers", context, table, _add_form(context, form or {}))
    return page.replace(_ROWS_MARK.encode(), rows, 1)


def _field(label: str, name: str, value: str = "", **attrs: str) -> Tag:
    return tags.label(tags.span(label), tags.input(name=name, value=value, id=f"f-{name}",
                                                   **attrs))


def _add_form(context: PageContext, form: dict[str, str]) -> Tag:
    return tags.section(
        tags.h2("Add a server"),
        tags.form(
            _csrf(context),
            _field("Name", "name", form.get("name", ""), required="required", maxlength="32",
                   pattern="[A-Za-z][A-Za-z0-9_]{0,31}", placeholder="ESSRV01"),
            _field("Description", "description", form.get("description", ""), maxlength="256"),
            _field("SEPs", "seps", form.get("seps", "2"), type="number", min="1",
                   max=str(MAX_SEPS)),
            _field("Web Services listener endpoint", "endpoint",
                   form.get("endpoint", "tcp:*:*"), maxlength="300"),
            tags.button("Add", type="submit", class_="primary", id="add-server"),
            method="post", action="/server", class_="grid",
        ),
    )


def server_detail(server: Server, context: PageContext) -> bytes:
    name = server.name
    summary = tags.dl(
        tags.dt("Status"), tags.dd(status_badge(server.status, name)),
        tags.dt("Process"), tags.dd(str(server.pid) if server.pid else "-"),
        tags.dt("Description"), tags.dd(server.description or "-"),
        tags.dt("SEPs"), tags.dd(str(server.seps)),
        class_="summary",
    )
    actions = tags.p(*_actions(context, server),
                     tags.a("Monitor & Control", href=server_url(name, "monitor"),
                            class_="button"))
    edit = tags.form(
        _csrf(context),
        _field("Description", "description", server.description, maxlength="256"),
        _field("SEPs", "seps", str(server.seps), type="number", min="1", max=str(MAX_SEPS)),
        tags.button("Save", type="submit"),
        method="post", action=server_url(name, "edit"), class_="grid",
    )
    comms = [_comms_section(server, index, context) for index in range(len(server.comms))]
    return render(f"Server {name}", context, summary, actions,
                  tags.section(tags.h2("General"), edit), *comms,
                  _services(server), _table("Environment", ("Variable", "Value"),
                                            sorted(server.env.items())),
                  _table("Fault settings", ("Fault", "Value"),
                         [(k, json.dumps(v) if isinstance(v, dict) else str(v))
                          for k, v in sorted(server.faults.items())]))


def _comms_section(server: Server, index: int, context: PageContext) -> Tag:
    comms = server.comms[index]
    rows = []
    for listener in comms.listeners:
        action = server_url(server.name, "listener")
        form = tags.form(
            _csrf(context),
            tags.input(type="hidden", name="comms", value=comms.name),
            tags.input(type="hidden", name="listener", value=listener.name),
            tags.input(name="endpoint", value=listener.endpoint, maxlength="300",
                       **{"aria-label": f"Endpoint of {listener.name}",
                          "data-listener": listener.name}),
            tags.button("Set endpoint", type="submit"),
            method="post", action=action, class_="inline",
        )
        rows.append(tags.tr(
            tags.td(listener.name), tags.td(status_badge(listener.status)),
            tags.td(form), tags.td(tags.code(listener.actual_endpoint or "-")),
            tags.td(listener.reason or ""),
        ))
    return tags.section(
        tags.h2(f"{comms.name}"),
        tags.p("Communications process; listener endpoints take effect at the next start.",
               class_="muted"),
        tags.table(tags.thead(tags.tr(*(tags.th(h) for h in (
            "Listener", "Status", "Requested endpoint", "Actual endpoint", "Reason")))),
            tags.tbody(*rows), class_="listeners"),
    )


def _services(server: Server) -> Tag:
    keys: list[str] = []
    for service in server.services:
        keys += [k for k in service if k not in keys]
    rows = [tuple(service.get(k, "") for k in keys) for service in server.services]
    return _table("Deployed packages and services", tuple(keys) or ("Service",), rows,
                  "Nothing deployed to this server.")


def _table(title: str, headings: tuple[str, ...], rows: Iterable[tuple[str, ...]],
           empty: str = "None.") -> Tag:
    body = [tags.tr(*(tags.td(cell) for cell in row)) for row in rows]
    if not body:
        return tags.section(tags.h2(title), tags.p(empty, class_="muted"))
    return tags.section(tags.h2(title), tags.table(
        tags.thead(tags.tr(*(tags.th(h) for h in headings))), tags.tbody(*body)))


def monitor(server: Server, processes: list[ProcessRow], which: str, lines: list[str] | None,
            problem: str, truncated: bool, context: PageContext) -> bytes:
    name = server.name
    seps = [p for p in processes if p.command == "cassi32"]
    procs = _table("Processes", ("PID", "Process", "Role"),
                   [(str(p.pid), p.command, p.role) for p in processes],
                   "No region process is running.")
    sep_text = (f"{len(seps)} of {server.seps} SEPs running" if server.status != "Stopped"
                else f"{server.seps} SEPs configured; none running (server Stopped)")
    tabs = tags.nav(*(tags.a(f"{label} ({LOGS[key]})",
                             href=server_url(name, "monitor") + f"?log={key}",
                             class_="tab active" if key == which else "tab")
                      for key, label in (("current", "Current"), ("previous", "Previous"))),
                    class_="tabs")
    if lines is None:
        log: Any = tags.p(problem, class_="muted", id="log-missing")
    else:
        note = tags.p("Earlier lines are not shown.", class_="muted") if truncated else ""
        log = [note, tags.pre("\n".join(lines) or "(empty)", class_="log", id="console-log")]
    return render(f"Monitor & Control: {name}", context,
                  tags.dl(tags.dt("Status"), tags.dd(status_badge(server.status, name)),
                          tags.dt("SEPs"), tags.dd(sep_text, id="sep-state"),
                          class_="summary"),
                  tags.p(*_actions(context, server),
                         tags.a("Server details", href=server_url(name), class_="button")),
                  procs, tags.section(tags.h2("Console log"), tabs, log))


def journal(lines: list[str], context: PageContext) -> bytes:
    shown = lines[-500:]
    return render("MFDS journal", context,
                  tags.p(f"Last {len(shown)} of {len(lines)} events, newest last.",
                         class_="muted"),
                  tags.pre("\n".join(shown) or "(empty)", class_="log", id="journal"))


def login(context: PageContext, problem: str = "") -> bytes:
    return render("Sign in", context,
                  tags.p(problem, class_="flash error", role="alert") if problem else "",
                  tags.form(_csrf(context),
                            _field("User", "user", "", required="required",
                                   autocomplete="username"),
                            _field("Password", "password", "", type="password",
                                   autocomplete="current-password"),
                            tags.button("Sign in", type="submit", class_="primary"),
                            method="post", action="/login", class_="grid narrow"))


def error(status: int, message: str, context: PageContext) -> bytes:
    return render(f"Error {status}", context, tags.p(message, class_="flash error", role="alert"),
                  tags.p(tags.a("Back to the server list", href="/")))
