"""The socket-free parts of the administration site: credentials, sessions, metrics, log tails."""

from __future__ import annotations

import base64

import pytest

from fakees.mfds.repository import Server
from fakees.mfds.web.metrics import BUCKETS, MAX_SERVICES, Metrics, MetricsError, ServiceStats
from fakees.mfds.web.monitor import LogUnavailable, log_path, read_tail
from fakees.mfds.web.security import (
    SESSION_LIFETIME,
    AccessPolicy,
    BadAuthorization,
    Sessions,
    parse_basic,
)


def basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


def test_access_policy_from_environment() -> None:
    assert not AccessPolicy.from_env({}).restricted
    policy = AccessPolicy.from_env({"MFDS_RESTRICT_ACCESS": "Yes"})
    assert policy.restricted and policy.check("SYSAD", "SYSAD")
    assert not policy.check("SYSAD", "sysad") and not policy.check("sysad", "SYSAD")
    custom = AccessPolicy.from_env({"MFDS_RESTRICT_ACCESS": "1", "MFDS_ADMIN_USER": "ops",
                                    "MFDS_ADMIN_PASSWORD": "s3cret:x"})
    assert custom.check(*parse_basic(basic("ops:s3cret:x")))


@pytest.mark.parametrize(("header", "message"), [
    ("Bearer abc", "use Basic"),
    ("Basic !!!", "not base64"),
    (basic("no-colon"), "no ':'"),
    ("Basic " + base64.b64encode(b"\xff:\xfe").decode(), "not base64"),
])
def test_malformed_basic_credentials(header: str, message: str) -> None:
    with pytest.raises(BadAuthorization, match=message):
        parse_basic(header)
    assert parse_basic(None) is None


def test_sessions_csrf_login_and_expiry() -> None:
    now = [1000.0]
    sessions = Sessions(clock=lambda: now[0])
    a, b = sessions.new_id(), sessions.new_id()
    assert sessions.csrf_ok(a, sessions.csrf_token(a))
    assert not sessions.csrf_ok(a, sessions.csrf_token(b))
    assert not sessions.csrf_ok(None, sessions.csrf_token(a))
    assert not Sessions().csrf_ok(a, sessions.csrf_token(a))  # after a restart: stale
    sessions.login(a, "SYSAD")
    assert sessions.user(a) == "SYSAD" and sessions.user(b) is None
    now[0] += SESSION_LIFETIME + 1
    assert sessions.user(a) is None


def test_metrics_feed_is_all_or_nothing_and_bounded() -> None:
    metrics = Metrics()
    with pytest.raises(MetricsError, match="invalid seconds"):
        metrics.feed({"calls": [{"service": "a", "seconds": 1}, {"service": "b",
                                                                 "seconds": float("nan")}]})
    assert metrics.services == {}
    metrics.feed({"calls": [{"service": f"s{i}", "seconds": 0} for i in range(MAX_SERVICES)]})
    with pytest.raises(MetricsError, match="too many distinct services"):
        metrics.feed({"service": "one.more", "seconds": 0})
    text = metrics.exposition([Server("A", status="Started"), Server("B")])
    assert 'mfds_regions{status="Started"} 1' in text
    assert 'mfds_service_call_seconds_bucket{service="s0",le="+Inf"} 1' in text


def test_summed_reports_add_up_like_single_calls() -> None:
    """A region's per-service sums give the same exposition as the calls one by one; a
    call taking exactly a bound's seconds counts under that bound, as Prometheus' le."""
    seconds = [0.0, 0.001, 0.0011, 0.0049, 0.2, 10.0, 11.5]
    single, summed, stats = Metrics(), Metrics(), ServiceStats()
    for n, t in enumerate(seconds):
        single.record_call("srv01.CBLAPP01", t, error=n % 3 == 0)
        stats.record(t, n % 3 == 0)
    assert stats.buckets[:2] == [2, 1] and stats.buckets[-1] == 1
    assert summed.feed({"services": [stats.to_json("srv01.CBLAPP01")]}) == len(seconds)
    assert summed.exposition([]) == single.exposition([])
    text = summed.exposition([])
    assert 'mfds_service_call_seconds_bucket{service="srv01.CBLAPP01",le="0.001"} 2' in text
    assert 'mfds_service_call_seconds_bucket{service="srv01.CBLAPP01",le="10.0"} 6' in text
    assert 'mfds_service_call_seconds_bucket{service="srv01.CBLAPP01",le="+Inf"} 7' in text
    assert 'mfds_service_errors_total{service="srv01.CBLAPP01"} 3' in text


@pytest.mark.parametrize(("change", "message"), [
    ({"calls": 0}, "invalid calls"),
    ({"calls": True}, "invalid calls"),
    ({"errors": 5}, "invalid errors"),
    ({"seconds": -1}, "invalid seconds"),
    ({"buckets": [4] + [0] * len(BUCKETS)}, "add up to calls"),
    ({"buckets": [3]}, "invalid buckets"),
    ({"buckets": [-1, 4] + [0] * (len(BUCKETS) - 1)}, "invalid buckets"),
    ({"extra": 1}, "unknown service field"),
    ({"service": "a b"}, "invalid service name"),
])
def test_a_bad_summed_report_is_refused_whole(change: dict, message: str) -> None:
    metrics = Metrics()
    good = {"service": "ok", "calls": 3, "errors": 1, "seconds": 0.5,
            "buckets": [3] + [0] * len(BUCKETS)}
    with pytest.raises(MetricsError, match=message):
        metrics.feed({"services": [good, {**good, **change}]})
    assert metrics.services == {}


def test_log_tail_and_refusals(tmp_path) -> None:
    casroot = tmp_path / "casroot"
    (casroot / "R1").mkdir(parents=True)
    log = casroot / "R1" / "console.log"
    log.write_text("".join(f"line {i}\n" for i in range(1000)))
    lines, cut = read_tail(log_path(casroot, "R1", "current"), limit=100)
    assert cut and lines[-1] == "line 999" and all(x.startswith("line ") for x in lines)
    assert read_tail(log, limit=1 << 20) == ([f"line {i}" for i in range(1000)], False)
    with pytest.raises(LogUnavailable, match=r"no console\.bak yet"):
        log_path(casroot, "R1", "previous")
    with pytest.raises(LogUnavailable, match="unknown log"):
        log_path(casroot, "R1", "../../etc/passwd")
    (casroot / "R1" / "console.bak").mkdir()
    with pytest.raises(LogUnavailable, match="not a regular file"):
        log_path(casroot, "R1", "previous")
