"""CALL: other COBOL programs (.gnt/.cbl on COBPATH or the cwd) and C functions via ctypes.

COBOL callees get the caller's storage itself for BY REFERENCE (a memoryview
of the item) and a copy for BY CONTENT. When no COBOL program of that name
exists, the name is looked up in the process's C library, as the product's
run-time does for ``CALL 'gethostname'``.
"""

from __future__ import annotations

import ctypes
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fakees.cobol import ast as A
from fakees.cobol.errors import CobolRuntimeError

if TYPE_CHECKING:
    from fakees.cobol.compiler import Compiler

# Without use_errno: nothing reads ctypes' private copy of errno, and keeping it costs
# about 0.5 us per call (half of a CALL 'gethostname').
_LIBC = ctypes.CDLL(None)


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
    c_args: list[Callable[[], Any]] = []  # the same arguments as a C function takes them
    for arg in stmt.args:
        if arg.value is None:
            args.append(("OMITTED", _none))
            c_args.append(_none)
            continue
        if arg.mode == "VALUE":
            if compiler.kind(arg.value) == "num":
                get = compiler.int_expr(arg.value)
                const = A.const_int(arg.value)
                if const is not None:
                    c_value = ctypes.c_long(const)  # passed by value: never written
                    c_args.append(lambda v=c_value: v)
                else:
                    c_args.append(lambda g=get: ctypes.c_long(g()))
            else:
                get_bytes = compiler.alnum_expr(arg.value)
                get = lambda g=get_bytes: int.from_bytes(bytes(g())[:8], "little")  # noqa: E731
                c_args.append(lambda g=get: ctypes.c_long(g()))
            args.append(("VALUE", get))
            continue
        if isinstance(arg.value, A.Ref) and arg.mode == "REFERENCE":
            where = compiler.access(arg.value).where
            args.append(("REFERENCE", lambda w=where: _view(w())))
            c_args.append(_c_reference(where))
        else:
            read = (compiler.access(arg.value).read if isinstance(arg.value, A.Ref)
                    else compiler.alnum_expr(arg.value))
            args.append(("CONTENT", lambda r=read: memoryview(bytearray(r()))))
            c_args.append(lambda r=read: _c_array(memoryview(bytearray(r()))))
    on_exception = compiler.block(stmt.on_exception) if stmt.on_exception is not None else None
    not_exception = compiler.block(stmt.not_exception) if stmt.not_exception is not None else None
    returning = (compiler.store_number_value(compiler.access(stmt.returning))
                 if stmt.returning is not None else None)
    inst = compiler.inst
    run_unit = inst.run_unit
    c_functions: dict[str, Any] = {}  # names resolved to C, as the RTS keeps them loaded
    c_args_t = tuple(c_args)

    def call() -> None:
        name = const_name if const_name is not None else bytes(target()).decode(
            "latin-1").strip()
        fn = c_functions.get(name)
        if fn is None:
            program = run_unit.find_program(name)
            if program is not None:
                code = program.call([_cobol_arg(mode, get()) for mode, get in args])
                inst.set_return_code(code)
                if returning is not None:
                    returning(inst.return_code())
                if not_exception is not None:
                    not_exception()
                return
            fn = c_function(name)
            if fn is None:
                if on_exception is not None:
                    on_exception()
                    return
                raise CobolRuntimeError(173, f"'{name}'", inst.name)
            c_functions[name] = fn
        code = fn(*map(operator.call, c_args_t))
        if returning is not None:
            returning(code)
        else:
            inst.set_return_code(code)
        if not_exception is not None:
            not_exception()

    return call


def _none() -> None:
    return None


def _cobol_arg(mode: str, value: Any) -> Any:
    """A COBOL callee gets storage: BY VALUE numbers as 8 native (little-endian) bytes."""
    if mode == "VALUE":
        return memoryview(bytearray(int(value).to_bytes(8, "little", signed=True)))
    return value


def _view(where: tuple[Any, int, int]) -> memoryview:
    buf, off, size = where
    view = buf if isinstance(buf, memoryview) else memoryview(buf)
    return view[off:off + size]


def _c_reference(where: Callable[[], tuple[Any, int, int]]) -> Callable[[], Any]:
    """BY REFERENCE to C: a ctypes array over the item's storage, made again only when
    the item's place changed (another caller's buffer, another subscript)."""
    last: list[Any] = [None, None]  # (where() of the last call, its array)

    def reference() -> Any:
        place = where()
        seen = last[0]
        if seen is not None and place[0] is seen[0] and place[1:] == seen[1:]:
            return last[1]
        array = _c_array(_view(place))
        last[0], last[1] = place, array
        return array

    return reference


def _c_array(view: memoryview) -> Any:
    if view.readonly:
        view = memoryview(bytearray(view))
    return (ctypes.c_char * len(view)).from_buffer(view)
