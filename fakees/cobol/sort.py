"""SORT, RELEASE and RETURN: an in-memory sort work file per SD.

USING files are read whole and GIVING files written whole through the same
file handles as READ/WRITE; INPUT and OUTPUT procedures run as PERFORMed
ranges that RELEASE into, and RETURN from, the work file. The sort is stable,
so records with equal keys keep their order (WITH DUPLICATES IN ORDER).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from fakees.cobol import ast as A
from fakees.cobol.data import INDEX, NUMERIC, fit_alnum, numeric_codec
from fakees.cobol.errors import CobolRuntimeError, Position
from fakees.cobol.fileio import io_status
from fakees.isam import status as S

if TYPE_CHECKING:
    from fakees.cobol.compiler import Compiler
    from fakees.cobol.fileio import FileHandle


class SortWork:
    """The records of one SORT in progress."""

    def __init__(self) -> None:
        self.records: list[bytes] = []
        self.output: Iterator[bytes] | None = None


def _work(compiler: Compiler, name: str) -> tuple[SortWork, int, int]:
    """(work file, record slot, record size) of an SD."""
    layout = compiler.layout
    if name not in layout.file_records:
        raise compiler.error(None, f"{name} is not a sort file (SD)")
    works = compiler.inst.sort_works
    slot = layout.file_records[name]
    return works.setdefault(name, SortWork()), slot, layout.records[slot].size


def _key_function(compiler: Compiler, stmt: A.Sort) -> Callable[[bytes], tuple[Any, ...]]:
    parts = []
    for key in stmt.keys:
        item = compiler.lookup(key.ref)
        start, end = item.offset, item.offset + item.size
        decode = numeric_codec(item)[0] if item.category in (NUMERIC, INDEX) else None
        parts.append((start, end, decode, key.ascending))

    def key_of(record: bytes) -> tuple[Any, ...]:
        out: list[Any] = []
        for start, end, decode, ascending in parts:
            raw = record[start:end]
            if decode is not None:
                value = decode(raw)
                out.append(value if ascending else -value)
            else:
                out.append(raw if ascending else bytes(255 - b for b in raw))
        return tuple(out)

    return key_of


def _procedures(compiler: Compiler, names: tuple[str, str] | None,
                where: list[Position]) -> tuple[int, int] | None:
    """An INPUT or OUTPUT PROCEDURE's paragraph range; errors point at the name."""
    if names is None:
        return None
    first_pos, last_pos = where if len(where) == 2 else (None, None)
    return (compiler.proc_range(names[0], first_pos, None)[0],
            compiler.proc_range(names[1], last_pos, None)[1])


def build_sort(compiler: Compiler, stmt: A.Sort) -> Callable[[], None]:
    work, slot, size = _work(compiler, stmt.file)
    key_of = _key_function(compiler, stmt)
    using = [_declared(compiler, name) for name in stmt.using]
    giving = [_declared(compiler, name) for name in stmt.giving]
    runner = compiler.inst.run_range
    in_proc = _procedures(compiler, stmt.input_procedure, stmt.input_pos)
    out_proc = _procedures(compiler, stmt.output_procedure, stmt.output_pos)
    program = compiler.prog.program_id
    slots = compiler.slots

    def sort() -> None:
        work.records = []
        if in_proc is not None:
            runner(*in_proc)
        for handle in using:
            work.records.extend(fit_alnum(r, size) for r in _read_all(handle, program))
        work.records.sort(key=key_of)
        work.output = iter(work.records)
        if out_proc is not None:
            runner(*out_proc)
        for handle in giving:
            _write_all(handle, work.records, program)
        work.output = None
        slots[slot][:] = b" " * size

    return sort


def _declared(compiler: Compiler, name: str) -> FileHandle:
    handle = compiler.inst.files.get(name)
    if handle is None:
        raise compiler.error(None, f"file {name} is not declared", "add a SELECT for it")
    return handle


def _read_all(handle: FileHandle, program: str) -> list[bytes]:
    _check(handle, io_status(handle.open, "INPUT"), program)
    records = []
    while True:
        status = io_status(handle.read, True, False, 0, "")
        if status.code[0] != "0":
            break
        records.append(bytes(handle.area[:handle.record_size]))
    _check(handle, io_status(handle.close), program)
    return records


def _write_all(handle: FileHandle, records: list[bytes], program: str) -> None:
    _check(handle, io_status(handle.open, "OUTPUT"), program)
    for record in records:
        handle.area[:] = fit_alnum(record, handle.record_size)
        _check(handle, io_status(handle.write, handle.record_size), program)
    _check(handle, io_status(handle.close), program)


def _check(handle: FileHandle, status: S.Status, program: str) -> None:
    if status.code[0] != "0":
        raise CobolRuntimeError(30, f"SORT on {handle.name}: {status.meaning}", program,
                                file=handle.path(), status=status.code)


def build_release(compiler: Compiler, stmt: A.Release) -> Callable[[], None]:
    item = compiler.lookup(stmt.record)
    name = next((n for n, s in compiler.layout.file_records.items() if s == item.record), None)
    if name is None:
        raise compiler.error(stmt.record.pos, f"{stmt.record.name} is not a sort record")
    work, slot, size = _work(compiler, name)
    source = compiler.mover(stmt.source, stmt.record) if stmt.source is not None else None
    slots = compiler.slots

    def release() -> None:
        if source is not None:
            source()
        work.records.append(bytes(slots[slot][:size]))

    return release


def build_return(compiler: Compiler, stmt: A.Return) -> Callable[[], None]:
    work, slot, size = _work(compiler, stmt.file)
    into = None
    if stmt.into is not None:
        record = compiler.layout.file_items[stmt.file][0]
        into = compiler.mover(A.Ref(record.name, stmt.into.pos), stmt.into)
    at_end = (compiler.block(stmt.handlers.exception)
              if stmt.handlers.exception is not None else None)
    not_at_end = (compiler.block(stmt.handlers.not_exception)
                  if stmt.handlers.not_exception is not None else None)
    slots = compiler.slots

    def return_() -> None:
        record = next(work.output, None) if work.output is not None else None
        if record is None:
            if at_end is not None:
                at_end()
            return
        slots[slot][:size] = record
        if into is not None:
            into()
        if not_at_end is not None:
            not_at_end()

    return return_
