"""The OpenAPI 3.1 description of everything mfds32 serves, built once as a dict.

It covers the JSON API of `fakees.mfds.api`, the routes this package adds
(start/stop, communications processes and listeners, logs, processes, call
metrics) and the operational endpoints. Tests drive the live daemon from this
document and validate every reply against it, so it cannot drift silently.
"""

from __future__ import annotations

from typing import Any

from fakees.mfds.repository import LISTENER_STATUSES, MAX_SEPS, REGION_STATUSES
from fakees.mfds.web.metrics import (
    BUCKETS,
    EXAMPLE_CALLS,
    EXAMPLE_SUMMED,
    MAX_CALLS,
    SERVICE_PATTERN,
)

NAME = {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_]{0,31}$"}
ENDPOINT = {"type": "string", "maxLength": 300, "examples": ["tcp:*:*", "tcp:10.0.0.1:9003"],
            "description": "tcp:ADDRESS:PORT, * for any address or port, e.g. tcp:10.0.0.1:9003"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"],
              "properties": {"error": {"type": "string", "minLength": 1}}},
    "Listener": {
        "type": "object",
        "required": ["name", "endpoint", "status", "reason", "actual_endpoint"],
        "properties": {"name": {"type": "string"}, "endpoint": {"type": "string"},
                       "status": {"enum": list(LISTENER_STATUSES)},
                       "reason": {"type": "string"}, "actual_endpoint": {"type": "string"}},
    },
    "CommsProcess": {
        "type": "object", "required": ["name", "listeners"],
        "properties": {"name": {"type": "string"},
                       "listeners": {"type": "array", "items": _ref("Listener")}},
    },
    "Server": {
        "type": "object",
        "required": ["name", "description", "status", "seps", "env", "faults", "pid", "comms",
                     "services"],
        "properties": {
            "name": NAME, "description": {"type": "string", "maxLength": 256},
            "status": {"enum": list(REGION_STATUSES)},
            "seps": {"type": "integer", "minimum": 1, "maximum": MAX_SEPS},
            "env": {"type": "object", "additionalProperties": {"type": "string"}},
            "faults": {"type": "object"},
            "pid": {"type": ["integer", "null"]},
            "comms": {"type": "array", "items": _ref("CommsProcess")},
            "services": {"type": "array", "items": {"type": "object"}},
        },
    },
    "ServerDefinition": {
        "type": "object", "required": ["name"], "additionalProperties": False,
        "properties": {"name": NAME, "description": {"type": "string", "maxLength": 256},
                       "seps": {"type": "integer", "minimum": 1, "maximum": MAX_SEPS},
                       "env": {"type": "object", "additionalProperties": {"type": "string"}},
                       "faults": {"type": "object"}, "listener_endpoint": ENDPOINT,
                       "comms": {"type": "array"}, "services": {"type": "array"}},
    },
    "ServerChanges": {
        "type": "object", "additionalProperties": False,
        "properties": {"description": {"type": "string", "maxLength": 256},
                       "seps": {"type": "integer", "minimum": 1, "maximum": MAX_SEPS},
                       "env": {"type": "object", "additionalProperties": {"type": "string"}},
                       "faults": {"type": "object"}, "listener_endpoint": ENDPOINT,
                       "comms": {"type": "array"}, "services": {"type": "array"}},
    },
    "ListenerChange": {"type": "object", "required": ["endpoint"], "additionalProperties": False,
                       "properties": {"endpoint": ENDPOINT}},
    "Operation": {
        "type": "object", "required": ["region", "status", "output"],
        "properties": {"region": NAME, "status": {"enum": list(REGION_STATUSES)},
                       "output": {"type": "string"}},
    },
    "Log": {
        "type": "object", "required": ["region", "file", "lines", "truncated"],
        "properties": {"region": NAME, "file": {"enum": ["console.log", "console.bak"]},
                       "lines": {"type": "array", "items": {"type": "string"}},
                       "truncated": {"type": "boolean"}},
    },
    "Process": {"type": "object", "required": ["pid", "command", "role"],
                "properties": {"pid": {"type": "integer"}, "command": {"type": "string"},
                               "role": {"type": "string"}}},
    "CallReport": {
        "type": "object",
        "description": "one item per call, and/or (as regions send them) calls summed per "
                       "service: buckets[i] counts calls over BUCKETS[i-1] and at most "
                       "BUCKETS[i] seconds, the last those over the last bound; they add up "
                       "to calls",
        "examples": [EXAMPLE_CALLS, EXAMPLE_SUMMED],
        "properties": {"calls": {"type": "array", "maxItems": 1000, "items": {
            "type": "object", "required": ["service", "seconds"], "additionalProperties": False,
            "properties": {"service": {"type": "string", "pattern": SERVICE_PATTERN},
                           "seconds": {"type": "number", "minimum": 0, "maximum": 86400},
                           "error": {"type": "boolean"}}}},
                       "services": {"type": "array", "maxItems": 1000, "items": {
            "type": "object", "required": ["service", "calls", "seconds", "buckets"],
            "additionalProperties": False,
            "properties": {"service": {"type": "string", "pattern": SERVICE_PATTERN},
                           "calls": {"type": "integer", "minimum": 1, "maximum": MAX_CALLS},
                           "errors": {"type": "integer", "minimum": 0},
                           "seconds": {"type": "number", "minimum": 0},
                           "buckets": {"type": "array", "minItems": len(BUCKETS) + 1,
                                       "maxItems": len(BUCKETS) + 1,
                                       "items": {"type": "integer", "minimum": 0}}}}}},
    },
}

ERRORS = {
    "400": "malformed request (the error says which field and why)",
    "401": "access is restricted: authenticate with HTTP Basic",
    "404": "unknown server, listener or resource, or not this MFDS's port",
    "405": "method not supported on this resource",
    "409": "conflicts with the server's state (e.g. running, already exists)",
    "413": "request body too large",
    "415": "a body that is not sent as application/json",
    "500": "the region command failed (its message is given)",
    "503": "not ready (the message says why)",
}


def _op(summary: str, ok: str, schema: Any, errors: str, body: str | None = None,
        mutating: bool = False) -> dict[str, Any]:
    responses: dict[str, Any] = {ok: {"description": "success", "content": {
        "application/json": {"schema": schema}}}}
    codes = errors.split() + (["401", "413", "415"] if mutating else [])
    for code in sorted(set(codes)):
        responses[code] = {"description": ERRORS[code],
                           "content": {"application/json": {"schema": _ref("Error")}}}
    op: dict[str, Any] = {"summary": summary, "responses": responses}
    if body:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": _ref(body)}}}
    if mutating:
        op["security"] = [{}, {"basic": []}]
    return op


def _params(*names: str) -> list[dict[str, Any]]:
    schemas = {"host": {"type": "string"}, "port": {"type": "integer"}, "region": NAME,
               "comms": {"type": "string"}, "listener": {"type": "string"},
               "which": {"enum": ["current", "previous"]}}
    return [{"name": n, "in": "path", "required": True, "schema": schemas[n]} for n in names]


REGIONS = "/native/v1/regions/{host}/{port}"
REGION = REGIONS + "/{region}"
LISTENER = REGION + "/commsprocesses/{comms}/listeners/{listener}"


def document(version: str = "0.1.0") -> dict[str, Any]:
    server_list = {"type": "array", "items": _ref("Server")}
    paths: dict[str, Any] = {
        "/native/v1/mfds": {"get": _op("this MFDS: pid, port, repository, server count", "200",
                                       {"type": "object"}, "")},
        "/native/v1/mfds/journal": {"get": _op("the MFDS journal", "200", {
            "type": "object", "required": ["lines"],
            "properties": {"lines": {"type": "array", "items": {"type": "string"}}}}, "")},
        REGIONS: {"parameters": _params("host", "port"),
                  "get": _op("list servers (regions)", "200", server_list, "404"),
                  "post": _op("define a server", "201", _ref("Server"), "400 401 404 409 413",
                              "ServerDefinition", True)},
        REGION: {"parameters": _params("host", "port", "region"),
                 "get": _op("one server", "200", _ref("Server"), "404"),
                 "put": _op("change a server", "200", _ref("Server"), "400 401 404 413",
                            "ServerChanges", True),
                 "delete": _op("delete a stopped server", "200", {"type": "object"},
                               "401 404 409", None, True)},
        REGION + "/start": {"parameters": _params("host", "port", "region"),
                            "post": _op("start the region (casstart /rNAME)", "200",
                                        _ref("Operation"), "401 404 409 500", None, True)},
        REGION + "/stop": {"parameters": _params("host", "port", "region"),
                           "post": _op("stop the region (casstop /rNAME)", "200",
                                       _ref("Operation"), "401 404 409 500", None, True)},
        REGION + "/commsprocesses": {
            "parameters": _params("host", "port", "region"),
            "get": _op("communications processes", "200",
                       {"type": "array", "items": _ref("CommsProcess")}, "404")},
        REGION + "/commsprocesses/{comms}/listeners": {
            "parameters": _params("host", "port", "region", "comms"),
            "get": _op("listeners of a communications process", "200",
                       {"type": "array", "items": _ref("Listener")}, "404")},
        LISTENER: {"parameters": _params("host", "port", "region", "comms", "listener"),
                   "get": _op("one listener", "200", _ref("Listener"), "404"),
                   "put": _op("set a listener's endpoint (used at the next start)", "200",
                              _ref("Listener"), "400 401 404 413", "ListenerChange", True)},
        REGION + "/logs/{which}": {
            "parameters": _params("host", "port", "region", "which"),
            "get": _op("console log, current (console.log) or previous (console.bak)", "200",
                       _ref("Log"), "404")},
        REGION + "/processes": {
            "parameters": _params("host", "port", "region"),
            "get": _op("live region processes, SEPs included", "200",
                       {"type": "array", "items": _ref("Process")}, "404")},
        "/native/v1/metrics/calls": {
            "post": _op("report service calls (fed by regions)", "200", {
                "type": "object", "required": ["recorded"],
                "properties": {"recorded": {"type": "integer"}}}, "400 401 413",
                "CallReport", True)},
        "/health": {"get": _op("the process answers", "200", {"type": "object"}, "")},
        "/ready": {"get": _op("the repository is loaded and writable", "200",
                              {"type": "object"}, "503")},
    }
    paths["/metrics"] = {"get": {"summary": "Prometheus metrics", "responses": {"200": {
        "description": "text exposition format 0.0.4",
        "content": {"text/plain": {"schema": {"type": "string"}}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "fakees MFDS administration API", "version": version,
                 "description": "Shaped after the Enterprise Server admin API (native/v1). "
                                "Errors are {\"error\": message}."},
        "paths": paths,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}},
    }
