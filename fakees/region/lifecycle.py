"""Lifecycles of a region, a SEP and a listener as explicit transition tables.

Each machine knows only its states and the legal moves between them; the
processes drive them and report every state change (to MFDS or the console).
An illegal move is a bug, so it raises instead of being silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar


class IllegalTransition(RuntimeError):
    pass


class StateMachine:
    """A named state plus a table {state: {allowed next states}}; observers see each move."""

    transitions: ClassVar[dict[str, frozenset[str]]] = {}
    initial = ""

    def __init__(self, name: str) -> None:
        self.name = name
        self.state = self.initial
        self.observers: list[Callable[[StateMachine, str, str], None]] = []

    def can(self, new: str) -> bool:
        return new in self.transitions[self.state]

    def move(self, new: str) -> None:
        if not self.can(new):
            raise IllegalTransition(f"{type(self).__name__} {self.name}: {self.state} -> {new}")
        old, self.state = self.state, new
        for observer in self.observers:
            observer(self, old, new)


class RegionLifecycle(StateMachine):
    """Stopped -> Starting -> Started -> Stopping -> Stopped; a failed start goes Stopping."""

    initial = "Stopped"
    transitions: ClassVar[dict[str, frozenset[str]]] = {
        "Stopped": frozenset({"Starting"}),
        "Starting": frozenset({"Started", "Stopping"}),
        "Started": frozenset({"Stopping"}),
        "Stopping": frozenset({"Stopped"}),
    }


class ListenerLifecycle(StateMachine):
    """Stopped -> Starting -> Started | Invalid (endpoint not usable); any -> Stopped."""

    initial = "Stopped"
    transitions: ClassVar[dict[str, frozenset[str]]] = {
        "Stopped": frozenset({"Starting"}),
        "Starting": frozenset({"Started", "Invalid", "Stopped"}),
        "Started": frozenset({"Stopped"}),
        "Invalid": frozenset({"Stopped"}),
    }


class ChildLifecycle(StateMachine):
    """One region process (SEP, casmgr, mfcs): Spawned -> Ready -> Ended, restart -> Spawned."""

    initial = "Spawned"
    transitions: ClassVar[dict[str, frozenset[str]]] = {
        "Spawned": frozenset({"Ready", "Ended"}),
        "Ready": frozenset({"Ended"}),
        "Ended": frozenset({"Spawned"}),
    }
