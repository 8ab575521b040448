"""What a SEP runs: services looked up by name through a list of providers.

A provider is `lookup(service, operation) -> handler | None`, a handler is
`handler(args: list) -> result`. Providers are named by import path in
`PROVIDERS` and tried in order, so the deployment issue adds its own (COBOL
programs behind deployed services) without touching the SEP. The built-in
`echo` service stays for diagnostics: `echo.echo` returns its arguments,
`echo.pid` the SEP's pid, `echo.sleep` sleeps (to make SEPs busy in tests),
`echo.fail` raises.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable
from typing import Any

Handler = Callable[[list[Any]], Any]

PROVIDERS: list[str] = ["fakees.region.services:echo_provider"]


class ServiceError(Exception):
    """The service refused or failed the call; the message goes back to the caller."""


def _sleep(args: list[Any]) -> float:
    seconds = float(args[0]) if args else 0.0
    if not 0 <= seconds <= 60:
        raise ServiceError(f"echo.sleep: {seconds} seconds is outside 0-60")
    time.sleep(seconds)
    return seconds


def _fail(args: list[Any]) -> None:
    raise ServiceError(f"echo.fail: {args[0] if args else 'failed on request'}")


_ECHO: dict[str, Handler] = {
    "echo": lambda args: args,
    "pid": lambda args: os.getpid(),
    "sleep": _sleep,
    "fail": _fail,
}


def echo_provider(service: str, operation: str) -> Handler | None:
    return _ECHO.get(operation) if service == "echo" else None


def load_providers(names: list[str] | None = None) -> list[Callable[[str, str], Handler | None]]:
    providers = []
    for name in PROVIDERS if names is None else names:
        module, _, attr = name.partition(":")
        providers.append(getattr(importlib.import_module(module), attr))
    return providers


def resolve(providers: list[Callable[[str, str], Handler | None]], service: str,
            operation: str) -> Handler:
    for provider in providers:
        handler = provider(service, operation)
        if handler is not None:
            return handler
    raise ServiceError(f"no service {service}.{operation} in this region")
