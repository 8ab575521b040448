"""Deployed services inside a SEP: BINP arguments onto LINKAGE items, the program run, outputs back.

`run_service(package_dir, mapping, operation, args)` is the whole execution:
each argument (the SEP's typed dicts, contract in `fakees.region.services`)
is checked against its mapping parameter and encoded into a buffer laid out
as the LINKAGE item; the program runs with the package folder as its working
directory (so `ASSIGN TO EXTERNAL APPFILE01` finds the package's APPFILE01
unless a `dd_APPFILE01` setting of the server says otherwise, since the SEP
carries the server's environment); OUT and INOUT buffers are decoded back.
Loaded programs stay loaded per SEP (WORKING-STORAGE persists between calls,
as in the product) until their .gnt changes, e.g. on redeployment.

`fakees.deploy.provider` finds deployed services for a SEP and calls this.
"""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fakees.cobol import CobolRuntimeError, Program, StopRun, load_program
from fakees.cobol.data import NUMERIC, Decoder, Encoder, Item, numeric_codec
from fakees.cobol.errors import RTS_MESSAGES
from fakees.cobol.picture import parse_picture
from fakees.deploy import mapping as mp
from fakees.region.services import BadArguments, ServiceError

JAVA_RANGES = {"Short": 1 << 15, "Integer": 1 << 31, "Long": 1 << 63}
_programs: dict[Path, tuple[tuple[int, int, int], Program]] = {}


def _program(gnt: Path, package_dir: Path) -> Program:
    """The loaded program, reloaded (fresh WORKING-STORAGE) when its .gnt file changed."""
    try:
        st = gnt.stat()
    except FileNotFoundError:
        raise ServiceError(f"program {gnt} is not installed (redeploy the package)") from None
    key = (st.st_ino, st.st_mtime_ns, st.st_size)
    cached = _programs.get(gnt)
    if cached is not None and cached[0] == key:
        return cached[1]
    if cached is not None:
        cached[1].cancel()
    program = load_program(gnt, cwd=str(package_dir))
    _programs[gnt] = (key, program)
    return program


def _forget(gnt: Path) -> None:
    cached = _programs.pop(gnt, None)
    if cached is not None:
        cached[1].cancel()


@functools.lru_cache(maxsize=1024)
def _numeric(param: mp.Parameter) -> tuple[Item, Decoder, Encoder]:
    """The LINKAGE item of a numeric parameter and its codec, built once per parameter."""
    pic = parse_picture(param.picture)
    item = Item(param.name, 1, 0, 0, param.length, pic, param.usage, NUMERIC)
    return (item, *numeric_codec(item))


def encode(param: mp.Parameter, value: Any) -> bytearray:
    """A LINKAGE buffer for `param` holding `value` (None: spaces or zero, as initialised)."""
    where = f"{param.name} ({param.type}, {param.length} bytes)"
    if param.type == "byte[]":
        data = bytes.fromhex(value) if isinstance(value, str) else bytes(value or b"")
        if len(data) > param.length:
            raise BadArguments(f"{where}: {len(data)} bytes do not fit")
        return bytearray(data.ljust(param.length, b"\0"))
    if param.type == "String":
        if value is not None and not isinstance(value, str):
            raise BadArguments(f"{where}: expected text, got {type(value).__name__}")
        try:
            data = (value or "").encode("latin-1")
        except UnicodeEncodeError as exc:
            raise BadArguments(f"{where}: character {exc.object[exc.start]!r} has no "
                               "single-byte code") from None
        if len(data) > param.length:
            raise BadArguments(f"{where}: {len(data)} characters do not fit")
        return bytearray(data.ljust(param.length, b" "))
    item, _, to_bytes = _numeric(param)
    number = _number(param, 0 if value is None else value, where)
    if number < 0 and not item.signed:
        raise BadArguments(f"{where}: {number} is negative; PIC {param.picture} has no sign")
    if abs(number) >= Decimal(10) ** (item.digits - item.scale):
        raise BadArguments(f"{where}: {number} has more integer digits than PIC {param.picture}")
    if isinstance(number, Decimal) and number != round(number, item.scale):
        raise BadArguments(f"{where}: {number} has more decimals than PIC {param.picture}")
    return bytearray(to_bytes(number))


def _number(param: mp.Parameter, value: Any, where: str) -> int | Decimal:
    if param.type in JAVA_RANGES:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadArguments(f"{where}: expected a whole number, got {value!r}")
        return value
    try:
        return Decimal(value) if isinstance(value, str | int | Decimal) else Decimal("x")
    except InvalidOperation:
        raise BadArguments(f"{where}: expected a decimal number, got {value!r}") from None


def decode(param: mp.Parameter, buffer: bytes) -> Any:
    """The value a caller gets back from a LINKAGE buffer."""
    if param.type == "byte[]":
        return bytes(buffer)
    if param.type == "String":
        return bytes(buffer).decode("latin-1").rstrip(" \0")
    try:
        number = _numeric(param)[1](bytes(buffer))
    except (ValueError, InvalidOperation, CobolRuntimeError):
        raise ServiceError(f"{param.name} holds {bytes(buffer)!r}, not a number of "
                           f"PIC {param.picture}") from None
    if param.type in JAVA_RANGES:
        limit = JAVA_RANGES[param.type]
        if not -limit <= number < limit:
            raise ServiceError(f"{param.name}: {number} does not fit a Java {param.type}")
        return int(number)
    return Decimal(number)


def bind(operation: mp.Operation, args: list[dict[str, Any]], label: str) -> list[bytearray]:
    """One buffer per parameter from the SEP's typed arguments; BadArguments when they differ."""
    params = operation.parameters
    if len(args) != len(params):
        signature = ", ".join(f"{p.type} {p.name} {p.direction}" for p in params)
        raise BadArguments(f"{label} takes {len(params)} arguments ({signature}), "
                           f"got {len(args)}")
    buffers = []
    for n, (param, arg) in enumerate(zip(params, args, strict=True), 1):
        sent_type, direction = arg.get("type"), arg.get("direction")
        if sent_type != param.wire_type.name:
            raise BadArguments(f"{label} argument {n} ({param.name}) was sent as {sent_type}; "
                               f"the mapping says {param.type} ({param.wire_type.name})")
        if param.direction == "in" and direction == "OUT":
            raise BadArguments(f"{label} argument {n} ({param.name}) is an input "
                               "(direction in) but was sent as OUT")
        if param.direction == "out" and direction == "IN":
            raise BadArguments(f"{label} argument {n} ({param.name}) is an output "
                               "(direction out) but was sent as IN")
        value = arg.get("value") if direction != "OUT" else None
        buffers.append(encode(param, value))
    return buffers


def run_time_error(label: str, exc: CobolRuntimeError, gnt: str) -> str:
    """The error reply for a run-time error: Micro Focus number, text, program and line."""
    text = RTS_MESSAGES.get(exc.code, "Run-time error")
    detail = f" ({exc.detail})" if exc.detail else ""
    where = f" in program {exc.program or gnt}" + (f", line {exc.line}" if exc.line else "")
    return f"{label}: COBOL run-time error {exc.code:03d} {text}{detail}{where}"


def run_service(package_dir: Path, gnt: str, mapping: mp.Mapping, operation: str,
                args: list[dict[str, Any]]) -> list[Any]:
    """Run one call of a deployed service; one value per OUT/INOUT argument, in order."""
    try:
        op = mapping.operation(operation)
    except mp.MappingError as exc:
        raise ServiceError(str(exc)) from None
    label = f"{mapping.service}.{op.name}"
    buffers = bind(op, args, label)
    gnt_path = package_dir / gnt
    program = _program(gnt_path, package_dir)
    try:
        program.call(buffers)
    except CobolRuntimeError as exc:
        _forget(gnt_path)
        raise ServiceError(run_time_error(label, exc, gnt)) from None
    except StopRun as exc:
        _forget(gnt_path)
        raise ServiceError(f"{label}: the program ended the run unit with STOP RUN "
                           f"(return code {exc.code}); a service returns with EXIT PROGRAM "
                           "or GOBACK") from None
    return [decode(p, b) for p, b, a in zip(op.parameters, buffers, args, strict=True)
            if a.get("direction") != "IN"]
