       IDENTIFICATION DIVISION.
       PROGRAM-ID. C09IF.
      * IF / ELSE, NOT, AND / OR, abbreviated combined conditions.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 A  PIC 9(3) VALUE 5.
       01 B  PIC 9(3) VALUE 10.
       01 S  PIC X(5) VALUE "ABC".
       PROCEDURE DIVISION.
           IF A < B DISPLAY "A < B" ELSE DISPLAY "A >= B" END-IF
           IF A > B
              DISPLAY "wrong"
           ELSE
              IF A = 5 AND B = 10
                 DISPLAY "nested ok"
              END-IF
           END-IF
           IF NOT A = B DISPLAY "not equal" END-IF
           IF A = 1 OR 3 OR 5 DISPLAY "abbreviated or" END-IF
           IF B > 1 AND < 20 DISPLAY "abbreviated and" END-IF
           IF A NOT = 5 DISPLAY "wrong" ELSE DISPLAY "not =" END-IF
           IF A IS GREATER THAN 4 AND B IS LESS THAN OR EQUAL TO 10
              DISPLAY "words work"
           END-IF
           IF (A = 5 OR B = 5) AND NOT (S = "XYZ")
              DISPLAY "parentheses work"
           END-IF
           IF S = "ABC" DISPLAY "padded compare" END-IF
           IF S > "ABB" AND S < "ABD" DISPLAY "range compare" END-IF
           IF A >= 5 THEN DISPLAY ">= ok" END-IF
           IF A + 5 = B DISPLAY "arith compare" END-IF
           IF A = 5
              NEXT SENTENCE
           ELSE
              DISPLAY "wrong"
           END-IF
           DISPLAY "after next sentence (skipped)".
           DISPLAY "next sentence".
           STOP RUN.
