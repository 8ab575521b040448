"""File I/O statements: SELECT/FD to file handles, OPEN ... CLOSE, FILE STATUS and handlers.

Sequential and line-sequential files are handled here; indexed files go
through :mod:`fakees.isam`. Every operation yields a :class:`Status`; this module
stores it in the FILE STATUS item, runs AT END / INVALID KEY phrases, and turns
an unhandled failure into a run-time error, as the product does.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from fakees.cobol import ast as A
from fakees.cobol.data import fit_alnum
from fakees.cobol.errors import CobolRuntimeError, CobolSyntaxError
from fakees.isam import IndexedFile, KeySpec
from fakees.isam import status as S
from fakees.isam.status import Status

if TYPE_CHECKING:
    from fakees.cobol.compiler import Compiler
    from fakees.cobol.runtime import ProgramInstance, RunUnit

# file status -> Micro Focus run-time error number when nothing handles it
RTS_FOR_STATUS = {"35": 13, "37": 37, "39": 39, "30": 30, "41": 141, "42": 142, "43": 143,
                  "44": 144, "46": 146, "47": 147, "48": 148, "49": 149, "10": 146, "21": 121,
                  "22": 122, "23": 123, "24": 124}
_LOCKS: dict[str, bool] = {"LOCK": True, "NO LOCK": False}  # READ's phrase -> lock argument
_RAW: dict[str, bytes] = {}  # status code -> the two bytes of FILE STATUS
# getenv(3), called with the GIL held: FileHandle.path compares the values an ASSIGN
# came from on every OPEN, and os.environb.get costs three Python calls (and a caught
# KeyError) per name.  Writes to os.environ go through putenv(3), so they show here.
_getenv = ctypes.PyDLL(None).getenv
_getenv.restype = ctypes.c_char_p
_getenv.argtypes = (ctypes.c_char_p,)


def status_bytes(status: Status) -> bytes:
    """``status.raw``, computed once per code."""
    raw = _RAW.get(status.code)
    if raw is None:
        raw = _RAW[status.code] = status.raw
    return raw


def resolve_assign(select: A.Select, run_unit: RunUnit, value: str | None = None) -> str:
    """The file a SELECT names: ``ASSIGN TO EXTERNAL X`` looks up dd_X, then X, then uses X.

    A leading ``$VAR`` in the result is expanded from the environment.
    A data-name ASSIGN uses the item's value (``value``); names are relative to
    the run unit's working directory.
    """
    if value is not None:
        name = value
    elif select.assign_literal:
        name = select.assign
    else:
        name = (os.environ.get(f"dd_{select.assign}") or os.environ.get(f"DD_{select.assign}")
                or os.environ.get(select.assign) or select.assign)
    if name.startswith("$"):  # "$DATADIR/file": the product expands a leading variable
        name = os.path.expandvars(name)
    return run_unit.path(name)


def io_status(operation: Callable[..., Status], *args: Any) -> Status:
    """Run a FileHandle operation: an operating-system failure (disk full, EIO) is file
    status 30, not a traceback (the compiled statements do the same inline)."""
    try:
        return operation(*args)
    except OSError:
        return S.IO_ERROR


class FileHandle:
    """One SELECT of a program instance: its record area, open state and status item."""

    def __init__(self, instance: ProgramInstance, select: A.Select) -> None:
        self.instance = instance
        self.select = select
        self.name = select.name
        layout = instance.layout
        if select.name not in layout.file_records:
            raise CobolSyntaxError(select.pos, f"file {select.name} has no FD", select.name,
                                   "add an FD entry in the FILE SECTION")
        self.slot = layout.file_records[select.name]
        self.area: bytearray = instance.slots[self.slot]  # FD records are never rebound
        self.record_size = layout.records[self.slot].size
        self.min_size = min(i.size for i in layout.file_items[select.name])
        self.organization = select.organization
        if self.organization == "RELATIVE":
            raise CobolSyntaxError(select.pos, "ORGANIZATION RELATIVE is not supported by "
                                   "fakees", select.name, "use INDEXED with a numeric key")
        self.access = select.access
        self.mode = ""
        self.handle: Any = None
        self.at_eof = False
        self.last_read_pos: int | None = None
        self.line_open = False
        self.requested_mode = ""  # the mode of the last OPEN, for USE ... ON INPUT etc.
        self.keys: list[Any] = []
        self.key_items: list[tuple[int, int]] = []
        if self.organization == "INDEXED":
            self._index_keys(layout)
        self.status_writer: Callable[[bytes], None] | None = None
        self.assign_reader: Callable[[], bytes] | None = None
        self.open_options = {
            "record_size": self.record_size, "keys": self.keys,
            "min_size": None if self.min_size == self.record_size else self.min_size,
            "lock_mode": select.lock_mode or None, "access": self.access,
            "optional": select.optional}
        # the environment values (and cwd) the last path came from, and that path
        self.env_names = [] if select.assign_literal else [
            os.fsencode(n) for n in (f"dd_{select.assign}", f"DD_{select.assign}",
                                     select.assign)]
        self.path_source: tuple[bytes | None, ...] | None = None
        self.path_cwd: str | None = None
        self.last_path = ""

    def _index_keys(self, layout: Any) -> None:
        names = [(self.select.record_key, False)] + [
            (k.name, k.duplicates) for k in self.select.alternate_keys]
        for name, dups in names:
            if name is None:
                raise CobolSyntaxError(self.select.pos, f"indexed file {self.name} needs "
                                       "RECORD KEY", self.name, "add RECORD KEY IS item")
            item = next((i for i in layout.names.get(name, []) if i.record == self.slot), None)
            if item is None:
                raise CobolSyntaxError(self.select.pos, f"key {name} is not in the record of "
                                       f"{self.name}", name, "a key must be a field of the FD")
            self.key_items.append((item.offset, item.size))
            self.keys.append(KeySpec(item.offset, item.size, duplicates=dups))

    def path(self) -> str:
        """The file an OPEN uses now; resolved again only when the environment values
        or the working directory it came from changed (or it expanded a ``$VAR``)."""
        run_unit = self.instance.run_unit
        if self.assign_reader is not None:
            value = bytes(self.assign_reader()).decode("latin-1").strip()
            return resolve_assign(self.select, run_unit, value)
        # a service OPENs its file on every call: comparing the raw values is cheaper
        # than resolving the name again
        source = tuple(map(_getenv, self.env_names))
        if source != self.path_source or run_unit.cwd is not self.path_cwd:
            self.last_path = resolve_assign(self.select, run_unit)
            expands = self.select.assign.startswith("$") or any(
                value is not None and value.startswith(b"$") for value in source)
            self.path_source = None if expands else source
            self.path_cwd = run_unit.cwd
        return self.last_path

    # ------------------------------------------------------------------ operations
    def open(self, mode: str) -> Status:
        if self.mode:
            return S.ALREADY_OPEN
        self.requested_mode = mode
        path = self.path()
        self.at_eof = False
        self.last_read_pos = None
        if self.organization == "INDEXED":
            handle, status = IndexedFile.open(path, mode, **self.open_options)
            if handle is None:
                return status
            self.handle = handle
            self.mode = mode
            return status
        if self.organization == "LINE SEQUENTIAL" and mode == "I-O":
            return S.MODE_NOT_PERMITTED
        flags = {"INPUT": "rb", "OUTPUT": "wb", "I-O": "r+b", "EXTEND": "ab"}[mode]
        created = S.SUCCESS
        try:
            if mode in ("EXTEND", "I-O") and not os.path.exists(path):
                if not self.select.optional:
                    return S.FILE_NOT_FOUND
                open(path, "wb").close()  # an OPTIONAL file is created, status 05
                created = S.OPTIONAL_ABSENT
            self.handle = open(path, flags)  # noqa: SIM115 - lives until CLOSE
        except FileNotFoundError:
            if self.select.optional and mode == "INPUT":
                self.handle = None
                self.mode = mode
                self.at_eof = True
                return S.OPTIONAL_ABSENT
            return S.FILE_NOT_FOUND
        except PermissionError:
            return S.MODE_NOT_PERMITTED
        except IsADirectoryError:
            return S.ATTRIBUTE_CONFLICT
        self.mode = mode
        return created

    def close(self) -> Status:
        if not self.mode:
            return S.NOT_OPEN
        status = S.SUCCESS
        if self.organization == "INDEXED":
            status = self.handle.close()
        elif self.handle is not None:
            if self.line_open:
                self.handle.write(b"\n")  # end the line an AFTER ADVANCING write began
                self.line_open = False
            self.handle.close()
        self.handle = None
        self.mode = ""
        return status

    def close_quietly(self) -> None:
        if self.mode:
            try:
                self.close()
            except OSError:
                self.mode = ""

    def read(self, next_record: bool, previous: bool, key_number: int, lock: str) -> Status:
        """READ [NEXT|PREVIOUS]; a keyed READ uses key ``key_number`` (see key_number)."""
        if self.mode not in ("INPUT", "I-O"):
            return S.READ_NOT_ALLOWED
        if self.organization == "INDEXED":
            locking = _LOCKS.get(lock)
            if previous:
                status, rec = self.handle.read_previous(locking)
            elif next_record or self.access == "SEQUENTIAL":
                status, rec = self.handle.read_next(locking)
            else:
                off, size = self.key_items[key_number]
                status, rec = self.handle.read(key_number, bytes(self.area[off:off + size]),
                                               locking)
            if rec is not None and status.code[0] == "0":
                self.area[:] = rec if len(rec) == self.record_size else fit_alnum(
                    bytes(rec), self.record_size)
            return status
        if self.at_eof:
            return S.NO_NEXT_RECORD if self.handle is not None else S.AT_END
        if self.organization == "LINE SEQUENTIAL":
            line = self.handle.readline()
            if not line:
                self.at_eof = True
                return S.AT_END
            line = line.rstrip(b"\n").rstrip(b"\r")
            self.area[:] = fit_alnum(line, self.record_size)
            return S.SUCCESS
        pos = self.handle.tell()
        data = self.handle.read(self.record_size)
        if not data:
            self.at_eof = True
            return S.AT_END
        self.last_read_pos = pos
        self.area[:] = fit_alnum(data, self.record_size)
        return S.SUCCESS if len(data) == self.record_size else Status("04")

    def key_number(self, key_offset: int | None) -> int:
        """The key (0 primary, 1.. alternate) whose field starts at ``key_offset``."""
        if key_offset is None:
            return 0
        for k, (off, _) in enumerate(self.key_items):
            if off == key_offset:
                return k
        return 0

    def write(self, size: int, advancing: tuple[str, int | None] | None = None) -> Status:
        if self.mode not in ("OUTPUT", "EXTEND", "I-O") or (
                self.organization != "INDEXED" and self.mode == "I-O"):
            return S.WRITE_NOT_ALLOWED
        data = bytes(self.area[:size])
        if self.organization == "INDEXED":
            return self.handle.write(data)
        if self.organization == "LINE SEQUENTIAL":
            self.handle.write(_advance(data.rstrip(b" "), advancing))
            self.line_open = advancing is not None and advancing[0] == "AFTER"
        else:
            self.handle.write(bytes(self.area[:self.record_size]))
        return S.SUCCESS

    def rewrite(self, size: int) -> Status:
        if self.mode != "I-O":
            return S.UPDATE_NOT_ALLOWED
        if self.organization == "INDEXED":
            return self.handle.rewrite(bytes(self.area[:size]))
        if self.last_read_pos is None:
            return S.NO_CURRENT_RECORD
        end = self.handle.tell()
        self.handle.seek(self.last_read_pos)
        self.handle.write(bytes(self.area[:self.record_size]))
        self.handle.seek(end)
        self.last_read_pos = None
        return S.SUCCESS

    def delete(self) -> Status:
        if self.mode != "I-O":
            return S.UPDATE_NOT_ALLOWED
        if self.organization != "INDEXED":
            return S.UPDATE_NOT_ALLOWED
        off, size = self.key_items[0]
        return self.handle.delete(bytes(self.area[off:off + size]))

    def start(self, op: str, key_offset: int | None, key_size: int | None) -> Status:
        if self.organization != "INDEXED":
            return S.READ_NOT_ALLOWED
        if self.mode not in ("INPUT", "I-O"):
            return S.READ_NOT_ALLOWED
        number = self.key_number(key_offset)
        off, size = self.key_items[number]
        size = key_size if key_size is not None else size
        return self.handle.start(number, bytes(self.area[off:off + size]), op)

    def unlock(self) -> Status:
        if self.organization == "INDEXED" and self.mode:
            return self.handle.unlock()
        return S.SUCCESS


def _advance(line: bytes, advancing: tuple[str, int | None] | None) -> bytes:
    """WRITE [BEFORE|AFTER] ADVANCING on a line sequential file (GnuCOBOL's layout:
    a plain WRITE is BEFORE ADVANCING 1 LINE; PAGE is a form feed)."""
    when, lines = advancing or ("BEFORE", 1)
    feed = b"\f" if lines is None else b"\n" * lines
    return feed + line if when == "AFTER" else line + feed


def make_files(instance: ProgramInstance) -> dict[str, FileHandle]:
    return {sel.name: FileHandle(instance, sel) for sel in instance.prog.selects}


# ------------------------------------------------------------------ statements
def _file(compiler: Compiler, name: str) -> FileHandle:
    handle = compiler.inst.files.get(name)
    if handle is None:
        raise compiler.error(None, f"file {name} is not declared",
                             "add a SELECT in FILE-CONTROL")
    return handle


def _bind_status(compiler: Compiler, handle: FileHandle) -> None:
    if handle.status_writer is not None or handle.select.status is None:
        return
    acc = compiler.access(A.Ref(handle.select.status, handle.select.pos))
    handle.status_writer = acc.write
    if not handle.select.external and not handle.select.assign_literal:
        items = compiler.layout.names.get(handle.select.assign)
        if items:
            handle.assign_reader = compiler.access(A.Ref(handle.select.assign,
                                                         handle.select.pos)).read


def _statement(compiler: Compiler, handle: FileHandle, handlers: A.FileHandlers | None,
               condition: str, operation: Callable[[], Status],
               then: Callable[[], None] | None = None) -> Callable[[], None]:
    """A file statement: the operation, ``then`` when it succeeded (READ INTO), its status
    to the FILE STATUS item, AT END/INVALID KEY phrases, or a run-time error."""
    _bind_status(compiler, handle)
    writer = handle.status_writer
    on_exc = compiler.block(handlers.exception) if handlers and handlers.exception is not None \
        else None
    on_ok = compiler.block(handlers.not_exception) if handlers and \
        handlers.not_exception is not None else None
    has_status = handle.select.status is not None
    program = compiler.prog.program_id
    name = handle.name
    use_procedure = compiler.declarative(name)

    def statement() -> None:
        try:
            status = operation()
        except OSError:
            status = S.IO_ERROR
        code = status.code
        if code[0] == "0" and then is not None:
            then()
        if writer is not None:
            writer(_RAW.get(code) or status_bytes(status))
        if code[0] == "0":
            if on_ok is not None:
                on_ok()
            return
        if on_exc is not None and code[0] == condition:
            on_exc()
            return
        if use_procedure(handle.mode or handle.requested_mode) or has_status:
            return
        rts = int(code[2:]) if code.startswith("9/") else RTS_FOR_STATUS.get(code, 30)
        raise CobolRuntimeError(rts, f"{name}: {status.meaning}", program,
                                file=handle.path(), status=code)

    return statement


def build_open(compiler: Compiler, stmt: A.Open) -> Callable[[], None]:
    ops = []
    for mode, name in stmt.files:
        handle = _file(compiler, name)
        ops.append(_statement(compiler, handle, None, "", partial(handle.open, mode)))
    return compiler.sequence(ops)


def build_close(compiler: Compiler, stmt: A.Close) -> Callable[[], None]:
    ops = []
    for name in stmt.files:
        handle = _file(compiler, name)
        ops.append(_statement(compiler, handle, None, "", handle.close))
    return compiler.sequence(ops)


def build_read(compiler: Compiler, stmt: A.Read) -> Callable[[], None]:
    handle = _file(compiler, stmt.file)
    keyed = handle.organization == "INDEXED" and not stmt.next and not stmt.previous and \
        handle.access != "SEQUENTIAL"
    key_number = handle.key_number(compiler.lookup(stmt.key).offset if stmt.key is not None
                                   else None)
    into = None
    if stmt.into is not None:
        record = compiler.layout.file_items[handle.name][0]
        into = compiler.mover(A.Ref(record.name, stmt.into.pos), stmt.into)
    return _statement(compiler, handle, stmt.handlers, "2" if keyed else "1",
                      partial(handle.read, stmt.next, stmt.previous, key_number, stmt.lock),
                      into)


def _record_file(compiler: Compiler, ref: A.Ref) -> tuple[FileHandle, int]:
    item = compiler.lookup(ref)
    for name, slot in compiler.layout.file_records.items():
        if item.record == slot:
            return _file(compiler, name), item.size
    raise compiler.error(ref.pos, f"{ref.name} is not a record of a file",
                         "WRITE and REWRITE name an 01 record of an FD")


def build_record_op(compiler: Compiler, stmt: A.Write | A.Rewrite) -> Callable[[], None]:
    """WRITE and REWRITE: optional FROM, then the operation on the record's file."""
    handle, size = _record_file(compiler, stmt.record)
    operation: Callable[[], Status]
    if isinstance(stmt, A.Write) and stmt.advancing is not None:
        when, lines = stmt.advancing
        count = compiler.int_expr(lines) if lines is not None else None

        def operation() -> Status:
            return handle.write(size, (when, count() if count is not None else None))
    elif isinstance(stmt, A.Write):
        operation = partial(handle.write, size)
    else:
        operation = partial(handle.rewrite, size)
    run = _statement(compiler, handle, stmt.handlers, "2", operation)
    if stmt.source is None:
        return run
    source = compiler.mover(stmt.source, stmt.record)

    def record_from() -> None:
        source()
        run()

    return record_from


def build_delete(compiler: Compiler, stmt: A.Delete) -> Callable[[], None]:
    handle = _file(compiler, stmt.file)
    return _statement(compiler, handle, stmt.handlers, "2", handle.delete)


def build_start(compiler: Compiler, stmt: A.Start) -> Callable[[], None]:
    handle = _file(compiler, stmt.file)
    key_offset = key_size = None
    if stmt.key is not None:
        item = compiler.lookup(stmt.key)
        key_offset, key_size = item.offset, item.size
    return _statement(compiler, handle, stmt.handlers, "2",
                      partial(handle.start, stmt.op, key_offset, key_size))


def build_unlock(compiler: Compiler, stmt: A.Unlock) -> Callable[[], None]:
    handle = _file(compiler, stmt.file)
    return _statement(compiler, handle, None, "", handle.unlock)
