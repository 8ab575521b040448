       IDENTIFICATION DIVISION.
       PROGRAM-ID. C02MOVEA.
      * Alphanumeric MOVE: padding, truncation, JUSTIFIED RIGHT, groups.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 SHORT   PIC X(3).
       01 LONG    PIC X(10).
       01 RIGHTJ  PIC X(6) JUSTIFIED RIGHT.
       01 ALPHA   PIC A(5).
       01 GRP.
          05 G-A  PIC X(2) VALUE "AB".
          05 G-N  PIC 9(3) VALUE 12.
          05 G-B  PIC X(3) VALUE "XYZ".
       01 GRP2    PIC X(12).
       01 NUM     PIC 9(4) VALUE 1234.
       01 SNUM    PIC S9(3)V9 VALUE -12.5.
       PROCEDURE DIVISION.
           MOVE "ABCDEFG" TO SHORT
           MOVE "ABC" TO LONG
           DISPLAY "[" SHORT "][" LONG "]"
           MOVE "XY" TO RIGHTJ
           DISPLAY "[" RIGHTJ "]"
           MOVE "ABCDEFGHIJ" TO RIGHTJ
           DISPLAY "[" RIGHTJ "]"
           MOVE "HELLO WORLD" TO ALPHA
           DISPLAY "[" ALPHA "]"
           MOVE GRP TO GRP2
           DISPLAY "[" GRP2 "]"
           MOVE "1234567890AB" TO GRP
           DISPLAY "[" G-A "][" G-N "][" G-B "]"
           MOVE NUM TO LONG
           DISPLAY "[" LONG "]"
           MOVE 77 TO SHORT
           DISPLAY "[" SHORT "]"
           MOVE SPACES TO GRP
           DISPLAY "[" GRP "]"
           MOVE LONG TO SHORT LONG
           DISPLAY "[" SHORT "][" LONG "]"
           STOP RUN.
