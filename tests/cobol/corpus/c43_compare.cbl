       IDENTIFICATION DIVISION.
       PROGRAM-ID. C43COMPARE.
      * Comparisons: padding, figuratives, numeric vs numeric of
      * different scales and usages, numeric vs alphanumeric.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 A    PIC X(5) VALUE "AB".
       01 B    PIC X(2) VALUE "AB".
       01 N1   PIC 9(3)V9 VALUE 12.5.
       01 N2   PIC S9(5)V99 COMP-3 VALUE 12.50.
       01 N3   PIC 9(4) COMP VALUE 12.
       01 NUMX PIC 9(3) VALUE 42.
       01 HV   PIC X(3) VALUE HIGH-VALUES.
       01 LV   PIC X(3) VALUE LOW-VALUES.
       PROCEDURE DIVISION.
           IF A = B DISPLAY "padded equal" END-IF
           IF A = "AB   " DISPLAY "literal padded" END-IF
           IF N1 = N2 DISPLAY "12.5 = 12.50" END-IF
           IF N3 < N1 DISPLAY "12 < 12.5" END-IF
           IF NUMX = "042" DISPLAY "numeric vs alnum" END-IF
           IF HV = HIGH-VALUES DISPLAY "high-values" END-IF
           IF LV < SPACES DISPLAY "low < space" END-IF
           IF A > SPACES DISPLAY "A > spaces" END-IF
           MOVE SPACES TO A
           IF A = SPACES DISPLAY "all spaces" END-IF
           IF N3 NOT = ZERO DISPLAY "not zero" END-IF
           IF "abc" < "abd" DISPLAY "literal compare" END-IF
           IF -1 < 0 DISPLAY "negative literal" END-IF
           IF A = ALL " " DISPLAY "ALL literal" END-IF
           STOP RUN.
