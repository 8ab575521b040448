       IDENTIFICATION DIVISION.
       PROGRAM-ID. C11PERFORM.
      * PERFORM paragraph, THRU, TIMES, sections, fall-through.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 CNT  PIC 9(3) VALUE 0.
       01 K    PIC 9 VALUE 3.
       PROCEDURE DIVISION.
       MAIN-SECTION SECTION.
       MAIN-PARA.
           PERFORM STEP-A
           PERFORM STEP-A THRU STEP-C
           PERFORM STEP-B 3 TIMES
           PERFORM STEP-B K TIMES
           PERFORM OTHER-SECTION
           DISPLAY "CNT=" CNT
           PERFORM 2 TIMES
              DISPLAY "inline times"
           END-PERFORM
           GO TO FINISH.
       STEP-A.
           DISPLAY "step A".
           ADD 1 TO CNT.
       STEP-B.
           DISPLAY "step B".
           ADD 10 TO CNT.
       STEP-C.
           DISPLAY "step C".
       OTHER-SECTION SECTION.
       O-1.
           DISPLAY "other 1".
       O-2.
           DISPLAY "other 2".
       LAST-SECTION SECTION.
       FINISH.
           DISPLAY "finish".
           STOP RUN.
