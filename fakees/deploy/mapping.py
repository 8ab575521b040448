"""A service's interface mapping: which program an operation runs and how its arguments
land on the program's LINKAGE items. `imtkmake -defmap` writes it as XML (format in
docs/DEPLOY.md), people edit the directions, `-generate` packs it into the .car, and
SEPs read it to run the service.

Types follow the PICTURE of each item (the Java connector's names, as the
report's client sees them): PIC X/A and edited items -> String; PIC 9 without
decimals -> Short (1-4 digits), Integer (5-9), Long (10-18); more digits or a
V -> BigDecimal. A sign (S) keeps the integral types, which are signed in Java.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path

from fakees.binp.events import ArgType
from fakees.cobol import LinkageItem
from fakees.cobol.picture import NUMERIC, PictureError, parse_picture

FORMAT_VERSION = 1
DIRECTIONS = ("in", "out", "io")
SERVICE_TYPES = ("ejb",)
# mapping type name <-> BINP wire type
TYPE_NAMES: dict[str, ArgType] = {
    "String": ArgType.STRING,
    "Long": ArgType.LONG,
    "Integer": ArgType.INTEGER,
    "Short": ArgType.SHORT,
    "BigDecimal": ArgType.BIGDECIMAL,
    "byte[]": ArgType.BYTES,
}
INTEGRAL_DIGITS = {"Short": 4, "Integer": 9, "Long": 18}
MAX_MAPPING_BYTES = 1 << 20
CODED_USAGES = ("DISPLAY", "COMP", "COMP-3", "COMP-5", "COMP-X")


class MappingError(ValueError):
    """The mapping is malformed or does not match its program; the message says where."""


@dataclass(frozen=True)
class Parameter:
    """One LINKAGE item of the USING list as the caller sees it."""

    name: str
    type: str
    direction: str
    picture: str  # "" for a group item
    usage: str
    length: int

    @property
    def wire_type(self) -> ArgType:
        return TYPE_NAMES[self.type]

    @property
    def takes_input(self) -> bool:
        return self.direction in ("in", "io")

    @property
    def gives_output(self) -> bool:
        return self.direction in ("out", "io")


@dataclass(frozen=True)
class Operation:
    name: str
    program: str  # PROGRAM-ID
    parameters: tuple[Parameter, ...]


@dataclass(frozen=True)
class Mapping:
    service: str
    type: str
    source: str  # the COBOL source file name, relative to the mapping
    operations: tuple[Operation, ...] = field(default_factory=tuple)

    def operation(self, name: str) -> Operation:
        for op in self.operations:
            if op.name.upper() == name.upper():
                return op
        known = ", ".join(op.name for op in self.operations) or "none"
        raise MappingError(
            f"service {self.service} has no operation {name!r} (operations: {known})")

    def with_directions(self, directions: dict[str, str]) -> Mapping:
        """A copy with some parameters' directions changed (what the report does by hand)."""
        unknown = set(directions) - {p.name for op in self.operations for p in op.parameters}
        if unknown:
            raise MappingError(f"no parameter named {', '.join(sorted(unknown))}")
        ops = tuple(
            replace(op, parameters=tuple(
                replace(p, direction=_check_direction(directions.get(p.name, p.direction), p.name))
                for p in op.parameters))
            for op in self.operations)
        return replace(self, operations=ops)


def default_type(item: LinkageItem) -> str:
    """The parameter type imtkmake proposes for a LINKAGE item (rules in the module doc)."""
    if not item.picture:
        return "String"  # a group item: its bytes as text
    if item.usage not in CODED_USAGES:
        return "byte[]"
    try:
        parsed = parse_picture(item.picture)
    except PictureError as exc:
        raise MappingError(f"{item.name}: {exc}") from None
    if parsed.category != NUMERIC:
        return "String"
    if parsed.scale or parsed.digits > 18:
        return "BigDecimal"
    for name, digits in INTEGRAL_DIGITS.items():
        if parsed.digits <= digits:
            return name
    return "BigDecimal"


def define(service: str, source: str, program: str, items: list[LinkageItem],
           service_type: str = "ejb") -> Mapping:
    """`imtkmake -defmap`: one operation named after the program, every item "io"."""
    params = tuple(Parameter(i.name, default_type(i), "io", i.picture or "", i.usage, i.length)
                   for i in items)
    return Mapping(service, service_type, source, (Operation(program, program, params),))


def check_against(mapping: Mapping, program: str, items: list[LinkageItem]) -> None:
    """Raise MappingError unless the mapping's parameters are exactly the program's USING items."""
    others = [op for op in mapping.operations if op.program.upper() != program.upper()]
    if others:
        raise MappingError(f"mapping of {mapping.service}: operation {others[0].name} runs "
                           f"program {others[0].program}, but the package holds only {program}")
    for op in mapping.operations:
        where = f"mapping of {mapping.service}.{op.name} vs program {program}"
        if len(op.parameters) != len(items):
            raise MappingError(f"{where}: the mapping has {len(op.parameters)} parameters, the "
                               f"program's PROCEDURE DIVISION USING has {len(items)}")
        for n, (param, item) in enumerate(zip(op.parameters, items, strict=True), 1):
            if param.name.upper() != item.name.upper() or param.length != item.length:
                raise MappingError(
                    f"{where}: parameter {n} is {param.name} ({param.length} bytes) in the "
                    f"mapping but {item.name} ({item.length} bytes) in the program")
            _check_type(param, item, where)


def _check_type(param: Parameter, item: LinkageItem, where: str) -> None:
    proposed = default_type(item)
    allowed = {proposed, "byte[]"}
    if proposed in INTEGRAL_DIGITS:
        allowed |= {t for t, d in INTEGRAL_DIGITS.items() if d >= INTEGRAL_DIGITS[proposed]}
        allowed.add("BigDecimal")
    if param.type not in allowed:
        raise MappingError(f"{where}: {param.name} PIC {item.picture or '(group)'} cannot be "
                           f"mapped as {param.type} (use {' or '.join(sorted(allowed))})")


def _check_direction(direction: str, name: str) -> str:
    value = "io" if direction == "inout" else direction
    if value not in DIRECTIONS:
        raise MappingError(f"parameter {name}: direction {direction!r} is not one of "
                           f"{', '.join(DIRECTIONS)}")
    return value


# ------------------------------------------------------------------ XML form
def to_xml(mapping: Mapping) -> str:
    root = ET.Element("mapping", format=str(FORMAT_VERSION), service=mapping.service,
                      type=mapping.type, source=mapping.source)
    for op in mapping.operations:
        op_el = ET.SubElement(root, "operation", name=op.name, program=op.program)
        for p in op.parameters:
            ET.SubElement(op_el, "parameter", name=p.name, type=p.type, direction=p.direction,
                          picture=p.picture, usage=p.usage, length=str(p.length))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def from_xml(data: bytes | str, origin: str = "mapping") -> Mapping:
    """Parse and validate a mapping; every problem is a MappingError naming `origin`."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_MAPPING_BYTES:
        raise MappingError(f"{origin}: {len(raw)} bytes is more than a mapping may hold")
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise MappingError(f"{origin}: DOCTYPE and ENTITY declarations are not allowed")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise MappingError(f"{origin}: not well-formed XML: {exc}") from None
    if root.tag != "mapping":
        raise MappingError(f"{origin}: the root element is <{root.tag}>, expected <mapping>")
    version = root.get("format", "")
    if version != str(FORMAT_VERSION):
        raise MappingError(f"{origin}: mapping format {version!r} is not supported "
                           f"(this fakees reads format {FORMAT_VERSION})")
    service = _attr(root, "service", origin)
    service_type = root.get("type", "ejb")
    if service_type not in SERVICE_TYPES:
        raise MappingError(f"{origin}: service type {service_type!r} is not one of "
                           f"{', '.join(SERVICE_TYPES)}")
    ops = tuple(_operation(el, f"{origin}: operation {i}") for i, el in
                enumerate(root.iter("operation"), 1))
    if not ops:
        raise MappingError(f"{origin}: no <operation> element")
    return Mapping(service, service_type, root.get("source", ""), ops)


def _operation(el: ET.Element, where: str) -> Operation:
    name = _attr(el, "name", where)
    params = []
    for n, p in enumerate(el.iter("parameter"), 1):
        here = f"{where} ({name}) parameter {n}"
        pname = _attr(p, "name", here)
        ptype = _attr(p, "type", here)
        if ptype not in TYPE_NAMES:
            raise MappingError(f"{here} ({pname}): type {ptype!r} is not one of "
                               f"{', '.join(TYPE_NAMES)}")
        length = _attr(p, "length", here)
        if not length.isdigit() or not 0 < int(length) <= 1 << 20:
            raise MappingError(f"{here} ({pname}): length {length!r} is not a byte count")
        params.append(Parameter(pname, ptype, _check_direction(_attr(p, "direction", here), pname),
                                p.get("picture", ""), p.get("usage", "DISPLAY"), int(length)))
    return Operation(name, el.get("program") or name, tuple(params))


def _attr(el: ET.Element, name: str, where: str) -> str:
    value = el.get(name)
    if not value:
        raise MappingError(f"{where}: <{el.tag}> has no {name}=\"...\"")
    return value


def load(path: Path) -> Mapping:
    try:
        return from_xml(path.read_bytes(), str(path))
    except FileNotFoundError:
        raise MappingError(f"{path}: no such mapping file") from None
