       IDENTIFICATION DIVISION.
       PROGRAM-ID. C12UNTIL.
      * PERFORM UNTIL, WITH TEST AFTER, inline and out of line.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 N    PIC 9(3) VALUE 0.
       01 FACT PIC 9(9) VALUE 1.
       PROCEDURE DIVISION.
           PERFORM UNTIL N >= 5
              ADD 1 TO N
              MULTIPLY N BY FACT
           END-PERFORM
           DISPLAY "5! = " FACT
           MOVE 10 TO N
           PERFORM WITH TEST AFTER UNTIL N > 5
              DISPLAY "test after runs once, N=" N
           END-PERFORM
           MOVE 0 TO N
           PERFORM BUMP UNTIL N = 3
           PERFORM BUMP WITH TEST AFTER UNTIL N > 0
           DISPLAY "N=" N
           STOP RUN.
       BUMP.
           ADD 1 TO N
           DISPLAY "bump " N.
