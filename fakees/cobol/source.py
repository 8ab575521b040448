"""Source text to tokens: fixed and free reference formats, literals, COPY ... REPLACING.

Lines are cut to their program-text area (fixed format: columns 8-72, indicator
in column 7), then scanned into tokens that remember their file, line and
column. COPY is expanded on the token stream, so copybooks are lexed with their
own positions and REPLACING works on whole tokens as the standard says.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from fakees.cobol.errors import CobolSyntaxError, Position

WORD, NUM, STR, PERIOD, LPAREN, RPAREN, COLON, OP, PSEUDO, PIC = (
    "word", "number", "string", ".", "(", ")", ":", "op", "==", "picture",
)
WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
COMMENT_PARAGRAPHS = tuple(f"{name}." for name in (
    "AUTHOR", "INSTALLATION", "DATE-WRITTEN", "DATE-COMPILED", "SECURITY", "REMARKS"))
COPY_SUFFIXES = ("", ".cpy", ".CPY", ".cbl", ".CBL", ".cob", ".COB")


@dataclass
class Token:
    """One lexical token; ``upper`` is the canonical spelling of words."""

    kind: str
    text: str
    pos: Position
    value: bytes | None = None  # the bytes of an alphanumeric literal
    prefix: str = ""  # X (hexadecimal) or Z (null-terminated) literal

    @property
    def upper(self) -> str:
        return self.text.upper()

    def __repr__(self) -> str:
        return f"<{self.kind} {self.text!r} {self.pos}>"


# a program's first header written before column 8: free-format source read as fixed
FREE_FORMAT_HEADER = re.compile(r" {0,6}(IDENTIFICATION(?= +DIVISION)|ID(?= +DIVISION)"
                                r"|PROGRAM-ID(?= *\.))", re.IGNORECASE)


@dataclass
class Line:
    file: str
    number: int
    col: int  # column of text[0] in the file
    text: str
    continuation: bool = False


def read_lines(path: str, text: str, free: bool = False) -> list[Line]:
    """Cut a source file into program-text lines, dropping comments and sequence areas."""
    lines: list[Line] = []
    in_comment_entry = False
    for number, raw in enumerate(text.splitlines(), 1):
        raw = raw.expandtabs(8).rstrip("\r\n")
        stripped = raw.strip().upper()
        if stripped.startswith((">>SOURCE", "$SET")) or raw[6:7] == "$" or (
            raw[6:7] == " " and raw[7:].strip().upper().startswith(">>SOURCE")
        ):
            compact = stripped.replace(" ", "").replace('"', "").replace("'", "")
            if "FREE" in compact:
                free = True
            elif "FIXED" in compact:
                free = False
            continue
        if stripped.startswith(">>"):
            continue
        if free:
            if stripped.startswith("*>"):
                continue
            if stripped.startswith(COMMENT_PARAGRAPHS) and "." in raw:
                raw = raw[:raw.index(".") + 1]
            lines.append(Line(path, number, 1, raw))
            continue
        misplaced = FREE_FORMAT_HEADER.match(raw)
        if misplaced:
            col = misplaced.start(1) + 1
            raise CobolSyntaxError(
                Position(path, number, col),
                f"{misplaced.group(1).upper()} starts in column {col}; in fixed format it "
                "belongs in area A, from column 8", raw.strip(),
                "this looks like free-format source: compile it with cob -free (or "
                "-C SOURCEFORMAT(FREE)), or make its first line >>SOURCE FORMAT FREE")
        if len(raw) < 7:
            continue
        indicator = raw[6]
        if indicator in "*/dD":
            continue
        body = raw[7:72]
        if in_comment_entry and body[:4].strip() == "":
            continue  # comment-entry text continues in area B
        in_comment_entry = False
        head = body.strip().upper()
        if head.startswith(COMMENT_PARAGRAPHS):
            # AUTHOR. free text (quotes and all) up to the next area-A entry
            in_comment_entry = True
            body = body[:body.index(".") + 1] if "." in body else body
        lines.append(Line(path, number, 8, body, continuation=indicator == "-"))
    return lines


class Lexer:
    """Scans program-text lines into tokens, keeping literal continuation across lines."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.tokens: list[Token] = []
        self.expect_picture = False
        self._pending: tuple[Token, str, str] | None = None

    def error(self, line: Line, i: int, message: str, hint: str = "") -> CobolSyntaxError:
        return CobolSyntaxError(Position(line.file, line.number, line.col + i), message,
                                line.text, hint)

    def run(self) -> list[Token]:
        pending: tuple[Token, str, str] | None = None  # open literal: token, quote, text so far
        for line in self.lines:
            s = line.text
            i = 0
            if pending is not None:
                if not line.continuation:
                    tok = pending[0]
                    raise CobolSyntaxError(tok.pos, "alphanumeric literal is not terminated",
                                           tok.text, "close the literal with a matching quote, "
                                           "or continue it with '-' in column 7")
                start = min((k for k in (s.find('"'), s.find("'")) if k >= 0), default=-1)
                if start < 0:
                    raise self.error(line, 0, "continuation line has no opening quote")
                i = self._literal(line, start + 1, pending)
                pending = None
                if i < 0:
                    pending = self._pending
                    continue
            elif line.continuation and self.tokens:
                # a continued word or number: glue the first piece onto the last token
                first = len(s) - len(s.lstrip())
                j = first
                while j < len(s) and s[j] in WORD_CHARS:
                    j += 1
                if j > first:
                    self.tokens[-1].text += s[first:j]
                i = j
            while i < len(s):
                i = self._scan(line, s, i)
                if i < 0:
                    pending = self._pending
                    break
        if pending is not None:
            tok = pending[0]
            raise CobolSyntaxError(tok.pos, "alphanumeric literal is not terminated", tok.text,
                                   "close the literal with a matching quote")
        return self.tokens

    def _emit(self, kind: str, text: str, line: Line, i: int, value: bytes | None = None) -> None:
        self.tokens.append(Token(kind, text, Position(line.file, line.number, line.col + i), value))

    def _literal(self, line: Line, i: int, pending: tuple[Token, str, str]) -> int:
        """Continue scanning literal content from ``i``; return the index after it or -1."""
        tok, quote, acc = pending
        s = line.text
        while i < len(s):
            c = s[i]
            if c == quote:
                if i + 1 < len(s) and s[i + 1] == quote:
                    acc += quote
                    i += 2
                    continue
                tok.text = acc
                tok.value = _literal_bytes(tok, acc)
                return i + 1
            acc += c
            i += 1
        # fixed format: a literal open at column 72 continues with the area's trailing spaces
        width = 65 if line.col == 8 else len(s)
        acc += " " * max(width - len(s), 0)
        self._pending = (tok, quote, acc)
        return -1

    def _scan(self, line: Line, s: str, i: int) -> int:
        c = s[i]
        if c in " \t" or (c in ",;" and (i + 1 >= len(s) or s[i + 1] == " ")):
            return i + 1
        if c == "*" and s[i + 1:i + 2] == ">":
            return len(s)
        if self.expect_picture:
            j = i
            while j < len(s) and s[j] != " ":
                j += 1
            text = s[i:j]
            if text.upper() == "IS":
                self._emit(WORD, text, line, i)
                return j
            self.expect_picture = False
            tail = ""
            while text and text[-1] in ".,;" and len(text) > 1:
                tail = text[-1] + tail
                text = text[:-1]
            self._emit(PIC, text, line, i)
            if "." in tail:
                self._emit(PERIOD, ".", line, j - 1)
            return j
        prefix = c.upper()
        if c in "'\"" or (prefix in "XZN" and s[i + 1:i + 2] in ("'", '"')):
            start = i
            if c not in "'\"":
                i += 1
            tok = Token(STR, "", Position(line.file, line.number, line.col + start),
                        prefix=prefix if c not in "'\"" else "")
            self.tokens.append(tok)
            return self._literal(line, i + 1, (tok, s[i], ""))
        if c == "=" and s[i + 1:i + 2] == "=":
            self._emit(PSEUDO, "==", line, i)
            return i + 2
        if c == "." and not (i + 1 < len(s) and s[i + 1].isdigit()
                             and (i == 0 or s[i - 1] in " (")):
            self._emit(PERIOD, ".", line, i)
            return i + 1
        if c in "+-" and i + 1 < len(s) and (s[i + 1].isdigit() or s[i + 1] == ".") and (
            i == 0 or s[i - 1] in " (="):
            j = self._number_end(s, i + 1)
            if j > i + 1:
                self._emit(NUM, s[i:j], line, i)
                return j
        if c.isdigit() or c == ".":
            j = self._number_end(s, i)
            if j < len(s) and s[j] in WORD_CHARS:
                # a word that starts with digits (e.g. a paragraph named 1A or 100-START)
                k = i
                while k < len(s) and s[k] in WORD_CHARS:
                    k += 1
                self._emit(WORD, s[i:k], line, i)
                return k
            self._emit(NUM, s[i:j], line, i)
            return j
        if c in WORD_CHARS and c != "-":
            j = i
            while j < len(s) and s[j] in WORD_CHARS:
                j += 1
            word = s[i:j]
            self._emit(WORD, word, line, i)
            if word.upper() in ("PIC", "PICTURE"):
                self.expect_picture = True
            return j
        if c == "(":
            self._emit(LPAREN, c, line, i)
            return i + 1
        if c == ")":
            self._emit(RPAREN, c, line, i)
            return i + 1
        if c == ":":
            self._emit(COLON, c, line, i)
            return i + 1
        for op in ("**", ">=", "<=", "<>", "+", "-", "*", "/", "=", ">", "<", "&"):
            if s.startswith(op, i):
                self._emit(OP, op, line, i)
                return i + len(op)
        raise self.error(line, i, f"unexpected character {c!r}",
                         "COBOL words use letters, digits and hyphens")

    @staticmethod
    def _number_end(s: str, i: int) -> int:
        j = i
        while j < len(s) and s[j].isdigit():
            j += 1
        if j < len(s) and s[j] == "." and j + 1 < len(s) and s[j + 1].isdigit():
            j += 1
            while j < len(s) and s[j].isdigit():
                j += 1
        return j


def _literal_bytes(tok: Token, text: str) -> bytes:
    prefix = tok.prefix
    if prefix == "X":
        try:
            return bytes.fromhex(text)
        except ValueError:
            raise CobolSyntaxError(tok.pos, f"invalid hexadecimal literal X'{text}'", text,
                                   "use an even number of hexadecimal digits") from None
    data = text.encode("latin-1", errors="replace")
    if prefix == "Z":
        return data + b"\0"
    return data


def tokenize(path: str, text: str, free: bool = False) -> list[Token]:
    return Lexer(read_lines(path, text, free)).run()


@dataclass
class SourceOptions:
    free: bool = False
    copy_dirs: tuple[str, ...] = ()


def load_tokens(path: str, options: SourceOptions | None = None) -> list[Token]:
    """Read, lex and COPY-expand a source file."""
    options = options or SourceOptions()
    try:
        text = Path(path).read_text(encoding="latin-1")
    except OSError as exc:
        raise CobolSyntaxError(Position(path, 0, 0), f"cannot read source: {exc.strerror}",
                               hint="check the file name; a relative path is taken from "
                                    "the current directory") from None
    return expand_copy(tokenize(path, text, options.free), options, depth=0)


def _find_copybook(name: str, base: str, options: SourceOptions) -> str | None:
    dirs = [os.path.dirname(base) or ".", *options.copy_dirs,
            *[d for d in os.environ.get("COBCPY", "").split(":") if d]]
    for directory in dirs:
        for candidate in (name, name.lower(), name.upper()):
            for suffix in COPY_SUFFIXES:
                path = os.path.join(directory, candidate + suffix)
                if os.path.isfile(path):
                    return path
    return None


def _pseudo(tokens: list[Token], i: int) -> tuple[list[Token], int]:
    """Read pseudo-text ==...== or a single token starting at ``i``."""
    if tokens[i].kind == PSEUDO:
        j = i + 1
        while j < len(tokens) and tokens[j].kind != PSEUDO:
            j += 1
        if j >= len(tokens):
            raise CobolSyntaxError(tokens[i].pos, "pseudo-text is not closed", "==",
                                   "close it with ==")
        return tokens[i + 1:j], j + 1
    return [tokens[i]], i + 1


def _same(a: Token, b: Token) -> bool:
    if a.kind == STR or b.kind == STR:
        return a.kind == b.kind and a.value == b.value
    return a.upper == b.upper


def expand_copy(tokens: list[Token], options: SourceOptions, depth: int) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not (tok.kind == WORD and tok.upper == "COPY"):
            out.append(tok)
            i += 1
            continue
        if depth > 20:
            raise CobolSyntaxError(tok.pos, "COPY nested too deeply", "COPY",
                                   "a copybook probably copies itself")
        if i + 1 >= len(tokens) or tokens[i + 1].kind not in (WORD, STR):
            raise CobolSyntaxError(tok.pos, "COPY needs a copybook name", "COPY",
                                   "write COPY NAME.")
        name_tok = tokens[i + 1]
        name = name_tok.text
        i += 2
        if i < len(tokens) and tokens[i].kind == WORD and tokens[i].upper in ("OF", "IN"):
            i += 2
        replacing: list[tuple[list[Token], list[Token]]] = []
        if i < len(tokens) and tokens[i].kind == WORD and tokens[i].upper == "SUPPRESS":
            i += 1
        if i < len(tokens) and tokens[i].kind == WORD and tokens[i].upper == "REPLACING":
            i += 1
            while i < len(tokens) and tokens[i].kind != PERIOD:
                old, i = _pseudo(tokens, i)
                if i >= len(tokens) or tokens[i].upper != "BY":
                    raise CobolSyntaxError(tokens[min(i, len(tokens) - 1)].pos,
                                           "REPLACING expects BY", "", "write ==old== BY ==new==")
                new, i = _pseudo(tokens, i + 1)
                replacing.append((old, new))
        if i >= len(tokens) or tokens[i].kind != PERIOD:
            raise CobolSyntaxError(name_tok.pos, "COPY statement must end with a period",
                                   name, "write COPY NAME.")
        i += 1
        path = _find_copybook(name, tok.pos.file, options)
        if path is None:
            raise CobolSyntaxError(name_tok.pos, f"copybook {name} not found", name,
                                   "put it next to the source, or on COBCPY / -I")
        text = Path(path).read_text(encoding="latin-1")
        book = expand_copy(tokenize(path, text, options.free), options, depth + 1)
        out.extend(_replace(book, replacing) if replacing else book)
    return out


def _replace(tokens: list[Token], rules: list[tuple[list[Token], list[Token]]]) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        for old, new in rules:
            if old and all(i + k < len(tokens) and _same(tokens[i + k], o)
                           for k, o in enumerate(old)):
                out.extend(new)
                i += len(old)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out
