       IDENTIFICATION DIVISION.
       PROGRAM-ID. C41DISPLAY.
      * DISPLAY WITH NO ADVANCING, UPON SYSERR (not on stdout),
      * numeric items of every usage, groups.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 N1 PIC 9(3)V99 VALUE 1.5.
       01 N2 PIC S9(2)V9 COMP-3 VALUE -2.5.
       01 N3 PIC 9(5) COMP VALUE 123.
       01 G.
          05 G1 PIC X(3) VALUE "abc".
          05 G2 PIC 9(2) VALUE 7.
       PROCEDURE DIVISION.
           DISPLAY "one " WITH NO ADVANCING
           DISPLAY "line"
           DISPLAY "to stderr" UPON SYSERR
           DISPLAY N1 "|" N2 "|" N3 "|" G
           DISPLAY "a" "b" WITH NO ADVANCING
           DISPLAY SPACE "c"
           STOP RUN.
