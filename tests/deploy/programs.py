"""COBOL sources the deployment tests compile: small, each exercising one mapping rule."""

TYPES = """\
       IDENTIFICATION DIVISION.
       PROGRAM-ID. TYPES01.
       DATA DIVISION.
       LINKAGE SECTION.
       01 LK-NAME      PIC X(12).
       01 LK-BIG       PIC 9(10).
       01 LK-MID       PIC 9(5).
       01 LK-SMALL     PIC 9(3).
       01 LK-SIGNED    PIC S9(4).
       01 LK-MONEY     PIC S9(5)V99.
       01 LK-HUGE      PIC 9(20).
       01 LK-PACKED    PIC S9(7) COMP-3.
       01 LK-GROUP.
          05 LK-G1     PIC X(2).
          05 LK-G2     PIC 9(2).
       PROCEDURE DIVISION USING LK-NAME LK-BIG LK-MID LK-SMALL LK-SIGNED
                                LK-MONEY LK-HUGE LK-PACKED LK-GROUP.
       MAIN-PARA.
           MOVE FUNCTION UPPER-CASE(LK-NAME) TO LK-NAME.
           ADD 1 TO LK-BIG.
           ADD 1 TO LK-MID.
           ADD 1 TO LK-SMALL.
           SUBTRACT 1 FROM LK-SIGNED.
           MULTIPLY 2 BY LK-MONEY.
           ADD 1 TO LK-HUGE.
           SUBTRACT 1 FROM LK-PACKED.
           MOVE 'OK' TO LK-G1.
           EXIT PROGRAM.
"""

NO_USING = """\
       IDENTIFICATION DIVISION.
       PROGRAM-ID. NOUSING.
       PROCEDURE DIVISION.
       MAIN-PARA.
           STOP RUN.
"""

BROKEN = """\
       IDENTIFICATION DIVISION.
       PROGRAM-ID. BROKEN.
       DATA DIVISION.
       LINKAGE SECTION.
       01 LK-A PIC X(4).
       PROCEDURE DIVISION USING LK-A.
       MAIN-PARA.
           MOVE 'AB' TO.
           EXIT PROGRAM.
"""

# divides by its argument: zero gives a run-time error, as a faulty service would
DIVIDER = """\
       IDENTIFICATION DIVISION.
       PROGRAM-ID. DIVIDER.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 WS-CALLS     PIC 9(4) VALUE 0.
       01 WS-TABLE.
          05 WS-CELL   PIC 9 OCCURS 3.
       LINKAGE SECTION.
       01 LK-INDEX     PIC 9(4).
       01 LK-CALLS     PIC 9(4).
       PROCEDURE DIVISION USING LK-INDEX LK-CALLS.
       MAIN-PARA.
           ADD 1 TO WS-CALLS.
           MOVE WS-CALLS TO LK-CALLS.
           MOVE 1 TO WS-CELL(LK-INDEX).
           EXIT PROGRAM.
"""

STOPPER = """\
       IDENTIFICATION DIVISION.
       PROGRAM-ID. STOPPER.
       DATA DIVISION.
       LINKAGE SECTION.
       01 LK-A PIC X(4).
       PROCEDURE DIVISION USING LK-A.
       MAIN-PARA.
           STOP RUN.
"""

# appends its argument to the line-sequential file NOTES (ASSIGN TO EXTERNAL)
NOTER = """\
       IDENTIFICATION DIVISION.
       PROGRAM-ID. NOTER.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT NOTES ASSIGN TO EXTERNAL NOTES
               ORGANIZATION LINE SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
       FD NOTES.
       01 NOTE-LINE PIC X(8).
       LINKAGE SECTION.
       01 LK-NOTE PIC X(8).
       PROCEDURE DIVISION USING LK-NOTE.
       MAIN-PARA.
           OPEN EXTEND NOTES.
           MOVE LK-NOTE TO NOTE-LINE.
           WRITE NOTE-LINE.
           CLOSE NOTES.
           EXIT PROGRAM.
"""
