       IDENTIFICATION DIVISION.
       PROGRAM-ID. C13VARYING.
      * PERFORM VARYING with AFTER, negative steps, a 2-D table.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 I    PIC S99.
       01 J    PIC S99.
       01 GRID.
          05 ROW OCCURS 3 TIMES.
             10 CELL PIC 99 OCCURS 4 TIMES.
       PROCEDURE DIVISION.
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 3
                   AFTER J FROM 1 BY 1 UNTIL J > 4
              COMPUTE CELL (I, J) = I * 10 + J
           END-PERFORM
           DISPLAY GRID
           PERFORM VARYING I FROM 3 BY -1 UNTIL I < 1
              DISPLAY "row " I ": " ROW (I)
           END-PERFORM
           PERFORM SHOW VARYING I FROM 1 BY 2 UNTIL I > 3
           DISPLAY "I after loop " I
           STOP RUN.
       SHOW.
           DISPLAY "cell " I ",1 = " CELL (I 1).
