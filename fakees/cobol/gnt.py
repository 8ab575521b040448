"""The .gnt format: fakees' own compiled form of a program.

A versioned header line, then JSON of the checked syntax tree. Loading
validates every node against the known node classes and their fields, so a
.gnt is data, never code (no pickle), and a foreign or damaged file is
rejected with a message instead of being executed.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from fakees.cobol import ast as A
from fakees.cobol.errors import CobolSyntaxError, Position

MAGIC = b"FAKEES-GNT"
FORMAT_VERSION = 1
NODE_TYPES: dict[str, type] = {
    name: obj for name, obj in vars(A).items()
    if isinstance(obj, type) and dataclasses.is_dataclass(obj)
}
NODE_TYPES["Position"] = Position


class GntError(ValueError):
    """A file that is not a loadable .gnt of this format version."""


def encode(node: Any) -> Any:
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        out: dict[str, Any] = {"_t": type(node).__name__}
        for f in dataclasses.fields(node):
            out[f.name] = encode(getattr(node, f.name))
        return out
    if isinstance(node, bytes):
        return {"_b": node.decode("latin-1")}
    if isinstance(node, tuple):
        return {"_tuple": [encode(x) for x in node]}
    if isinstance(node, list):
        return [encode(x) for x in node]
    if node is None or isinstance(node, str | int | bool):
        return node
    raise TypeError(f"cannot encode {type(node).__name__}")


def decode(data: Any) -> Any:
    if isinstance(data, list):
        return [decode(x) for x in data]
    if isinstance(data, dict):
        if "_b" in data:
            return str(data["_b"]).encode("latin-1")
        if "_tuple" in data:
            return tuple(decode(x) for x in data["_tuple"])
        cls = NODE_TYPES.get(data.get("_t", ""))
        if cls is None:
            raise GntError(f"unknown node type {data.get('_t')!r}")
        names = {f.name for f in dataclasses.fields(cls)}
        extra = set(data) - names - {"_t"}
        if extra:
            raise GntError(f"unexpected fields {sorted(extra)} in {cls.__name__}")
        return cls(**{k: decode(v) for k, v in data.items() if k != "_t"})
    if data is None or isinstance(data, str | int | bool):
        return data
    raise GntError(f"unexpected value {data!r}")


def dumps(prog: A.Program) -> bytes:
    body = json.dumps({"program": encode(prog)}, separators=(",", ":"))
    return MAGIC + b" " + str(FORMAT_VERSION).encode() + b"\n" + body.encode("utf-8")


def loads(blob: bytes, path: str = "<gnt>") -> A.Program:
    header, _, body = blob.partition(b"\n")
    parts = header.split()
    if len(parts) != 2 or parts[0] != MAGIC:
        raise GntError(f"{path}: not a fakees .gnt file")
    if parts[1] != str(FORMAT_VERSION).encode():
        raise GntError(f"{path}: .gnt format version {parts[1].decode('latin-1')} "
                       f"(this fakees reads version {FORMAT_VERSION}); recompile with cob -u")
    try:
        prog = decode(json.loads(body)["program"])
    except (ValueError, KeyError, TypeError) as exc:
        raise GntError(f"{path}: damaged .gnt ({exc})") from None
    if not isinstance(prog, A.Program):
        raise GntError(f"{path}: .gnt does not hold a program")
    try:
        check_procedures(prog)
    except CobolSyntaxError as exc:
        raise GntError(f"{path}: .gnt does not resolve: {exc.message}") from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        raise GntError(f"{path}: damaged .gnt ({type(exc).__name__}: {exc})") from None
    return prog


def compile_source(path: str, free: bool = False,
                   copy_dirs: tuple[str, ...] = ()) -> A.Program:
    """Source -> checked syntax tree (raises CobolSyntaxError)."""
    from fakees.cobol.layout import build_layout
    from fakees.cobol.parser import parse
    from fakees.cobol.source import SourceOptions, load_tokens

    tokens = load_tokens(path, SourceOptions(free=free, copy_dirs=copy_dirs))
    if not tokens:
        raise CobolSyntaxError(Position(path, 1, 1), "source is empty")
    prog = parse(tokens, path)
    build_layout(prog)  # data errors surface at compile time
    check_procedures(prog)
    return prog


def check_procedures(prog: A.Program) -> None:
    """Resolve every name and statement once, so errors surface at compile time."""
    from fakees.cobol.runtime import ProgramInstance, RunUnit

    ProgramInstance(prog, RunUnit())
    for inner in prog.contained:
        check_procedures(inner)


def load_any(path: str) -> A.Program:
    if path.lower().endswith(".gnt"):
        try:
            blob = Path(path).read_bytes()
        except OSError as exc:
            raise GntError(f"{path}: {exc.strerror}") from None
        return loads(blob, path)
    return compile_source(path)
