"""Resolver, data half: data entries to :class:`Item` trees with offsets, sizes and records.

Every 01/77 entry (or FD) gets a record slot; LINKAGE records are bound to the
caller's buffers at CALL time, the others own a ``bytearray`` per program
instance, initialised by category and VALUE clauses like GnuCOBOL does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from fakees.cobol import ast as A
from fakees.cobol.data import (
    ALPHANUMERIC,
    GROUP,
    INDEX,
    NUMERIC,
    NUMERIC_EDITED,
    Item,
    binary_size,
    fill_pattern,
    fit_alnum,
    literal_digits,
    numeric_codec,
)
from fakees.cobol.errors import CobolSyntaxError, Position
from fakees.cobol.picture import PictureError, parse_picture

MAX_RECORD = 64 * 1024 * 1024  # bytes in one record: beyond it a program is surely wrong


@dataclass
class Record:
    """One storage slot: a level-01/77 record, an FD area, or a register block."""

    name: str
    section: str  # WORKING-STORAGE, LOCAL-STORAGE, LINKAGE, FILE, REGISTER
    size: int = 0
    root: Item | None = None
    initial: bytes = b""
    file: str | None = None


@dataclass
class Layout:
    records: list[Record] = field(default_factory=list)
    names: dict[str, list[Item]] = field(default_factory=dict)
    file_records: dict[str, int] = field(default_factory=dict)  # FD name -> record slot
    file_items: dict[str, list[Item]] = field(default_factory=dict)  # FD name -> 01 items

    def add_name(self, item: Item) -> None:
        if item.name != "FILLER":
            self.names.setdefault(item.name, []).append(item)

    def lookup(self, ref: A.Ref) -> Item:
        candidates = self.names.get(ref.name, [])
        if ref.qualifiers:
            candidates = [c for c in candidates if _qualified_by(c, ref.qualifiers)]
        if not candidates:
            raise CobolSyntaxError(ref.pos, f"'{ref.name}' is not defined", ref.name,
                                   "declare it in the DATA DIVISION")
        if len(candidates) > 1:
            raise CobolSyntaxError(ref.pos, f"'{ref.name}' is ambiguous", ref.name,
                                   "qualify it with OF group-name")
        return candidates[0]


def _qualified_by(item: Item, qualifiers: list[str]) -> bool:
    chain = item.qualified()
    k = 0
    for name in chain:
        if k < len(qualifiers) and name == qualifiers[k]:
            k += 1
    return k == len(qualifiers)


def syntax_error(entry: A.DataEntry, message: str, hint: str = "") -> CobolSyntaxError:
    return CobolSyntaxError(entry.pos, message, entry.name, hint)


def build_layout(prog: A.Program) -> Layout:
    try:
        return _build_layout(prog)
    except CobolSyntaxError as exc:
        if not exc.pos.file:
            exc.pos = Position(prog.source, exc.pos.line, exc.pos.col)
        raise


def _build_layout(prog: A.Program) -> Layout:
    layout = Layout()
    for fd in prog.files:
        slot = len(layout.records)
        record = Record(fd.name, "FILE", file=fd.name)
        layout.records.append(record)
        layout.file_records[fd.name] = slot
        roots = _build_trees(fd.records, layout, slot, "FILE")
        layout.file_items[fd.name] = roots
        record.size = max((r.size for r in roots), default=0)
        if not roots:
            raise CobolSyntaxError(fd.pos, f"FD {fd.name} has no record description", fd.name,
                                   "add an 01 record under the FD")
        record.root = roots[0]
        record.initial = b" " * record.size
    for section, entries in (("WORKING-STORAGE", prog.working), ("LOCAL-STORAGE", prog.local),
                             ("LINKAGE", prog.linkage)):
        _build_section(entries, layout, section)
    _index_names(layout)
    return layout


def _build_section(entries: list[A.DataEntry], layout: Layout, section: str) -> None:
    groups: list[list[A.DataEntry]] = []
    for entry in entries:
        if entry.level in (1, 77) or not groups:
            if entry.level not in (1, 77):
                raise syntax_error(entry, f"level {entry.level} item before any 01 level")
            groups.append([entry])
        else:
            groups[-1].append(entry)
    by_name: dict[str, int] = {}
    for group in groups:
        head = group[0]
        if head.redefines and head.redefines in by_name:
            slot = by_name[head.redefines]
            roots = _build_trees(group, layout, slot, section)
            record = layout.records[slot]
            record.size = max(record.size, roots[0].size)
            continue
        slot = len(layout.records)
        record = Record(head.name, section)
        layout.records.append(record)
        roots = _build_trees(group, layout, slot, section)
        record.root = roots[0]
        record.size = roots[0].size
        by_name[head.name] = slot
    for record in layout.records:
        if record.section == section and section != "LINKAGE" and record.root is not None:
            buf = bytearray(record.size)
            _initialise(record.root, buf, 0)
            record.initial = bytes(buf)


def _build_trees(entries: list[A.DataEntry], layout: Layout, slot: int,
                 section: str) -> list[Item]:
    roots: list[Item] = []
    stack: list[Item] = []
    renames: list[A.DataEntry] = []
    last: Item | None = None
    for entry in entries:
        if entry.level == 88:
            if last is None:
                raise syntax_error(entry, "level 88 without a conditional variable")
            cond = Item(entry.name, 88, slot, parent=last, category="condition",
                        section=section, line=entry.pos.line)
            cond.condition_values = list(entry.values)
            last.conditions.append(cond)
            layout.add_name(cond)
            continue
        if entry.level == 66:
            renames.append(entry)
            continue
        level = 1 if entry.level == 77 else entry.level
        item = _make_item(entry, slot, section)
        item.level = level
        while stack and stack[-1].level >= level:
            stack.pop()
        if stack:
            item.parent = stack[-1]
            stack[-1].children.append(item)
        else:
            roots.append(item)
        if entry.redefines:
            siblings = item.parent.children if item.parent else roots
            target = next((s for s in siblings if s.name == entry.redefines), None)
            if target is not None:
                item.redefines = target
            elif item.parent is not None:
                raise syntax_error(entry, f"REDEFINES {entry.redefines}: no such sibling")
            # an 01-level REDEFINES shares the redefined record's slot (see _build_section)
        stack.append(item)
        last = item
        layout.add_name(item)
    for root in roots:
        _compute_size(root)
        if root.size * max(root.occurs, 1) > MAX_RECORD:
            raise CobolSyntaxError(Position("", root.line, 8), f"{root.name} is "
                                   f"{root.size * max(root.occurs, 1):,} bytes, more than "
                                   f"fakees allows ({MAX_RECORD:,})", root.name,
                                   "check the OCCURS counts and PICTURE sizes")
        _assign_offsets(root, 0)
    for entry in renames:
        layout.add_name(_renaming(entry, layout, slot, section))
    return roots


def _renaming(entry: A.DataEntry, layout: Layout, slot: int, section: str) -> Item:
    """Level 66: an alphanumeric view from the first renamed item to the end of the last
    (a single elementary item keeps its own description)."""
    found = []
    for name in entry.renames:
        item = next((i for i in layout.names.get(name, []) if i.record == slot
                     and i.level not in (66, 88)), None)
        if item is None or item.occurs or any(p.occurs for p in _ancestors(item)):
            raise syntax_error(entry, f"RENAMES {name}: not an item of this record "
                                      "(or inside an OCCURS)")
        found.append(item)
    first, last = found[0], found[-1]
    end = last.offset + last.size
    if end <= first.offset:
        raise syntax_error(entry, "RENAMES ... THRU must name items in storage order")
    if len(found) == 1:
        alias = Item(entry.name, 66, slot, first.offset, first.size, first.picture,
                     first.usage, first.category, section=section, line=entry.pos.line)
        alias.children = first.children
        return alias
    return Item(entry.name, 66, slot, first.offset, end - first.offset, category=ALPHANUMERIC,
                section=section, line=entry.pos.line)


def _ancestors(item: Item) -> list[Item]:
    out = []
    node = item.parent
    while node is not None:
        out.append(node)
        node = node.parent
    return out


def _make_item(entry: A.DataEntry, slot: int, section: str) -> Item:
    item = Item(entry.name, entry.level, slot, usage=entry.usage, occurs=entry.occurs,
                occurs_min=entry.occurs_min, justified=entry.justified,
                blank_when_zero=entry.blank_when_zero, sign_leading=entry.sign_leading,
                sign_separate=entry.sign_separate, section=section, line=entry.pos.line,
                indexed_by=list(entry.indexed_by), depending=entry.depending, value=entry.value)
    if entry.picture:
        try:
            item.picture = parse_picture(entry.picture)
        except PictureError as exc:
            raise CobolSyntaxError(entry.pos, str(exc), entry.picture,
                                   "PICTURE symbols: X A 9 S V Z B 0 / , . + - * $ CR DB") from None
        item.category = item.picture.category
        if item.category == NUMERIC_EDITED and entry.usage != "DISPLAY":
            raise syntax_error(entry, "an edited item must be USAGE DISPLAY")
    elif entry.usage in ("COMP-5", "COMP", "COMP-3", "COMP-X") and not entry.picture:
        raise syntax_error(entry, f"USAGE {entry.usage} needs a PICTURE")
    elif entry.usage in ("INDEX", "POINTER"):
        item.category = INDEX
        item.picture = parse_picture("S9(9)")
    if item.category not in (NUMERIC, INDEX) and entry.usage not in ("DISPLAY", "INDEX",
                                                                        "POINTER") \
            and entry.usage != "COMP-X":
        raise syntax_error(entry, f"USAGE {entry.usage} needs a numeric PICTURE (9, S, V)")
    if entry.usage == "COMP-X" and item.picture is not None:
        item.category = NUMERIC
    return item


def _elementary_size(item: Item) -> int:
    pic = item.picture
    assert pic is not None
    usage = item.usage
    if usage == "DISPLAY":
        return pic.size + (1 if item.sign_separate and pic.signed else 0)
    if usage == "COMP-3":
        return pic.digits // 2 + 1
    if usage in ("COMP", "COMP-5"):
        return binary_size(pic.digits)
    if usage == "COMP-X":
        if "X" in pic.expanded:
            return len(pic.expanded)
        return max(1, (int("9" * pic.digits).bit_length() + 7) // 8)
    if usage == "INDEX":
        return 4
    if usage == "POINTER":
        return 8
    raise ValueError(usage)


def _compute_size(item: Item) -> int:
    if not item.children:
        if item.picture is None:
            raise CobolSyntaxError(Position("", item.line, 8),
                                   f"elementary item {item.name} has no PICTURE", item.name)
        item.size = _elementary_size(item)
    else:
        total = 0
        ends: dict[int, int] = {}
        for child in item.children:
            span = _compute_size(child) * max(child.occurs, 1)
            if child.redefines is not None:
                ends[id(child)] = span
                continue
            total += span
        item.size = total
        item.category = GROUP
        for child in item.children:
            if child.redefines is not None:
                # a redefinition larger than what it redefines grows the group
                item.size = max(item.size, ends[id(child)])
    return item.size


def _assign_offsets(item: Item, offset: int) -> None:
    item.offset = offset
    running = offset
    for child in item.children:
        if child.redefines is not None:
            _assign_offsets(child, child.redefines.offset)
            continue
        _assign_offsets(child, running)
        running += child.size * max(child.occurs, 1)


def _index_names(layout: Layout) -> None:
    """INDEXED BY names and special registers live in one register record."""
    slot = len(layout.records)
    register = Record("REGISTERS", "REGISTER")
    layout.records.append(register)
    offset = 0
    names: list[tuple[str, str]] = [("RETURN-CODE", "S9(9)"), ("TALLY", "9(5)")]
    for items in list(layout.names.values()):
        for item in items:
            names.extend((ix, "S9(9)") for ix in item.indexed_by)
    for name, pic in names:
        # a 4-byte native binary, shown with its picture's digits (as GnuCOBOL does)
        reg = Item(name, 1, slot, offset=offset, size=4, picture=parse_picture(pic),
                   usage="INDEX", category=NUMERIC if name in ("RETURN-CODE", "TALLY")
                   else INDEX, section="REGISTER")
        offset += 4
        layout.add_name(reg)
    register.size = offset
    register.initial = bytes(offset)


# ------------------------------------------------------------------ initial values
def literal_value(expr: object) -> object:
    """A VALUE clause's Python value: Decimal/int for numbers, bytes or a figurative name."""
    if isinstance(expr, A.NumLit):
        return Decimal(expr.text) if "." in expr.text else int(expr.text)
    if isinstance(expr, A.StrLit):
        return expr.value
    if isinstance(expr, A.Figurative):
        return expr.name
    return None


def value_bytes(item: Item, expr: object) -> bytes:
    """Encode a VALUE (literal or figurative) for ``item`` following MOVE rules."""
    from fakees.cobol.data import FIGURATIVE_BYTES, edited_value

    size = item.size
    if isinstance(expr, A.Figurative):
        if expr.name == "ZERO" and item.category in (NUMERIC, INDEX):
            return numeric_codec(item)[1](0)
        return fill_pattern(FIGURATIVE_BYTES[expr.name], size)
    if isinstance(expr, A.StrLit):
        if expr.all:
            return fill_pattern(expr.value, size)
        return fit_alnum(expr.value, size, item.justified)
    if isinstance(expr, A.NumLit):
        number = literal_value(expr)
        if item.category in (NUMERIC, INDEX):
            return numeric_codec(item)[1](number)  # type: ignore[arg-type]
        if item.category == NUMERIC_EDITED:
            return edited_value(item, number)  # type: ignore[arg-type]
        return fit_alnum(literal_digits(expr.text), size, item.justified)
    raise ValueError("unsupported VALUE")


def default_bytes(item: Item) -> bytes:
    if item.category in (NUMERIC, INDEX):
        return numeric_codec(item)[1](0)
    if item.category == NUMERIC_EDITED:
        from fakees.cobol.data import edited_value

        return edited_value(item, 0)
    return b" " * item.size


def _initialise(item: Item, buf: bytearray, base: int) -> None:
    """Fill ``item`` (every occurrence) by category, then apply VALUE clauses."""
    count = max(item.occurs, 1)
    for k in range(count):
        start = base + item.offset + k * item.size
        if item.children:
            for child in item.children:
                if child.redefines is not None:
                    continue
                _initialise(child, buf, base + k * item.size)
            if item.value is not None:
                buf[start:start + item.size] = value_bytes(_as_alnum(item), item.value)
            continue
        if item.value is not None:
            buf[start:start + item.size] = value_bytes(item, item.value)
        else:
            buf[start:start + item.size] = default_bytes(item)


def _as_alnum(item: Item) -> Item:
    return Item(item.name, item.level, item.record, size=item.size, category=ALPHANUMERIC)
