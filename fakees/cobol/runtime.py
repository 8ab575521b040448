"""Program instances and the run unit: storage, PERFORM ranges, CALL, STOP RUN.

A :class:`ProgramInstance` owns its WORKING-STORAGE and open files; both
persist across calls until the program is cancelled, as in the product. The
:class:`RunUnit` holds the instances loaded by CALL and the console streams.
"""

from __future__ import annotations

import decimal
import os
import sys
from collections.abc import Sequence
from typing import Any, BinaryIO

from fakees.cobol import ast as A
from fakees.cobol.compiler import (
    Compiler,
    ExitProgramSignal,
    GoToSignal,
    PerformReturn,
)
from fakees.cobol.errors import CobolRuntimeError, StopRun
from fakees.cobol.layout import Layout, build_layout

COBOL_CONTEXT = decimal.Context(prec=64, rounding=decimal.ROUND_DOWN,
                                traps=[decimal.InvalidOperation, decimal.DivisionByZero])


class RunUnit:
    """What one process (or one SEP) shares between the programs it calls."""

    def __init__(self, stdout: BinaryIO | None = None, stderr: BinaryIO | None = None,
                 stdin: BinaryIO | None = None, cwd: str | None = None) -> None:
        self.stdout = stdout or sys.stdout.buffer
        self.stderr = stderr or sys.stderr.buffer
        self.stdin = stdin or sys.stdin.buffer
        self.cwd = cwd
        self.programs: dict[str, ProgramInstance] = {}
        self.static_programs: dict[str, A.Program] = {}  # programs from loaded sources
        self.search_dirs: list[str] = []
        self.command_line = ""  # ACCEPT ... FROM COMMAND-LINE (cobrun's arguments)

    def write_display(self, data: bytes, to_err: bool) -> None:
        """DISPLAY: a whole line reaches its stream at once (a SEP's log is tailed live)."""
        stream = self.stderr if to_err else self.stdout
        stream.write(data)
        if to_err or data.endswith(b"\n"):
            stream.flush()

    def flush(self) -> None:
        for stream in (self.stdout, self.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                continue

    def read_line(self) -> bytes:
        self.flush()
        line = self.stdin.readline()
        return line.rstrip(b"\r\n")

    def environment(self, name: str) -> bytes:
        return os.environ.get(name, "").encode("latin-1", errors="replace")

    def path(self, name: str) -> str:
        if self.cwd and not os.path.isabs(name):
            return os.path.join(self.cwd, name)
        return name

    def find_program(self, name: str) -> ProgramInstance | None:
        """A COBOL program by name: loaded already, or a .gnt/.cbl on COBPATH or the cwd."""
        key = name.upper()
        if key in self.programs:
            return self.programs[key]
        if key in self.static_programs:
            return ProgramInstance(self.static_programs[key], self)
        from fakees.cobol.gnt import load_any

        dirs = [*self.search_dirs,
                *[d for d in os.environ.get("COBPATH", "").split(":") if d],
                self.cwd or "."]
        for directory in dirs:
            for candidate in (name, name.lower(), name.upper()):
                for suffix in (".gnt", ".cbl", ".cob", ".CBL"):
                    path = os.path.join(directory, candidate + suffix)
                    if os.path.isfile(path):
                        prog = load_any(path)
                        instance = ProgramInstance(prog, self)
                        self.programs[key] = instance
                        return instance
        return None

    def cancel(self, name: str) -> None:
        instance = self.programs.pop(name.upper(), None)
        if instance is not None:
            instance.close_files()


class ProgramInstance:
    """One loaded program with its storage, compiled paragraphs and files."""

    def __init__(self, prog: A.Program, run_unit: RunUnit | None = None) -> None:
        self.prog = prog
        self.name = prog.program_id
        self.run_unit = run_unit or RunUnit()
        for inner in prog.contained:
            self.run_unit.static_programs.setdefault(inner.program_id.upper(), inner)
        self.layout: Layout = build_layout(prog)
        # LINKAGE records not passed by a caller are spaces (USING ones are rebound per call)
        self.slots: list[Any] = [bytearray(r.initial) if r.section != "LINKAGE"
                                 else memoryview(bytearray(b" " * r.size))
                                 for r in self.layout.records]
        self.local_storage = [(k, r.initial) for k, r in enumerate(self.layout.records)
                              if r.section == "LOCAL-STORAGE"]
        self.linkage_slots = self._using_slots()
        # the caller's buffer bound to each USING item last time: the same object again
        # (a caller looping over one set of buffers) keeps its view, no rebinding
        self.bound: list[Any] = [None] * len(self.linkage_slots)
        rc = self.layout.names["RETURN-CODE"][0]
        self.rc_buf: bytearray = self.slots[rc.record]
        self.rc_off = rc.offset
        self.files: dict[str, Any] = {}
        self.sort_works: dict[str, Any] = {}  # SD name -> fakees.cobol.sort.SortWork
        from fakees.cobol.fileio import make_files

        self.files = make_files(self)
        compiler = Compiler(prog, self.layout, self)
        self.paragraphs = compiler.compile_program()
        self.pending = [0] * len(self.paragraphs)  # see run_range
        self.entry_range = ((prog.entry, len(self.paragraphs) - 1)
                            if len(self.paragraphs) > prog.entry else None)
        self.run_unit.programs.setdefault(self.name.upper(), self)
        self.active = False
        self.is_main = False

    def _using_slots(self) -> list[tuple[int, int, int]]:
        """(argument number, record slot, size) of each PROCEDURE DIVISION USING item."""
        out = []
        for k, using in enumerate(self.prog.using):
            items = self.layout.names.get(using.name, [])
            item = next((i for i in items if i.section == "LINKAGE" and i.level == 1), None)
            if item is None:
                from fakees.cobol.errors import CobolSyntaxError, Position

                raise CobolSyntaxError(using.pos or Position(self.prog.source, 1, 1),
                                       f"USING item {using.name} is not an 01/77 LINKAGE item",
                                       using.name, "declare it in the LINKAGE SECTION")
            out.append((k, item.record, item.size))
        return out

    # ---------------------------------------------------------------- execution
    def run_range(self, first: int, last: int, outermost: bool = False) -> None:
        """PERFORM first THRU last; ``pending`` counts the active ranges ending at each
        paragraph, so reaching an outer range's end inside an inner one is one lookup.
        A paragraph returns True to leave the program: the outermost range (the CALL's)
        just returns, an inner one raises ExitProgramSignal up to the CALL."""
        paragraphs = self.paragraphs
        pending = self.pending
        pending[last] += 1
        count = len(paragraphs)
        k = first
        try:
            while True:
                try:
                    if paragraphs[k]():
                        if outermost:
                            return
                        raise ExitProgramSignal
                except GoToSignal as jump:
                    k = jump.index
                    if not jump.finished:
                        continue
                except PerformReturn as back:
                    if back.index != last:
                        raise
                    return
                if k == last:
                    return
                if pending[k]:
                    raise PerformReturn(k)
                k += 1
                if k >= count:
                    raise ExitProgramSignal
        finally:
            pending[last] -= 1

    def call(self, args: Sequence[Any] = ()) -> int:
        """Run the procedure division once with ``args`` bound to the USING items."""
        if self.active:
            raise CobolRuntimeError(181, "recursive CALL of an active program", self.name)
        previous = decimal.getcontext()
        if previous is not COBOL_CONTEXT:
            decimal.setcontext(COBOL_CONTEXT)
        self.active = True
        try:
            self._bind(args)
            for k, initial in self.local_storage:
                self.slots[k][:] = initial
            if self.entry_range is not None:
                try:  # noqa: SIM105 - contextlib.suppress costs a call on every CALL
                    self.run_range(*self.entry_range, True)
                except ExitProgramSignal:
                    pass
            return self.return_code()
        except CobolRuntimeError as exc:
            exc.program = exc.program or self.name
            raise
        finally:
            self.active = False
            if previous is not COBOL_CONTEXT:
                decimal.setcontext(previous)

    def _bind(self, args: Sequence[Any]) -> None:
        """LINKAGE records become views of the caller's buffers (spaces when not passed)."""
        slots = self.slots
        bound = self.bound
        count = len(args)
        for k, slot, size in self.linkage_slots:
            buf = args[k] if k < count else None
            if buf is None:
                slots[slot] = memoryview(bytearray(b" " * size))
                bound[k] = None
                continue
            if buf is bound[k]:  # our view pins its size: still valid
                continue
            view = buf if isinstance(buf, memoryview) else memoryview(buf)
            if view.readonly:
                raise TypeError(f"argument {k + 1} of {self.name} must be writable "
                                "(a bytearray), LINKAGE items are the caller's storage")
            if len(view) < size:
                raise CobolRuntimeError(
                    114, f"argument {k + 1} has {len(view)} bytes, "
                         f"LINKAGE item needs {size}", self.name)
            slots[slot] = view
            bound[k] = buf

    def return_code(self) -> int:
        return int.from_bytes(self.rc_buf[self.rc_off:self.rc_off + 4], "little", signed=True)

    def set_return_code(self, value: int) -> None:
        self.rc_buf[self.rc_off:self.rc_off + 4] = (value & 0xFFFFFFFF).to_bytes(4, "little")

    def close_files(self) -> None:
        for handle in self.files.values():
            handle.close_quietly()


def run_main(instance: ProgramInstance, args: Sequence[Any] = ()) -> int:
    """Run a main program: STOP RUN's code or RETURN-CODE; files closed at the end."""
    run_unit = instance.run_unit
    instance.is_main = True
    try:
        code = instance.call(args)
    except StopRun as stop:
        code = stop.code
    finally:
        for program in list(run_unit.programs.values()):
            program.close_files()
        run_unit.flush()
    return code
