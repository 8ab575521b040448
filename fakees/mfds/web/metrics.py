"""Prometheus text exposition of MFDS: regions by status, and service calls fed by regions.

Call metrics are fed from outside (the region's communications process knows
each call, MFDS does not): `POST /native/v1/metrics/calls` with
`{"calls": [{"service": "srv01.CBLAPP01", "seconds": 0.004, "error": false}, ...]}`
(a single object without the list is accepted too), or in-process
`Metrics.record_call(...)`. Service names are bounded in number and shape so a
feeder cannot grow memory or break the exposition format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fakees.mfds.repository import REGION_STATUSES, Server

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MAX_SERVICES = 512
MAX_BATCH = 1000
SERVICE_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$"
_SERVICE = re.compile(SERVICE_PATTERN.removesuffix("$") + r"\Z")


class MetricsError(ValueError):
    """A call report that was refused; the message says why."""


@dataclass
class ServiceStats:
    calls: int = 0
    errors: int = 0
    seconds: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))


@dataclass
class Metrics:
    services: dict[str, ServiceStats] = field(default_factory=dict)

    def record_call(self, service: str, seconds: float, error: bool = False) -> None:
        stats = self.services.get(service)
        if stats is None:
            if len(self.services) >= MAX_SERVICES:
                raise MetricsError(f"too many distinct services (limit {MAX_SERVICES})")
            stats = self.services[service] = ServiceStats()
        stats.calls += 1
        stats.errors += bool(error)
        stats.seconds += seconds
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                stats.buckets[i] += 1

    def feed(self, body: Any) -> int:
        """Validate a whole report first, then record it (all or nothing); returns the count."""
        items = body.get("calls", [body]) if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            raise MetricsError('expected {"calls": [{"service", "seconds", "error"?}, ...]}')
        if len(items) > MAX_BATCH:
            raise MetricsError(f"{len(items)} calls in one report; the limit is {MAX_BATCH}")
        calls = [_call(item) for item in items]
        new = {service for service, _, _ in calls} - set(self.services)
        if len(self.services) + len(new) > MAX_SERVICES:
            raise MetricsError(f"too many distinct services (limit {MAX_SERVICES})")
        for call in calls:
            self.record_call(*call)
        return len(calls)

    def exposition(self, servers: Iterable[Server]) -> str:
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
            for bound, n in zip(BUCKETS, s.buckets, strict=True):
                out.append(f'mfds_service_call_seconds_bucket{{service="{name}",le="{bound}"}} {n}')
            out.append(f'mfds_service_call_seconds_bucket{{service="{name}",le="+Inf"}} {s.calls}')
            out.append(f'mfds_service_call_seconds_sum{{service="{name}"}} {s.seconds:.6f}')
            out.append(f'mfds_service_call_seconds_count{{service="{name}"}} {s.calls}')
        return "\n".join(out) + "\n"


def _call(item: Any) -> tuple[str, float, bool]:
    if not isinstance(item, dict):
        raise MetricsError("each call must be an object")
    unknown = sorted(set(item) - {"service", "seconds", "error"})
    if unknown:
        raise MetricsError(f"unknown call field(s): {', '.join(unknown)}")
    service, seconds, error = item.get("service"), item.get("seconds"), item.get("error", False)
    if not isinstance(service, str) or not _SERVICE.match(service):
        raise MetricsError(f"invalid service name {service!r}: 1-64 letters, digits, '_.-'")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not (
            0 <= seconds <= 86400):
        raise MetricsError(f"invalid seconds {seconds!r} for {service}: a number 0-86400")
    if not isinstance(error, bool):
        raise MetricsError(f"invalid error flag {error!r} for {service}: true or false")
    return service, float(seconds), error
