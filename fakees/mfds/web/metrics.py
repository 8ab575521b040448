"""Prometheus text exposition of MFDS: regions by status, and service calls fed by regions.

Call metrics are fed from outside (the region's communications process knows
each call, MFDS does not): `POST /native/v1/metrics/calls` with one or both of

- `{"calls": [{"service": "srv01.CBLAPP01", "seconds": 0.004, "error": false}, ...]}`,
  one item per call (a single object without the list is accepted too);
- `{"services": [{"service": "srv01.CBLAPP01", "calls": 1500, "errors": 0,
  "seconds": 1.02, "buckets": [n0, ..., n13]}, ...]}`, the calls of a period
  summed per service, as regions send them: `buckets[i]` counts the calls
  that took more than `BUCKETS[i-1]` and at most `BUCKETS[i]` seconds, the
  last one those over `BUCKETS[-1]`; they add up to `calls`;

(all or nothing), or in-process `Metrics.record_call(...)`. Service names are bounded in
number and shape so a feeder cannot grow memory or break the exposition format.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the repository is imported where it is used: regions import this module
    from fakees.mfds.repository import Server

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MAX_SERVICES = 512
MAX_BATCH = 1000
MAX_CALLS = 10**12  # in one summed report item
SERVICE_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$"
_SERVICE = re.compile(SERVICE_PATTERN.removesuffix("$") + r"\Z")


_EXPECTED = ('expected {"calls": [{"service", "seconds", "error"?}, ...]} and/or '
             '{"services": [{"service", "calls", "errors"?, "seconds", "buckets"}, ...]}')
EXAMPLE_CALLS = {"calls": [{"service": "srv01.CBLAPP01", "seconds": 0.004, "error": False}]}
EXAMPLE_SUMMED = {"services": [{"service": "srv01.CBLAPP01", "calls": 3, "errors": 1,
                                "seconds": 0.012, "buckets": [0, 1, 2] + [0] * 11}]}


class MetricsError(ValueError):
    """A call report that was refused; the message says why."""


@dataclass
class ServiceStats:
    """One service's calls; ``buckets`` as in a summed report (not cumulative)."""

    calls: int = 0
    errors: int = 0
    seconds: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS) + 1))

    def record(self, seconds: float, error: bool) -> None:
        self.calls += 1
        self.errors += error
        self.seconds += seconds
        self.buckets[bisect_left(BUCKETS, seconds)] += 1

    def add(self, other: ServiceStats) -> None:
        self.calls += other.calls
        self.errors += other.errors
        self.seconds += other.seconds
        self.buckets = [a + b for a, b in zip(self.buckets, other.buckets, strict=True)]

    def to_json(self, service: str) -> dict[str, Any]:
        return {"service": service, "calls": self.calls, "errors": self.errors,
                "seconds": round(self.seconds, 6), "buckets": self.buckets}


@dataclass
class Metrics:
    services: dict[str, ServiceStats] = field(default_factory=dict)

    def record_call(self, service: str, seconds: float, error: bool = False) -> None:
        self._stats(service).record(seconds, error)

    def _stats(self, service: str) -> ServiceStats:
        stats = self.services.get(service)
        if stats is None:
            if len(self.services) >= MAX_SERVICES:
                raise MetricsError(f"too many distinct services (limit {MAX_SERVICES})")
            stats = self.services[service] = ServiceStats()
        return stats

    def feed(self, body: Any) -> int:
        """Validate a whole report first, then record it (all or nothing); returns the
        number of calls it counts."""
        if not isinstance(body, dict):
            raise MetricsError(_EXPECTED)
        parts = {"calls": _call, "services": _summed}
        if not parts.keys() & body.keys():
            body = {"calls": [body]}  # one call, without the list
        checked = []
        for kind, check in parts.items():
            items = body.get(kind, [])
            if not isinstance(items, list):
                raise MetricsError(_EXPECTED)
            if len(items) > MAX_BATCH:
                raise MetricsError(f"{len(items)} {kind} in one report; the limit is {MAX_BATCH}")
            checked += [check(item) for item in items]
        if not checked:
            raise MetricsError(_EXPECTED)
        new = {service for service, _ in checked} - set(self.services)
        if len(self.services) + len(new) > MAX_SERVICES:
            raise MetricsError(f"too many distinct services (limit {MAX_SERVICES})")
        for service, stats in checked:
            self._stats(service).add(stats)
        return sum(stats.calls for _, stats in checked)

    def exposition(self, servers: Iterable[Server]) -> str:
        from fakees.mfds.repository import REGION_STATUSES

        counts = dict.fromkeys(REGION_STATUSES, 0)
        for server in servers:
            counts[server.status] = counts.get(server.status, 0) + 1
        out = ["# HELP mfds_regions Regions defined in MFDS, by status.",
               "# TYPE mfds_regions gauge"]
        out += [f'mfds_regions{{status="{status}"}} {n}' for status, n in counts.items()]
        out += ["# HELP mfds_service_calls_total Service calls reported by regions.",
                "# TYPE mfds_service_calls_total counter"]
        out += [f'mfds_service_calls_total{{service="{name}"}} {s.calls}'
                for name, s in self.services.items()]
        out += ["# HELP mfds_service_errors_total Service calls that ended in an error.",
                "# TYPE mfds_service_errors_total counter"]
        out += [f'mfds_service_errors_total{{service="{name}"}} {s.errors}'
                for name, s in self.services.items()]
        out += ["# HELP mfds_service_call_seconds Service call latency.",
                "# TYPE mfds_service_call_seconds histogram"]
        for name, s in self.services.items():
            for bound, n in zip(BUCKETS, accumulate(s.buckets), strict=False):
                out.append(f'mfds_service_call_seconds_bucket{{service="{name}",le="{bound}"}} {n}')
            out.append(f'mfds_service_call_seconds_bucket{{service="{name}",le="+Inf"}} {s.calls}')
            out.append(f'mfds_service_call_seconds_sum{{service="{name}"}} {s.seconds:.6f}')
            out.append(f'mfds_service_call_seconds_count{{service="{name}"}} {s.calls}')
        return "\n".join(out) + "\n"


def _fields(item: Any, what: str, allowed: set[str]) -> str:
    """The item's service name, once its fields are known and the name is valid."""
    if not isinstance(item, dict):
        raise MetricsError(f"each {what} must be an object")
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise MetricsError(f"unknown {what} field(s): {', '.join(unknown)}")
    service = item.get("service")
    if not isinstance(service, str) or not _SERVICE.match(service):
        raise MetricsError(f"invalid service name {service!r}: 1-64 letters, digits, '_.-'")
    return service


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _call(item: Any) -> tuple[str, ServiceStats]:
    service = _fields(item, "call", {"service", "seconds", "error"})
    seconds, error = item.get("seconds"), item.get("error", False)
    if not _number(seconds) or not 0 <= seconds <= 86400:
        raise MetricsError(f"invalid seconds {seconds!r} for {service}: a number 0-86400")
    if not isinstance(error, bool):
        raise MetricsError(f"invalid error flag {error!r} for {service}: true or false")
    stats = ServiceStats()
    stats.record(float(seconds), error)
    return service, stats


def _summed(item: Any) -> tuple[str, ServiceStats]:
    service = _fields(item, "service", {"service", "calls", "errors", "seconds", "buckets"})
    calls, errors = item.get("calls"), item.get("errors", 0)
    seconds, buckets = item.get("seconds"), item.get("buckets")
    if type(calls) is not int or not 0 < calls <= MAX_CALLS:
        raise MetricsError(f"invalid calls {calls!r} for {service}: a whole number 1-{MAX_CALLS}")
    if type(errors) is not int or not 0 <= errors <= calls:
        raise MetricsError(f"invalid errors {errors!r} for {service}: a whole number 0-{calls}")
    if not _number(seconds) or not 0 <= seconds <= 86400 * calls:
        raise MetricsError(f"invalid seconds {seconds!r} for {service}: "
                           f"a number 0-{86400 * calls} ({calls} calls of at most a day)")
    if not isinstance(buckets, list) or len(buckets) != len(BUCKETS) + 1 or any(
            type(n) is not int or n < 0 for n in buckets) or sum(buckets) != calls:
        raise MetricsError(f"invalid buckets for {service}: {len(BUCKETS) + 1} whole numbers "
                           f"0 or more that add up to calls ({calls})")
    return service, ServiceStats(calls, errors, float(seconds), list(buckets))
