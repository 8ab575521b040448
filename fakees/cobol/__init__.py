"""fakees.cobol: a COBOL interpreter for the programs Enterprise Server runs.

Python API::

    from fakees.cobol import load_program, linkage_of_source
    prog = load_program("CBLAPP01.gnt")          # or a .cbl source
    prog.linkage                                 # [LinkageItem(name, picture, usage, length)]
    rc = prog.call([bytearray(20), bytearray(10), bytearray(20), bytearray(10)])

WORKING-STORAGE and open files persist across ``call`` as in the product;
STOP RUN raises :class:`StopRun`. ``linkage_of_source`` parses a source and
returns its USING items without running anything (imtkmake -defmap uses it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakees.cobol import ast as A
from fakees.cobol.errors import CobolRuntimeError, CobolSyntaxError, Position, StopRun
from fakees.cobol.gnt import GntError, compile_source, dumps, load_any
from fakees.cobol.runtime import ProgramInstance, RunUnit

__all__ = [
    "CobolRuntimeError", "CobolSyntaxError", "GntError", "LinkageItem", "Program", "StopRun",
    "compile_file", "linkage_of_source", "load_program",
]


@dataclass(frozen=True)
class LinkageItem:
    """One PROCEDURE DIVISION USING item, as a caller must lay out its buffer."""

    name: str
    picture: str | None  # None for a group item
    usage: str
    length: int
    mode: str = "REFERENCE"


def _linkage(prog: A.Program) -> list[LinkageItem]:
    from fakees.cobol.layout import build_layout

    layout = build_layout(prog)
    out = []
    for using in prog.using:
        item = next((i for i in layout.names.get(using.name, [])
                     if i.section == "LINKAGE" and i.level == 1), None)
        if item is None:
            raise CobolSyntaxError(using.pos or Position(prog.source, 1, 1),
                                   f"USING item {using.name} is not an 01/77 LINKAGE item",
                                   using.name, "declare it in the LINKAGE SECTION")
        pic = item.picture.text if item.picture is not None and not item.children else None
        out.append(LinkageItem(item.name, pic, item.usage, item.size, using.mode))
    return out


class Program:
    """A loaded program instance, callable many times with LINKAGE buffers."""

    def __init__(self, prog: A.Program, run_unit: RunUnit | None = None) -> None:
        self.instance = ProgramInstance(prog, run_unit)
        self.name = prog.program_id
        self.linkage = _linkage(prog)

    def call(self, args: Sequence[Any] = ()) -> int:
        """Run once; ``args`` are writable buffers (bytearray/memoryview) bound BY REFERENCE."""
        return self.instance.call(args)

    def cancel(self) -> None:
        """CANCEL: close files; the next load starts from fresh WORKING-STORAGE."""
        self.instance.close_files()


def load_program(path: str | Path, run_unit: RunUnit | None = None,
                 cwd: str | None = None) -> Program:
    """Load a .gnt (or compile a .cbl) into a callable program."""
    unit = run_unit or RunUnit(cwd=cwd)
    unit.search_dirs.append(str(Path(path).resolve().parent))
    return Program(load_any(str(path)), unit)


def linkage_of_source(path: str | Path) -> list[LinkageItem]:
    """USING items of a source program: name, picture, usage, length (parse only)."""
    from fakees.cobol.parser import parse
    from fakees.cobol.source import load_tokens

    prog = parse(load_tokens(str(path)), str(path))
    return _linkage(prog)


def compile_file(source: str | Path, output: str | Path, free: bool = False,
                 copy_dirs: tuple[str, ...] = ()) -> A.Program:
    prog = compile_source(str(source), free=free, copy_dirs=copy_dirs)
    Path(output).write_bytes(dumps(prog))
    return prog
