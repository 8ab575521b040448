       IDENTIFICATION DIVISION.
       PROGRAM-ID. C44CLASS.
      * Class and sign conditions.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 X1 PIC X(4) VALUE "1234".
       01 X2 PIC X(4) VALUE "12A4".
       01 X3 PIC X(4) VALUE "abCD".
       01 X4 PIC X(4) VALUE "ab d".
       01 N  PIC S9(3) VALUE -4.
       01 U  PIC 9(3) VALUE 0.
       PROCEDURE DIVISION.
           IF X1 IS NUMERIC DISPLAY "X1 numeric" END-IF
           IF X2 IS NOT NUMERIC DISPLAY "X2 not numeric" END-IF
           IF X3 IS ALPHABETIC DISPLAY "X3 alphabetic" END-IF
           IF X4 IS ALPHABETIC-LOWER DISPLAY "X4 lower" END-IF
           IF X3 IS NOT ALPHABETIC-UPPER DISPLAY "X3 not upper" END-IF
           IF N IS NEGATIVE DISPLAY "N negative" END-IF
           IF U IS ZERO DISPLAY "U zero" END-IF
           IF N IS NOT POSITIVE DISPLAY "N not positive" END-IF
           IF N IS NUMERIC DISPLAY "N numeric" END-IF
           MOVE X2 TO X1
           IF X1 NUMERIC DISPLAY "wrong" ELSE DISPLAY "now not" END-IF
           STOP RUN.
