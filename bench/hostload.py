"""What else the host did while a benchmark ran, printed with its figures.

On a shared virtual machine the hypervisor may run other guests on our
cores ("steal" in /proc/stat), and other processes here may run too (load
average); a ratio taken while either was high says less than a quiet one.
"""

from __future__ import annotations

import os

_FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")


def _cpu_times() -> dict[str, int]:
    with open("/proc/stat", encoding="ascii") as f:
        values = f.readline().split()[1 : 1 + len(_FIELDS)]
    return dict(zip(_FIELDS, map(int, values), strict=True))


class HostLoad:
    """Started with the benchmark; ``summary()`` covers the time since."""

    def __init__(self) -> None:
        self.start = _cpu_times()

    def summary(self) -> str:
        now = _cpu_times()
        spent = {k: now[k] - self.start[k] for k in _FIELDS}
        total = sum(spent.values()) or 1
        return (f"host during the run: load average {os.getloadavg()[0]:.2f}, "
                f"steal {spent['steal'] / total:.0%}, idle {spent['idle'] / total:.0%} "
                f"of {os.cpu_count()} CPUs' time")
