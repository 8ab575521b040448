"""Bad input: compile errors with file:line:col, run-time errors with Micro Focus numbers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fakees.cobol import CobolRuntimeError, CobolSyntaxError
from fakees.cobol.gnt import compile_source
from fakees.cobol.runtime import ProgramInstance, RunUnit, run_main

HEAD = """       IDENTIFICATION DIVISION.
       PROGRAM-ID. BAD.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 T PIC X OCCURS 3.
       01 I PIC 9 VALUE 4.
       01 A PIC X(3) VALUE "ABC".
       01 N REDEFINES A PIC 9(3).
       PROCEDURE DIVISION.
"""


def source(tmp_path: Path, body: str, head: str = HEAD) -> Path:
    path = tmp_path / "bad.cbl"
    path.write_text(head + body)
    return path


def compile_error(tmp_path: Path, body: str, head: str = HEAD) -> CobolSyntaxError:
    with pytest.raises(CobolSyntaxError) as info:
        compile_source(str(source(tmp_path, body, head)))
    return info.value


def run_error(tmp_path: Path, body: str) -> CobolRuntimeError:
    prog = compile_source(str(source(tmp_path, body)))
    unit = RunUnit(stdout=io.BytesIO(), cwd=str(tmp_path))
    with pytest.raises(CobolRuntimeError) as info:
        run_main(ProgramInstance(prog, unit))
    return info.value


def test_undefined_name_has_line_column_text_and_hint(tmp_path: Path) -> None:
    err = compile_error(tmp_path, "           MOVE A TO MISSING-ITEM.\n")
    text = err.render()
    assert text.startswith(f"{tmp_path / 'bad.cbl'}:10:22: error: 'MISSING-ITEM' is not defined")
    assert "MOVE A TO MISSING-ITEM." in text and "^" in text and "hint:" in text


def test_unknown_statement_is_named(tmp_path: Path) -> None:
    err = compile_error(tmp_path, "           FROBNICATE A.\n")
    assert (err.pos.line, err.pos.col) == (10, 12)
    assert err.message == "unknown statement 'FROBNICATE'"
    err = compile_error(tmp_path, '           IF I = 4 DISPLY "X".\n')
    assert (err.pos.line, err.pos.col, err.hint) == (10, 21, "did you mean DISPLAY?")


def test_unsupported_statement_is_named(tmp_path: Path) -> None:
    err = compile_error(tmp_path, "           ALTER A TO PROCEED TO B.\n")
    assert "statement ALTER is not supported" in err.message


def test_bad_picture(tmp_path: Path) -> None:
    head = HEAD.replace("01 I PIC 9 VALUE 4.", "01 I PIC 9Q9.")
    err = compile_error(tmp_path, "           STOP RUN.\n", head)
    assert err.pos.line == 6 and "PICTURE" in err.message


def test_unterminated_literal(tmp_path: Path) -> None:
    err = compile_error(tmp_path, '           DISPLAY "open\n')
    assert err.pos.line == 10 and "not terminated" in err.message


def test_missing_copybook(tmp_path: Path) -> None:
    err = compile_error(tmp_path, "           COPY NOSUCHBOOK.\n")
    assert "copybook NOSUCHBOOK not found" in err.message


def test_subscript_out_of_range_is_153(tmp_path: Path) -> None:
    err = run_error(tmp_path, '           MOVE "X" TO T(I).\n')
    assert err.code == 153 and err.line == 10 and err.program == "BAD"
    assert "153     Subscript out of range" in err.render()


def test_reference_modification_out_of_range_is_153(tmp_path: Path) -> None:
    err = run_error(tmp_path, '           DISPLAY A(I:1).\n')
    assert err.code == 153


def test_non_numeric_data_in_arithmetic_is_163(tmp_path: Path) -> None:
    err = run_error(tmp_path, "           ADD 1 TO N.\n")
    assert err.code == 163 and err.line == 10
    assert "Illegal character in numeric field" in err.render()


def test_non_numeric_data_in_a_move_is_163_at_its_line(tmp_path: Path) -> None:
    err = run_error(tmp_path, '           DISPLAY "FIRST SENTENCE".\n           MOVE N TO I.\n')
    assert err.code == 163 and err.line == 11 and err.program == "BAD"


def test_program_not_found_is_173(tmp_path: Path) -> None:
    err = run_error(tmp_path, '           CALL "NOWHERE-PROGRAM".\n')
    assert err.code == 173 and (err.program, err.line) == ("BAD", 10)
    assert err.render().startswith("Load error : file 'NOWHERE-PROGRAM'")
    assert err.render().endswith("in program BAD, line 10")


def test_unhandled_file_error_is_an_io_error(tmp_path: Path) -> None:
    head = HEAD.replace("       DATA DIVISION.\n", """       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT F ASSIGN TO EXTERNAL NOTMAPPED.
       DATA DIVISION.
       FILE SECTION.
       FD F.
       01 F-REC PIC X(4).
""")
    path = tmp_path / "bad.cbl"
    path.write_text(head + '           DISPLAY "ONE".\n           OPEN INPUT F.\n')
    unit = RunUnit(stdout=io.BytesIO(), cwd=str(tmp_path))
    with pytest.raises(CobolRuntimeError) as info:
        run_main(ProgramInstance(compile_source(str(path)), unit))
    text = info.value.render()
    assert text.startswith(f"I/O error : file '{tmp_path / 'NOTMAPPED'}'")
    assert "error code: 35" in text and "013     File not found" in text
    assert text.endswith("in program BAD, line 18")


def indexed_head(assign: str, record_bytes: int) -> str:
    """HEAD with an indexed file F (key F-KEY, the first 4 bytes) assigned to ``assign``,
    and its FILE STATUS in FS."""
    rest = f"          05 F-VAL PIC X({record_bytes - 4}).\n" if record_bytes > 4 else ""
    return HEAD.replace("       DATA DIVISION.\n", f"""       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT F ASSIGN TO "{assign}" ORGANIZATION INDEXED
               RECORD KEY F-KEY FILE STATUS FS.
       DATA DIVISION.
       FILE SECTION.
       FD F.
       01 F-REC.
          05 F-KEY PIC X(4).
{rest}""").replace("01 I PIC 9 VALUE 4.", "01 I PIC 9 VALUE 4.\n       01 FS PIC XX.")


def open_status(tmp_path: Path, head: str) -> str:
    """What FILE STATUS says after OPEN INPUT F, as a program run in ``tmp_path`` DISPLAYs it."""
    (tmp_path / "read.cbl").write_text(
        head + '           OPEN INPUT F\n           DISPLAY "status " FS.\n')
    out = io.BytesIO()
    unit = RunUnit(stdout=out, cwd=str(tmp_path))
    assert run_main(ProgramInstance(compile_source(str(tmp_path / "read.cbl")), unit)) == 0
    return out.getvalue().decode("latin-1").strip()


def test_foreign_file_at_open_gives_a_status_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "foreign.dat").write_bytes(b"this is not an indexed file" * 10)
    status = open_status(tmp_path, indexed_head("foreign.dat", 4))
    assert status.startswith("status ") and status != "status 00"


@pytest.mark.parametrize(("damage", "status"), [
    ("truncate data", "9" + chr(161)), ("truncate index", "9" + chr(41)),
    ("remove index", "9" + chr(43)),
], ids=["truncated-data", "truncated-index", "missing-index"])
def test_a_damaged_indexed_file_at_open_gives_its_status(tmp_path: Path, damage: str,
                                                         status: str) -> None:
    """Micro Focus's extended statuses (9/161, 9/041, 9/043), read by a program, no traceback; the
    data file cut inside its header is not taken for a crash and "restored" from the journal
    (its last commit's bytes at their places, zeros everywhere else)."""
    head = indexed_head("ix.dat", 64)
    body = ("           OPEN OUTPUT F\n" + "".join(
        f'           MOVE "K{n:03d}" TO F-KEY WRITE F-REC\n' for n in range(40))
        + "           CLOSE F\n")
    (tmp_path / "make.cbl").write_text(head + body)
    unit = RunUnit(stdout=io.BytesIO(), cwd=str(tmp_path))
    assert run_main(ProgramInstance(compile_source(str(tmp_path / "make.cbl")), unit)) == 0
    data, index = tmp_path / "ix.dat", tmp_path / "ix.dat.idx"
    if damage == "truncate data":
        data.write_bytes(data.read_bytes()[:100])
    elif damage == "truncate index":
        index.write_bytes(index.read_bytes()[:100])
    else:
        index.unlink()
    assert open_status(tmp_path, head) == f"status {status}"
    if damage == "truncate data":  # not "recovered" from the journal into a file of zeros
        assert data.stat().st_size == 100


def test_invalid_function_argument_is_181_not_a_traceback(tmp_path: Path) -> None:
    err = run_error(tmp_path, "           DISPLAY FUNCTION MOD(7, 0).\n")
    assert err.code == 181 and err.line == 10


def test_using_item_not_in_linkage_is_positioned(tmp_path: Path) -> None:
    from fakees.cobol import linkage_of_source

    head = HEAD.replace("       PROCEDURE DIVISION.\n", "       PROCEDURE DIVISION USING A.\n")
    path = source(tmp_path, "           GOBACK.\n", head)
    for attempt in (lambda: compile_source(str(path)), lambda: linkage_of_source(path)):
        with pytest.raises(CobolSyntaxError) as info:
            attempt()
        assert (info.value.pos.line, info.value.pos.col) == (9, 33)
        assert "USING item A is not an 01/77 LINKAGE item" in info.value.message


def test_runaway_recursive_perform_is_114(tmp_path: Path) -> None:
    err = run_error(tmp_path, "       LOOP-FOREVER.\n           PERFORM LOOP-FOREVER.\n")
    assert err.code == 114 and err.line == 11


def test_constant_reference_modification_is_checked_at_compile_time(tmp_path: Path) -> None:
    err = compile_error(tmp_path, "           DISPLAY A(3:2).\n")
    assert (err.pos.line, err.pos.col) == (10, 20)
    assert err.message == "A(3:2) is outside 1..3"


def test_absurd_table_size_is_a_compile_error(tmp_path: Path) -> None:
    head = HEAD.replace("01 T PIC X OCCURS 3.", "01 T PIC X(1000) OCCURS 99999999999.")
    err = compile_error(tmp_path, "           STOP RUN.\n", head)
    assert err.pos.line == 5 and "more than fakees allows" in err.message


PROCS = """       IDENTIFICATION DIVISION.
       PROGRAM-ID. GN.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 X PIC 9 VALUE 1.
       PROCEDURE DIVISION.
       MAIN-PARA.
           DISPLAY "A"
"""


@pytest.mark.parametrize(("statement", "col"), [
    ("GO TO NOWHERE.", 18),
    ("GO NOWHERE.", 15),
    ("PERFORM NOWHERE.", 20),
    ("PERFORM NOWHERE THRU DONE-PARA.", 20),
    ("PERFORM DONE-PARA THRU NOWHERE.", 35),
    ("PERFORM NOWHERE 2 TIMES.", 20),
    ("GO TO DONE-PARA NOWHERE DEPENDING ON X.", 28),
])
def test_undefined_procedure_points_at_its_name(tmp_path: Path, statement: str,
                                                col: int) -> None:
    body = f"           {statement}\n       DONE-PARA.\n           STOP RUN.\n"
    err = compile_error(tmp_path, body, PROCS)
    assert err.message == "procedure 'NOWHERE' is not defined"
    assert (err.pos.line, err.pos.col) == (9, col)
    assert err.render().splitlines()[2] == " " * (4 + col - 1) + "^"


def test_undefined_procedure_suggests_a_close_name(tmp_path: Path) -> None:
    err = compile_error(tmp_path, "           PERFORM DONE-PAR.\n       DONE-PARA.\n", PROCS)
    assert (err.pos.line, err.pos.col, err.hint) == (9, 20, "did you mean DONE-PARA?")


def test_undefined_sort_procedure_points_at_its_name(tmp_path: Path) -> None:
    head = PROCS.replace("       DATA DIVISION.\n", """       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT W ASSIGN TO "w.tmp".
       DATA DIVISION.
       FILE SECTION.
       SD W.
       01 W-REC PIC X(4).
""")
    body = ("           SORT W ON ASCENDING KEY W-REC\n"
            "               INPUT PROCEDURE IS DONE-PARA\n"
            "               OUTPUT PROCEDURE IS NOWHERE.\n"
            "       DONE-PARA.\n           STOP RUN.\n")
    err = compile_error(tmp_path, body, head)
    assert err.message == "procedure 'NOWHERE' is not defined"
    assert (err.pos.line, err.pos.col) == (18, 36)


@pytest.mark.parametrize(("body", "where", "hint"), [
    # a verb where an operand belongs: the statement before it is unfinished
    ("           MOVE A TO\n           STOP RUN.\n", (11, 12),
     ["STOP starts a new statement, so the MOVE statement before it is incomplete",
      "form: MOVE item|literal TO item"]),
    # a scope terminator likewise
    ("           IF I = 4\n           MOVE A TO\n           END-IF.\n", (12, 12),
     ["END-IF ends a scope here, so the MOVE statement before it is incomplete"]),
    # the period closes the statement too early
    ("           STOP.\n", (10, 16),
     ["the period ends the STOP statement here", "form: STOP RUN [RETURNING value]"]),
    ("           PERFORM 2 TIMES\n             DISPLAY A.\n", (11, 23),
     ["END-PERFORM must close the PERFORM before the period"]),
    # a near miss of the expected word
    ("           PERFORM VARYING I FORM 1 BY 1 UNTIL I > 3\n           END-PERFORM.\n",
     (10, 30), ["did you mean FROM?", "form: PERFORM name"]),
    # a reserved word or a literal where a name belongs
    ("           MOVE A TO COUNT.\n", (10, 22), ["COUNT is a reserved word"]),
    ('           MOVE A TO "X".\n', (10, 22), ["a literal cannot stand here"]),
    ("           MOVE A TO 5.\n", (10, 22), ["a number cannot stand here"]),
    # the source ends inside a statement
    ("           MOVE A TO", (10, 19), ["the source ends before the MOVE statement is complete"]),
    # errors with no clue in the token still show the statement's form
    ("           OPEN A.\n", (10, 17), ["form: OPEN INPUT|OUTPUT|I-O|EXTEND file"]),
    ("           ACCEPT A FROM WEATHER.\n", (10, 26), ["form: ACCEPT item [FROM DATE"]),
    ("           FROB A.\n", (10, 12), ["FROB is not a verb; if it names a paragraph"]),
])
def test_every_syntax_error_has_a_hint(tmp_path: Path, body: str, where: tuple[int, int],
                                       hint: list[str]) -> None:
    err = compile_error(tmp_path, body)
    assert (err.pos.line, err.pos.col) == where, err.render()
    for part in hint:
        assert part in err.hint, err.render()
    rendered = err.render().splitlines()
    assert rendered[3].startswith("hint: ")
    assert all(line.startswith("      ") for line in rendered[4:])


@pytest.mark.parametrize(("old", "new", "hint"), [
    ("01 A PIC X(3) VALUE \"ABC\".", "01 A PIC X(3) VALUE.", "form: level-number [name|FILLER]"),
    ("01 I PIC 9 VALUE 4.", "01 I PIC 9 OCCURS MANY.", "form: level-number"),
    ("01 I PIC 9 VALUE 4.", "01 I PIC 9 VALUE 4.\n       66 R RENAMES.", "form: 66 name RENAMES"),
])
def test_data_entry_errors_have_a_hint(tmp_path: Path, old: str, new: str, hint: str) -> None:
    err = compile_error(tmp_path, "           STOP RUN.\n", HEAD.replace(old, new))
    assert err.hint, err.render()
    assert hint in err.hint


def test_select_errors_have_a_hint(tmp_path: Path) -> None:
    head = HEAD.replace("       DATA DIVISION.\n", """       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT F ASSIGN TO "f.dat" ACCESS MODE IS LINEAR.
       DATA DIVISION.
""")
    err = compile_error(tmp_path, "           STOP RUN.\n", head)
    assert "expected RANDOM or SEQUENTIAL or DYNAMIC, found 'LINEAR'" in err.message
    assert "form: SELECT [OPTIONAL] file ASSIGN TO" in err.hint


def test_unreadable_source_has_no_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(CobolSyntaxError) as info:
        compile_source(str(tmp_path / "nosuch.cbl"))
    text = info.value.render()
    assert text.startswith(f"{tmp_path / 'nosuch.cbl'}: error: cannot read source: ")
    assert "\nhint: check the file name" in text


@pytest.mark.parametrize("first", ["IDENTIFICATION DIVISION.", "  ID DIVISION.",
                                   "PROGRAM-ID. FR."])
def test_free_format_source_compiled_as_fixed_points_at_free(tmp_path: Path,
                                                            first: str) -> None:
    path = tmp_path / "fr.cbl"
    path.write_text(f"{first}\nPROGRAM-ID. FR.\nPROCEDURE DIVISION.\n    STOP RUN.\n")
    with pytest.raises(CobolSyntaxError) as info:
        compile_source(str(path))
    err = info.value
    col = len(first) - len(first.lstrip()) + 1
    assert (err.pos.line, err.pos.col) == (1, col)
    assert f"starts in column {col}; in fixed format it belongs in area A" in err.message
    assert "cob -free" in err.hint and ">>SOURCE FORMAT FREE" in err.hint
    compile_source(str(path), free=True)  # and it is fine as free format


def test_fixed_format_headers_in_area_a_are_not_mistaken_for_free(tmp_path: Path) -> None:
    path = tmp_path / "ok.cbl"
    path.write_text("000100 IDENTIFICATION DIVISION.\n000200 PROGRAM-ID. OK.\n"
                    "      *ID DIVISION.\n       PROCEDURE DIVISION.\n           STOP RUN.\n")
    assert compile_source(str(path)).program_id == "OK"


def test_undeclared_file_is_reported_at_its_statement(tmp_path: Path) -> None:
    err = compile_error(tmp_path, "           DISPLAY A\n           OPEN INPUT NOFILE.\n")
    assert err.message == "file NOFILE is not declared"
    assert (err.pos.line, err.pos.col) == (11, 12)
