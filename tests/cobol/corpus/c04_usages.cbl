       IDENTIFICATION DIVISION.
       PROGRAM-ID. C04USAGE.
      * COMP, BINARY, COMP-3, COMP-5: storage size, arithmetic, display.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 B2     PIC S9(4) COMP VALUE -1234.
       01 B4     PIC 9(9) BINARY VALUE 123456789.
       01 B8     PIC S9(18) COMP VALUE 0.
       01 P3     PIC S9(5)V99 COMP-3 VALUE 123.45.
       01 P4     PIC 9(6) PACKED-DECIMAL VALUE 42.
       01 N5     PIC S9(9) COMP-5 VALUE 7.
       01 D1     PIC S9(7)V99 VALUE 0.
       01 GRP.
          05 GB  PIC 9(4) COMP VALUE 258.
          05 GP  PIC S9(3) COMP-3 VALUE -7.
       01 HEXOUT PIC X(8).
       PROCEDURE DIVISION.
           DISPLAY B2 " " B4 " " B8 " " P3 " " P4 " " N5
           DISPLAY LENGTH OF B2 " " LENGTH OF B4 " " LENGTH OF B8
           DISPLAY FUNCTION LENGTH(P3) " " FUNCTION LENGTH(P4)
           ADD 1 TO B2
           MULTIPLY 2 BY B4
           COMPUTE B8 = B4 * 1000 + B2
           SUBTRACT 0.46 FROM P3
           COMPUTE D1 = P3 * 3 + N5
           DISPLAY B2 " " B4 " " B8 " " P3 " " D1
           MOVE P3 TO B2
           DISPLAY B2
           IF GRP = X"0102F07D" DISPLAY "group bytes ok"
           ELSE DISPLAY "group bytes differ" END-IF
           MOVE -5 TO P4
           DISPLAY P4
           STOP RUN.
