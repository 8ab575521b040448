       IDENTIFICATION DIVISION.
       PROGRAM-ID. C14GOTO.
      * GO TO, GO TO DEPENDING ON, PERFORM THRU with GO TO inside.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 CHOICE PIC 9 VALUE 2.
       01 LOOPS  PIC 9 VALUE 0.
       PROCEDURE DIVISION.
       START-HERE.
           PERFORM P1 THRU P1-EXIT
           GO TO DISPATCH.
       P1.
           DISPLAY "in P1"
           GO TO P1-EXIT.
           DISPLAY "skipped".
       P1-EXIT.
           EXIT.
       DISPATCH.
           ADD 1 TO LOOPS
           GO TO D1 D2 D3 DEPENDING ON CHOICE
           DISPLAY "fell through".
           GO TO THE-END.
       D1.
           DISPLAY "D1".
           GO TO THE-END.
       D2.
           DISPLAY "D2".
           MOVE 7 TO CHOICE
           GO TO DISPATCH.
       D3.
           DISPLAY "D3".
       THE-END.
           DISPLAY "loops " LOOPS
           STOP RUN.
