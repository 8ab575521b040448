"""A listener's fault mode: the settings, and their JSON form (no Twisted here).

The stand-alone listener takes them as `--fault-*` options; a region's listener
takes them from the server's MFDS definition, fault setting `listener`, a JSON
object of these fields (`{"delay": 0.2, "fail_next": 3}`), which MFDS checks
with `Faults.from_dict` before storing it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

LISTENER_FAULT = "listener"  # the region fault setting (MFDS server `faults`) naming these


@dataclasses.dataclass
class Faults:
    """Deliberate misbehaviour for testing clients; all off by default.

    delay: seconds added before every answer.  drop: close the connection
    instead of answering a call.  reset_after: abort (TCP RST) a connection once
    it has received this many bytes.  corrupt_reply: flip the first byte of
    every answer frame (breaks the magic, so any conforming client must notice).
    fail_next: the next N calls, across connections, fail with INJECTED_FAULT.
    """

    delay: float = 0.0
    drop: bool = False
    reset_after: int | None = None
    corrupt_reply: bool = False
    fail_next: int = 0

    @classmethod
    def from_dict(cls, data: Any, what: str = "listener faults") -> Faults:
        """Faults from a JSON object of field: value; None or {} is no fault.

        Raises ValueError naming `what` and the field for an unknown field or a
        value of the wrong type (numbers must be finite and not negative)."""
        if data is None:
            return cls()
        names = ", ".join(_CHECKS)
        if not isinstance(data, dict):
            raise ValueError(f"{what} must be an object of {names}, got {data!r}")
        for key, value in data.items():
            if key not in _CHECKS:
                raise ValueError(f"{what}: unknown setting {key!r} (expected {names})")
            fits, wanted = _CHECKS[key]
            if not fits(value):
                raise ValueError(f"{what}: {key} must be {wanted}, got {value!r}")
        return cls(**data)

    def active(self) -> bool:
        """True when any setting differs from its default (off)."""
        return self != type(self)()



def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _seconds(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value) and value >= 0
    except OverflowError:  # an integer beyond a float's range (JSON allows it)
        return False


# Each field of Faults: the check of its JSON value, and what the error says it must be.
_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "delay": (_seconds, "a number >= 0"),
    "drop": (lambda value: isinstance(value, bool), "true or false"),
    "reset_after": (lambda value: value is None or _whole(value), "a whole number >= 0 or null"),
    "corrupt_reply": (lambda value: isinstance(value, bool), "true or false"),
    "fail_next": (_whole, "a whole number >= 0"),
}
