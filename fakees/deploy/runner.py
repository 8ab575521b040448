"""Deployed services inside a SEP: BINP arguments onto LINKAGE items, the program run, outputs back.

`DeployedOperation(package_dir, gnt, mapping, operation)` is one operation
ready to call, with each parameter's checks and codecs built once (a SEP keeps
it while the mapping is unchanged); calling it is the whole execution: each
argument (the SEP's typed dicts, contract in `fakees.region.services`) is
checked against its mapping parameter and encoded into a buffer laid out as
the LINKAGE item; the program runs with the package folder as its working
directory (so `ASSIGN TO EXTERNAL APPFILE01` finds the package's APPFILE01
unless a `dd_APPFILE01` setting of the server says otherwise, since the SEP
carries the server's environment); OUT and INOUT buffers are decoded back.
Loaded programs stay loaded per SEP (WORKING-STORAGE persists between calls,
as in the product) until their .gnt changes, e.g. on redeployment.

`fakees.deploy.provider` finds deployed services for a SEP and calls this.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_DOWN,
    Context,
    Decimal,
    InvalidOperation,
    localcontext,
)
from pathlib import Path
from typing import Any

from fakees.cobol import CobolRuntimeError, Program, StopRun, load_program
from fakees.cobol.data import NUMERIC, Decoder, Encoder, Item, numeric_codec
from fakees.cobol.errors import RTS_MESSAGES
from fakees.cobol.picture import parse_picture
from fakees.cobol.runtime import COBOL_CONTEXT
from fakees.deploy import mapping as mp
from fakees.region.services import BadArguments, ServiceError

JAVA_RANGES = {"Short": 1 << 15, "Integer": 1 << 31, "Long": 1 << 63}
_programs: dict[str, tuple[tuple[int, int, int], Program]] = {}


def _program(gnt: str, package_dir: str) -> Program:
    """The loaded program, reloaded (fresh WORKING-STORAGE) when its .gnt file changed.

    One stat per call: mfdepinst renames a new .gnt into place, so the inode changes."""
    try:
        st = os.stat(gnt)
    except FileNotFoundError:
        raise ServiceError(f"program {gnt} is not installed (redeploy the package)") from None
    key = (st.st_ino, st.st_mtime_ns, st.st_size)
    cached = _programs.get(gnt)
    if cached is not None and cached[0] == key:
        return cached[1]
    if cached is not None:
        cached[1].cancel()
    program = load_program(gnt, cwd=package_dir)
    _programs[gnt] = (key, program)
    return program


def _forget(gnt: str) -> None:
    cached = _programs.pop(gnt, None)
    if cached is not None:
        cached[1].cancel()


@functools.lru_cache(maxsize=1024)
def _numeric(param: mp.Parameter) -> tuple[Item, Decoder, Encoder]:
    """The LINKAGE item of a numeric parameter and its codec, built once per parameter."""
    pic = parse_picture(param.picture)
    item = Item(param.name, 1, 0, 0, param.length, pic, param.usage, NUMERIC)
    return (item, *numeric_codec(item))


# Decimal arithmetic without rounding: a picture may hold more digits than the default
# context's 28 (PIC 9(30)V99), and checking a value must not round it first.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def encoder(param: mp.Parameter) -> Callable[[Any], bytearray]:
    """value -> a LINKAGE buffer for `param` (None: spaces or zero, as initialised), or
    BadArguments; built once per parameter so that a call only runs the checks."""
    where = f"{param.name} ({param.type}, {param.length} bytes)"
    length = param.length
    if param.type == "byte[]":
        def encode_bytes(value: Any) -> bytearray:
            data = bytes.fromhex(value) if isinstance(value, str) else bytes(value or b"")
            if len(data) > length:
                raise BadArguments(f"{where}: {len(data)} bytes do not fit")
            return bytearray(data.ljust(length, b"\0"))

        return encode_bytes
    if param.type == "String":
        def encode_text(value: Any) -> bytearray:
            if value is not None and not isinstance(value, str):
                raise BadArguments(f"{where}: expected text, got {type(value).__name__}")
            try:
                data = (value or "").encode("latin-1")
            except UnicodeEncodeError as exc:
                raise BadArguments(f"{where}: character {exc.object[exc.start]!r} has no "
                                   "single-byte code") from None
            if len(data) > length:
                raise BadArguments(f"{where}: {len(data)} characters do not fit")
            return bytearray(data.ljust(length, b" "))

        return encode_text
    item, _, to_bytes = _numeric(param)
    too_big = Decimal(10) ** (item.digits - item.scale)
    quantum = Decimal(1).scaleb(-item.scale)

    def encode_number(value: Any) -> bytearray:
        number = _number(param, 0 if value is None else value, where)
        if number < 0 and not item.signed:
            raise BadArguments(f"{where}: {number} is negative; PIC {param.picture} has no sign")
        if abs(number) >= too_big:
            raise BadArguments(f"{where}: {number} has more integer digits than "
                               f"PIC {param.picture}")
        if isinstance(number, Decimal) and number != number.quantize(
                quantum, rounding=ROUND_DOWN, context=_EXACT):
            raise BadArguments(f"{where}: {number} has more decimals than PIC {param.picture}")
        if isinstance(number, Decimal):
            with localcontext(COBOL_CONTEXT):  # the program's precision, not the default 28
                return bytearray(to_bytes(number))
        return bytearray(to_bytes(number))

    return encode_number


def _number(param: mp.Parameter, value: Any, where: str) -> int | Decimal:
    if param.type in JAVA_RANGES:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadArguments(f"{where}: expected a whole number, got {value!r}")
        return value
    try:
        return Decimal(value) if isinstance(value, str | int | Decimal) else Decimal("x")
    except InvalidOperation:
        raise BadArguments(f"{where}: expected a decimal number, got {value!r}") from None


def decoder(param: mp.Parameter) -> Callable[[bytearray], Any]:
    """LINKAGE buffer -> the value a caller gets back, or ServiceError; built once per parameter."""
    if param.type == "byte[]":
        return bytes
    if param.type == "String":
        return lambda buffer: buffer.decode("latin-1").rstrip(" \0")
    from_bytes = _numeric(param)[1]
    limit = JAVA_RANGES.get(param.type)

    def decode_number(buffer: bytearray) -> Any:
        try:
            if limit is None:  # a BigDecimal: the program's precision, not the default 28
                with localcontext(COBOL_CONTEXT):
                    return Decimal(from_bytes(bytes(buffer)))
            number = from_bytes(bytes(buffer))
        except (ValueError, InvalidOperation, CobolRuntimeError):
            raise ServiceError(f"{param.name} holds {bytes(buffer)!r}, not a number of "
                               f"PIC {param.picture}") from None
        if not -limit <= number < limit:
            raise ServiceError(f"{param.name}: {number} does not fit a Java {param.type}")
        return int(number)

    return decode_number


class _Slot:
    """One parameter as a call needs it: wire type name, refused direction, codecs."""

    __slots__ = ("blank", "decode", "encode", "param", "refused", "type_name")

    def __init__(self, param: mp.Parameter) -> None:
        self.param = param
        self.type_name = param.wire_type.name
        self.refused = {"in": ("OUT",), "out": ("IN",)}.get(param.direction, ())
        self.encode = encoder(param)
        self.blank = bytes(self.encode(None))  # what an OUT argument starts as
        self.decode = decoder(param)


class DeployedOperation:
    """One operation of a deployed service, ready to call many times."""

    def __init__(self, package_dir: Path, gnt: str, mapping: mp.Mapping, operation: str) -> None:
        try:
            self.operation = mapping.operation(operation)
        except mp.MappingError as exc:
            raise ServiceError(str(exc)) from None
        self.label = f"{mapping.service}.{self.operation.name}"
        self.gnt = gnt
        self.gnt_path = str(package_dir / gnt)
        self.package_dir = str(package_dir)
        self.slots = tuple(_Slot(p) for p in self.operation.parameters)

    def bind(self, args: list[dict[str, Any]]) -> list[bytearray]:
        """One buffer per parameter from the typed arguments; BadArguments when they differ."""
        if len(args) != len(self.slots):
            signature = ", ".join(f"{p.type} {p.name} {p.direction}"
                                  for p in self.operation.parameters)
            raise BadArguments(f"{self.label} takes {len(self.slots)} arguments ({signature}), "
                               f"got {len(args)}")
        buffers = []
        for n, (slot, arg) in enumerate(zip(self.slots, args, strict=True), 1):
            direction = arg.get("direction")
            if arg.get("type") != slot.type_name or direction in slot.refused:
                raise self._refusal(n, slot.param, arg)
            value = arg.get("value") if direction != "OUT" else None
            buffers.append(bytearray(slot.blank) if value is None else slot.encode(value))
        return buffers

    def _refusal(self, n: int, param: mp.Parameter, arg: dict[str, Any]) -> BadArguments:
        sent_type = arg.get("type")
        if sent_type != param.wire_type.name:
            return BadArguments(f"{self.label} argument {n} ({param.name}) was sent as "
                                f"{sent_type}; the mapping says {param.type} "
                                f"({param.wire_type.name})")
        if param.direction == "in":
            return BadArguments(f"{self.label} argument {n} ({param.name}) is an input "
                                "(direction in) but was sent as OUT")
        return BadArguments(f"{self.label} argument {n} ({param.name}) is an output "
                            "(direction out) but was sent as IN")

    def __call__(self, args: list[dict[str, Any]]) -> list[Any]:
        """Run one call; one value per OUT/INOUT argument, in order."""
        buffers = self.bind(args)
        program = _program(self.gnt_path, self.package_dir)
        try:
            program.call(buffers)
        except CobolRuntimeError as exc:
            _forget(self.gnt_path)
            raise ServiceError(run_time_error(self.label, exc, self.gnt)) from None
        except StopRun as exc:
            _forget(self.gnt_path)
            raise ServiceError(f"{self.label}: the program ended the run unit with STOP RUN "
                               f"(return code {exc.code}); a service returns with EXIT PROGRAM "
                               "or GOBACK") from None
        return [slot.decode(b) for slot, b, a in zip(self.slots, buffers, args, strict=True)
                if a.get("direction") != "IN"]


def run_time_error(label: str, exc: CobolRuntimeError, gnt: str) -> str:
    """The error reply for a run-time error: Micro Focus number, text, program and line."""
    text = RTS_MESSAGES.get(exc.code, "Run-time error")
    detail = f" ({exc.detail})" if exc.detail else ""
    where = f" in program {exc.program or gnt}" + (f", line {exc.line}" if exc.line else "")
    return f"{label}: COBOL run-time error {exc.code:03d} {text}{detail}{where}"


def run_service(package_dir: Path, gnt: str, mapping: mp.Mapping, operation: str,
                args: list[dict[str, Any]]) -> list[Any]:
    """Run one call of a deployed service, preparing the operation for this call only."""
    return DeployedOperation(package_dir, gnt, mapping, operation)(args)
