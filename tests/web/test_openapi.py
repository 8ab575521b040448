"""The live API against its own OpenAPI document, with hypothesis-made and hostile requests.

For every documented operation, hypothesis builds requests from the document
(path parameters, bodies shaped by the request schema, and plain junk), sends
them to a real mfds32 and checks: the status is one the document lists for
that operation, the reply validates against the documented schema, a refused
request changed nothing, and the daemon keeps answering.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.mfds.harness import start_mfds
from tests.web.conftest import Http

jsonschema = pytest.importorskip("jsonschema")

SKIPPED = {"/native/v1/regions/{host}/{port}/{region}/start",  # spawn regions: test_site
           "/native/v1/regions/{host}/{port}/{region}/stop"}
HOSTILE = ["../../etc/passwd", "..", "%2e%2e", "ESDEMO/../x", "A" * 300, "<script>",
           "\u00e9t\u00e9", "ESDEMO\x00", " ", "ESDEMO;rm -rf /"]


def from_schema(schema: dict[str, Any], components: dict[str, Any], depth: int = 0
                ) -> st.SearchStrategy:
    """Values that mostly fit `schema`, sometimes stretch it (long text, out-of-range numbers)."""
    if "$ref" in schema:
        return from_schema(components[schema["$ref"].rsplit("/", 1)[1]], components, depth)
    if "examples" in schema and schema.get("type") != "string":  # documented: must work
        return st.sampled_from(schema["examples"]) | from_schema(
            {k: v for k, v in schema.items() if k != "examples"}, components, depth)
    if "enum" in schema:
        return st.sampled_from(schema["enum"]) | st.text(max_size=12)
    kind = schema.get("type")
    if kind == "object" and depth < 3:
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: from_schema(v, components, depth + 1) for k, v in props.items() if k in required},
            optional={k: from_schema(v, components, depth + 1) for k, v in props.items()
                      if k not in required})
    if kind == "array" and depth < 3:
        return st.lists(from_schema(schema.get("items", {}), components, depth + 1), max_size=3)
    if kind == "integer":
        return st.integers(min_value=-5, max_value=100) | st.integers()
    if kind == "number":
        return st.floats(allow_nan=False, min_value=-10, max_value=1e6)
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        limit = schema.get("maxLength", 40)
        if "examples" in schema:
            examples = st.sampled_from(schema["examples"])
            return st.one_of(examples, examples, st.text(max_size=40), st.sampled_from(HOSTILE))
        if "pattern" in schema:
            return (st.from_regex(schema["pattern"], fullmatch=True)
                    | st.sampled_from(["ESSRV01", "ESDEMO", *HOSTILE]))
        return (st.text(max_size=min(limit, 40)) | st.sampled_from(HOSTILE)
                | st.sampled_from(["tcp:*:*", "tcp:127.0.0.1:9003", "tcp:[::1]:1",
                                   "srv01.CBLAPP01", "x" * (limit + 1)]))
    return st.none() | st.booleans() | st.integers() | st.text(max_size=10)


JUNK = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], list]]:
    found = []
    for path, item in document["paths"].items():
        if path in SKIPPED:
            continue
        for method, op in item.items():
            if method != "parameters":
                found.append((method.upper(), path, op, item.get("parameters", [])))
    return found


EXISTING = {"host": "localhost", "region": "ESDEMO", "comms": "Communications Process 1",
            "listener": "Web Services and J2EE", "which": "current"}


def param_values(name: str, port: int) -> st.SearchStrategy:
    """Mostly (3 in 4) a value that exists, else a wrong or hostile one."""
    good = {"host": ["localhost", "127.0.0.1", "mfds.example"], "port": [str(port)],
            "region": ["ESDEMO", "ESSRV01"], "comms": ["Communications Process 1"],
            "listener": ["Web Services and J2EE"], "which": ["current", "previous"]}[name]
    bad = ["86", "0", "-1", "x", str(port + 1)] if name == "port" else ["NOPE", *HOSTILE]
    existing = st.sampled_from(good)
    return st.one_of(existing, existing, existing, st.sampled_from(bad))


def test_api_conforms_to_its_openapi_document(es_env, reaper) -> None:
    start_mfds(es_env, reaper)
    port = int(es_env["CCITCP2_PORT"])
    http = Http(port)
    document = http.get("/api/openapi.json").json()
    components = document["components"]["schemas"]
    ops = operations(document)
    assert len(ops) >= 15
    seen: dict[tuple[str, str], set[int]] = {}

    @st.composite
    def requests(draw):
        method, template, op, params = draw(st.sampled_from(ops))
        path = template
        existing = draw(st.booleans())  # half the requests address objects that exist
        for param in params:
            value = (EXISTING[param["name"]] if existing and param["name"] != "port"
                     else draw(param_values(param["name"], port)))
            if existing and param["name"] == "port":
                value = str(port)
            path = path.replace("{" + param["name"] + "}", quote(value, safe=""))
        body = None
        if "requestBody" in op:
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            shaped = from_schema(schema, components)
            body = json.dumps(draw(st.one_of(shaped, shaped, JUNK))).encode()
        return method, template, op, path, body

    @settings(max_examples=800, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(requests())
    def check(request) -> None:
        method, template, op, path, body = request
        # Earlier examples may have deleted ESDEMO or replaced its listeners: restore them,
        # so that most requests reach real objects.
        demo = f"/native/v1/regions/localhost/{port}/ESDEMO"
        if http.get(demo).status == 404:
            http.api("POST", f"/native/v1/regions/localhost/{port}", {"name": "ESDEMO"})
        elif b"Communications Process 1" not in http.get(demo + "/commsprocesses").body:
            http.api("PUT", demo, {"comms": [{}]})
        before = http.get(f"/native/v1/regions/localhost/{port}").body
        reply = http.request(method, path, body,
                             {"Content-Type": "application/json"} if body is not None else {})
        documented = op["responses"]
        assert str(reply.status) in documented, (method, path, body, reply.status, reply.body)
        seen.setdefault((method, template), set()).add(reply.status)
        content = documented[str(reply.status)]["content"]
        if "application/json" in content:
            schema = {**content["application/json"]["schema"], "components": document["components"]}
            jsonschema.validate(reply.json(), schema)
        if reply.status >= 400:
            assert http.get(f"/native/v1/regions/localhost/{port}").body == before, (
                f"refused {method} {path} changed the repository")

    check()
    assert http.get("/health").status == 200
    # Every operation was exercised, and both success and refusal happened overall.
    assert {key for key in seen} == {(m, p) for m, p, _, _ in ops}
    statuses = set().union(*seen.values())
    assert {200, 201, 400, 404} <= statuses, statuses
    never_ok = {key for key, codes in seen.items() if not any(c < 300 for c in codes)}
    # Logs exist only once a region ran (test_site covers them).
    assert never_ok <= {("GET", "/native/v1/regions/{host}/{port}/{region}/logs/{which}")}, seen
