"""Events as JSON, the form used by protocol/vectors/index.json and `fakees call --json`.

Values: String as text, Long/Integer/Short as numbers, Boolean as true/false,
BigDecimal as its decimal text (so no precision is lost), bytes as hex.
"""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import Any

from fakees.binp import events as ev
from fakees.binp.events import ArgType, Argument, Direction

EVENT_TYPES = {
    cls.__name__: cls
    for cls in (ev.Hello, ev.Welcome, ev.Call, ev.Reply, ev.Error, ev.Ping, ev.Pong)
}


def value_to_json(arg_type: ArgType, value: Any) -> Any:
    if value is None:
        return None
    if arg_type is ArgType.BIGDECIMAL:
        return str(value)
    if arg_type is ArgType.BYTES:
        return bytes(value).hex()
    return value


def value_from_json(arg_type: ArgType, value: Any) -> Any:
    if value is None:
        return None
    if arg_type is ArgType.BIGDECIMAL:
        return Decimal(value)
    if arg_type is ArgType.BYTES:
        return bytes.fromhex(value)
    return value


def argument_to_json(arg: Argument) -> dict[str, Any]:
    out: dict[str, Any] = {"direction": arg.direction.name, "type": arg.type.name}
    if arg.value is not None:
        out["value"] = value_to_json(arg.type, arg.value)
    return out


def event_to_json(event: ev.Event) -> dict[str, Any]:
    out: dict[str, Any] = {"type": type(event).__name__}
    for f in fields(event):  # type: ignore[arg-type]
        value = getattr(event, f.name)
        out[f.name] = [argument_to_json(a) for a in value] if f.name == "args" else value
    return out


def event_from_json(data: dict[str, Any]) -> ev.Event:
    cls = EVENT_TYPES[data["type"]]
    kwargs = {k: v for k, v in data.items() if k != "type"}
    if "args" in kwargs:
        kwargs["args"] = tuple(
            Argument(
                Direction[a["direction"]],
                ArgType[a["type"]],
                value_from_json(ArgType[a["type"]], a.get("value")),
            )
            for a in kwargs["args"]
        )
    return cls(**kwargs)
