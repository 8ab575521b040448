"""Resolver, procedure half: the syntax tree compiled to Python closures.

Names, subscripts, categories and MOVE rules are settled once, at load time;
a statement becomes a closure over its data items' buffers and offsets, so a
call does no name lookups. Control flow (GO TO, EXIT PROGRAM, NEXT SENTENCE,
EXIT PERFORM) travels as exceptions caught by the paragraph and PERFORM runners.
"""

from __future__ import annotations

import difflib
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from fakees.cobol import ast as A
from fakees.cobol import fileio, functions, sort
from fakees.cobol.calls import build_call
from fakees.cobol.data import (
    ALNUM_EDITED,
    ALPHANUMERIC,
    FIGURATIVE_BYTES,
    GROUP,
    INDEX,
    NUMERIC,
    NUMERIC_EDITED,
    Item,
    Number,
    alnum_edit,
    digits_text,
    edited_result,
    edited_value,
    fill_pattern,
    fit_alnum,
    format_display,
    literal_digits,
    numeric_codec,
    numeric_from_alnum,
    overflows,
    round_to,
)
from fakees.cobol.errors import CobolRuntimeError, CobolSyntaxError, Position
from fakees.cobol.inspect import build_inspect
from fakees.cobol.layout import Layout, default_bytes, value_bytes
from fakees.cobol.picture import de_edit

if TYPE_CHECKING:
    from fakees.cobol.runtime import ProgramInstance

Fn = Callable[[], Any]
FILE_STATEMENTS: dict[type, Callable[[Any, Any], Fn]] = {
    A.Open: fileio.build_open, A.Close: fileio.build_close, A.Read: fileio.build_read,
    A.Write: fileio.build_record_op, A.Rewrite: fileio.build_record_op,
    A.Delete: fileio.build_delete, A.Start: fileio.build_start, A.Unlock: fileio.build_unlock,
    A.Sort: sort.build_sort, A.Release: sort.build_release, A.Return: sort.build_return,
}
RELOPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "<>": operator.ne, "<": operator.lt, ">": operator.gt,
    "<=": operator.le, ">=": operator.ge,
}


# ------------------------------------------------------------------ control signals
class GoToSignal(Exception):
    def __init__(self, index: int, finished: bool = False) -> None:
        self.index = index
        self.finished = finished


class ExitProgramSignal(Exception):
    """EXIT PROGRAM / GOBACK / end of the procedure division."""


class NextSentence(Exception):
    pass


class ExitParagraph(Exception):
    pass


class ExitPerform(Exception):
    def __init__(self, cycle: bool) -> None:
        self.cycle = cycle


class PerformReturn(Exception):
    """Control reached the end of an outer PERFORM's range from inside an inner one."""

    def __init__(self, index: int) -> None:
        self.index = index


class SizeError(Exception):
    """Division by zero inside an expression."""


def _odo_table(item: Item) -> Item | None:
    """The OCCURS DEPENDING ON table a group ends with (its last subordinate, at any depth),
    if any: the group's length then follows the table's count."""
    if item.category != GROUP:
        return None
    node = item
    while True:
        kids = [child for child in node.children if child.redefines is None]
        if not kids:
            return None
        node = kids[-1]
        if node.depending is not None:
            end = node.offset + node.size * node.occurs
            return node if end == item.offset + item.size else None


def _through(where: Callable[[], tuple[Any, int, int]]) -> tuple[Callable[[], bytes],
                                                               Callable[[bytes], None]]:
    """Read and write an identifier whose place or length is known only when it runs."""

    def read() -> bytes:
        buf, off, length = where()
        return bytes(buf[off:off + length])

    def write(data: bytes) -> None:
        buf, off, length = where()
        buf[off:off + length] = data

    return read, write


@dataclass
class Access:
    """A resolved identifier: how to read and write its bytes right now."""

    item: Item
    category: str
    size: int | None  # None when reference modification makes it dynamic
    read: Callable[[], bytes]
    write: Callable[[bytes], None]
    where: Callable[[], tuple[Any, int, int]]
    static: tuple[bytearray, int] | None = None  # WORKING-STORAGE/FD, no subscripts


class Compiler:
    @staticmethod
    def sequence(fns: list[Fn]) -> Fn:
        """For the statement builders of other modules (OPEN and CLOSE of several files)."""
        return _sequence(fns)

    def __init__(self, prog: A.Program, layout: Layout, instance: ProgramInstance) -> None:
        self.prog = prog
        self.layout = layout
        self.inst = instance
        self.slots = instance.slots
        self.index: dict[str, int] = {}
        self.sections: dict[str, tuple[int, int]] = {}
        self.para_section: list[str | None] = []
        self.current_stmt: A.Stmt | None = None
        self.inline_depth = 0  # inline PERFORMs around the statement being compiled
        self.exit_perform_used = False  # an EXIT PERFORM in the inline PERFORM compiled now
        self._index_procedures()

    def error(self, pos: Position | None, message: str, hint: str = "") -> CobolSyntaxError:
        """A compile error at ``pos``, or at the statement being compiled."""
        if pos is None:
            stmt = self.current_stmt
            pos = Position(self.prog.source, stmt.line if stmt else 0, stmt.col if stmt else 0)
        return CobolSyntaxError(pos, message, "", hint)

    # ------------------------------------------------------------ procedures
    def _index_procedures(self) -> None:
        paras = self.prog.paragraphs
        current: str | None = None
        start = 0
        for k, para in enumerate(paras):
            if k == self.prog.entry and k and current is not None:
                # END DECLARATIVES closes the last declarative section
                self.sections[current] = (start, k - 1)
                current = None
            if para.is_section:
                if current is not None:
                    self.sections[current] = (start, k - 1)
                current, start = para.name, k
            self.para_section.append(current)
            if para.name:
                key = para.name if para.is_section else f"{para.name} OF {para.section}"
                self.index.setdefault(key, k)
                self.index.setdefault(para.name, k)
        if current is not None:
            self.sections[current] = (start, len(paras) - 1)

    def proc_range(self, name: str, pos: Position | None, section: str | None) -> tuple[int, int]:
        if name in self.sections:
            return self.sections[name]
        k = self.index.get(f"{name} OF {section}", self.index.get(name))
        if k is None:
            known = [n for n in self.index if " OF " not in n]
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]}?" if close else (
                "name a paragraph or section of this program")
            raise self.error(pos, f"procedure '{name}' is not defined", hint)
        return k, k

    def declarative(self, file: str) -> Callable[[str], bool]:
        """The USE procedure for a file's error: by file name, else by its open mode."""
        by_file = by_mode = None
        ranges: dict[str, tuple[int, int]] = {}
        for use in self.prog.declaratives:
            span = self.proc_range(use.section, None, None)
            if file in use.files:
                by_file = span
            for mode in use.modes:
                ranges[mode] = span
        by_mode = ranges
        runner = self.inst.run_range

        def run_use(mode: str) -> bool:
            span = by_file or by_mode.get(mode)
            if span is None:
                return False
            runner(*span)
            return True

        return run_use

    def compile_program(self) -> list[Fn]:
        paras = []
        program = self.prog.program_id
        for k, para in enumerate(self.prog.paragraphs):
            self.current_section = self.para_section[k]
            self.next_sentence_used = False
            sentences = [self._compiled(sentence) for sentence in para.sentences]
            if self.next_sentence_used:
                paras.append(_paragraph_of_sentences(
                    [_block_of(steps, program) for steps in sentences]))
            else:  # no NEXT SENTENCE: the paragraph runs its statements in one loop
                steps = tuple(step for steps in sentences for step in steps)
                last = para.sentences[-1][-1] if para.sentences and para.sentences[-1] \
                    else None
                if isinstance(last, A.Goback) or (isinstance(last, A.Exit)
                                                  and last.kind == "PROGRAM"):
                    # a paragraph that ends the program says so by its return value:
                    # an exception through the run unit costs more than the rest of a call
                    paras.append(_flat_paragraph(steps[:-1], program, self.inst,
                                                 isinstance(last, A.Goback)))
                else:
                    paras.append(_flat_paragraph(steps, program))
        return paras

    def _compiled(self, stmts: list[A.Stmt]) -> tuple[tuple[int, Fn], ...]:
        """(source line, closure) of each statement: the line names a run-time error."""
        return tuple((s.line, self.statement(s)) for s in stmts)

    def block(self, stmts: list[A.Stmt]) -> Fn:
        return _block_of(self._compiled(stmts), self.prog.program_id)

    def statement(self, stmt: A.Stmt) -> Fn:
        """Compile one statement; errors without a position get the statement's."""
        outer = self.current_stmt
        self.current_stmt = stmt
        try:
            return self._statement(stmt)
        except CobolSyntaxError as exc:
            if not exc.pos.file or not exc.pos.line:
                exc.pos = Position(self.prog.source, stmt.line, stmt.col)
            raise
        finally:
            self.current_stmt = outer

    def _statement(self, stmt: A.Stmt) -> Fn:
        file_builder = FILE_STATEMENTS.get(type(stmt))
        if file_builder is not None:
            return file_builder(self, stmt)
        method = getattr(self, "c_" + type(stmt).__name__.lower())
        return method(stmt)

    # ------------------------------------------------------------ identifiers
    def lookup(self, ref: A.Ref) -> Item:
        return self.layout.lookup(ref)

    def access(self, ref: A.Ref) -> Access:
        item = self.lookup(ref)
        if item.level == 88:
            raise self.error(ref.pos, f"'{ref.name}' is a condition name, not a data item")
        dims = item.dims()
        if len(ref.subscripts) != len(dims) and (ref.subscripts or not dims):
            raise self.error(ref.pos, f"'{ref.name}' needs {len(dims)} subscript(s), "
                                      f"got {len(ref.subscripts)}")
        slot = item.record
        linkage = self.layout.records[slot].section == "LINKAGE"
        slots = self.slots
        base = item.offset
        size = item.size
        category = item.category
        subs = [(self.int_expr(s), stride, count) for s, (stride, count, _) in
                zip(ref.subscripts, dims, strict=False)]
        has_refmod = ref.ref_start is not None
        if not subs and not has_refmod:
            table = _odo_table(item)
            if table is not None:
                return self._odo_access(item, table)
            return self._fixed_access(item, category, slot, base, size, linkage)
        const_start = A.const_int(ref.ref_start) if has_refmod else None
        if not subs and const_start is not None and (
                ref.ref_length is None or A.const_int(ref.ref_length) is not None):
            # WK-DATE(1:2): a constant reference modification is a fixed view too
            length = (A.const_int(ref.ref_length) if ref.ref_length is not None
                      else size - const_start + 1)
            assert length is not None
            if const_start < 1 or length < 1 or const_start + length - 1 > size:
                raise self.error(ref.pos, f"{ref.name}({const_start}:{length}) is outside "
                                          f"1..{size}", "reference modification must fit")
            return self._fixed_access(item, ALPHANUMERIC, slot, base + const_start - 1,
                                      length, linkage)
        name = ref.name
        start_fn = self.int_expr(ref.ref_start) if has_refmod else None
        length_fn = self.int_expr(ref.ref_length) if ref.ref_length is not None else None
        const_length = A.const_int(ref.ref_length) if ref.ref_length is not None else None

        def where() -> tuple[Any, int, int]:
            off = base
            for get, stride, count in subs:
                n = get()
                if n < 1 or n > count:
                    raise CobolRuntimeError(153, f"{name}({n}) outside 1..{count}")
                off += (n - 1) * stride
            if start_fn is None:
                return slots[slot], off, size
            start = start_fn()
            length = length_fn() if length_fn is not None else size - start + 1
            if start < 1 or length < 1 or start + length - 1 > size:
                raise CobolRuntimeError(153, f"{name}({start}:{length}) outside 1..{size}")
            return slots[slot], off + start - 1, length

        read_dyn, write_dyn = _through(where)
        if has_refmod:
            category = ALPHANUMERIC
            size_known = const_length if A.const_int(ref.ref_start) is not None else None
            return Access(item, category, size_known, read_dyn, write_dyn, where)
        return Access(item, category, size, read_dyn, write_dyn, where)

    def _odo_access(self, item: Item, table: Item) -> Access:
        """A group ending in an OCCURS DEPENDING ON table: as long as the table's count now
        says (a count outside the table's range is taken as its nearest bound)."""
        slots, slot, base = self.slots, item.record, item.offset
        assert isinstance(table.depending, A.Ref)
        count = self.int_expr(table.depending)
        fixed, stride, least, most = table.offset - base, table.size, table.occurs_min, \
            table.occurs

        def where() -> tuple[Any, int, int]:
            return slots[slot], base, fixed + stride * min(max(count(), least), most)

        return Access(item, item.category, None, *_through(where), where)

    def _fixed_access(self, item: Item, category: str, slot: int, base: int, size: int,
                      linkage: bool) -> Access:
        """An identifier whose place never changes: no subscripts, constant reference
        modification; WORKING-STORAGE buffers are captured, LINKAGE ones looked up."""
        slots = self.slots
        end = base + size
        if not linkage:
            buf = slots[slot]

            def read_static() -> bytes:
                return buf[base:end]

            def write_static(data: bytes) -> None:
                buf[base:end] = data

            return Access(item, category, size, read_static, write_static,
                          lambda: (buf, base, size), (buf, base))

        def read_link() -> bytes:
            return bytes(slots[slot][base:end])

        def write_link(data: bytes) -> None:
            slots[slot][base:end] = data

        return Access(item, category, size, read_link, write_link,
                      lambda: (slots[slot], base, size))

    def num_getter(self, acc: Access) -> Callable[[], Number]:
        if acc.category not in (NUMERIC, INDEX):
            raise self.error(None, f"'{acc.item.name}' is not numeric",
                             "arithmetic needs items with a numeric PICTURE")
        decode = numeric_codec(acc.item)[0]
        if acc.static is not None:
            buf, off = acc.static
            end = off + acc.item.size
            return lambda: decode(buf[off:end])
        read = acc.read
        return lambda: decode(read())

    def num_setter(self, acc: Access) -> Callable[[Number], None]:
        encode = numeric_codec(acc.item)[1]
        if acc.static is not None:
            buf, off = acc.static
            end = off + acc.item.size

            def set_static(value: Number) -> None:
                buf[off:end] = encode(value)

            return set_static
        write = acc.write
        return lambda value: write(encode(value))

    # ------------------------------------------------------------ expressions
    def kind(self, expr: A.Expr) -> str:
        """'num', 'alnum' or 'fig' (figurative constant / ALL literal)."""
        if isinstance(expr, A.NumLit | A.LengthOf | A.BinOp | A.Neg):
            return "num"
        if isinstance(expr, A.StrLit):
            return "fig" if expr.all else "alnum"
        if isinstance(expr, A.Figurative):
            return "fig"
        if isinstance(expr, A.SpecialReg):
            return "num"
        if isinstance(expr, A.FuncCall):
            if expr.ref_start is not None:
                return "alnum"
            return functions.result_kind(expr.name, expr.pos)
        item = self.lookup(expr)
        if expr.ref_start is not None:
            return "alnum"
        return "num" if item.category in (NUMERIC, INDEX) else "alnum"

    def num_expr(self, expr: A.Expr) -> Callable[[], Number]:
        if isinstance(expr, A.NumLit):
            value = Decimal(expr.text) if "." in expr.text else int(expr.text)
            return lambda: value
        if isinstance(expr, A.Ref):
            return self.num_getter(self.access(expr))
        if isinstance(expr, A.SpecialReg):
            return self.num_getter(self.access(A.Ref(expr.name, Position("", 0, 0))))
        if isinstance(expr, A.Figurative):
            if expr.name != "ZERO":
                raise self.error(None, f"{expr.name} is not numeric")
            return lambda: 0
        if isinstance(expr, A.LengthOf):
            size = self.access(expr.ref).size
            return lambda: size
        if isinstance(expr, A.Neg):
            inner = self.num_expr(expr.operand)
            return lambda: -inner()
        if isinstance(expr, A.BinOp):
            return self._binop(expr)
        if isinstance(expr, A.FuncCall):
            if self.kind(expr) != "num":
                raise self.error(expr.pos, f"FUNCTION {expr.name} is not numeric")
            return self.function(expr)
        if isinstance(expr, A.StrLit):
            raise self.error(None, "an alphanumeric literal is not numeric")
        raise self.error(None, f"unsupported numeric operand {type(expr).__name__}")

    def _binop(self, expr: A.BinOp) -> Callable[[], Number]:
        a = self.num_expr(expr.left)
        b = self.num_expr(expr.right)
        op = expr.op
        if op == "+":
            return lambda: a() + b()
        if op == "-":
            return lambda: a() - b()
        if op == "*":
            return lambda: a() * b()
        if op == "/":
            return _divider(a, b)

        def power() -> Number:
            base, exp = a(), b()
            if type(base) is int and type(exp) is int and exp >= 0:
                return base ** exp
            if not base and exp < 0:
                raise SizeError
            return Decimal(base) ** Decimal(exp)

        return power

    def int_expr(self, expr: A.Expr | None) -> Callable[[], int]:
        assert expr is not None
        const = A.const_int(expr)
        if const is not None:
            return lambda: const
        get = self.num_expr(expr)
        return lambda: int(get())

    def alnum_expr(self, expr: A.Expr) -> Callable[[], bytes]:
        """Bytes of a sending operand as an alphanumeric sender (MOVE to alphanumeric)."""
        if isinstance(expr, A.StrLit):
            value = expr.value
            return lambda: value
        if isinstance(expr, A.NumLit):
            digits = literal_digits(expr.text)
            return lambda: digits
        if isinstance(expr, A.Figurative):
            value = FIGURATIVE_BYTES[expr.name]
            return lambda: value
        if isinstance(expr, A.FuncCall):
            shaped = self.shaped(expr)
            if shaped is not None:
                sent = functions.sent
                return lambda: sent(*shaped())
            fn = self.function(expr)
            if self.kind(expr) == "num":
                return lambda: functions.number_text(fn()).encode()
            return fn
        if isinstance(expr, A.Ref):
            acc = self.access(expr)
            if acc.category in (NUMERIC, INDEX):
                get = self.num_getter(acc)
                item = acc.item
                return lambda: digits_text(item, get())
            return acc.read
        get_num = self.num_expr(expr)
        return lambda: functions.number_text(get_num()).encode()

    def display_expr(self, expr: A.Expr) -> Callable[[], bytes]:
        if isinstance(expr, A.NumLit):
            text = expr.text.encode()
            return lambda: text
        if isinstance(expr, A.Ref | A.SpecialReg):
            ref = expr if isinstance(expr, A.Ref) else A.Ref(expr.name, Position("", 0, 0))
            acc = self.access(ref)
            separate = acc.item.sign_separate and acc.item.scale == 0
            if acc.category in (NUMERIC, INDEX) and not separate:
                get = self.num_getter(acc)
                item = acc.item
                return lambda: format_display(item, get())
            read = acc.read
            return lambda: bytes(read())
        if isinstance(expr, A.FuncCall):
            shaped = self.shaped(expr)
            if shaped is not None:
                shown = functions.shown
                return lambda: shown(*shaped())
        return self.alnum_expr(expr)

    def shaped(self, expr: A.Expr) -> functions.Shaped | None:
        """A numeric function result (or numeric argument) with the item that holds it,
        for DISPLAY and MOVE to alphanumeric; None for an alphanumeric operand, a
        reference-modified function and RANDOM (shown as a plain number)."""
        if self.kind(expr) != "num":
            return None
        if isinstance(expr, A.Ref):
            acc = self.access(expr)
            get, item = self.num_getter(acc), acc.item
            return lambda: (get(), item)
        if isinstance(expr, A.NumLit):
            value = Decimal(expr.text) if "." in expr.text else int(expr.text)
            lit = functions.literal_item(expr.text)
            return lambda: (value, lit)
        if isinstance(expr, A.FuncCall):
            name, args = expr.name, expr.args
            if expr.ref_start is not None or name in functions.UNSHAPED:
                return None
            if name in functions.ARGUMENT_ITEM and (name != "MEAN" or len(args) == 1):
                shaped_args = [self.shaped(arg) for arg in args]
                if all(arg is not None for arg in shaped_args):
                    return functions.argument_shaped(
                        name, [arg for arg in shaped_args if arg is not None], expr.pos)
            fn = self.num_expr(expr)
            if name in functions.FIXED_DIGITS:
                fixed = functions.implied_item(functions.FIXED_DIGITS[name], 0, False)
                return lambda: (fn(), fixed)
            if name in ("LENGTH", "BYTE-LENGTH") and len(args) == 1 and (
                    isinstance(args[0], A.StrLit)
                    or (isinstance(args[0], A.Ref) and args[0].ref_start is None
                        and self.access(args[0]).size is not None)):
                # a length known when compiling is a literal (a reference-modified or
                # computed argument's is counted at run time, a computed result)
                size = fn()
                lit = functions.literal_item(str(size))
                return lambda: (size, lit)
        else:
            fn = self.num_expr(expr)
        value_item = functions.value_item
        return lambda: value_item(fn())

    def function(self, expr: A.FuncCall) -> Callable[[], Any]:
        args = []
        for arg in expr.args:
            if isinstance(arg, A.SpecialReg) and arg.name in ("LEADING", "TRAILING"):
                word = arg.name
                args.append(("word", lambda word=word: word))
            elif self.kind(arg) == "num":
                args.append(("num", self.num_expr(arg)))
            else:
                args.append(("alnum", self.alnum_expr(arg)))
        fn = functions.build(expr.name, args, expr.pos, self._arg_sizes(expr))
        if expr.ref_start is None:
            return fn
        start = self.int_expr(expr.ref_start)
        length = self.int_expr(expr.ref_length) if expr.ref_length is not None else None

        def refmod() -> bytes:
            value = fn()
            if not isinstance(value, bytes | bytearray):
                value = functions.number_text(value).encode()
            s = start()
            n = length() if length is not None else len(value) - s + 1
            return bytes(value[s - 1:s - 1 + n])

        return refmod

    def _arg_sizes(self, expr: A.FuncCall) -> list[int | None]:
        sizes: list[int | None] = []
        for arg in expr.args:
            if isinstance(arg, A.Ref):
                sizes.append(self.access(arg).size)
            elif isinstance(arg, A.StrLit):
                sizes.append(len(arg.value))
            else:
                sizes.append(None)
        return sizes

    # ------------------------------------------------------------ conditions
    def cond(self, cond: A.Cond) -> Callable[[], bool]:
        if isinstance(cond, A.AndOr):
            left, right = self.cond(cond.left), self.cond(cond.right)
            if cond.op == "AND":
                return lambda: left() and right()
            return lambda: left() or right()
        if isinstance(cond, A.Not):
            inner = self.cond(cond.cond)
            return lambda: not inner()
        if isinstance(cond, A.CondName):
            return self.condition_name(cond.ref)
        if isinstance(cond, A.ClassCond):
            return self.class_cond(cond)
        if cond.abbreviated and isinstance(cond.right, A.Ref):
            item = self.lookup(cond.right)
            if item.level == 88:
                return self.condition_name(cond.right)
        return self.relation(cond.left, cond.op, cond.right)

    def relation(self, left: A.Expr, op: str, right: A.Expr) -> Callable[[], bool]:
        compare = RELOPS[op]
        lk, rk = self.kind(left), self.kind(right)
        if lk == "num" and (isinstance(right, A.NumLit) or _is_zero(right)):
            value = 0 if _is_zero(right) else _num_value(right)
            return _numeric_relation_to(op, self.num_expr(left), value)
        if lk == "num" and rk == "num":
            a, b = self.num_expr(left), self.num_expr(right)
            return _numeric_relation(op, a, b)
        if rk == "num" and _is_zero(left):
            b = self.num_expr(right)
            return lambda: compare(0, b())
        a_fn = self._compare_bytes(left, right)
        b_fn = self._compare_bytes(right, left)

        def alnum_compare() -> bool:
            x, y = a_fn(), b_fn()
            if len(x) < len(y):
                x = bytes(x) + b" " * (len(y) - len(x))
            elif len(y) < len(x):
                y = bytes(y) + b" " * (len(x) - len(y))
            return compare(bytes(x), bytes(y))

        return alnum_compare

    def _compare_bytes(self, expr: A.Expr, other: A.Expr) -> Callable[[], bytes]:
        """An operand of an alphanumeric comparison; figuratives take the other's length."""
        if isinstance(expr, A.Figurative) or (isinstance(expr, A.StrLit) and expr.all):
            pattern = FIGURATIVE_BYTES[expr.name] if isinstance(expr, A.Figurative) \
                else expr.value
            other_fn = self.alnum_expr(other) if not isinstance(other, A.Figurative) else None
            if other_fn is None:
                return lambda: pattern
            return lambda: fill_pattern(pattern, max(len(other_fn()), 1))
        return self.alnum_expr(expr)

    def condition_name(self, ref: A.Ref) -> Callable[[], bool]:
        cond_item = self.lookup(ref)
        if cond_item.level != 88:
            raise self.error(ref.pos, f"'{ref.name}' is not a condition name")
        parent = cond_item.parent
        assert parent is not None
        pref = A.Ref(parent.name, ref.pos, parent.qualified(), ref.subscripts)
        acc = self.access(pref)
        if acc.category in (NUMERIC, INDEX):
            get = self.num_getter(acc)
            ranges = [(_num_value(lo), _num_value(hi) if hi is not None else None)
                      for lo, hi in cond_item.condition_values]
        else:
            size = acc.size or parent.size
            get = acc.read
            ranges = [(_alnum_value(lo, size), _alnum_value(hi, size) if hi is not None else None)
                      for lo, hi in cond_item.condition_values]
        singles = frozenset(lo for lo, hi in ranges if hi is None)
        spans = [(lo, hi) for lo, hi in ranges if hi is not None]

        def test() -> bool:
            value = get()
            if not isinstance(value, int | Decimal):
                value = bytes(value)
            if value in singles:
                return True
            return any(lo <= value <= hi for lo, hi in spans)

        return test

    def class_cond(self, cond: A.ClassCond) -> Callable[[], bool]:
        cls = cond.cls
        if cls in ("POSITIVE", "NEGATIVE", "ZERO"):
            get_num = self.num_expr(cond.operand)
            test = {"POSITIVE": lambda: get_num() > 0, "NEGATIVE": lambda: get_num() < 0,
                    "ZERO": lambda: get_num() == 0}[cls]
        elif cls == "NUMERIC":
            test = self._numeric_test(cond.operand)
        else:
            read = self.alnum_expr(cond.operand)
            allowed = {
                "ALPHABETIC": set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz "),
                "ALPHABETIC-UPPER": set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ "),
                "ALPHABETIC-LOWER": set(b"abcdefghijklmnopqrstuvwxyz "),
            }[cls]
            test = lambda: all(c in allowed for c in read())  # noqa: E731
        if cond.negated:
            return lambda: not test()
        return test

    def _numeric_test(self, operand: A.Expr) -> Callable[[], bool]:
        if isinstance(operand, A.Ref):
            acc = self.access(operand)
            if acc.category in (NUMERIC, INDEX):
                decode = numeric_codec(acc.item)[0]
                read = acc.read

                def numeric_item() -> bool:
                    try:
                        decode(read())
                    except CobolRuntimeError:
                        return False
                    return True

                return numeric_item
        read = self.alnum_expr(operand)
        return lambda: bytes(read()).isdigit()

    # ------------------------------------------------------------ MOVE
    def mover(self, source: A.Expr, target: A.Ref) -> Fn:
        """MOVE semantics, in one place: every MOVE-like store goes through here."""
        dst = self.access(target)
        cat = dst.category
        item = dst.item
        kind = self.kind(source)
        if kind == "fig":
            pattern = (FIGURATIVE_BYTES[source.name] if isinstance(source, A.Figurative)
                       else source.value)  # type: ignore[union-attr]
            if isinstance(source, A.Figurative) and source.name == "ZERO" and cat in (
                    NUMERIC, INDEX, NUMERIC_EDITED):
                return self.store_number(dst, lambda: 0)
            write = dst.write
            if dst.size is not None:
                return self._store_constant(dst, fill_pattern(pattern, dst.size))
            where = dst.where
            return lambda: write(fill_pattern(pattern, where()[2]))
        if cat in (NUMERIC, INDEX, NUMERIC_EDITED):
            if kind == "num":
                return self._move_digits(source, dst) or self.store_number(
                    dst, self.num_expr(source))
            read = self.alnum_expr(source)
            if isinstance(source, A.Ref) and source.ref_start is None:
                src_item = self.lookup(source)
                if src_item.category == NUMERIC_EDITED and src_item.picture is not None:
                    pic = src_item.picture  # de-editing: the edited item's value
                    return self.store_number(dst, lambda: de_edit(pic, read()))
            return self.store_number(dst, lambda: numeric_from_alnum(read()))
        # alphanumeric, alphabetic, group, alphanumeric-edited receivers
        if kind == "num" and cat == GROUP and isinstance(source, A.Ref):
            read = self.access(source).read
        else:
            read = self.alnum_expr(source)
        write = dst.write
        if cat == ALNUM_EDITED and item.picture is not None:
            pic = item.picture
            return lambda: write(alnum_edit(pic, read()))
        justified = item.justified
        if dst.size is None:
            where = dst.where
            return lambda: write(fit_alnum(bytes(read()), where()[2], justified))
        size = dst.size
        if isinstance(source, A.StrLit | A.NumLit):  # MOVE 'CBLAPP01 ' TO LK-PGMNAME
            return self._store_constant(dst, fit_alnum(bytes(read()), size, justified))
        if justified and kind == "num" and isinstance(source, A.Ref) and \
                self.lookup(source).usage == "DISPLAY" and not self.lookup(source).signed:
            # GnuCOBOL: an unsigned DISPLAY item's digits are right-justified when shorter
            # but truncated on the right when longer (its plain-copy path)
            return lambda: write(_fit_numeric_justified(bytes(read()), size))
        src_static = None
        if isinstance(source, A.Ref) and kind == "alnum":
            src_acc = self.access(source)
            if src_acc.static is not None and src_acc.size == size and dst.static is not None:
                src_static = src_acc.static
        if src_static is not None and dst.static is not None:
            sbuf, soff = src_static
            dbuf, doff = dst.static
            send, dend = soff + size, doff + size

            def move_same() -> None:
                dbuf[doff:dend] = sbuf[soff:send]

            return move_same
        return lambda: write(fit_alnum(bytes(read()), size, justified))

    @staticmethod
    def _store_constant(dst: Access, data: bytes) -> Fn:
        """Bytes fixed at compile time into a fixed place."""
        if dst.static is not None:
            buf, off = dst.static
            end = off + len(data)

            def store_static() -> None:
                buf[off:end] = data

            return store_static
        write = dst.write
        return lambda: write(data)

    def _move_digits(self, source: A.Expr, dst: Access) -> Fn | None:
        """MOVE between unsigned integer DISPLAY items: valid digits are copied, zero-padded
        or cut on the left, as decode and encode would; anything else takes the general
        path (and its error 163)."""
        if not isinstance(source, A.Ref) or dst.category != NUMERIC or dst.size is None:
            return None
        src = self.access(source)
        if src.category != NUMERIC or src.size is None:
            return None
        for item in (src.item, dst.item):
            if item.usage != "DISPLAY" or item.signed or item.scale or item.sign_separate:
                return None
        read, write = src.read, dst.write
        general = self.store_number(dst, self.num_getter(src))
        cut = src.item.digits - dst.item.digits
        zeros = b"0" * -cut

        def move_digits() -> None:
            raw = read()
            if not raw.isdigit():
                general()
            elif cut > 0:
                write(raw[cut:])
            else:
                write(zeros + raw if zeros else raw)

        return move_digits

    def store_number(self, dst: Access, get: Callable[[], Number],
                     rounded: bool = False) -> Fn:
        setter = self.store_number_value(dst)
        scale = dst.item.scale
        if rounded and (scale >= 0 or dst.category == NUMERIC_EDITED):
            return lambda: setter(round_to(get(), scale))
        return lambda: setter(get())

    # ------------------------------------------------------------ statements
    def c_move(self, stmt: A.Move) -> Fn:
        if stmt.corresponding:
            return self._move_corresponding(stmt)
        return _sequence([self.mover(stmt.source, t) for t in stmt.targets])

    def _move_corresponding(self, stmt: A.Move) -> Fn:
        if not isinstance(stmt.source, A.Ref):
            raise self.error(None, "MOVE CORRESPONDING needs a group item")
        src = self.lookup(stmt.source)
        movers = []
        for target in stmt.targets:
            dst = self.lookup(target)
            src_names = {c.name: c for c in src.children if c.name != "FILLER"}
            for child in dst.children:
                if child.name in src_names and not child.occurs:
                    s = src_names[child.name]
                    movers.append(self.mover(
                        A.Ref(s.name, stmt.source.pos, [src.name, *src.qualified()]),
                        A.Ref(child.name, target.pos, [dst.name, *dst.qualified()])))
        return _sequence(movers)

    def _arith_corresponding(self, stmt: A.Arith) -> Fn:
        """ADD/SUBTRACT CORRESPONDING: one statement per same-named numeric pair."""
        source, target = stmt.operands[0], stmt.targets[0]
        assert isinstance(source, A.Ref)
        src, dst = self.lookup(source), self.lookup(target.ref)
        pairs = {c.name: c for c in src.children if c.name != "FILLER" and c.is_numeric}
        parts = []
        for child in dst.children:
            match = pairs.get(child.name)
            if match is None or not child.is_numeric or child.occurs or match.occurs:
                continue
            parts.append(A.Arith(
                stmt.verb, [A.Ref(match.name, source.pos, [src.name, *src.qualified()])],
                [A.Target(A.Ref(child.name, target.ref.pos, [dst.name, *dst.qualified()]),
                          target.rounded)],
                size_error=stmt.size_error, not_size_error=stmt.not_size_error))
        return _sequence([self.c_arith(part) for part in parts]) if parts else _noop

    def c_arith(self, stmt: A.Arith) -> Fn:
        if stmt.corresponding:
            return self._arith_corresponding(stmt)
        verb = stmt.verb
        ops = [self.num_expr(o) for o in stmt.operands]
        total: Callable[[], Number]
        if len(ops) == 1:
            total = ops[0]
        else:
            def total() -> Number:
                return sum(op() for op in ops)
        stores: list[tuple[Access, Callable[[Number], Number], bool]] = []
        if stmt.giving:
            if verb == "ADD":
                result = total
            elif verb == "SUBTRACT":
                first, rest = ops[0], ops[1:]
                result = lambda: first() - sum(op() for op in rest)  # noqa: E731
            elif verb == "MULTIPLY":
                a, b = ops
                result = lambda: a() * b()  # noqa: E731
            else:
                a, b = ops
                result = _divider(a, b)
            for t in stmt.giving:
                stores.append((self.access(t.ref), lambda _old, r=result: r(), t.rounded))
        elif verb == "COMPUTE":
            assert stmt.expr is not None
            value = self.num_expr(stmt.expr)
            for t in stmt.targets:
                stores.append((self.access(t.ref), lambda _old, v=value: v(), t.rounded))
        else:
            for t in stmt.targets:
                acc = self.access(t.ref)
                if verb == "ADD":
                    fn = lambda old: old + total()  # noqa: E731
                elif verb == "SUBTRACT":
                    fn = lambda old: old - total()  # noqa: E731
                elif verb == "MULTIPLY":
                    fn = lambda old: old * ops[0]()  # noqa: E731
                else:
                    fn = _divide_old(ops[0])
                stores.append((acc, fn, t.rounded))
        size_error = self.block(stmt.size_error) if stmt.size_error is not None else None
        not_size_error = (self.block(stmt.not_size_error) if stmt.not_size_error is not None
                          else None)
        check = size_error is not None or not_size_error is not None
        plan = []
        reads_old = not stmt.giving and verb != "COMPUTE"
        for acc, fn, rounded in stores:
            if acc.category not in (NUMERIC, INDEX, NUMERIC_EDITED):
                raise self.error(None, f"'{acc.item.name}' is not numeric",
                                 "arithmetic results need a numeric receiving item")
            old = self.num_getter(acc) if reads_old else _zero
            plan.append((old, fn, rounded, acc.item, self.store_number_value(acc, edited_result)))
        remainder = None
        if stmt.remainder is not None:
            racc = self.access(stmt.remainder)
            rset = self.store_number_value(racc)
            if len(plan) != 1 or plan[0][3].category != NUMERIC:
                raise self.error(None, "DIVIDE ... REMAINDER needs one numeric GIVING item")
            remainder = (rset, ops[0], ops[1], *numeric_codec(plan[0][3]))
        single = len(plan) == 1 and not check and remainder is None

        if single and not stores[0][2] and stores[0][0].category != NUMERIC_EDITED:
            target = stores[0][0]
            if verb in ("ADD", "SUBTRACT") and reads_old and target.static is not None and all(
                    isinstance(o, A.NumLit | A.Ref) for o in stmt.operands):
                constant = total() if all(isinstance(o, A.NumLit) for o in stmt.operands) \
                    else None  # literals only: their sum is known now
                return _add_in_place(target, total, verb == "SUBTRACT", constant)
            old, fn = plan[0][0], plan[0][1]
            setter = self.num_setter(target)

            def arith_direct() -> None:
                try:
                    value = fn(old())
                except SizeError:
                    return
                setter(value)

            return arith_direct
        if single:
            old, fn, rounded, item, set_value = plan[0]
            scale = item.scale

            def arith_fast() -> None:
                try:
                    value = fn(old())
                except SizeError:
                    return
                set_value(round_to(value, scale) if rounded else value)

            return arith_fast

        def arith() -> None:
            failed = False
            for old, fn, rounded, item, set_value in plan:
                try:
                    value = fn(old())
                except SizeError:
                    failed = True
                    continue
                if rounded:
                    value = round_to(value, item.scale)
                if check and overflows(item, value):
                    failed = True
                    continue
                set_value(value)
                if remainder is not None:
                    # the remainder uses the quotient as stored (truncated to its picture)
                    rset, dividend, divisor, decode, encode = remainder
                    rset(dividend() - decode(encode(value)) * divisor())
            if failed and size_error is not None:
                size_error()
            elif not failed and not_size_error is not None:
                not_size_error()

        return arith

    def c_if(self, stmt: A.If) -> Fn:
        test = self.cond(stmt.cond)
        then = self.block(stmt.then)
        orelse = self.block(stmt.orelse)

        def if_() -> None:
            if test():
                then()
            else:
                orelse()

        return if_

    def c_evaluate(self, stmt: A.Evaluate) -> Fn:
        subjects = stmt.subjects
        branches = []
        for when in stmt.whens:
            tests = []
            for line in when.objects:
                parts = [self._when_test(subjects[k if k < len(subjects) else -1], obj)
                         for k, obj in enumerate(line)]
                tests.append(tuple(parts))
            branches.append((tuple(tests), self.block(when.body)))
        other = self.block(stmt.other) if stmt.other is not None else _noop
        branches_t = tuple(branches)

        def evaluate() -> None:
            for tests, body in branches_t:
                for parts in tests:
                    if all(p() for p in parts):
                        body()
                        return
            other()

        return evaluate

    def _when_test(self, subject: Any, obj: A.WhenObject) -> Callable[[], bool]:
        if obj.kind == "any":
            return lambda: True
        if isinstance(subject, str):  # TRUE / FALSE
            want = subject == "TRUE"
            if obj.kind in ("true", "false"):
                fixed = (obj.kind == "true") == want
                return lambda: fixed
            assert obj.cond is not None
            test = self.cond(obj.cond)
            return (lambda: test()) if want else (lambda: not test())
        if not isinstance(subject, A.Ref | A.NumLit | A.StrLit | A.Figurative | A.FuncCall
                          | A.BinOp | A.Neg | A.LengthOf | A.SpecialReg):
            subj_test = self.cond(subject)
            if obj.kind in ("true", "false"):
                want = obj.kind == "true"
                return lambda: subj_test() == want
            raise self.error(None, "EVALUATE condition subject needs TRUE or FALSE objects")
        if obj.kind == "range":
            assert obj.low is not None and obj.high is not None
            lo = self.relation(subject, ">=", obj.low)
            hi = self.relation(subject, "<=", obj.high)
            test = lambda: lo() and hi()  # noqa: E731
        elif obj.kind in ("true", "false"):
            raise self.error(None, "TRUE/FALSE object needs a condition subject")
        else:
            assert obj.low is not None
            test = self.relation(subject, "=", obj.low)
        if obj.negated:
            return lambda: not test()
        return test

    def c_perform(self, stmt: A.Perform) -> Fn:
        runner = self.inst.run_range
        body: Fn
        exits = False  # an inline body with EXIT PERFORM
        if stmt.first is not None:
            first, _ = self.proc_range(stmt.first, stmt.first_pos, self.current_section)
            last = self.proc_range(stmt.last or stmt.first, stmt.last_pos or stmt.first_pos,
                                   self.current_section)[1]
            body = self._perform_one(first) if first == last and self._straight(first) \
                else partial(runner, first, last)
        else:
            outer_exit = self.exit_perform_used
            self.exit_perform_used = False
            self.inline_depth += 1
            try:
                inline = self.block(stmt.body or [])
            finally:
                self.inline_depth -= 1
            exits = self.exit_perform_used  # else the body needs no EXIT PERFORM guards
            self.exit_perform_used = outer_exit

            def inline_body() -> None:
                try:
                    inline()
                except ExitPerform as exc:
                    if not exc.cycle:
                        raise

            body = inline_body if exits else inline

        inline_loop = exits
        if stmt.times is not None:
            count = self.int_expr(stmt.times)

            def times() -> None:
                for _ in range(count()):
                    body()

            return _catch_exit_perform(times) if inline_loop else times
        if stmt.varying:
            return _catch_exit_perform(self._varying(stmt, body), inline_loop)
        if stmt.until is not None:
            until = self.cond(stmt.until)
            if stmt.test_after:
                def until_after() -> None:
                    while True:
                        body()
                        if until():
                            return

                return _catch_exit_perform(until_after, inline_loop)

            def until_before() -> None:
                while not until():
                    body()

            return _catch_exit_perform(until_before, inline_loop)
        return _catch_exit_perform(body, inline_loop)

    def _straight(self, k: int) -> bool:
        """Does paragraph ``k`` run without starting another range of this program: no GO
        TO, no PERFORM of procedures, no EXIT SECTION, no SORT procedures, no USE
        procedures of file statements?  Then nothing inside it can reach the end of an
        active PERFORM range (run_range's ``pending``), and PERFORM can call it directly."""
        declaratives = bool(self.prog.declaratives)
        for stmt in _statements_in(self.prog.paragraphs[k].sentences):
            if isinstance(stmt, (A.GoTo, A.Sort)) or (
                    isinstance(stmt, A.Perform) and stmt.first is not None) or (
                    isinstance(stmt, A.Exit) and stmt.kind == "SECTION") or (
                    declaratives and type(stmt) in FILE_STATEMENTS):
                return False
        return True

    def _perform_one(self, k: int) -> Fn:
        """PERFORM of one straight paragraph: what run_range(k, k) does, without its
        bookkeeping (the paragraphs are compiled after this statement, so looked up)."""
        inst = self.inst

        def perform_paragraph() -> None:
            if inst.paragraphs[k]():  # it ended the program (EXIT PROGRAM, GOBACK)
                raise ExitProgramSignal

        return perform_paragraph

    def _varying(self, stmt: A.Perform, body: Fn) -> Fn:
        loops = []
        for v in stmt.varying:
            acc = self.access(v.ref)
            get = self.num_getter(acc)
            set_ = self.num_setter(acc)
            loops.append((get, set_, self.num_expr(v.start), self.num_expr(v.step),
                          self.cond(v.until)))
        test_after = stmt.test_after
        if len(loops) == 1 and not test_after:  # the common loop: one counter, test before
            get, set_, start, step, until = loops[0]

            def run_one() -> None:
                set_(start())
                while not until():
                    body()
                    set_(get() + step())

            return run_one

        def run(level: int) -> None:
            get, set_, start, step, until = loops[level]
            set_(start())
            inner = level + 1 < len(loops)
            while True:
                if not test_after and until():
                    return
                if inner:
                    run(level + 1)
                else:
                    body()
                if test_after and until():
                    return
                set_(get() + step())

        return lambda: run(0)

    def c_goto(self, stmt: A.GoTo) -> Fn:
        where = stmt.target_pos or [None] * len(stmt.targets)
        targets = [self.proc_range(t, pos, self.current_section)[0]
                   for t, pos in zip(stmt.targets, where, strict=False)]
        if stmt.depending is None:
            target = targets[0]

            def go() -> None:
                raise GoToSignal(target)

            return go
        which = self.int_expr(stmt.depending)

        def go_depending() -> None:
            k = which()
            if 1 <= k <= len(targets):
                raise GoToSignal(targets[k - 1])

        return go_depending

    def c_display(self, stmt: A.Display) -> Fn:
        parts = tuple(self.display_expr(e) for e in stmt.items)
        end = b"\n" if stmt.advancing else b""
        to_err = stmt.upon in ("SYSERR", "STDERR")
        inst = self.inst

        def display() -> None:
            data = b"".join([bytes(p()) for p in parts]) + end
            inst.run_unit.write_display(data, to_err)

        return display

    def c_accept(self, stmt: A.Accept) -> Fn:
        acc = self.access(stmt.target)
        source = stmt.source
        inst = self.inst
        if source == "ENVIRONMENT":
            assert stmt.env_name is not None
            name_fn = self.alnum_expr(stmt.env_name)
            store = self._store_bytes(acc)
            return lambda: store(inst.run_unit.environment(bytes(name_fn()).decode().strip()))
        if source in functions.CLOCKS:
            clock, width = functions.CLOCKS[source]
            if acc.static is not None and acc.size == width and not acc.item.justified and \
                    acc.category not in (NUMERIC, INDEX, NUMERIC_EDITED):
                buf, off = acc.static  # ACCEPT WK-DATE FROM DATE: the digits as they are
                end = off + width

                def accept_clock() -> None:
                    buf[off:end] = clock()

                return accept_clock
            store = self._store_digits(acc)
            return lambda: store(clock())
        store = self._store_bytes(acc)
        if source == "COMMAND-LINE":
            return lambda: store(inst.run_unit.command_line.encode("latin-1", "replace"))
        return lambda: store(inst.run_unit.read_line())

    def _store_bytes(self, acc: Access) -> Callable[[bytes], None]:
        if acc.category in (NUMERIC, INDEX, NUMERIC_EDITED):
            setter = self.store_number_value(acc)
            return lambda data: setter(numeric_from_alnum(data))
        write, where = acc.write, acc.where
        justified = acc.item.justified
        return lambda data: write(fit_alnum(data, where()[2], justified))

    def _store_digits(self, acc: Access) -> Callable[[bytes], None]:
        """ACCEPT FROM DATE/TIME: an unsigned integer sender."""
        if acc.category in (NUMERIC, INDEX, NUMERIC_EDITED):
            setter = self.store_number_value(acc)
            return lambda data: setter(int(data))
        return self._store_bytes(acc)

    def store_number_value(self, acc: Access, edit: Callable[[Item, Number], bytes] = edited_value
                           ) -> Callable[[Number], None]:
        """A store of a value computed at run time, as store_number without ROUNDED; an
        arithmetic result passes `edited_result` as `edit` (data.py says why)."""
        if acc.category == NUMERIC_EDITED:
            write, item = acc.write, acc.item
            return lambda value: write(edit(item, value))
        return self.num_setter(acc)

    def c_stringstmt(self, stmt: A.StringStmt) -> Fn:
        parts = [(self.alnum_expr(p.source),
                  self.alnum_expr(p.delimiter) if p.delimiter is not None else None)
                 for p in stmt.parts]
        target = self.access(stmt.target)
        pointer = self._pointer(stmt.pointer)
        overflow = self.block(stmt.overflow) if stmt.overflow is not None else _noop
        not_overflow = self.block(stmt.not_overflow) if stmt.not_overflow is not None else _noop
        if pointer is None and stmt.overflow is None and stmt.not_overflow is None and all(
                d is None for _, d in parts):
            # the common STRING ... DELIMITED BY SIZE INTO x: one join, one slice store
            gathered = self._string_gather(stmt, target)
            if gathered is not None:
                return gathered
            sources = tuple(src for src, _ in parts)
            where = target.where

            def string_by_size() -> None:
                buf, off, size = where()
                data = b"".join([bytes(src()) for src in sources])[:size]
                buf[off:off + len(data)] = data

            return string_by_size

        def string() -> None:
            buf, off, size = target.where()
            pos = pointer[0]() if pointer else 1
            if pos < 1 or pos > size:
                overflow()
                return
            out = bytearray(buf[off:off + size])
            k = pos - 1
            full = False
            for source, delim in parts:
                data = bytes(source())
                if delim is not None:
                    d = bytes(delim())
                    cut = data.find(d) if d else -1
                    if cut >= 0:
                        data = data[:cut]
                room = size - k
                if len(data) > room:
                    out[k:size] = data[:room]
                    k = size
                    full = True
                    break
                out[k:k + len(data)] = data
                k += len(data)
            buf[off:off + size] = out
            if pointer:
                pointer[1](k + 1)
            if full:
                overflow()
            else:
                not_overflow()

        return string

    def _string_gather(self, stmt: A.StringStmt, target: Access) -> Fn | None:
        """STRING of literals and fixed WORKING-STORAGE text, DELIMITED BY SIZE, that fills
        its fixed receiver: the pieces are slices known at compile time, joined in one go."""
        if target.size is None:
            return None
        pieces: list[Any] = []  # bytes, or [buffer, start, end]
        for part in stmt.parts:
            source = part.source
            if isinstance(source, A.StrLit | A.NumLit | A.Figurative):
                data = bytes(self.alnum_expr(source)())
                if pieces and isinstance(pieces[-1], bytes):
                    pieces[-1] += data
                else:
                    pieces.append(data)
                continue
            if not isinstance(source, A.Ref) or self.kind(source) != "alnum":
                return None
            acc = self.access(source)
            if acc.static is None or acc.size is None:
                return None
            buf, off = acc.static
            last = pieces[-1] if pieces else None
            if isinstance(last, list) and last[0] is buf and last[2] == off:
                last[2] = off + acc.size  # WK-TIME(1:2) WK-TIME(3:2): one slice
            else:
                pieces.append([buf, off, off + acc.size])
        total = sum(len(p) if isinstance(p, bytes) else p[2] - p[1] for p in pieces)
        size = target.size
        if total < size:
            return None
        joined = [p if isinstance(p, bytes) else b"" for p in pieces]
        plan = tuple((k, p[0], p[1], p[2]) for k, p in enumerate(pieces)
                     if not isinstance(p, bytes))
        write = target.write
        cut = total > size

        def string_gather() -> None:
            for k, buf, start, end in plan:
                joined[k] = buf[start:end]
            data = b"".join(joined)
            write(data[:size] if cut else data)

        return string_gather

    def _pointer(self, ref: A.Ref | None) -> tuple[Callable[[], int], Callable[[int], None]] | None:
        if ref is None:
            return None
        acc = self.access(ref)
        get = self.num_getter(acc)
        set_ = self.num_setter(acc)
        return (lambda: int(get())), set_

    def c_unstring(self, stmt: A.Unstring) -> Fn:
        source = self.alnum_expr(stmt.source)
        delims = [(self.alnum_expr(d), all_) for d, all_ in stmt.delimiters]
        targets = []
        for into in stmt.targets:
            store = self._store_bytes(self.access(into.target))
            dstore = (self._store_bytes(self.access(into.delimiter_in))
                      if into.delimiter_in is not None else None)
            cstore = (self.store_number_value(self.access(into.count_in))
                      if into.count_in is not None else None)
            targets.append((store, dstore, cstore))
        pointer = self._pointer(stmt.pointer)
        tally = None
        if stmt.tallying is not None:
            tacc = self.access(stmt.tallying)
            tally = (self.num_getter(tacc), self.num_setter(tacc))
        overflow = self.block(stmt.overflow) if stmt.overflow is not None else _noop
        not_overflow = self.block(stmt.not_overflow) if stmt.not_overflow is not None else _noop

        def unstring() -> None:
            data = bytes(source())
            pos = pointer[0]() - 1 if pointer else 0
            if pos < 0 or pos >= len(data):
                overflow()
                return
            patterns = [(bytes(d()), all_) for d, all_ in delims]
            filled = 0
            for store, dstore, cstore in targets:
                if pos >= len(data):
                    break
                best = -1
                best_delim = b""
                best_all = False
                for d, all_ in patterns:
                    at = data.find(d, pos) if d else -1
                    if at >= 0 and (best < 0 or at < best):
                        best, best_delim, best_all = at, d, all_
                if best < 0:
                    field, pos_next, matched = data[pos:], len(data), b""
                else:
                    field, pos_next, matched = data[pos:best], best + len(best_delim), best_delim
                    if best_all:
                        while data.startswith(best_delim, pos_next):
                            pos_next += len(best_delim)
                store(field)
                if dstore is not None:
                    dstore(matched)
                if cstore is not None:
                    cstore(len(field))
                filled += 1
                pos = pos_next
            if pointer:
                pointer[1](pos + 1)
            if tally:
                tally[1](tally[0]() + filled)
            if pos < len(data):
                overflow()
            else:
                not_overflow()

        return unstring

    def c_initialize(self, stmt: A.Initialize) -> Fn:
        replacing = dict(stmt.replacing)
        for category, value in stmt.replacing:
            if not isinstance(value, A.NumLit | A.StrLit | A.Figurative):
                raise self.error(None, f"INITIALIZE REPLACING {category.upper()} needs a literal")
        actions = []
        for ref in stmt.targets:
            acc = self.access(ref)
            item = acc.item
            pieces: list[tuple[int, bytes]] = []
            _initialize_pieces(item, 0, pieces, top=True, replacing=replacing,
                               with_filler=stmt.with_filler)
            actions.append((acc.where, item.offset, tuple(pieces)))

        def initialize() -> None:
            for where, base, pieces in actions:
                buf, off, _ = where()
                for rel, data in pieces:
                    start = off + rel - base
                    buf[start:start + len(data)] = data

        return initialize

    def c_setstmt(self, stmt: A.SetStmt) -> Fn:
        if stmt.kind == "true":
            movers = []
            for ref in stmt.targets:
                cond = self.lookup(ref)
                if cond.level != 88:
                    raise self.error(ref.pos, f"'{ref.name}' is not a condition name")
                parent = cond.parent
                assert parent is not None
                value = cond.condition_values[0][0]
                movers.append(self.mover(value, A.Ref(parent.name, ref.pos, parent.qualified(),
                                                      ref.subscripts)))
            movers_t = tuple(movers)

            def set_true() -> None:
                for m in movers_t:
                    m()

            return set_true
        assert stmt.value is not None
        value = self.num_expr(stmt.value)
        ops = []
        for ref in stmt.targets:
            acc = self.access(ref)
            get, set_ = self.num_getter(acc), self.num_setter(acc)
            if stmt.kind == "to":
                ops.append(lambda s=set_: s(value()))
            elif stmt.kind == "up":
                ops.append(lambda s=set_, g=get: s(g() + value()))
            else:
                ops.append(lambda s=set_, g=get: s(g() - value()))
        return _sequence(ops)

    def c_search(self, stmt: A.Search) -> Fn:
        table = self.lookup(stmt.table)
        if not table.indexed_by and stmt.varying is None:
            raise self.error(stmt.table.pos, f"SEARCH {table.name} needs INDEXED BY")
        index_ref = stmt.varying or A.Ref(table.indexed_by[0], stmt.table.pos)
        acc = self.access(index_ref)
        get, set_ = self.num_getter(acc), self.num_setter(acc)
        count = table.occurs
        whens = tuple((self.cond(c), self.block(body)) for c, body in stmt.whens)
        at_end = self.block(stmt.at_end) if stmt.at_end is not None else _noop
        from_first = stmt.search_all

        def search() -> None:
            if from_first:
                set_(1)
            while True:
                k = int(get())
                if k < 1 or k > count:
                    at_end()
                    return
                for test, body in whens:
                    if test():
                        body()
                        return
                set_(k + 1)

        return search

    def c_cancel(self, stmt: A.Cancel) -> Fn:
        names = [self.alnum_expr(p) for p in stmt.programs]
        run_unit = self.inst.run_unit

        def cancel() -> None:
            for name in names:
                run_unit.cancel(bytes(name()).decode("latin-1").strip())

        return cancel

    def c_exit(self, stmt: A.Exit) -> Fn:
        kind = stmt.kind
        if kind == "PROGRAM":
            inst = self.inst

            def exit_program() -> None:
                if not inst.is_main:  # in a main program EXIT PROGRAM does nothing
                    raise ExitProgramSignal

            return exit_program
        if kind == "SENTENCE":
            self.next_sentence_used = True
            return _raiser(NextSentence)
        if kind == "PARAGRAPH":
            return _raiser(ExitParagraph)
        if kind == "SECTION":
            section = self.current_section
            if section is None:
                raise self.error(None, "EXIT SECTION outside a section")
            last = self.sections[section][1]

            def exit_section() -> None:
                raise GoToSignal(last, finished=True)

            return exit_section
        if kind.startswith("PERFORM"):
            if not self.inline_depth:
                raise self.error(None, "EXIT PERFORM outside an inline PERFORM",
                                 "use EXIT PARAGRAPH, or put it inside PERFORM ... END-PERFORM")
            cycle = kind == "PERFORM CYCLE"
            self.exit_perform_used = True

            def exit_perform() -> None:
                raise ExitPerform(cycle)

            return exit_perform
        return _noop

    def c_goback(self, stmt: A.Goback) -> Fn:
        return _raiser(ExitProgramSignal)

    def c_stoprun(self, stmt: A.StopRun) -> Fn:
        from fakees.cobol.errors import StopRun

        code = self.int_expr(stmt.code) if stmt.code is not None else None
        rc = self.num_getter(self.access(A.Ref("RETURN-CODE", Position("", 0, 0))))

        def stop_run() -> None:
            raise StopRun(code() if code is not None else int(rc()))

        return stop_run

    def c_continue(self, stmt: A.Continue) -> Fn:
        return _noop

    def c_inspect(self, stmt: A.Inspect) -> Fn:
        return build_inspect(self, stmt)

    def c_call(self, stmt: A.Call) -> Fn:
        return build_call(self, stmt)


# ------------------------------------------------------------------ helpers
_ERRORS = (CobolRuntimeError, RecursionError, ArithmeticError, ValueError)


def _statements_in(node: object) -> Iterator[A.Stmt]:
    """Every statement in ``node`` (a statement, a list or tuple, any syntax node), at
    any depth: IF and EVALUATE branches, inline PERFORMs, INVALID KEY phrases..."""
    if isinstance(node, A.Stmt):
        yield node
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from _statements_in(item)
    elif is_dataclass(node) and not isinstance(node, (type, Position)):
        for f in fields(node):
            yield from _statements_in(getattr(node, f.name))


def _block_of(steps: tuple[tuple[int, Fn], ...], program: str) -> Fn:
    """Statements run in order; a failure becomes a run-time error at its statement's line."""
    if not steps:
        return _noop
    if len(steps) == 1:  # IF branches, loop bodies: no loop
        line, fn = steps[0]

        def single() -> None:
            try:
                fn()
            except _ERRORS as exc:
                _reraise(exc, line, program)

        return single

    def block() -> None:
        line = 0
        try:
            for line, fn in steps:  # noqa: B007 - read by the handler below
                fn()
        except _ERRORS as exc:
            _reraise(exc, line, program)

    return block


def _flat_paragraph(steps: tuple[tuple[int, Fn], ...], program: str,
                    ends_program: ProgramInstance | None = None, goback: bool = False) -> Fn:
    """A paragraph without NEXT SENTENCE: its sentences' statements as one block. With
    ``ends_program`` its last statement (EXIT PROGRAM, GOBACK) is left out and the
    paragraph returns True when that statement would leave the program (see run_range)."""

    def paragraph() -> bool | None:
        line = 0
        try:
            for line, fn in steps:  # noqa: B007 - read by the handler below
                fn()
        except ExitParagraph:
            return None
        except _ERRORS as exc:
            _reraise(exc, line, program)
        if ends_program is None:
            return None
        return goback or not ends_program.is_main  # EXIT PROGRAM does nothing in a main

    return paragraph


def _paragraph_of_sentences(blocks: list[Fn]) -> Fn:
    """A paragraph with NEXT SENTENCE: one block per sentence, each may be left early."""
    blocks_t = tuple(blocks)

    def paragraph() -> None:
        try:
            for block in blocks_t:
                try:  # noqa: SIM105 - contextlib.suppress is slower on this hot path
                    block()
                except NextSentence:
                    pass
        except ExitParagraph:
            pass

    return paragraph


def _reraise(exc: Exception, line: int, program: str) -> None:
    """Re-raise ``exc`` as the run-time error it stands for (innermost line wins)."""
    error = _as_cobol_error(exc, line, program)
    if error is exc:
        raise exc
    raise error from exc


def _as_cobol_error(exc: Exception, line: int, program: str) -> CobolRuntimeError:
    """The run-time error a failing statement stands for, with its line (innermost wins):
    runaway recursion is RTS 114; an invalid argument (MOD(1, 0), SQRT(-1)) RTS 181."""
    if isinstance(exc, CobolRuntimeError):
        if not exc.line:
            exc.line = line
            exc.program = exc.program or program
        return exc
    if isinstance(exc, RecursionError):
        return CobolRuntimeError(114, "PERFORM or CALL nested too deeply", program, line)
    return CobolRuntimeError(181, f"{type(exc).__name__}: {exc}", program, line)


def _numeric_relation(op: str, a: Callable[[], Number],
                      b: Callable[[], Number]) -> Callable[[], bool]:
    """A numeric comparison as one closure per operator (the hot test of loops)."""
    if op == "=":
        return lambda: a() == b()
    if op == "<>":
        return lambda: a() != b()
    if op == "<":
        return lambda: a() < b()
    if op == ">":
        return lambda: a() > b()
    if op == "<=":
        return lambda: a() <= b()
    return lambda: a() >= b()


def _numeric_relation_to(op: str, a: Callable[[], Number], c: Number) -> Callable[[], bool]:
    """A numeric comparison with a literal (UNTIL I > 200000, IF R = 0)."""
    if op == "=":
        return lambda: a() == c
    if op == "<>":
        return lambda: a() != c
    if op == "<":
        return lambda: a() < c
    if op == ">":
        return lambda: a() > c
    if op == "<=":
        return lambda: a() <= c
    return lambda: a() >= c


def _fit_numeric_justified(data: bytes, size: int) -> bytes:
    return data[:size] if len(data) >= size else b" " * (size - len(data)) + data


def _noop() -> None:
    return None


def _sequence(fns: list[Fn]) -> Fn:
    """One closure that runs several in order (MOVE to many targets, SET, ...)."""
    if len(fns) == 1:
        return fns[0]
    fns_t = tuple(fns)

    def run_all() -> None:
        for fn in fns_t:
            fn()

    return run_all


def _zero() -> int:
    return 0


def _raiser(exc_type: type[Exception]) -> Fn:
    def raise_it() -> None:
        raise exc_type

    return raise_it


def _catch_exit_perform(fn: Fn, inline: bool = True) -> Fn:
    if not inline:
        return fn

    def guarded() -> None:
        try:  # noqa: SIM105 - contextlib.suppress is slower on this hot path
            fn()
        except ExitPerform:
            pass

    return guarded


def _add_in_place(target: Access, total: Callable[[], Number], subtract: bool,
                  constant: Number | None) -> Fn:
    """ADD x TO y / SUBTRACT x FROM y on a fixed WORKING-STORAGE item, no phrases:
    decode, add and encode in one closure."""
    decode, encode = numeric_codec(target.item)
    buf, off = target.static  # type: ignore[misc]
    end = off + target.item.size
    if subtract:
        def subtract_in_place() -> None:
            buf[off:end] = encode(decode(buf[off:end]) - total())

        return subtract_in_place
    if constant is not None:
        def add_constant() -> None:  # ADD 1 TO AF-COUNTER
            buf[off:end] = encode(decode(buf[off:end]) + constant)

        return add_constant

    def add_in_place() -> None:
        buf[off:end] = encode(decode(buf[off:end]) + total())

    return add_in_place


def _divider(a: Callable[[], Number], b: Callable[[], Number]) -> Callable[[], Number]:
    def divide() -> Number:
        divisor = b()
        if not divisor:
            raise SizeError
        return Decimal(a()) / Decimal(divisor)

    return divide


def _divide_old(divisor_fn: Callable[[], Number]) -> Callable[[Number], Number]:
    def divide(old: Number) -> Number:
        divisor = divisor_fn()
        if not divisor:
            raise SizeError
        return Decimal(old) / Decimal(divisor)

    return divide


def _is_zero(expr: A.Expr) -> bool:
    return isinstance(expr, A.Figurative) and expr.name == "ZERO"


def _num_value(expr: Any) -> Number:
    if isinstance(expr, A.NumLit):
        return Decimal(expr.text) if "." in expr.text else int(expr.text)
    if isinstance(expr, A.Figurative) and expr.name == "ZERO":
        return 0
    raise CobolSyntaxError(Position("", 0, 0), "level-88 value of a numeric item must be numeric")


def _alnum_value(expr: Any, size: int) -> bytes:
    if isinstance(expr, A.StrLit):
        return fill_pattern(expr.value, size) if expr.all else fit_alnum(expr.value, size)
    if isinstance(expr, A.Figurative):
        return fill_pattern(FIGURATIVE_BYTES[expr.name], size)
    if isinstance(expr, A.NumLit):
        return fit_alnum(literal_digits(expr.text), size)
    raise CobolSyntaxError(Position("", 0, 0), "unsupported level-88 value")


def _initialize_pieces(item: Item, shift: int, out: list[tuple[int, bytes]], top: bool,
                       replacing: dict[str, Any], with_filler: bool) -> None:
    """Bytes INITIALIZE writes: spaces/zeros per elementary item (or the REPLACING value
    of its category, which then leaves the other categories alone); FILLER skipped."""
    if item.name == "FILLER" and not top and not with_filler:
        return
    count = 1 if top else max(item.occurs, 1)
    for k in range(count):
        moved = shift + k * item.size
        if item.children:
            for child in item.children:
                if child.redefines is None:
                    _initialize_pieces(child, moved, out, False, replacing, with_filler)
        elif item.category in replacing:
            out.append((item.offset + moved, value_bytes(item, replacing[item.category])))
        elif not replacing and item.category != INDEX:
            out.append((item.offset + moved, default_bytes(item)))
