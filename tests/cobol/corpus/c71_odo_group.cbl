       IDENTIFICATION DIVISION.
       PROGRAM-ID. C71ODOGRP.
      * A group ending in an OCCURS DEPENDING ON table is as long as
      * its count says: DISPLAY, MOVE both ways, LENGTH, comparison.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 N        PIC 9 VALUE 2.
       01 G.
          05 G-HEAD PIC X(2) VALUE "H:".
          05 G-T    PIC X(3) OCCURS 1 TO 5 DEPENDING ON N.
       01 M        PIC 99 VALUE 1.
       01 R.
          05 R-KEY  PIC X(4) VALUE "REC ".
          05 R-ROW  OCCURS 0 TO 4 DEPENDING ON M.
             10 R-A PIC X(2).
             10 R-B PIC 9(2).
       01 X        PIC X(20).
       01 L        PIC 9(4).
       PROCEDURE DIVISION.
           MOVE "AAA" TO G-T (1)
           MOVE "BBB" TO G-T (2)
           MOVE "CCC" TO G-T (3)
           DISPLAY "[" G "]"
           MOVE G TO X
           DISPLAY "[" X "]"
           COMPUTE L = FUNCTION LENGTH (G)
           DISPLAY L
           MOVE 3 TO N
           DISPLAY "[" G "]"
           DISPLAY FUNCTION LENGTH (G)
           MOVE "12345678901234567890" TO G
           DISPLAY "[" G "]"
           MOVE 5 TO N
           DISPLAY "[" G "]"
           IF G = "12345678901" DISPLAY "equal" ELSE DISPLAY "not equal"
           END-IF
           MOVE 3 TO N
           IF G = "12345678901" DISPLAY "equal" ELSE DISPLAY "not equal"
           END-IF
           MOVE "xy" TO R-A (1)
           MOVE 7 TO R-B (1)
           DISPLAY "[" R "]"
           MOVE 0 TO M
           DISPLAY "[" R "]"
           MOVE 2 TO M
           MOVE R TO X
           DISPLAY "[" X "]"
           STOP RUN.
