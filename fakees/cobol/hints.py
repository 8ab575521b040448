"""Hints for syntax errors, derived from what was found and what was being parsed.

Every parser error gets its hint here rather than at each of its raise sites: one
line about the token that stopped the parse (a verb or scope terminator ending an
unfinished statement, a reserved word where a name belongs, a period, the end of
the source, a near-miss of the expected word), then the form of the statement or
entry being parsed, as fakees accepts it.
"""

from __future__ import annotations

import difflib

# The construct being parsed -> its form (fakees' subset, in the manual's notation).
SYNTAX: dict[str, str] = {
    "PROGRAM": "IDENTIFICATION DIVISION. PROGRAM-ID. name. [ENVIRONMENT DIVISION. ...] "
               "[DATA DIVISION. ...] PROCEDURE DIVISION [USING items]. statements",
    "SELECT": "SELECT [OPTIONAL] file ASSIGN TO name|\"path\" [ORGANIZATION IS ...] "
              "[ACCESS MODE IS ...] [RECORD KEY IS item] [FILE STATUS IS item].",
    "FD": "FD file-name [clauses]. followed by its 01 record entries",
    "DATA": "level-number [name|FILLER] [PIC picture] [USAGE usage] [VALUE literal] "
            "[OCCURS n [TO m DEPENDING ON item]] [REDEFINES item] .",
    "88": "88 condition-name VALUE literal [THRU literal] [literal ...] .",
    "66": "66 name RENAMES item [THRU item] .",
    "USE": "USE AFTER STANDARD ERROR PROCEDURE ON file ...|INPUT|OUTPUT|I-O|EXTEND.",
    "ACCEPT": "ACCEPT item [FROM DATE [YYYYMMDD]|DAY [YYYYDDD]|DAY-OF-WEEK|TIME"
              "|COMMAND-LINE|ENVIRONMENT name|CONSOLE]",
    "ADD": "ADD x ... TO item ... [GIVING item ...] [ON SIZE ERROR ...] [END-ADD]",
    "CALL": "CALL \"program\"|item [USING [BY REFERENCE|CONTENT|VALUE] arg ...] "
            "[RETURNING item] [ON EXCEPTION ...] [END-CALL]",
    "CANCEL": "CANCEL \"program\"|item ...",
    "CLOSE": "CLOSE file ...",
    "COMPUTE": "COMPUTE item [ROUNDED] ... = arithmetic-expression [END-COMPUTE]",
    "CONTINUE": "CONTINUE",
    "DELETE": "DELETE file [RECORD] [INVALID KEY ...] [END-DELETE]",
    "DISPLAY": "DISPLAY item|literal ... [UPON device] [WITH NO ADVANCING] [END-DISPLAY]",
    "DIVIDE": "DIVIDE x INTO item ... | DIVIDE x BY|INTO y GIVING item [REMAINDER item] "
              "[END-DIVIDE]",
    "EVALUATE": "EVALUATE subject [ALSO ...] WHEN object statements ... "
                "[WHEN OTHER statements] END-EVALUATE",
    "EXIT": "EXIT [PROGRAM|PARAGRAPH|SECTION|PERFORM [CYCLE]]",
    "GO": "GO TO procedure-name | GO TO name ... DEPENDING ON item",
    "GOBACK": "GOBACK",
    "IF": "IF condition [THEN] statements [ELSE statements] END-IF",
    "INITIALIZE": "INITIALIZE item ... [REPLACING ALPHANUMERIC|NUMERIC ... BY value]",
    "INSPECT": "INSPECT item TALLYING count FOR ALL|LEADING|CHARACTERS ... | "
               "REPLACING ... BY ... | CONVERTING x TO y",
    "MERGE": "MERGE sd-file ON ASCENDING|DESCENDING KEY item ... USING file file ... "
             "GIVING file|OUTPUT PROCEDURE IS name",
    "MOVE": "MOVE item|literal TO item ... | MOVE CORRESPONDING group TO group",
    "MULTIPLY": "MULTIPLY x BY item ... [GIVING item ...] [END-MULTIPLY]",
    "OPEN": "OPEN INPUT|OUTPUT|I-O|EXTEND file ...",
    "PERFORM": "PERFORM name [THRU name] [n TIMES|UNTIL condition|VARYING item FROM x BY y "
               "UNTIL condition] | PERFORM [options] statements END-PERFORM",
    "READ": "READ file [NEXT] [RECORD] [INTO item] [KEY IS item] [AT END ...] "
            "[INVALID KEY ...] [END-READ]",
    "RELEASE": "RELEASE sort-record [FROM item]",
    "RETURN": "RETURN sd-file [INTO item] AT END statements [END-RETURN]",
    "REWRITE": "REWRITE record [FROM item] [INVALID KEY ...] [END-REWRITE]",
    "SEARCH": "SEARCH [ALL] table [VARYING index] [AT END ...] WHEN condition statements "
              "... [END-SEARCH]",
    "SET": "SET index|pointer TO value | SET index UP|DOWN BY n | SET condition-name TO TRUE",
    "SORT": "SORT sd-file ON ASCENDING|DESCENDING KEY item ... USING file ...|INPUT PROCEDURE "
            "IS name GIVING file ...|OUTPUT PROCEDURE IS name",
    "START": "START file [KEY IS =|>|>=|NOT < item] [INVALID KEY ...] [END-START]",
    "STOP": "STOP RUN [RETURNING value]",
    "STRING": "STRING item|literal ... DELIMITED BY SIZE|literal ... INTO item "
              "[WITH POINTER item] [ON OVERFLOW ...] [END-STRING]",
    "SUBTRACT": "SUBTRACT x ... FROM item ... [GIVING item ...] [ON SIZE ERROR ...] "
                "[END-SUBTRACT]",
    "UNLOCK": "UNLOCK file [RECORD]",
    "UNSTRING": "UNSTRING item DELIMITED BY [ALL] literal [OR ...] INTO item ... "
                "[WITH POINTER item] [TALLYING IN item] [END-UNSTRING]",
    "WRITE": "WRITE record [FROM item] [BEFORE|AFTER ADVANCING n LINES|PAGE] "
             "[INVALID KEY ...] [END-WRITE]",
}


def derive(message: str, found_kind: str, found: str, expected: tuple[str, ...],
           context: list[str], verbs: frozenset[str], reserved: frozenset[str]) -> str:
    """The hint for ``message``: the found token's clue, then the construct's form."""
    upper = found.upper()
    construct = context[-1] if context else ""
    in_statement = construct in verbs
    what = f"the {construct} statement" if in_statement else (
        "the entry" if construct else "the program")
    wants_name = any(word in message for word in (" name", " item", "receiving"))
    clue = ""
    if found_kind == "eof":
        clue = f"the source ends before {what} is complete: is it cut short?"
    elif found_kind == "." and any(word.startswith("END-") for word in expected):
        clue = f"{' or '.join(expected)} must close the {construct} before the period"
    elif found_kind == ".":
        clue = (f"the period ends {what} here, but something is still missing before it"
                if construct else "something is missing before this period")
    elif found_kind == "word" and in_statement and upper in verbs:
        clue = (f"{upper} starts a new statement, so {what} before it is incomplete: "
                "is an operand missing?")
    elif found_kind == "word" and in_statement and upper.startswith("END-"):
        clue = f"{upper} ends a scope here, so {what} before it is incomplete"
    elif found_kind == "word" and expected and (
            close := difflib.get_close_matches(upper, expected, n=1, cutoff=0.7)):
        clue = f"did you mean {close[0]}?"
    elif found_kind == "word" and upper in reserved and wants_name:
        clue = (f"{upper} is a reserved word, so it cannot be a name here: "
                "is the name missing, or does it need renaming?")
    elif found_kind in ("string", "number") and wants_name:
        clue = f"a {'number' if found_kind == 'number' else 'literal'} cannot stand here: "\
            "name a data item"
    form = SYNTAX.get(construct)
    lines = [clue] if clue else []
    if form:
        lines.append(f"form: {form}")
    return "\n".join(lines)
