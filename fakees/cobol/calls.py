"""CALL: other COBOL programs (.gnt/.cbl on COBPATH or the cwd) and C functions via ctypes.

COBOL callees get the caller's storage itself for BY REFERENCE (a memoryview
of the item) and a copy for BY CONTENT. When no COBOL program of that name
exists, the name is looked up in the process's C library, as the product's
run-time does for ``CALL 'gethostname'``.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fakees.cobol import ast as A
from fakees.cobol.errors import CobolRuntimeError

if TYPE_CHECKING:
    from fakees.cobol.compiler import Compiler

_LIBC = ctypes.CDLL(None, use_errno=True)


def c_function(name: str) -> Any | None:
    try:
        fn = getattr(_LIBC, name)
    except AttributeError:
        return None
    fn.restype = ctypes.c_int
    return fn


def build_call(compiler: Compiler, stmt: A.Call) -> Callable[[], None]:
    target = compiler.alnum_expr(stmt.program)
    const_name = stmt.program.value.decode("latin-1").strip() if isinstance(
        stmt.program, A.StrLit) else None
    args: list[tuple[str, Callable[[], Any]]] = []
    for arg in stmt.args:
        if arg.value is None:
            args.append(("OMITTED", lambda: None))
            continue
        if arg.mode == "VALUE":
            if compiler.kind(arg.value) == "num":
                get = compiler.int_expr(arg.value)
                args.append(("VALUE", get))
            else:
                get_bytes = compiler.alnum_expr(arg.value)
                args.append(("VALUE", lambda g=get_bytes: int.from_bytes(
                    bytes(g())[:8], "little")))
            continue
        if isinstance(arg.value, A.Ref) and arg.mode == "REFERENCE":
            where = compiler.access(arg.value).where
            args.append(("REFERENCE", lambda w=where: _view(w())))
        else:
            read = (compiler.access(arg.value).read if isinstance(arg.value, A.Ref)
                    else compiler.alnum_expr(arg.value))
            args.append(("CONTENT", lambda r=read: memoryview(bytearray(r()))))
    on_exception = compiler.block(stmt.on_exception) if stmt.on_exception is not None else None
    not_exception = compiler.block(stmt.not_exception) if stmt.not_exception is not None else None
    returning = (compiler.store_number_value(compiler.access(stmt.returning))
                 if stmt.returning is not None else None)
    inst = compiler.inst
    run_unit = inst.run_unit
    c_functions: dict[str, Any] = {}  # names resolved to C, as the RTS keeps them loaded

    def call() -> None:
        name = const_name if const_name is not None else bytes(target()).decode(
            "latin-1").strip()
        values = [(mode, get()) for mode, get in args]
        program = None if name in c_functions else run_unit.find_program(name)
        if program is not None:
            code = program.call([_cobol_arg(mode, v) for mode, v in values])
            inst.set_return_code(code)
        else:
            fn = c_functions.get(name) or c_function(name)
            if fn is not None:
                c_functions[name] = fn
            if fn is None:
                if on_exception is not None:
                    on_exception()
                    return
                raise CobolRuntimeError(173, f"'{name}'", inst.name)
            code = fn(*[_c_arg(mode, v) for mode, v in values])
            if returning is not None:
                returning(code)
            else:
                inst.set_return_code(code)
        if returning is not None and program is not None:
            returning(inst.return_code())
        if not_exception is not None:
            not_exception()

    return call


def _cobol_arg(mode: str, value: Any) -> Any:
    """A COBOL callee gets storage: BY VALUE numbers as 8 native (little-endian) bytes."""
    if mode == "VALUE":
        return memoryview(bytearray(int(value).to_bytes(8, "little", signed=True)))
    return value


def _view(where: tuple[Any, int, int]) -> memoryview:
    buf, off, size = where
    view = buf if isinstance(buf, memoryview) else memoryview(buf)
    return view[off:off + size]


def _c_arg(mode: str, value: Any) -> Any:
    if mode == "OMITTED":
        return None
    if mode == "VALUE":
        return ctypes.c_long(value)
    view: memoryview = value
    if view.readonly:
        view = memoryview(bytearray(view))
    return (ctypes.c_char * len(view)).from_buffer(view)
