       IDENTIFICATION DIVISION.
       PROGRAM-ID. C52MISC.
       AUTHOR. O'BRIEN, "the tester".
       INSTALLATION. Somewhere with 'quotes'
           and a second line of comment-entry.
       DATE-WRITTEN. 2026-11-25.
      * Comment entries with quotes, reference modification of a
      * subscripted item, nested groups with OCCURS, FD-free MOVEs.
       ENVIRONMENT DIVISION.
       CONFIGURATION SECTION.
       SOURCE-COMPUTER. LINUX.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 GRID.
          05 ROW OCCURS 3 TIMES.
             10 CELL PIC X(4) OCCURS 2 TIMES.
       01 I PIC 9 VALUE 2.
       01 J PIC 9 VALUE 1.
       77 FLAG PIC X VALUE "N".
          88 YES-FLAG VALUE "Y".
       PROCEDURE DIVISION.
           MOVE "ABCDEFGHIJKLMNOPQRSTUVWX" TO GRID
           DISPLAY CELL (I, J) " " CELL (I, J)(2:2) " " ROW (3)(5:)
           MOVE "zz" TO CELL (I, 2)(3:2)
           DISPLAY GRID
           SET YES-FLAG TO TRUE
           IF YES-FLAG DISPLAY "flag " FLAG END-IF
           STOP RUN.
