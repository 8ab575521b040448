"""The syntax tree: plain dataclasses, serialisable to JSON for the .gnt format.

Names are kept as written (upper-cased); the resolver binds them to storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fakees.cobol.errors import Position


# ---------------------------------------------------------------- expressions
@dataclass
class Ref:
    """An identifier: qualified name, subscripts and reference modification."""

    name: str
    pos: Position
    qualifiers: list[str] = field(default_factory=list)
    subscripts: list[Expr] = field(default_factory=list)
    ref_start: Expr | None = None
    ref_length: Expr | None = None


@dataclass
class NumLit:
    text: str  # as written, e.g. "-1.50"


@dataclass
class StrLit:
    value: bytes
    all: bool = False


@dataclass
class Figurative:
    """SPACE, ZERO, HIGH-VALUE, LOW-VALUE, QUOTE (ALL is implied)."""

    name: str


@dataclass
class FuncCall:
    name: str
    pos: Position
    args: list[Expr] = field(default_factory=list)
    ref_start: Expr | None = None
    ref_length: Expr | None = None


@dataclass
class LengthOf:
    ref: Ref


@dataclass
class SpecialReg:
    """RETURN-CODE and friends."""

    name: str


@dataclass
class BinOp:
    op: str
    left: Expr
    right: Expr


@dataclass
class Neg:
    operand: Expr


Expr = Ref | NumLit | StrLit | Figurative | FuncCall | LengthOf | SpecialReg | BinOp | Neg


# ----------------------------------------------------------------- conditions
@dataclass
class Relation:
    left: Expr
    op: str  # = < > <= >= <>
    right: Expr
    abbreviated: bool = False  # object of an abbreviated combined condition


@dataclass
class ClassCond:
    operand: Expr
    cls: str  # NUMERIC ALPHABETIC ALPHABETIC-LOWER ALPHABETIC-UPPER POSITIVE NEGATIVE ZERO
    negated: bool = False


@dataclass
class CondName:
    ref: Ref


@dataclass
class Not:
    cond: Cond


@dataclass
class AndOr:
    op: str  # AND / OR
    left: Cond
    right: Cond


Cond = Relation | ClassCond | CondName | Not | AndOr


# ----------------------------------------------------------------- statements
@dataclass
class Target:
    ref: Ref
    rounded: bool = False


@dataclass
class Stmt:
    """Base of every statement; ``line`` feeds run-time error messages."""

    line: int = field(default=0, kw_only=True)
    col: int = field(default=0, kw_only=True)


@dataclass
class Move(Stmt):
    source: Expr
    targets: list[Ref]
    corresponding: bool = False


@dataclass
class Arith(Stmt):
    """ADD, SUBTRACT, MULTIPLY, DIVIDE and COMPUTE in one shape.

    ``operands`` are the sending items; ``targets`` receive (and for the TO/FROM/BY/INTO
    forms also supply) values; ``giving`` receive the result only.
    """

    verb: str
    operands: list[Expr]
    targets: list[Target]
    giving: list[Target] = field(default_factory=list)
    expr: Expr | None = None  # COMPUTE
    divide_by: bool = False  # DIVIDE a BY b GIVING c
    remainder: Ref | None = None
    size_error: list[Stmt] | None = None
    not_size_error: list[Stmt] | None = None
    corresponding: bool = False  # ADD/SUBTRACT CORRESPONDING group TO/FROM group


@dataclass
class If(Stmt):
    cond: Cond
    then: list[Stmt]
    orelse: list[Stmt] = field(default_factory=list)


@dataclass
class WhenObject:
    kind: str  # value, range, any, true, false, cond
    low: Expr | None = None
    high: Expr | None = None
    cond: Cond | None = None
    negated: bool = False


@dataclass
class When:
    objects: list[list[WhenObject]]  # one list per WHEN line (ALSO-separated objects)
    body: list[Stmt]


@dataclass
class Evaluate(Stmt):
    subjects: list[Expr | Cond | str]  # "TRUE"/"FALSE" strings for boolean subjects
    whens: list[When]
    other: list[Stmt] | None = None


@dataclass
class Varying:
    ref: Ref
    start: Expr
    step: Expr
    until: Cond


@dataclass
class Perform(Stmt):
    first: str | None = None  # procedure name (paragraph or section)
    last: str | None = None  # THRU
    body: list[Stmt] | None = None  # inline
    times: Expr | None = None
    until: Cond | None = None
    test_after: bool = False
    varying: list[Varying] = field(default_factory=list)
    first_pos: Position | None = None  # where the procedure names are written, for errors
    last_pos: Position | None = None


@dataclass
class GoTo(Stmt):
    targets: list[str]
    depending: Ref | None = None
    target_pos: list[Position] = field(default_factory=list)  # one per target, for errors


@dataclass
class Display(Stmt):
    items: list[Expr]
    upon: str = ""
    advancing: bool = True


@dataclass
class Accept(Stmt):
    target: Ref
    source: str = ""  # DATE, DATE YYYYMMDD, TIME, DAY, DAY YYYYDDD, DAY-OF-WEEK, ENVIRONMENT
    env_name: Expr | None = None


@dataclass
class StringPart:
    source: Expr
    delimiter: Expr | None  # None means SIZE


@dataclass
class StringStmt(Stmt):
    parts: list[StringPart]
    target: Ref
    pointer: Ref | None = None
    overflow: list[Stmt] | None = None
    not_overflow: list[Stmt] | None = None


@dataclass
class UnstringInto:
    target: Ref
    delimiter_in: Ref | None = None
    count_in: Ref | None = None


@dataclass
class Unstring(Stmt):
    source: Expr
    delimiters: list[tuple[Expr, bool]]  # (delimiter, ALL)
    targets: list[UnstringInto]
    pointer: Ref | None = None
    tallying: Ref | None = None
    overflow: list[Stmt] | None = None
    not_overflow: list[Stmt] | None = None


@dataclass
class InspectPhrase:
    kind: str  # CHARACTERS, ALL, LEADING, FIRST
    pattern: Expr | None
    replacement: Expr | None = None  # REPLACING only
    counter: Ref | None = None  # TALLYING only
    before: Expr | None = None
    after: Expr | None = None


@dataclass
class Inspect(Stmt):
    target: Ref
    tallying: list[InspectPhrase] = field(default_factory=list)
    replacing: list[InspectPhrase] = field(default_factory=list)
    convert_from: Expr | None = None
    convert_to: Expr | None = None
    convert_before: Expr | None = None
    convert_after: Expr | None = None


@dataclass
class Initialize(Stmt):
    targets: list[Ref]
    replacing: list[tuple[str, Expr]] = field(default_factory=list)  # category, value
    with_filler: bool = False


@dataclass
class SetStmt(Stmt):
    kind: str  # true, to, up, down
    targets: list[Ref]
    value: Expr | None = None


@dataclass
class CallArg:
    mode: str  # REFERENCE, CONTENT, VALUE
    value: Expr | None  # None = OMITTED


@dataclass
class Call(Stmt):
    program: Expr
    args: list[CallArg] = field(default_factory=list)
    returning: Ref | None = None
    on_exception: list[Stmt] | None = None
    not_exception: list[Stmt] | None = None


@dataclass
class Cancel(Stmt):
    programs: list[Expr]


@dataclass
class Exit(Stmt):
    kind: str  # "" (no-op), PROGRAM, PARAGRAPH, SECTION, PERFORM, PERFORM CYCLE


@dataclass
class Goback(Stmt):
    pass


@dataclass
class StopRun(Stmt):
    code: Expr | None = None


@dataclass
class Continue(Stmt):
    pass


@dataclass
class Open(Stmt):
    files: list[tuple[str, str]]  # (mode, file name)


@dataclass
class Close(Stmt):
    files: list[str]


@dataclass
class FileHandlers:
    """AT END / INVALID KEY phrases and their NOT forms."""

    exception: list[Stmt] | None = None
    not_exception: list[Stmt] | None = None


@dataclass
class Read(Stmt):
    file: str
    next: bool = False
    previous: bool = False
    into: Ref | None = None
    key: Ref | None = None
    lock: str = ""  # WITH LOCK / NO LOCK
    handlers: FileHandlers = field(default_factory=FileHandlers)


@dataclass
class Write(Stmt):
    record: Ref
    source: Expr | None = None
    advancing: tuple[str, Expr | None] | None = None  # (BEFORE/AFTER, lines or None = PAGE)
    handlers: FileHandlers = field(default_factory=FileHandlers)


@dataclass
class Rewrite(Stmt):
    record: Ref
    source: Expr | None = None
    handlers: FileHandlers = field(default_factory=FileHandlers)


@dataclass
class Delete(Stmt):
    file: str
    handlers: FileHandlers = field(default_factory=FileHandlers)


@dataclass
class Start(Stmt):
    file: str
    op: str = "="
    key: Ref | None = None
    handlers: FileHandlers = field(default_factory=FileHandlers)


@dataclass
class Unlock(Stmt):
    file: str


@dataclass
class SortKey:
    ascending: bool
    ref: Ref


@dataclass
class Sort(Stmt):
    """SORT sd ON ASCENDING/DESCENDING KEY ... USING files | INPUT PROCEDURE,
    GIVING files | OUTPUT PROCEDURE."""

    file: str
    keys: list[SortKey] = field(default_factory=list)
    using: list[str] = field(default_factory=list)
    input_procedure: tuple[str, str] | None = None  # first, last
    giving: list[str] = field(default_factory=list)
    output_procedure: tuple[str, str] | None = None
    input_pos: list[Position] = field(default_factory=list)  # first, last: for errors
    output_pos: list[Position] = field(default_factory=list)


@dataclass
class Release(Stmt):
    record: Ref
    source: Expr | None = None


@dataclass
class Return(Stmt):
    file: str
    into: Ref | None = None
    handlers: FileHandlers = field(default_factory=FileHandlers)


@dataclass
class Search(Stmt):
    table: Ref
    varying: Ref | None = None
    at_end: list[Stmt] | None = None
    whens: list[tuple[Cond, list[Stmt]]] = field(default_factory=list)
    search_all: bool = False  # SEARCH ALL: from the first entry (keys are ascending)


# ------------------------------------------------------------ data and files
@dataclass
class DataEntry:
    level: int
    name: str  # "FILLER" for unnamed
    pos: Position
    picture: str | None = None
    usage: str = "DISPLAY"
    value: Expr | None = None
    values: list[tuple[Expr, Expr | None]] = field(default_factory=list)  # 88-level
    occurs: int = 0
    occurs_min: int = 0
    depending: Ref | None = None
    indexed_by: list[str] = field(default_factory=list)
    redefines: str | None = None
    justified: bool = False
    blank_when_zero: bool = False
    sign_leading: bool = False
    sign_separate: bool = False
    external: bool = False
    renames: list[str] = field(default_factory=list)  # level 66: first [, last]


@dataclass
class AltKey:
    name: str
    duplicates: bool = False


@dataclass
class Select:
    name: str
    pos: Position
    assign: str  # the name after ASSIGN TO (a literal's text or a word)
    assign_literal: bool = False
    external: bool = False
    organization: str = "SEQUENTIAL"  # SEQUENTIAL, LINE SEQUENTIAL, INDEXED, RELATIVE
    access: str = "SEQUENTIAL"
    record_key: str | None = None
    alternate_keys: list[AltKey] = field(default_factory=list)
    status: str | None = None
    lock_mode: str = ""  # "", EXCLUSIVE, MANUAL, AUTOMATIC
    optional: bool = False


@dataclass
class FileDesc:
    name: str
    pos: Position
    records: list[DataEntry] = field(default_factory=list)
    external: bool = False


@dataclass
class Paragraph:
    name: str
    section: str | None
    pos: Position
    sentences: list[list[Stmt]] = field(default_factory=list)
    is_section: bool = False


@dataclass
class UsingItem:
    name: str
    mode: str = "REFERENCE"
    pos: Position | None = None


@dataclass
class UseProcedure:
    """A DECLARATIVES section: USE AFTER ERROR PROCEDURE ON files or open modes."""

    section: str
    files: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)  # INPUT, OUTPUT, I-O, EXTEND


@dataclass
class Program:
    program_id: str
    source: str
    selects: list[Select] = field(default_factory=list)
    files: list[FileDesc] = field(default_factory=list)
    working: list[DataEntry] = field(default_factory=list)
    local: list[DataEntry] = field(default_factory=list)
    linkage: list[DataEntry] = field(default_factory=list)
    using: list[UsingItem] = field(default_factory=list)
    returning: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    declaratives: list[UseProcedure] = field(default_factory=list)
    entry: int = 0  # first paragraph after END DECLARATIVES
    # nested programs and programs that follow END PROGRAM in the same source
    contained: list[Program] = field(default_factory=list)


def const_int(expr: object) -> int | None:
    """The value of an integer literal; None for anything computed at run time."""
    if isinstance(expr, NumLit) and "." not in expr.text:
        return int(expr.text)
    return None
