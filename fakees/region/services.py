"""What a SEP runs: services looked up by name through a list of providers.

A provider is `lookup(service, operation) -> handler | None`. A handler gets
the call's arguments as typed dicts, `{"direction": "IN"|"OUT"|"INOUT",
"type": "STRING"|"LONG"|..., "value": v}` (OUT values are None), and returns a
list with one value per OUT and INOUT argument, in order; None stands for the
type's zero value. Providers are named by import path in `PROVIDERS` and tried
in order, so the deployment issue adds its own (COBOL programs behind deployed
services) without touching the SEP. The built-in `echo` service stays for
diagnostics: `echo.echo` returns INOUT values unchanged, `echo.pid` puts the
SEP's pid in the first output, `echo.sleep` sleeps for its first input (seconds)
to make SEPs busy, `echo.fail` fails with its first input as the message.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable
from typing import Any

from fakees.binp.events import ErrorCode

Handler = Callable[[list[dict[str, Any]]], list[Any]]
Provider = Callable[[str, str], Handler | None]

PROVIDERS: list[str] = ["fakees.region.services:echo_provider",
                        "fakees.deploy.provider:deployed_provider"]


class ServiceError(Exception):
    """The service refused or failed the call; the message goes back to the caller."""


class UnknownService(ServiceError):
    pass


class BadArguments(ServiceError):
    """The call's arguments do not fit the service (count, type, direction or value)."""


def error_code(exc: ServiceError) -> ErrorCode:
    """The BINP code a refusal travels with to mfcs32 and on to the caller."""
    if isinstance(exc, UnknownService):
        return ErrorCode.UNKNOWN_SERVICE
    return ErrorCode.BAD_ARGUMENTS if isinstance(exc, BadArguments) else ErrorCode.SERVICE_FAILED


def inputs(args: list[dict[str, Any]]) -> list[Any]:
    """Values of the IN and INOUT arguments, in order."""
    return [a.get("value") for a in args if a.get("direction") != "OUT"]


def echo_outputs(args: list[dict[str, Any]]) -> list[Any]:
    """INOUT values unchanged, None (zero) for OUT."""
    return [a.get("value") if a.get("direction") == "INOUT" else None
            for a in args if a.get("direction") != "IN"]


def _pid(args: list[dict[str, Any]]) -> list[Any]:
    outputs = echo_outputs(args)
    return [os.getpid(), *outputs[1:]] if outputs else []


def _sleep(args: list[dict[str, Any]]) -> list[Any]:
    given = inputs(args)
    seconds = float(given[0]) if given else 0.0
    if not 0 <= seconds <= 60:
        raise ServiceError(f"echo.sleep: {seconds:g} seconds is outside 0-60")
    time.sleep(seconds)
    return echo_outputs(args)


def _fail(args: list[dict[str, Any]]) -> list[Any]:
    given = inputs(args)
    raise ServiceError(f"echo.fail: {given[0] if given else 'failed on request'}")


_ECHO: dict[str, Handler] = {"echo": echo_outputs, "pid": _pid, "sleep": _sleep, "fail": _fail}


def echo_provider(service: str, operation: str) -> Handler | None:
    return _ECHO.get(operation) if service == "echo" else None


def load_providers(names: list[str] | None = None) -> list[Provider]:
    providers = []
    for name in PROVIDERS if names is None else names:
        module, _, attr = name.partition(":")
        providers.append(getattr(importlib.import_module(module), attr))
    return providers


def resolve(providers: list[Provider], service: str, operation: str) -> Handler:
    for provider in providers:
        handler = provider(service, operation)
        if handler is not None:
            return handler
    raise UnknownService(f"no service {service}.{operation} in this region")
