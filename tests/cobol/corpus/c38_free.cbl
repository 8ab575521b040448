       >>SOURCE FORMAT IS FREE
IDENTIFICATION DIVISION.
PROGRAM-ID. C38FREE.
*> Free-format source: no column rules, floating comments.
DATA DIVISION.
WORKING-STORAGE SECTION.
01 COUNTER PIC 9(3) VALUE 0. *> a trailing comment
01 MESSAGE-TEXT PIC X(40) VALUE "free format works, even past column seventy-two".
PROCEDURE DIVISION.
    PERFORM 3 TIMES
        ADD 1 TO COUNTER
    END-PERFORM
    DISPLAY "counter " COUNTER
    DISPLAY MESSAGE-TEXT
    STOP RUN.
