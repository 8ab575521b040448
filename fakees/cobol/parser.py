"""Recursive-descent parser: tokens to the syntax tree in :mod:`fakees.cobol.ast`.

Statements end at the next verb, a period, or the scope terminator of their
enclosing statement, as in the standard; a period closes every open scope.
"""

from __future__ import annotations

import difflib

from fakees.cobol import ast as A
from fakees.cobol import hints
from fakees.cobol.errors import CobolSyntaxError, Position
from fakees.cobol.source import LPAREN, NUM, OP, PERIOD, PIC, RPAREN, STR, WORD, Token

VERBS = frozenset([
    "ACCEPT", "ADD", "CALL", "CANCEL", "CLOSE", "COMPUTE", "CONTINUE", "DELETE", "DISPLAY",
    "DIVIDE", "EVALUATE", "EXIT", "GO", "GOBACK", "IF", "INITIALIZE", "INSPECT", "MOVE",
    "MULTIPLY", "OPEN", "PERFORM", "READ", "REWRITE", "SEARCH", "SET", "START", "STOP",
    "STRING", "SUBTRACT", "UNLOCK", "UNSTRING", "WRITE", "ALTER", "ENTRY", "MERGE", "RELEASE",
    "RETURN", "SORT",
])

RESERVED = VERBS | frozenset([
    "ADVANCING", "AFTER", "ALL", "ALSO", "ALPHABETIC", "ALPHABETIC-LOWER", "ALPHABETIC-UPPER",
    "AND", "ANY", "ARE", "AT", "BEFORE", "BY", "CHARACTERS", "CONTENT", "CONVERTING", "CORR",
    "CORRESPONDING", "COUNT", "DELIMITED", "DELIMITER", "DEPENDING", "DOWN", "ELSE", "END",
    "END-ACCEPT", "END-ADD", "END-CALL", "END-COMPUTE", "END-DELETE", "END-DISPLAY",
    "END-DIVIDE", "END-EVALUATE", "END-IF", "END-MULTIPLY", "END-PERFORM", "END-READ", "END-RETURN",
    "END-REWRITE", "END-SEARCH", "END-START", "END-STRING", "END-SUBTRACT", "END-UNSTRING",
    "END-WRITE", "EQUAL", "ERROR", "EXCEPTION", "FALSE", "FIRST", "FOR", "FROM", "FUNCTION",
    "GIVING", "GREATER", "IN", "INITIAL", "INTO", "INVALID", "IS", "KEY", "LEADING", "LESS",
    "LINE", "LINES", "LOCK", "NEGATIVE", "NEXT", "NO", "NOT", "NUMERIC", "OF", "OMITTED", "ON",
    "OR", "OTHER", "OVERFLOW", "PAGE", "POINTER", "POSITIVE", "PREVIOUS", "REFERENCE",
    "REMAINDER", "REPLACING", "RETURNING", "ROUNDED", "SIZE", "TALLYING", "TEST", "THAN",
    "THEN", "THROUGH", "THRU", "TIMES", "TO", "TRUE", "UNTIL", "UP", "UPON", "USING", "VALUE",
    "VARYING", "WHEN", "WITH", "ZERO", "ZEROS", "ZEROES", "SPACE", "SPACES", "HIGH-VALUE",
    "HIGH-VALUES", "LOW-VALUE", "LOW-VALUES", "QUOTE", "QUOTES", "LENGTH", "ADDRESS",
    "SECTION", "DIVISION",
])

FIGURATIVES = {
    "SPACE": "SPACE", "SPACES": "SPACE", "ZERO": "ZERO", "ZEROS": "ZERO", "ZEROES": "ZERO",
    "HIGH-VALUE": "HIGH-VALUE", "HIGH-VALUES": "HIGH-VALUE", "LOW-VALUE": "LOW-VALUE",
    "LOW-VALUES": "LOW-VALUE", "QUOTE": "QUOTE", "QUOTES": "QUOTE", "NULL": "LOW-VALUE",
    "NULLS": "LOW-VALUE",
}
SPECIAL_REGISTERS = frozenset({"RETURN-CODE", "TALLY"})
SCOPE_END = {
    "IF": "END-IF", "EVALUATE": "END-EVALUATE", "READ": "END-READ",
    "WRITE": "END-WRITE", "REWRITE": "END-REWRITE", "DELETE": "END-DELETE", "START": "END-START",
    "ADD": "END-ADD", "SUBTRACT": "END-SUBTRACT", "MULTIPLY": "END-MULTIPLY",
    "DIVIDE": "END-DIVIDE", "COMPUTE": "END-COMPUTE", "STRING": "END-STRING",
    "UNSTRING": "END-UNSTRING", "CALL": "END-CALL", "SEARCH": "END-SEARCH",
    "DISPLAY": "END-DISPLAY", "ACCEPT": "END-ACCEPT", "RETURN": "END-RETURN",
}
INITIALIZE_CATEGORIES = {
    "ALPHANUMERIC": "alphanumeric", "NUMERIC": "numeric", "ALPHABETIC": "alphabetic",
    "ALPHANUMERIC-EDITED": "alphanumeric-edited", "NUMERIC-EDITED": "numeric-edited",
}
CLASS_WORDS = frozenset({"NUMERIC", "ALPHABETIC", "ALPHABETIC-LOWER", "ALPHABETIC-UPPER",
                         "POSITIVE", "NEGATIVE", "ZERO", "ZEROS", "ZEROES"})
USAGES = {
    "DISPLAY": "DISPLAY", "COMP": "COMP", "COMPUTATIONAL": "COMP", "BINARY": "COMP",
    "COMP-4": "COMP", "COMPUTATIONAL-4": "COMP", "COMP-3": "COMP-3", "COMPUTATIONAL-3": "COMP-3",
    "PACKED-DECIMAL": "COMP-3", "COMP-5": "COMP-5", "COMPUTATIONAL-5": "COMP-5",
    "COMP-X": "COMP-X", "COMPUTATIONAL-X": "COMP-X", "INDEX": "INDEX", "POINTER": "POINTER",
}


class Backtrack(Exception):
    """Internal: a speculative parse did not match."""


class Parser:
    def __init__(self, tokens: list[Token], source: str) -> None:
        self.toks = tokens
        self.i = 0
        self.source = source
        end_pos = tokens[-1].pos if tokens else Position(source, 1, 1)
        self.eof = Token("eof", "end of file", end_pos)
        self.last_relation: tuple[A.Expr, str] | None = None
        self.context: list[str] = ["PROGRAM"]  # what is being parsed, innermost last (hints)

    # ------------------------------------------------------------ primitives
    def peek(self, k: int = 0) -> Token:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else self.eof

    def next(self) -> Token:
        tok = self.peek()
        self.i += 1
        return tok

    def at(self, *words: str) -> bool:
        tok = self.peek()
        return tok.kind == WORD and tok.upper in words

    def at_kind(self, kind: str) -> bool:
        return self.peek().kind == kind

    def accept(self, *words: str) -> bool:
        if self.at(*words):
            self.i += 1
            return True
        return False

    def error(self, message: str, tok: Token | None = None, hint: str = "",
              expected: tuple[str, ...] = ()) -> CobolSyntaxError:
        """A syntax error at ``tok``; without a hint of its own, one from :mod:`hints`."""
        tok = tok or self.peek()
        if not hint:
            hint = hints.derive(message, tok.kind, tok.text, expected, self.context,
                                VERBS, RESERVED)
        return CobolSyntaxError(tok.pos, message, tok.text, hint)

    def expect(self, *words: str) -> Token:
        if not self.at(*words):
            raise self.error(f"expected {' or '.join(words)}, found '{self.peek().text}'",
                             expected=words)
        return self.next()

    def expect_period(self) -> None:
        if not self.at_kind(PERIOD):
            raise self.error(f"expected a period, found '{self.peek().text}'",
                             hint="end the entry or sentence with '.'")
        self.i += 1

    def skip_periods(self) -> None:
        while self.at_kind(PERIOD):
            self.i += 1

    def name(self, what: str = "a name") -> str:
        tok = self.peek()
        if tok.kind not in (WORD, NUM):
            raise self.error(f"expected {what}, found '{tok.text}'")
        self.i += 1
        return tok.upper

    def skip_to_period(self) -> None:
        while not self.at_kind(PERIOD) and self.peek() is not self.eof:
            self.i += 1
        self.skip_periods()

    def at_division(self) -> bool:
        return self.peek(1).kind == WORD and self.peek(1).upper == "DIVISION"

    # ------------------------------------------------------------- program
    def program(self) -> A.Program:
        self.skip_periods()
        if self.accept("IDENTIFICATION", "ID"):
            self.expect("DIVISION")
            self.expect_period()
        self.expect("PROGRAM-ID")
        self.skip_periods()
        tok = self.next()
        if tok.kind not in (WORD, STR):
            raise self.error("PROGRAM-ID needs a name", tok)
        prog = A.Program(program_id=(tok.text if tok.kind == STR else tok.upper),
                         source=self.source)
        self.skip_to_period()
        while not (self.at("ENVIRONMENT", "DATA", "PROCEDURE") and self.at_division()):
            if self.peek() is self.eof:
                raise self.error("PROCEDURE DIVISION is missing")
            self.i += 1
        if self.accept("ENVIRONMENT"):
            self.expect("DIVISION")
            self.expect_period()
            self.environment(prog)
        if self.at("DATA") and self.at_division():
            self.i += 2
            self.expect_period()
            self.data_division(prog)
        if not (self.at("PROCEDURE") and self.at_division()):
            raise self.error(f"expected PROCEDURE DIVISION, found '{self.peek().text}'")
        self.i += 2
        if self.accept("USING"):
            while True:
                if self.accept("BY"):
                    mode = self.expect("REFERENCE", "VALUE", "CONTENT").upper
                    current = mode
                elif not self.at_kind(WORD) or self.at("RETURNING"):
                    break
                else:
                    current = prog.using[-1].mode if prog.using else "REFERENCE"
                pos = self.peek().pos
                prog.using.append(A.UsingItem(self.name("a LINKAGE item"), current, pos))
        if self.accept("RETURNING"):
            prog.returning = self.name()
        self.expect_period()
        self.procedure(prog)
        return prog

    # --------------------------------------------------------- environment
    def environment(self, prog: A.Program) -> None:
        while self.peek() is not self.eof and not (self.at("DATA", "PROCEDURE")
                                                    and self.at_division()):
            if self.accept("FILE-CONTROL"):
                self.expect_period()
                while self.at("SELECT"):
                    prog.selects.append(self.select())
                continue
            self.i += 1

    def select(self) -> A.Select:
        start = self.expect("SELECT")
        self.context.append("SELECT")
        optional = self.accept("OPTIONAL")
        name = self.name("a file name")
        self.expect("ASSIGN")
        self.accept("TO")
        external = self.accept("EXTERNAL")
        self.accept("DYNAMIC")
        tok = self.next()
        if tok.kind not in (WORD, STR):
            raise self.error("ASSIGN needs a file name", tok)
        sel = A.Select(name, start.pos, tok.text if tok.kind == STR else tok.upper,
                       assign_literal=tok.kind == STR, external=external, optional=optional)
        while not self.at_kind(PERIOD):
            if self.peek() is self.eof:
                raise self.error("SELECT entry is not ended by a period")
            if self.accept("ORGANIZATION"):
                self.accept("IS")
                if self.accept("LINE"):
                    self.expect("SEQUENTIAL")
                    sel.organization = "LINE SEQUENTIAL"
                else:
                    sel.organization = self.expect("INDEXED", "SEQUENTIAL", "RELATIVE").upper
            elif self.at("INDEXED", "SEQUENTIAL", "RELATIVE"):
                sel.organization = self.next().upper
            elif self.accept("LINE"):
                self.expect("SEQUENTIAL")
                sel.organization = "LINE SEQUENTIAL"
            elif self.accept("ACCESS"):
                self.accept("MODE")
                self.accept("IS")
                sel.access = self.expect("RANDOM", "SEQUENTIAL", "DYNAMIC").upper
            elif self.accept("RECORD"):
                self.accept("KEY")
                self.accept("IS")
                sel.record_key = self.name("a record key")
            elif self.accept("ALTERNATE"):
                self.accept("RECORD")
                self.accept("KEY")
                self.accept("IS")
                key = A.AltKey(self.name("an alternate key"))
                if self.accept("WITH"):
                    self.expect("DUPLICATES")
                    key.duplicates = True
                elif self.accept("DUPLICATES"):
                    key.duplicates = True
                sel.alternate_keys.append(key)
            elif self.accept("FILE"):
                self.expect("STATUS")
                self.accept("IS")
                sel.status = self.name("a status item")
            elif self.accept("STATUS"):
                self.accept("IS")
                sel.status = self.name("a status item")
            elif self.accept("LOCK"):
                self.accept("MODE")
                self.accept("IS")
                sel.lock_mode = self.expect("EXCLUSIVE", "MANUAL", "AUTOMATIC").upper
                if self.accept("WITH"):
                    self.accept("LOCK")
                    self.accept("ON")
                    self.accept("MULTIPLE")
                    self.accept("RECORD", "RECORDS")
            elif self.accept("RESERVE"):
                self.next()
                self.accept("AREA", "AREAS")
            elif self.accept("SHARING"):
                self.accept("WITH")
                while self.at("ALL", "OTHER", "NO", "READ", "ONLY"):
                    self.i += 1
            else:
                raise self.error(f"unknown SELECT clause '{self.peek().text}'",
                                 hint="fakees knows ORGANIZATION, ACCESS, RECORD KEY, "
                                      "ALTERNATE RECORD KEY, FILE STATUS, LOCK MODE")
        self.expect_period()
        self.context.pop()
        return sel

    # ---------------------------------------------------------------- data
    def data_division(self, prog: A.Program) -> None:
        section = ""
        while not (self.at("PROCEDURE") and self.at_division()):
            tok = self.peek()
            if tok is self.eof:
                raise self.error("PROCEDURE DIVISION is missing")
            if tok.kind == WORD and self.peek(1).upper == "SECTION":
                section = tok.upper
                self.i += 2
                self.expect_period()
                continue
            if self.at("FD", "SD"):
                self.i += 1
                self.context.append("FD")
                fd = A.FileDesc(self.name("a file name"), tok.pos)
                while not self.at_kind(PERIOD):
                    if self.peek() is self.eof:
                        raise self.error("FD entry is not ended by a period")
                    if self.accept("EXTERNAL"):
                        fd.external = True
                    else:
                        self.i += 1
                self.expect_period()
                self.context.pop()
                prog.files.append(fd)
                section = "FILE"
                continue
            if tok.kind != NUM:
                raise self.error(f"expected a level number, found '{tok.text}'",
                                 hint="data entries start with a level number 01-49, 66, 77 or 88")
            self.context.append("DATA")
            entry = self.data_entry()
            self.context.pop()
            if section == "FILE":
                if not prog.files:
                    raise self.error("record description outside an FD", tok)
                prog.files[-1].records.append(entry)
            elif section == "WORKING-STORAGE":
                prog.working.append(entry)
            elif section == "LOCAL-STORAGE":
                prog.local.append(entry)
            elif section == "LINKAGE":
                prog.linkage.append(entry)
            else:
                raise self.error(f"data entry in unsupported section {section or '(none)'}", tok)

    def data_entry(self) -> A.DataEntry:
        tok = self.next()
        if not tok.text.isdigit():
            raise self.error(f"invalid level number {tok.text}", tok)
        level = int(tok.text)
        if not (1 <= level <= 49 or level in (66, 77, 88)):
            raise self.error(f"invalid level number {tok.text}", tok,
                             "level numbers are 01-49, 66 (RENAMES), 77 and 88 (conditions)")
        name = "FILLER"
        if self.at_kind(WORD) and (self.peek().upper not in RESERVED
                                   or self.peek().upper == "FILLER") and not self.at(
                "PIC", "PICTURE", "VALUE", "VALUES", "OCCURS", "REDEFINES", "USAGE", "COMP",
                "COMP-3", "COMP-5", "BINARY", "JUSTIFIED", "JUST", "BLANK", "SIGN", "EXTERNAL",
                "GLOBAL", "PACKED-DECIMAL", "COMPUTATIONAL", "COMPUTATIONAL-3", "INDEX"):
            name = self.next().upper
        entry = A.DataEntry(level, name, tok.pos)
        if level in (66, 88):
            self.context[-1] = str(level)
        if level == 66:
            self.expect("RENAMES")
            entry.renames.append(self.name("the first renamed item"))
            if self.accept("THRU", "THROUGH"):
                entry.renames.append(self.name("the last renamed item"))
            self.expect_period()
            return entry
        if level == 88:
            self.accept("VALUE", "VALUES")
            self.accept("IS", "ARE")
            while not self.at_kind(PERIOD):
                low = self.literal_value()
                high = None
                if self.accept("THRU", "THROUGH"):
                    high = self.literal_value()
                entry.values.append((low, high))
            self.expect_period()
            return entry
        while not self.at_kind(PERIOD):
            if self.peek() is self.eof:
                raise self.error("data entry is not ended by a period", tok)
            if self.at_kind(PIC):
                entry.picture = self.next().text
            elif self.accept("PIC", "PICTURE"):
                self.accept("IS")
                if not self.at_kind(PIC):
                    raise self.error("PICTURE needs a picture string")
                entry.picture = self.next().text
            elif self.accept("USAGE"):
                self.accept("IS")
                entry.usage = self.usage()
            elif self.at(*USAGES):
                entry.usage = self.usage()
            elif self.accept("VALUE"):
                self.accept("IS")
                entry.value = self.literal_value()
            elif self.accept("REDEFINES"):
                entry.redefines = self.name()
            elif self.accept("OCCURS"):
                count = self.expect_count()
                if self.accept("TO"):
                    entry.occurs_min = count
                    count = self.expect_count()
                entry.occurs = count
                self.accept("TIMES")
                if self.accept("DEPENDING"):
                    self.accept("ON")
                    entry.depending = self.ref()
                while self.at("ASCENDING", "DESCENDING"):
                    self.i += 1
                    self.accept("KEY")
                    self.accept("IS")
                    while self.at_kind(WORD) and self.peek().upper not in RESERVED and \
                            not self.at("INDEXED", "ASCENDING", "DESCENDING"):
                        self.i += 1
                if self.accept("INDEXED"):
                    self.accept("BY")
                    while self.at_kind(WORD) and self.peek().upper not in RESERVED:
                        entry.indexed_by.append(self.next().upper)
            elif self.accept("JUSTIFIED", "JUST"):
                self.accept("RIGHT")
                entry.justified = True
            elif self.accept("BLANK"):
                self.accept("WHEN")
                self.expect("ZERO", "ZEROS", "ZEROES")
                entry.blank_when_zero = True
            elif self.accept("SIGN"):
                self.accept("IS")
                entry.sign_leading = self.expect("LEADING", "TRAILING").upper == "LEADING"
                entry.sign_separate = self.accept("SEPARATE")
                self.accept("CHARACTER")
            elif self.at("LEADING", "TRAILING"):
                entry.sign_leading = self.next().upper == "LEADING"
                entry.sign_separate = self.accept("SEPARATE")
                self.accept("CHARACTER")
            elif self.accept("EXTERNAL"):
                entry.external = True
            elif self.accept("GLOBAL", "SYNC", "SYNCHRONIZED", "LEFT", "RIGHT"):
                pass
            else:
                raise self.error(f"unknown data clause '{self.peek().text}'",
                                 hint="fakees knows PIC, USAGE, VALUE, OCCURS, REDEFINES, "
                                      "JUSTIFIED, BLANK WHEN ZERO, SIGN")
        self.expect_period()
        return entry

    def usage(self) -> str:
        tok = self.next()
        if tok.upper not in USAGES:
            raise self.error(f"unknown USAGE {tok.text}", tok,
                             "fakees knows DISPLAY, COMP/BINARY, COMP-3, COMP-5, COMP-X, INDEX")
        return USAGES[tok.upper]

    def expect_count(self) -> int:
        """An unsigned integer literal (OCCURS counts)."""
        tok = self.peek()
        if tok.kind != NUM or not tok.text.isdigit():
            raise self.error(f"expected an unsigned integer, found '{tok.text}'", tok)
        self.i += 1
        return int(tok.text)

    def literal_value(self) -> A.Expr:
        all_ = self.accept("ALL")
        tok = self.peek()
        if tok.kind == STR:
            self.i += 1
            return A.StrLit(tok.value or b"", all_)
        if tok.kind == NUM:
            self.i += 1
            return A.NumLit(tok.text)
        if tok.kind == WORD and tok.upper in FIGURATIVES:
            self.i += 1
            return A.Figurative(FIGURATIVES[tok.upper])
        raise self.error(f"expected a literal, found '{tok.text}'", tok)

    # ----------------------------------------------------------- procedure
    def procedure(self, prog: A.Program) -> None:
        section: str | None = None
        current: A.Paragraph | None = None
        in_declaratives = False
        while self.peek() is not self.eof:
            if self.at("END") and self.peek(1).upper == "PROGRAM":
                self.skip_to_period()
                break
            if self.at_program_start():
                prog.contained.append(self.program())  # a nested program
                continue
            if self.at("DECLARATIVES") and self.peek(1).kind == PERIOD:
                if prog.paragraphs:
                    raise self.error("DECLARATIVES must open the PROCEDURE DIVISION")
                self.i += 2
                in_declaratives = True
                continue
            if self.at("END") and self.peek(1).upper == "DECLARATIVES":
                self.i += 2
                self.expect_period()
                in_declaratives = False
                prog.entry = len(prog.paragraphs)
                section = None
                current = None
                continue
            tok = self.peek()
            if self.is_label():
                self.i += 1
                if self.accept("SECTION"):
                    section = tok.upper
                    current = A.Paragraph(tok.upper, None, tok.pos, is_section=True)
                    if in_declaratives:
                        self.expect_period()
                        prog.paragraphs.append(current)
                        prog.declaratives.append(self.use_statement(tok.upper))
                        continue
                else:
                    current = A.Paragraph(tok.upper, section, tok.pos)
                self.expect_period()
                prog.paragraphs.append(current)
                continue
            if current is None:
                current = A.Paragraph("", None, tok.pos)
                prog.paragraphs.append(current)
            if self.at_kind(PERIOD):
                self.i += 1
                continue
            current.sentences.append(self.statements())
            if not self.at_kind(PERIOD) and self.peek() is not self.eof:
                if self.is_label():
                    continue
                raise self.unexpected()

    def unexpected(self) -> CobolSyntaxError:
        """Where a statement should start: name the unknown verb, suggest a close one."""
        tok = self.peek()
        if tok.kind == WORD and tok.upper not in RESERVED:
            close = difflib.get_close_matches(tok.upper, sorted(VERBS), n=1)
            hint = f"did you mean {close[0]}?" if close else (
                f"{tok.upper} is not a verb; if it names a paragraph, end the name with a period")
            return self.error(f"unknown statement '{tok.text}'", tok, hint)
        return self.error(f"unexpected '{tok.text}'", tok,
                          "a statement or a period was expected here")

    def use_statement(self, section: str) -> A.UseProcedure:
        """USE [GLOBAL] AFTER [STANDARD] ERROR|EXCEPTION PROCEDURE [ON] files|mode."""
        self.context.append("USE")
        self.expect("USE")
        self.accept("GLOBAL")
        self.expect("AFTER")
        self.accept("STANDARD")
        self.expect("ERROR", "EXCEPTION")
        self.expect("PROCEDURE")
        self.accept("ON")
        use = A.UseProcedure(section)
        while not self.at_kind(PERIOD):
            if self.at("INPUT", "OUTPUT", "I-O", "EXTEND"):
                use.modes.append(self.next().upper)
            else:
                use.files.append(self.name("a file name"))
        self.expect_period()
        if not use.files and not use.modes:
            raise self.error("USE needs file names or an open mode")
        self.context.pop()
        return use

    def at_program_start(self) -> bool:
        return (self.at("IDENTIFICATION", "ID") and self.peek(1).upper == "DIVISION") or (
            self.at("PROGRAM-ID") and self.peek(1).kind == PERIOD)

    def is_label(self) -> bool:
        tok = self.peek()
        if tok.kind not in (WORD, NUM) or tok.upper in VERBS:
            return False
        nxt = self.peek(1)
        return nxt.kind == PERIOD or (nxt.kind == WORD and nxt.upper == "SECTION"
                                      and self.peek(2).kind == PERIOD)

    def statements(self) -> list[A.Stmt]:
        out: list[A.Stmt] = []
        while self.at_kind(WORD) and self.peek().upper in VERBS:
            out.append(self.statement())
        return out

    def statement(self) -> A.Stmt:
        tok = self.next()
        verb = tok.upper
        handler = getattr(self, "st_" + verb.replace("-", "_").lower(), None)
        if handler is None:
            raise self.error(f"statement {verb} is not supported by fakees", tok,
                             "see README 'COBOL' for the supported statements")
        self.context.append(verb)
        stmt = handler()
        self.context.pop()  # left as it is on an error: the error's hint reads it
        stmt.line, stmt.col = tok.pos.line, tok.pos.col
        end = SCOPE_END.get(verb)
        if end is not None:
            self.accept(end)
        return stmt

    def imperative(self) -> list[A.Stmt]:
        return self.statements()

    # ------------------------------------------------------------ operands
    def ref(self) -> A.Ref:
        tok = self.peek()
        if tok.kind != WORD or (tok.upper in RESERVED and tok.upper not in SPECIAL_REGISTERS):
            raise self.error(f"expected a data name, found '{tok.text}'")
        self.i += 1
        ref = A.Ref(tok.upper, tok.pos)
        while self.at("OF", "IN"):
            self.i += 1
            ref.qualifiers.append(self.name())
        self.subscripts_and_refmod(ref)
        return ref

    def subscripts_and_refmod(self, node: A.Ref | A.FuncCall) -> None:
        if self.at_kind(LPAREN) and isinstance(node, A.Ref):
            save = self.i
            self.i += 1
            first = self.expr()
            if self.at_kind(":"):
                self.i = save
            else:
                subs = [first]
                while not self.at_kind(RPAREN):
                    if self.peek() is self.eof:
                        raise self.error("subscript is not closed")
                    subs.append(self.expr())
                self.i += 1
                node.subscripts = subs
        if self.at_kind(LPAREN):
            save = self.i
            self.i += 1
            start = self.expr()
            if not self.at_kind(":"):
                self.i = save
                return
            self.i += 1
            node.ref_start = start
            if not self.at_kind(RPAREN):
                node.ref_length = self.expr()
            if not self.at_kind(RPAREN):
                raise self.error("reference modification is not closed with ')'")
            self.i += 1

    def is_operand_start(self) -> bool:
        tok = self.peek()
        if tok.kind in (NUM, STR, LPAREN):
            return True
        if tok.kind == OP and tok.text in "+-":
            return True
        if tok.kind != WORD:
            return False
        u = tok.upper
        return (u not in RESERVED or u in FIGURATIVES or u in SPECIAL_REGISTERS
                or u in ("FUNCTION", "ALL", "LENGTH"))

    def operand(self) -> A.Expr:
        tok = self.peek()
        if tok.kind == STR:
            self.i += 1
            return A.StrLit(tok.value or b"")
        if tok.kind == NUM:
            self.i += 1
            return A.NumLit(tok.text)
        if tok.kind != WORD:
            raise self.error(f"expected an operand, found '{tok.text}'")
        u = tok.upper
        if u == "ALL":
            self.i += 1
            lit = self.literal_value()
            if isinstance(lit, A.StrLit):
                lit.all = True
            return lit
        if u in FIGURATIVES:
            self.i += 1
            return A.Figurative(FIGURATIVES[u])
        if u in SPECIAL_REGISTERS:
            self.i += 1
            return A.SpecialReg(u)
        if u == "FUNCTION":
            self.i += 1
            name_tok = self.next()
            func = A.FuncCall(name_tok.upper, name_tok.pos)
            if self.at_kind(LPAREN) and not self.refmod_follows():
                self.i += 1
                while not self.at_kind(RPAREN):
                    if self.peek() is self.eof:
                        raise self.error("function arguments are not closed")
                    if self.at("LEADING", "TRAILING"):
                        func.args.append(A.SpecialReg(self.next().upper))
                        continue
                    func.args.append(self.expr())
                self.i += 1
            self.subscripts_and_refmod(func)
            return func
        if u == "LENGTH" and self.peek(1).upper == "OF":
            self.i += 2
            return A.LengthOf(self.ref())
        return self.ref()

    def refmod_follows(self) -> bool:
        """After FUNCTION NAME, '(' starts arguments unless it is (start:length)."""
        depth = 0
        j = self.i
        while j < len(self.toks):
            t = self.toks[j]
            if t.kind == LPAREN:
                depth += 1
            elif t.kind == RPAREN:
                depth -= 1
                if depth == 0:
                    return False
            elif t.kind == ":" and depth == 1:
                return True
            j += 1
        return False

    # ---------------------------------------------------------- expressions
    def expr(self) -> A.Expr:
        left = self.term()
        while self.at_kind(OP) and self.peek().text in ("+", "-"):
            op = self.next().text
            left = A.BinOp(op, left, self.term())
        return left

    def term(self) -> A.Expr:
        left = self.power()
        while self.at_kind(OP) and self.peek().text in ("*", "/"):
            op = self.next().text
            left = A.BinOp(op, left, self.power())
        return left

    def power(self) -> A.Expr:
        base = self.unary()
        if self.at_kind(OP) and self.peek().text == "**":
            self.i += 1
            return A.BinOp("**", base, self.power())
        return base

    def unary(self) -> A.Expr:
        if self.at_kind(OP) and self.peek().text in ("+", "-"):
            op = self.next().text
            inner = self.unary()
            return A.Neg(inner) if op == "-" else inner
        if self.at_kind(LPAREN):
            self.i += 1
            inner = self.expr()
            if not self.at_kind(RPAREN):
                raise self.error("expected ')'")
            self.i += 1
            return inner
        return self.operand()

    # ----------------------------------------------------------- conditions
    def condition(self) -> A.Cond:
        left = self.and_cond()
        while self.at("OR"):
            self.i += 1
            left = A.AndOr("OR", left, self.and_cond(continued=True))
        return left

    def and_cond(self, continued: bool = False) -> A.Cond:
        left = self.not_cond(continued)
        while self.at("AND"):
            self.i += 1
            left = A.AndOr("AND", left, self.not_cond(continued=True))
        return left

    def not_cond(self, continued: bool = False) -> A.Cond:
        if self.at("NOT") and not self.relop_ahead(1):
            self.i += 1
            return A.Not(self.not_cond(continued))
        return self.primary_cond(continued)

    def relop_ahead(self, k: int) -> bool:
        tok = self.peek(k)
        if tok.kind == OP and tok.text in ("=", "<", ">", "<=", ">=", "<>"):
            return True
        return tok.kind == WORD and tok.upper in ("EQUAL", "GREATER", "LESS")

    def relop(self) -> str | None:
        """Parse [IS] [NOT] relational-operator; None when there is none."""
        save = self.i
        self.accept("IS")
        negated = self.accept("NOT")
        tok = self.peek()
        op = None
        if tok.kind == OP and tok.text in ("=", "<", ">", "<=", ">=", "<>"):
            self.i += 1
            op = tok.text
        elif self.accept("EQUAL"):
            self.accept("TO")
            op = "="
        elif self.accept("GREATER"):
            self.accept("THAN")
            op = ">"
            if self.accept("OR"):
                self.expect("EQUAL")
                self.accept("TO")
                op = ">="
        elif self.accept("LESS"):
            self.accept("THAN")
            op = "<"
            if self.accept("OR"):
                self.expect("EQUAL")
                self.accept("TO")
                op = "<="
        if op is None:
            self.i = save
            return None
        if negated:
            op = {"=": "<>", "<>": "=", "<": ">=", ">": "<=", "<=": ">", ">=": "<"}[op]
        return op

    def primary_cond(self, continued: bool) -> A.Cond:
        if self.at_kind(LPAREN):
            save, depth = self.i, len(self.context)
            try:
                self.i += 1
                inner = self.condition()
                if not self.at_kind(RPAREN):
                    raise Backtrack
                self.i += 1
                if self.relop_ahead(0) or self.at_kind(OP):
                    raise Backtrack
                return inner
            except (Backtrack, CobolSyntaxError):
                self.i = save
                del self.context[depth:]
        if continued and self.last_relation is not None:
            op = self.relop()
            if op is not None:
                subject = self.last_relation[0]
                self.last_relation = (subject, op)
                return A.Relation(subject, op, self.expr())
        left = self.expr()
        op = self.relop()
        if op is not None:
            right = self.expr()
            self.last_relation = (left, op)
            return A.Relation(left, op, right)
        save = self.i
        self.accept("IS")
        negated = self.accept("NOT")
        if self.at(*CLASS_WORDS):
            cls = self.next().upper
            if cls in ("ZEROS", "ZEROES"):
                cls = "ZERO"
            return A.ClassCond(left, cls, negated)
        self.i = save
        if continued and self.last_relation is not None:
            subject, last_op = self.last_relation
            return A.Relation(subject, last_op, left, abbreviated=True)
        if isinstance(left, A.Ref):
            return A.CondName(left)
        raise self.error("expected a condition", hint="compare with =, <, > or name a level-88")

    # ------------------------------------------------------------ statements
    def st_move(self) -> A.Stmt:
        corr = self.accept("CORRESPONDING", "CORR")
        source = self.operand()
        self.expect("TO")
        targets = [self.ref()]
        while self.is_target_start():
            targets.append(self.ref())
        return A.Move(source, targets, corr)

    def is_target_start(self) -> bool:
        tok = self.peek()
        return tok.kind == WORD and (tok.upper not in RESERVED or tok.upper in SPECIAL_REGISTERS)

    def targets(self, allow_rounded: bool = True) -> list[A.Target]:
        out = []
        while self.is_target_start():
            ref = self.ref()
            rounded = allow_rounded and self.accept("ROUNDED")
            out.append(A.Target(ref, rounded))
        if not out:
            raise self.error("expected a receiving data item")
        return out

    def operands(self) -> list[A.Expr]:
        out = [self.operand()]
        while self.is_operand_start() and not self.at("LENGTH") and not self.at_kind(LPAREN):
            out.append(self.operand())
        return out

    def size_phrases(self, stmt: A.Arith) -> A.Arith:
        while True:
            save = self.i
            negated = self.accept("NOT")
            if self.accept("ON"):
                self.expect("SIZE")
            elif not self.accept("SIZE"):
                self.i = save
                break
            self.expect("ERROR")
            body = self.imperative()
            if negated:
                stmt.not_size_error = body
            else:
                stmt.size_error = body
        return stmt

    def corresponding(self, verb: str) -> A.Arith:
        """ADD/SUBTRACT CORRESPONDING g1 TO/FROM g2 [ROUNDED] [size phrases]."""
        source = self.ref()
        self.expect("TO" if verb == "ADD" else "FROM")
        target = self.ref()
        stmt = A.Arith(verb, [source], [A.Target(target, self.accept("ROUNDED"))],
                       corresponding=True)
        return self.size_phrases(stmt)

    def st_add(self) -> A.Stmt:
        if self.accept("CORRESPONDING", "CORR"):
            return self.corresponding("ADD")
        ops = self.operands()
        if self.accept("TO"):
            if self.peek().kind in (NUM, STR):
                ops.append(self.operand())
                self.expect("GIVING")
                return self.size_phrases(A.Arith("ADD", ops, [], giving=self.targets()))
            targets = self.targets()
            if self.accept("GIVING"):
                ops.extend(A.Ref(t.ref.name, t.ref.pos, t.ref.qualifiers, t.ref.subscripts)
                           for t in targets)
                return self.size_phrases(A.Arith("ADD", ops, [], giving=self.targets()))
            return self.size_phrases(A.Arith("ADD", ops, targets))
        self.expect("GIVING")
        return self.size_phrases(A.Arith("ADD", ops, [], giving=self.targets()))

    def st_subtract(self) -> A.Stmt:
        if self.accept("CORRESPONDING", "CORR"):
            return self.corresponding("SUBTRACT")
        ops = self.operands()
        self.expect("FROM")
        if self.peek(1).upper == "GIVING" or (self.peek().kind in (NUM, STR)):
            minuend = self.operand()
            self.expect("GIVING")
            return self.size_phrases(A.Arith("SUBTRACT", [minuend, *ops], [],
                                             giving=self.targets()))
        targets = self.targets()
        if self.accept("GIVING"):
            minuend = targets[0].ref
            return self.size_phrases(A.Arith("SUBTRACT", [minuend, *ops], [],
                                             giving=self.targets()))
        return self.size_phrases(A.Arith("SUBTRACT", ops, targets))

    def st_multiply(self) -> A.Stmt:
        a = self.operand()
        self.expect("BY")
        if self.peek().kind in (NUM, STR) or self.peek(1).upper == "GIVING":
            b = self.operand()
            self.expect("GIVING")
            return self.size_phrases(A.Arith("MULTIPLY", [a, b], [], giving=self.targets()))
        targets = self.targets()
        if self.accept("GIVING"):
            return self.size_phrases(A.Arith("MULTIPLY", [a, targets[0].ref], [],
                                             giving=self.targets()))
        return self.size_phrases(A.Arith("MULTIPLY", [a], targets))

    def st_divide(self) -> A.Stmt:
        a = self.operand()
        if self.accept("BY"):
            b = self.operand()
            self.expect("GIVING")
            stmt = A.Arith("DIVIDE", [a, b], [], giving=self.targets(), divide_by=True)
        else:
            self.expect("INTO")
            if self.peek().kind in (NUM, STR) or self.peek(1).upper == "GIVING":
                b = self.operand()
                self.expect("GIVING")
                stmt = A.Arith("DIVIDE", [b, a], [], giving=self.targets(), divide_by=True)
            else:
                targets = self.targets()
                if self.accept("GIVING"):
                    stmt = A.Arith("DIVIDE", [targets[0].ref, a], [], giving=self.targets(),
                                   divide_by=True)
                else:
                    stmt = A.Arith("DIVIDE", [a], targets)
        if self.accept("REMAINDER"):
            stmt.remainder = self.ref()
        return self.size_phrases(stmt)

    def st_compute(self) -> A.Stmt:
        targets = self.targets()
        if not (self.at_kind(OP) and self.peek().text == "=") and not self.accept("EQUAL"):
            raise self.error("COMPUTE expects '='")
        if self.at_kind(OP):
            self.i += 1
        return self.size_phrases(A.Arith("COMPUTE", [], targets, expr=self.expr()))

    def st_if(self) -> A.Stmt:
        self.last_relation = None
        cond = self.condition()
        self.accept("THEN")
        then = self.branch()
        orelse: list[A.Stmt] = []
        if self.accept("ELSE"):
            orelse = self.branch()
        return A.If(cond, then, orelse)

    def branch(self) -> list[A.Stmt]:
        if self.accept("NEXT"):
            self.expect("SENTENCE")
            return [A.Exit("SENTENCE")]
        return self.statements()

    def st_evaluate(self) -> A.Stmt:
        subjects: list[A.Expr | A.Cond | str] = [self.eval_subject()]
        while self.accept("ALSO"):
            subjects.append(self.eval_subject())
        whens: list[A.When] = []
        other = None
        while self.at("WHEN"):
            if self.peek(1).upper == "OTHER":
                self.i += 2
                other = self.statements()
                break
            lines = []
            while self.accept("WHEN"):
                objs = [self.when_object(subjects[0])]
                k = 1
                while self.accept("ALSO"):
                    objs.append(self.when_object(subjects[min(k, len(subjects) - 1)]))
                    k += 1
                lines.append(objs)
            whens.append(A.When(lines, self.statements()))
        return A.Evaluate(subjects, whens, other)

    def eval_subject(self) -> A.Expr | A.Cond | str:
        if self.accept("TRUE"):
            return "TRUE"
        if self.accept("FALSE"):
            return "FALSE"
        save = self.i
        self.last_relation = None
        value = self.expr()
        if self.relop_ahead(0) or self.at("IS", "NOT") or self.at(*CLASS_WORDS):
            self.i = save
            return self.condition()
        return value

    def when_object(self, subject: A.Expr | A.Cond | str) -> A.WhenObject:
        if self.accept("ANY"):
            return A.WhenObject("any")
        if self.accept("TRUE"):
            return A.WhenObject("true")
        if self.accept("FALSE"):
            return A.WhenObject("false")
        if subject in ("TRUE", "FALSE") or not isinstance(subject, (str, *A.Expr.__args__)):
            self.last_relation = None
            return A.WhenObject("cond", cond=self.condition())
        negated = self.accept("NOT")
        low = self.expr()
        if self.accept("THRU", "THROUGH"):
            return A.WhenObject("range", low, self.expr(), negated=negated)
        return A.WhenObject("value", low, negated=negated)

    def st_perform(self) -> A.Stmt:
        stmt = A.Perform()
        tok = self.peek()
        if (tok.kind == NUM or (tok.kind == WORD and tok.upper not in RESERVED)) and (
                self.peek(1).upper != "TIMES"):
            stmt.first_pos = tok.pos
            stmt.first = self.next().upper
            if self.accept("THRU", "THROUGH"):
                stmt.last_pos = self.peek().pos
                stmt.last = self.name("a procedure name")
        self.perform_options(stmt)
        if stmt.first is None:
            stmt.body = self.statements()
            self.expect("END-PERFORM")
        return stmt

    def perform_options(self, stmt: A.Perform) -> None:
        if self.accept("WITH"):
            self.expect("TEST")
            stmt.test_after = self.expect("BEFORE", "AFTER").upper == "AFTER"
        elif self.accept("TEST"):
            stmt.test_after = self.expect("BEFORE", "AFTER").upper == "AFTER"
        if self.accept("UNTIL"):
            self.last_relation = None
            stmt.until = self.condition()
        elif self.accept("VARYING"):
            while True:
                ref = self.ref()
                self.expect("FROM")
                start = self.expr()
                self.expect("BY")
                step = self.expr()
                self.expect("UNTIL")
                self.last_relation = None
                stmt.varying.append(A.Varying(ref, start, step, self.condition()))
                if not self.accept("AFTER"):
                    break
        elif not self.at("END-PERFORM") and self.is_operand_start() and not self.at_kind(LPAREN):
            save = self.i
            times = self.operand()
            if self.accept("TIMES"):
                stmt.times = times
            else:
                self.i = save

    def st_go(self) -> A.Stmt:
        self.accept("TO")
        targets, where = [], []
        while self.peek().kind in (WORD, NUM) and self.peek().upper not in RESERVED:
            where.append(self.peek().pos)
            targets.append(self.next().upper)
        if not targets:
            raise self.error("GO TO needs a procedure name")
        depending = None
        if self.accept("DEPENDING"):
            self.accept("ON")
            depending = self.ref()
        return A.GoTo(targets, depending, target_pos=where)

    def st_display(self) -> A.Stmt:
        items = []
        while self.is_operand_start() and not self.at_kind(LPAREN):
            items.append(self.operand())
        stmt = A.Display(items)
        while True:
            if self.accept("UPON"):
                stmt.upon = self.next().upper
            elif self.at("WITH", "NO"):
                self.accept("WITH")
                self.expect("NO")
                self.expect("ADVANCING")
                stmt.advancing = False
            else:
                return stmt

    def st_accept(self) -> A.Stmt:
        target = self.ref()
        stmt = A.Accept(target)
        if self.accept("FROM"):
            src_tok = self.next()
            src = src_tok.upper
            if src in ("DATE", "DAY") and self.at("YYYYMMDD", "YYYYDDD"):
                src += " " + self.next().upper
            elif src == "ENVIRONMENT":
                stmt.env_name = self.operand()
            elif src not in ("TIME", "DAY-OF-WEEK", "CONSOLE", "SYSIN", "DATE", "DAY",
                             "COMMAND-LINE"):
                raise self.error(f"ACCEPT FROM {src} is not supported by fakees", src_tok)
            stmt.source = "" if src in ("CONSOLE", "SYSIN") else src
        return stmt

    def st_string(self) -> A.Stmt:
        parts: list[A.StringPart] = []
        while not self.at("INTO"):
            group = []
            while not self.at("DELIMITED", "INTO"):
                group.append(self.operand())
            delim: A.Expr | None = None
            if self.accept("DELIMITED"):
                self.accept("BY")
                delim = None if self.accept("SIZE") else self.operand()
            parts.extend(A.StringPart(src, delim) for src in group)
        self.expect("INTO")
        stmt = A.StringStmt(parts, self.ref())
        if self.accept("WITH") or self.at("POINTER"):
            self.expect("POINTER")
            stmt.pointer = self.ref()
        stmt.overflow, stmt.not_overflow = self.overflow_phrases()
        return stmt

    def overflow_phrases(self) -> tuple[list[A.Stmt] | None, list[A.Stmt] | None]:
        on = not_on = None
        while True:
            save = self.i
            negated = self.accept("NOT")
            self.accept("ON")
            if not self.accept("OVERFLOW", "EXCEPTION"):
                self.i = save
                return on, not_on
            body = self.imperative()
            if negated:
                not_on = body
            else:
                on = body

    def st_unstring(self) -> A.Stmt:
        source = self.operand()
        delims: list[tuple[A.Expr, bool]] = []
        if self.accept("DELIMITED"):
            self.accept("BY")
            while True:
                all_ = self.accept("ALL")
                delims.append((self.operand(), all_))
                if not self.accept("OR"):
                    break
        self.expect("INTO")
        targets = []
        while self.is_target_start():
            into = A.UnstringInto(self.ref())
            if self.accept("DELIMITER"):
                self.accept("IN")
                into.delimiter_in = self.ref()
            if self.accept("COUNT"):
                self.accept("IN")
                into.count_in = self.ref()
            targets.append(into)
        stmt = A.Unstring(source, delims, targets)
        if self.accept("WITH") or self.at("POINTER"):
            self.expect("POINTER")
            stmt.pointer = self.ref()
        if self.accept("TALLYING"):
            self.accept("IN")
            stmt.tallying = self.ref()
        stmt.overflow, stmt.not_overflow = self.overflow_phrases()
        return stmt

    def st_inspect(self) -> A.Stmt:
        stmt = A.Inspect(self.ref())
        if self.accept("TALLYING"):
            while self.is_target_start():
                counter = self.ref()
                self.expect("FOR")
                while self.at("CHARACTERS", "ALL", "LEADING"):
                    for phrase in self.inspect_phrases(counting=True):
                        phrase.counter = counter
                        stmt.tallying.append(phrase)
        if self.accept("REPLACING"):
            while self.at("CHARACTERS", "ALL", "LEADING", "FIRST"):
                stmt.replacing.extend(self.inspect_phrases(counting=False))
        if self.accept("CONVERTING"):
            stmt.convert_from = self.operand()
            self.expect("TO")
            stmt.convert_to = self.operand()
            stmt.convert_before, stmt.convert_after = self.before_after()
        return stmt

    def inspect_phrases(self, counting: bool) -> list[A.InspectPhrase]:
        """CHARACTERS, or ALL/LEADING/FIRST with one or more patterns."""
        kind = self.next().upper
        phrases = []
        while True:
            pattern = None if kind == "CHARACTERS" else self.operand()
            phrase = A.InspectPhrase(kind, pattern)
            if not counting:
                self.expect("BY")
                phrase.replacement = self.operand()
            phrase.before, phrase.after = self.before_after()
            phrases.append(phrase)
            if kind == "CHARACTERS" or not self.is_operand_start() or self.at("ALL") or (
                    self.peek(1).upper == "FOR"):
                return phrases

    def before_after(self) -> tuple[A.Expr | None, A.Expr | None]:
        before = after = None
        while self.at("BEFORE", "AFTER"):
            which = self.next().upper
            self.accept("INITIAL")
            value = self.operand()
            if which == "BEFORE":
                before = value
            else:
                after = value
        return before, after

    def st_initialize(self) -> A.Stmt:
        targets = [self.ref()]
        while self.is_target_start():
            targets.append(self.ref())
        stmt = A.Initialize(targets)
        if self.accept("WITH"):
            self.expect("FILLER")
            stmt.with_filler = True
        elif self.accept("FILLER"):
            stmt.with_filler = True
        if self.at("ALL", "TO") and self.peek(1).upper in ("TO", "VALUE"):
            raise self.error("INITIALIZE ... TO VALUE is not supported by fakees")
        if self.accept("REPLACING"):
            while self.at(*INITIALIZE_CATEGORIES):
                category = self.next().upper
                self.accept("DATA")
                self.expect("BY")
                stmt.replacing.append((INITIALIZE_CATEGORIES[category], self.operand()))
            if not stmt.replacing:
                raise self.error("REPLACING needs ALPHANUMERIC, NUMERIC, ... BY value")
        return stmt

    def st_set(self) -> A.Stmt:
        targets = [self.ref()]
        while self.is_target_start():
            targets.append(self.ref())
        if self.accept("TO"):
            if self.accept("TRUE"):
                return A.SetStmt("true", targets)
            return A.SetStmt("to", targets, self.expr())
        if self.accept("UP"):
            self.expect("BY")
            return A.SetStmt("up", targets, self.expr())
        if self.accept("DOWN"):
            self.expect("BY")
            return A.SetStmt("down", targets, self.expr())
        raise self.error("SET expects TO, UP BY or DOWN BY")

    def st_call(self) -> A.Stmt:
        stmt = A.Call(self.operand())
        if self.accept("USING"):
            mode = "REFERENCE"
            while True:
                if self.accept("BY"):
                    mode = self.expect("REFERENCE", "CONTENT", "VALUE").upper
                    continue
                if self.accept("OMITTED"):
                    stmt.args.append(A.CallArg(mode, None))
                    continue
                if not self.is_operand_start() or self.at_kind(LPAREN):
                    break
                stmt.args.append(A.CallArg(mode, self.operand()))
        if self.accept("RETURNING", "GIVING"):
            stmt.returning = self.ref()
        stmt.on_exception, stmt.not_exception = self.overflow_phrases()
        return stmt

    def st_cancel(self) -> A.Stmt:
        programs = [self.operand()]
        while self.is_operand_start():
            programs.append(self.operand())
        return A.Cancel(programs)

    def st_exit(self) -> A.Stmt:
        if self.accept("PROGRAM"):
            return A.Exit("PROGRAM")
        if self.accept("PARAGRAPH"):
            return A.Exit("PARAGRAPH")
        if self.accept("SECTION"):
            return A.Exit("SECTION")
        if self.accept("PERFORM"):
            return A.Exit("PERFORM CYCLE" if self.accept("CYCLE") else "PERFORM")
        return A.Exit("")

    def st_goback(self) -> A.Stmt:
        return A.Goback()

    def st_stop(self) -> A.Stmt:
        self.expect("RUN")
        code = None
        if self.accept("RETURNING", "GIVING"):
            code = self.operand()
        return A.StopRun(code)

    def st_continue(self) -> A.Stmt:
        return A.Continue()

    def st_open(self) -> A.Stmt:
        files: list[tuple[str, str]] = []
        while self.at("INPUT", "OUTPUT", "I-O", "EXTEND"):
            mode = self.next().upper
            while self.at_kind(WORD) and self.peek().upper not in RESERVED and not self.at(
                    "INPUT", "OUTPUT", "I-O", "EXTEND"):
                files.append((mode, self.next().upper))
                while self.at("WITH", "LOCK", "NO", "REWIND"):
                    self.i += 1
        if not files:
            raise self.error("OPEN needs INPUT, OUTPUT, I-O or EXTEND and a file name")
        return A.Open(files)

    def st_close(self) -> A.Stmt:
        files = []
        while self.at_kind(WORD) and self.peek().upper not in RESERVED:
            files.append(self.next().upper)
            while self.at("WITH", "LOCK", "NO", "REWIND"):
                self.i += 1
        if not files:
            raise self.error("CLOSE needs a file name")
        return A.Close(files)

    def file_handlers(self, exception_words: tuple[str, ...]) -> A.FileHandlers:
        handlers = A.FileHandlers()
        while True:
            save = self.i
            negated = self.accept("NOT")
            self.accept("AT", "ON")
            if not self.at(*exception_words):
                self.i = save
                return handlers
            word = self.next().upper
            if word == "INVALID":
                self.accept("KEY")
            body = self.imperative()
            if negated:
                handlers.not_exception = body
            else:
                handlers.exception = body

    def st_read(self) -> A.Stmt:
        stmt = A.Read(self.name("a file name"))
        if self.accept("NEXT"):
            stmt.next = True
        elif self.accept("PREVIOUS"):
            stmt.previous = True
        self.accept("RECORD")
        if self.accept("INTO"):
            stmt.into = self.ref()
        if self.accept("WITH"):
            stmt.lock = "NO LOCK" if self.accept("NO") else ""
            self.expect("LOCK")
            stmt.lock = stmt.lock or "LOCK"
        if self.accept("KEY"):
            self.accept("IS")
            stmt.key = self.ref()
        stmt.handlers = self.file_handlers(("END", "INVALID"))
        return stmt

    def st_write(self) -> A.Stmt:
        stmt = A.Write(self.ref())
        if self.accept("FROM"):
            stmt.source = self.operand()
        if self.at("BEFORE", "AFTER"):
            when = self.next().upper
            self.accept("ADVANCING")
            if self.accept("PAGE"):
                stmt.advancing = (when, None)
            else:
                stmt.advancing = (when, self.operand())
                self.accept("LINE", "LINES")
        stmt.handlers = self.file_handlers(("INVALID", "END-OF-PAGE", "EOP"))
        return stmt

    def st_rewrite(self) -> A.Stmt:
        stmt = A.Rewrite(self.ref())
        if self.accept("FROM"):
            stmt.source = self.operand()
        stmt.handlers = self.file_handlers(("INVALID",))
        return stmt

    def st_delete(self) -> A.Stmt:
        stmt = A.Delete(self.name("a file name"))
        self.accept("RECORD")
        stmt.handlers = self.file_handlers(("INVALID",))
        return stmt

    def st_start(self) -> A.Stmt:
        stmt = A.Start(self.name("a file name"))
        if self.accept("KEY"):
            op = self.relop()
            if op is None:
                raise self.error("START KEY needs a relational operator")
            stmt.op = op
            stmt.key = self.ref()
        stmt.handlers = self.file_handlers(("INVALID",))
        return stmt

    def st_unlock(self) -> A.Stmt:
        stmt = A.Unlock(self.name("a file name"))
        self.accept("RECORD", "RECORDS")
        return stmt

    def st_merge(self) -> A.Stmt:
        """MERGE: as SORT of the USING files in order (a stable sort keeps file order)."""
        stmt = self.st_sort()
        assert isinstance(stmt, A.Sort)
        if stmt.input_procedure is not None or len(stmt.using) < 2:
            raise self.error("MERGE needs USING with two or more files")
        return stmt

    def st_sort(self) -> A.Stmt:
        stmt = A.Sort(self.name("a sort file"))
        while self.at("ON", "ASCENDING", "DESCENDING"):
            self.accept("ON")
            ascending = self.expect("ASCENDING", "DESCENDING").upper == "ASCENDING"
            self.accept("KEY")
            self.accept("IS")
            while self.is_target_start() and not self.at("ON", "ASCENDING", "DESCENDING",
                                                         "USING", "INPUT", "GIVING", "OUTPUT",
                                                         "WITH", "COLLATING"):
                stmt.keys.append(A.SortKey(ascending, self.ref()))
        if not stmt.keys:
            raise self.error("SORT needs ASCENDING or DESCENDING KEY items")
        if self.accept("WITH"):
            self.expect("DUPLICATES")
            self.accept("IN")
            self.accept("ORDER")
        if self.accept("USING"):
            while self.at_kind(WORD) and self.peek().upper not in RESERVED and not self.at(
                    "GIVING", "OUTPUT"):
                stmt.using.append(self.next().upper)
        elif self.accept("INPUT"):
            stmt.input_procedure, stmt.input_pos = self.procedure_range()
        else:
            raise self.error("SORT needs USING files or an INPUT PROCEDURE")
        if self.accept("GIVING"):
            while self.at_kind(WORD) and self.peek().upper not in RESERVED:
                stmt.giving.append(self.next().upper)
        elif self.accept("OUTPUT"):
            stmt.output_procedure, stmt.output_pos = self.procedure_range()
        else:
            raise self.error("SORT needs GIVING files or an OUTPUT PROCEDURE")
        return stmt

    def procedure_range(self) -> tuple[tuple[str, str], list[Position]]:
        """[INPUT|OUTPUT] PROCEDURE IS first [THRU last]; the names and where they are."""
        self.expect("PROCEDURE")
        self.accept("IS")
        first_pos = self.peek().pos
        first = self.name("a procedure name")
        last, last_pos = first, first_pos
        if self.accept("THRU", "THROUGH"):
            last_pos = self.peek().pos
            last = self.name("a procedure name")
        return (first, last), [first_pos, last_pos]

    def st_release(self) -> A.Stmt:
        stmt = A.Release(self.ref())
        if self.accept("FROM"):
            stmt.source = self.operand()
        return stmt

    def st_return(self) -> A.Stmt:
        stmt = A.Return(self.name("a sort file"))
        self.accept("RECORD")
        if self.accept("INTO"):
            stmt.into = self.ref()
        stmt.handlers = self.file_handlers(("END",))
        return stmt

    def st_search(self) -> A.Stmt:
        search_all = self.accept("ALL")
        stmt = A.Search(self.ref(), search_all=search_all)
        if self.accept("VARYING"):
            stmt.varying = self.ref()
        save = self.i
        self.accept("AT")
        if self.accept("END"):
            stmt.at_end = self.imperative()
        else:
            self.i = save
        while self.accept("WHEN"):
            self.last_relation = None
            cond = self.condition()
            body = self.branch()
            stmt.whens.append((cond, body))
        return stmt


def parse(tokens: list[Token], source: str) -> A.Program:
    """The first program of a source; programs after its END PROGRAM become contained."""
    parser = Parser(tokens, source)
    prog = parser.program()
    while parser.peek() is not parser.eof:
        if not parser.at_program_start():
            raise parser.error(f"unexpected '{parser.peek().text}' after the program",
                               hint="a source holds programs, each ended by END PROGRAM")
        prog.contained.append(parser.program())
    return prog
