"""Micro Focus style command-line flags: `/rNAME` or `-rNAME`, `/w[N]`, `/f`, `/i`.

The product accepts a slash or (on UNIX) a dash before each one-letter option,
with the value glued to it; options are case-insensitive. Parsing is pure so
casstart, casstop and the region's processes share one precise error message.
"""

from __future__ import annotations

import re

DEFAULT_REGION = "ESDEMO"


class FlagError(ValueError):
    """A malformed or unknown flag; the message names it."""


_REGION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}\Z")


class Flags:
    """Parsed flags: letter -> glued value ("" for a bare flag)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    @property
    def region(self) -> str:
        return self.values.get("r", DEFAULT_REGION)

    def has(self, letter: str) -> bool:
        return letter in self.values


def parse_flags(argv: list[str], *, allowed: dict[str, str], command: str) -> Flags:
    """Parse `argv` against `allowed` (letter -> "value", "optional" or "none").

    The letter `r` (region) is always allowed and needs a value.
    """
    spec = {"r": "value", **allowed}
    flags = Flags()
    for arg in argv:
        if len(arg) < 2 or arg[0] not in "/-":
            raise FlagError(f"{command}: unexpected argument {arg!r}: options look like /rNAME "
                            "or -rNAME")
        letter, value = arg[1].lower(), arg[2:]
        kind = spec.get(letter)
        if kind is None:
            known = " ".join(f"/{k}" for k in spec)
            raise FlagError(f"{command}: unknown option {arg!r} (known: {known})")
        if kind == "value" and not value:
            raise FlagError(f"{command}: option {arg!r} needs a value, "
                            f"e.g. {arg[0]}{letter}ESSRV01")
        if kind == "none" and value:
            raise FlagError(f"{command}: option {arg[:2]!r} takes no value, got {arg!r}")
        if letter in flags.values:
            raise FlagError(f"{command}: option {arg[:2]!r} given twice")
        if letter == "r" and not _REGION_NAME.match(value):
            raise FlagError(f"{command}: invalid region name {value!r}: use 1-32 letters, "
                            "digits or '_', starting with a letter")
        flags.values[letter] = value
    return flags
