       IDENTIFICATION DIVISION.
       PROGRAM-ID. C10EVAL.
      * EVALUATE: subject, TRUE, ALSO, THRU, multiple WHEN, OTHER.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 N  PIC 9(3).
       01 C  PIC X.
       01 I  PIC 9.
       PROCEDURE DIVISION.
           PERFORM VARYING N FROM 0 BY 7 UNTIL N > 30
              EVALUATE N
                 WHEN 0 DISPLAY N " zero"
                 WHEN 1 THRU 9 DISPLAY N " one digit"
                 WHEN 14
                 WHEN 21 DISPLAY N " fourteen or twenty-one"
                 WHEN OTHER DISPLAY N " other"
              END-EVALUATE
           END-PERFORM
           MOVE "B" TO C
           EVALUATE TRUE
              WHEN C = "A" DISPLAY "is A"
              WHEN C = "B" DISPLAY "is B"
              WHEN OTHER DISPLAY "neither"
           END-EVALUATE
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 4
              EVALUATE I ALSO C
                 WHEN 1 ALSO "B" DISPLAY "1 and B"
                 WHEN 2 ALSO ANY DISPLAY "2 and any"
                 WHEN 3 ALSO "X" DISPLAY "not this"
                 WHEN NOT 4 ALSO "B" DISPLAY "not four and B"
                 WHEN OTHER DISPLAY "other " I
              END-EVALUATE
           END-PERFORM
           EVALUATE C
              WHEN "A" THRU "C" DISPLAY "A..C"
           END-EVALUATE
           STOP RUN.
