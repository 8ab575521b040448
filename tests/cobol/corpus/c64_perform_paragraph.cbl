       IDENTIFICATION DIVISION.
       PROGRAM-ID. C64PERF.
      * PERFORM of a single paragraph: fakees calls a paragraph that
      * cannot leave its place (no GO TO, no PERFORM of procedures)
      * directly, and runs the others as a PERFORM range: a GO TO out
      * of the performed paragraph that comes back through its end
      * still returns to the PERFORM.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 FLAG   PIC 9 VALUE 0.
       01 K      PIC 99 VALUE 0.
       01 TOTAL  PIC 9(4) VALUE 0.
       PROCEDURE DIVISION.
       MAIN-PARA.
           PERFORM LOOPS-BACK
           DISPLAY "BACK FROM LOOPS-BACK " FLAG
           PERFORM STRAIGHT
           PERFORM STRAIGHT 3 TIMES
           PERFORM STRAIGHT UNTIL TOTAL > 20
           PERFORM STRAIGHT VARYING K FROM 1 BY 1 UNTIL K > 2
           DISPLAY "TOTAL " TOTAL " K " K
           PERFORM NEST-PARA
           PERFORM CALLS-OTHER
           PERFORM LAST-PARA
           DISPLAY "NOT REACHED".
       BEFORE-IT.
           DISPLAY "IN BEFORE-IT".
       LOOPS-BACK.
           IF FLAG = 0
              MOVE 1 TO FLAG
              GO TO BEFORE-IT
           END-IF
           DISPLAY "END OF LOOPS-BACK".
       STRAIGHT.
           ADD 3 TO TOTAL
           IF TOTAL > 100
              EXIT PARAGRAPH
           END-IF
           DISPLAY "STRAIGHT " TOTAL.
       NEST-PARA.
           PERFORM VARYING K FROM 1 BY 1 UNTIL K > 5
              IF K = 2
                 EXIT PERFORM CYCLE
              END-IF
              IF K = 4
                 EXIT PERFORM
              END-IF
              EVALUATE K
                 WHEN 1 DISPLAY "NESTED ONE"
                 WHEN OTHER DISPLAY "NESTED " K
              END-EVALUATE
           END-PERFORM.
       CALLS-OTHER.
           PERFORM STRAIGHT
           DISPLAY "CALLS-OTHER DONE".
       LAST-PARA.
           DISPLAY "LAST " TOTAL
           GOBACK.
