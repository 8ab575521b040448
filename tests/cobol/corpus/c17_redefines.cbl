       IDENTIFICATION DIVISION.
       PROGRAM-ID. C17REDEF.
      * REDEFINES of elementary and group items, FILLER.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 DATE-IN     PIC 9(8) VALUE 20251224.
       01 DATE-PARTS REDEFINES DATE-IN.
          05 YYYY     PIC 9(4).
          05 MM       PIC 99.
          05 DD       PIC 99.
       01 REC.
          05 R-TYPE   PIC X.
          05 R-BODY   PIC X(6).
          05 R-NUM REDEFINES R-BODY PIC 9(6).
          05 R-SPLIT REDEFINES R-BODY.
             10 R-LEFT  PIC X(3).
             10 FILLER  PIC X(3).
       PROCEDURE DIVISION.
           DISPLAY YYYY "-" MM "-" DD
           MOVE 12 TO MM
           DISPLAY DATE-IN
           MOVE "A123456" TO REC
           DISPLAY R-TYPE " " R-NUM " " R-LEFT
           ADD 1 TO R-NUM
           DISPLAY REC
           DISPLAY LENGTH OF REC
           STOP RUN.
