"""Continuity of a call loop across failures: outages, who served, counter gaps and repeats.

The report proves a takeover by reading the client's log: host1 ... an error
... host2, with the counter going on.  `Continuity` reads the same story from
the calls of `fakees call --repeat` and says it in a few lines.  Pure data in,
text or JSON out; no I/O.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CallRecord:
    index: int  # 1-based position in the loop
    started: datetime.datetime
    ok: bool
    host: str | None = None
    counter: int | None = None
    error: str | None = None


@dataclass
class Outage:
    start: datetime.datetime
    failed_calls: int
    end: datetime.datetime | None = None  # start of the next successful call

    @property
    def seconds(self) -> float | None:
        return None if self.end is None else (self.end - self.start).total_seconds()


@dataclass
class Stretch:
    """Consecutive successful calls served by one host."""

    host: str | None
    first_call: int
    last_call: int
    first_counter: int | None
    last_counter: int | None
    calls: int = 1


@dataclass
class Continuity:
    records: list[CallRecord] = field(default_factory=list)

    def add(self, record: CallRecord) -> None:
        self.records.append(record)

    @property
    def ok(self) -> int:
        return sum(r.ok for r in self.records)

    @property
    def failed(self) -> int:
        return len(self.records) - self.ok

    def outages(self) -> list[Outage]:
        outages: list[Outage] = []
        current: Outage | None = None
        for record in self.records:
            if not record.ok:
                if current is None:
                    current = Outage(record.started, 0)
                    outages.append(current)
                current.failed_calls += 1
            elif current is not None:
                current.end = record.started
                current = None
        return outages

    def stretches(self) -> list[Stretch]:
        stretches: list[Stretch] = []
        for record in self.records:
            if not record.ok:
                continue
            last = stretches[-1] if stretches else None
            if last is not None and last.host == record.host:
                last.last_call, last.last_counter = record.index, record.counter
                last.calls += 1
            else:
                stretches.append(
                    Stretch(record.host, record.index, record.index, record.counter, record.counter)
                )
        return stretches

    def counter_gaps(self) -> tuple[list[int], list[int]]:
        """(values skipped, values repeated) along the successful calls, in order."""
        skipped: list[int] = []
        repeated: list[int] = []
        seen: set[int] = set()
        previous: int | None = None
        for record in self.records:
            if not record.ok or record.counter is None:
                continue
            value = record.counter
            if value in seen:
                repeated.append(value)
            elif previous is not None and value > previous + 1:
                skipped.extend(range(previous + 1, value))
            seen.add(value)
            previous = value if previous is None else max(previous, value)
        return skipped, repeated

    # ---- output ----------------------------------------------------------------------

    def summary_lines(self) -> list[str]:
        lines = [f"summary: {len(self.records)} calls, {self.ok} ok, {self.failed} failed"]
        for number, outage in enumerate(self.outages(), 1):
            length = (
                f"for {outage.seconds:.2f} s" if outage.seconds is not None else "until the end"
            )
            plural = "s" if outage.failed_calls != 1 else ""
            lines.append(
                f"outage {number}: from {_clock(outage.start)} {length} "
                f"({outage.failed_calls} failed call{plural})"
            )
        served = [
            f"{s.host or '?'} calls {s.first_call}-{s.last_call}"
            + (
                f" counter {s.first_counter}-{s.last_counter}"
                if s.first_counter is not None
                else ""
            )
            for s in self.stretches()
        ]
        lines.append("served by: " + ("; ".join(served) if served else "nobody"))
        skipped, repeated = self.counter_gaps()
        lines.append(f"counter: skipped {_values(skipped)}; repeated {_values(repeated)}")
        return lines

    def summary_json(self) -> dict[str, Any]:
        skipped, repeated = self.counter_gaps()
        return {
            "calls": len(self.records),
            "ok": self.ok,
            "failed": self.failed,
            "outages": [
                {
                    "start": o.start.isoformat(),
                    "seconds": o.seconds,
                    "failed_calls": o.failed_calls,
                }
                for o in self.outages()
            ],
            "served_by": [vars(s) for s in self.stretches()],
            "counter_skipped": skipped,
            "counter_repeated": repeated,
        }


def _clock(moment: datetime.datetime) -> str:
    return moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 10000:02d}"


def _values(values: list[int]) -> str:
    if not values:
        return "none"
    shown = ", ".join(map(str, values[:20]))
    return shown + (f" ... ({len(values)} values)" if len(values) > 20 else "")
