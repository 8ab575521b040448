       IDENTIFICATION DIVISION.
       PROGRAM-ID. C68EDFLT.
      * Lost high-order digits end a floating insertion string only
      * when the digit just above the picture is nonzero (GnuCOBOL
      * reads it into the leftmost floating symbol, see c48); other
      * lost digits are simply truncated.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 S  PIC S9(7)V9(4) COMP-3.
       01 E4 PIC ++++9.
       01 E5 PIC $$$$9.
       01 E6 PIC ----9.99.
       PROCEDURE DIVISION.
           MOVE 1000069 TO S
           MOVE S TO E4 E5 E6
           DISPLAY "[" E4 "][" E5 "][" E6 "]"
           MOVE -1000069 TO S
           MOVE S TO E4 E5 E6
           DISPLAY "[" E4 "][" E5 "][" E6 "]"
           MOVE 1050069 TO S
           MOVE S TO E4 E5 E6
           DISPLAY "[" E4 "][" E5 "][" E6 "]"
           STOP RUN.
