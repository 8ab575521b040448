"""A listener's fault mode: the settings, and their JSON form (no Twisted here).

The stand-alone listener takes them as `--fault-*` options; a region's listener
takes them from the server's MFDS definition, fault setting `listener`, a JSON
object of these fields (`{"delay": 0.2, "fail_next": 3}`), which MFDS checks
with `Faults.from_dict` before storing it.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
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
        if not isinstance(data, dict):
            raise ValueError(f"{what} must be an object of {_names()}, got {data!r}")
        hints = typing.get_type_hints(cls)
        for key, value in data.items():
            if key not in hints:
                raise ValueError(f"{what}: unknown setting {key!r} (expected {_names()})")
            if not _fits(value, hints[key]):
                raise ValueError(f"{what}: {key} must be {_describe(hints[key])}, got {value!r}")
        return cls(**data)

    def active(self) -> bool:
        """True when any setting differs from its default (off)."""
        return self != type(self)()


def _names() -> str:
    return ", ".join(f.name for f in dataclasses.fields(Faults))


def _options(hint: Any) -> tuple[Any, ...]:
    return typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)


def _fits(value: Any, hint: Any) -> bool:
    for option in _options(hint):
        if option is type(None) and value is None:
            return True
        if option is bool and isinstance(value, bool):
            return True
        if isinstance(value, bool):
            continue  # JSON true is not a number
        if option is int and isinstance(value, int) and value >= 0:
            return True
        if option is float and isinstance(value, int | float) and math.isfinite(value) \
                and value >= 0:
            return True
    return False


def _describe(hint: Any) -> str:
    words = {bool: "true or false", int: "a whole number >= 0", float: "a number >= 0",
             type(None): "null"}
    return " or ".join(words[option] for option in _options(hint))
