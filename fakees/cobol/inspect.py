"""INSPECT TALLYING / REPLACING / CONVERTING, scanning left to right as the standard says."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fakees.cobol import ast as A

if TYPE_CHECKING:
    from fakees.cobol.compiler import Compiler


def _region(data: bytes, before: bytes | None, after: bytes | None) -> tuple[int, int]:
    start, end = 0, len(data)
    if after is not None:
        at = data.find(after)
        start = at + len(after) if at >= 0 else len(data)
    if before is not None:
        at = data.find(before, start)
        end = at if at >= 0 else len(data)
    return start, max(start, end)


class _Phrase:
    def __init__(self, compiler: Compiler, phrase: A.InspectPhrase) -> None:
        self.kind = phrase.kind
        self.pattern = compiler.alnum_expr(phrase.pattern) if phrase.pattern is not None else None
        self.replacement = (compiler.alnum_expr(phrase.replacement)
                            if phrase.replacement is not None else None)
        self.before = compiler.alnum_expr(phrase.before) if phrase.before is not None else None
        self.after = compiler.alnum_expr(phrase.after) if phrase.after is not None else None
        self.counter: tuple[Callable[[], Any], Callable[[Any], None]] | None = None
        if phrase.counter is not None:
            acc = compiler.access(phrase.counter)
            self.counter = (compiler.num_getter(acc), compiler.num_setter(acc))


def _scan(data: bytearray, phrases: list[_Phrase], replacing: bool) -> list[int]:
    """Run the standard's scan; returns the tally of each phrase (and replaces in place)."""
    counts = [0] * len(phrases)
    setup = []
    for ph in phrases:
        pattern = bytes(ph.pattern()) if ph.pattern is not None else b""
        if ph.kind == "CHARACTERS":
            pattern = b"?"
        repl = bytes(ph.replacement()) if ph.replacement is not None else b""
        if ph.kind == "CHARACTERS" and repl:
            repl = repl[:1]
        elif repl and len(repl) < len(pattern):
            repl = (repl * len(pattern))[: len(pattern)]
        before = bytes(ph.before()) if ph.before is not None else None
        after = bytes(ph.after()) if ph.after is not None else None
        start, end = _region(bytes(data), before, after)
        setup.append([pattern, repl, start, end, True, False])  # leading-active, first-done
    pos = 0
    n = len(data)
    while pos < n:
        matched = False
        for k, ph in enumerate(phrases):
            pattern, repl, start, end, leading, done = setup[k]
            size = len(pattern) or 1
            if pos < start or pos + size > end:
                continue
            if ph.kind == "LEADING" and not leading:
                continue
            if ph.kind == "FIRST" and done:
                continue
            if ph.kind != "CHARACTERS" and data[pos:pos + size] != pattern:
                if ph.kind == "LEADING":
                    setup[k][4] = False
                continue
            counts[k] += 1
            if replacing:
                data[pos:pos + size] = repl if ph.kind != "CHARACTERS" else repl * size
            if ph.kind == "FIRST":
                setup[k][5] = True
            pos += size
            matched = True
            for j, other in enumerate(phrases):
                if j != k and other.kind == "LEADING" and setup[j][2] <= pos - size:
                    setup[j][4] = False
            break
        if not matched:
            for k, ph in enumerate(phrases):
                if ph.kind == "LEADING" and setup[k][2] <= pos:
                    setup[k][4] = False
            pos += 1
    return counts


def build_inspect(compiler: Compiler, stmt: A.Inspect) -> Callable[[], None]:
    acc = compiler.access(stmt.target)
    read_target = acc.read
    tallying = [_Phrase(compiler, p) for p in stmt.tallying]
    replacing = [_Phrase(compiler, p) for p in stmt.replacing]
    convert = None
    if stmt.convert_from is not None and stmt.convert_to is not None:
        convert = (compiler.alnum_expr(stmt.convert_from), compiler.alnum_expr(stmt.convert_to),
                   compiler.alnum_expr(stmt.convert_before) if stmt.convert_before else None,
                   compiler.alnum_expr(stmt.convert_after) if stmt.convert_after else None)
    write = acc.write

    def inspect() -> None:
        data = bytearray(read_target())
        if tallying:
            counts = _scan(data, tallying, replacing=False)
            for ph, count in zip(tallying, counts, strict=True):
                assert ph.counter is not None
                get, set_ = ph.counter
                set_(get() + count)
        if replacing:
            _scan(data, replacing, replacing=True)
            write(bytes(data))
        if convert is not None:
            src, dst, before, after = convert
            frm, to = bytes(src()), bytes(dst())
            if len(to) == 1 and len(frm) > 1:
                to = to * len(frm)
            table = bytes.maketrans(frm, to[: len(frm)])
            start, end = _region(bytes(data), bytes(before()) if before else None,
                                 bytes(after()) if after else None)
            data[start:end] = bytes(data[start:end]).translate(table)
            write(bytes(data))

    return inspect
