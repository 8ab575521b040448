       IDENTIFICATION DIVISION.
       PROGRAM-ID. C15TABLES.
      * OCCURS, INDEXED BY, SET, SEARCH, subscripts by expression.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 MONTHS-DATA.
          05 FILLER PIC X(9) VALUE "JANUARY".
          05 FILLER PIC X(9) VALUE "FEBRUARY".
          05 FILLER PIC X(9) VALUE "MARCH".
          05 FILLER PIC X(9) VALUE "APRIL".
       01 MONTHS REDEFINES MONTHS-DATA.
          05 MONTH-NAME PIC X(9) OCCURS 4 TIMES INDEXED BY MX.
       01 SCORES.
          05 SCORE PIC 9(3) OCCURS 5 TIMES.
       01 K      PIC 9 VALUE 2.
       01 TOTAL  PIC 9(5) VALUE 0.
       PROCEDURE DIVISION.
           DISPLAY MONTH-NAME (K) "|" MONTH-NAME (K + 1) "|"
           SET MX TO 1
           SEARCH MONTH-NAME
              AT END DISPLAY "not found"
              WHEN MONTH-NAME (MX) = "MARCH"
                 DISPLAY "MARCH found"
           END-SEARCH
           SET MX TO 1
           SEARCH MONTH-NAME
              AT END DISPLAY "MAY not found"
              WHEN MONTH-NAME (MX) = "MAY"
                 DISPLAY "wrong"
           END-SEARCH
           SET MX TO 2
           SET MX UP BY 1
           DISPLAY "via index: " MONTH-NAME (MX)
           SET MX DOWN BY 2
           DISPLAY "via index: " MONTH-NAME (MX)
           PERFORM VARYING K FROM 1 BY 1 UNTIL K > 5
              COMPUTE SCORE (K) = K * K
              ADD SCORE (K) TO TOTAL
           END-PERFORM
           DISPLAY SCORES " total " TOTAL
           STOP RUN.
