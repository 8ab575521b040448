       IDENTIFICATION DIVISION.
       PROGRAM-ID. C67EDIT.
      * Editing found by the generated pictures.
      * E1-E3: the implied point V ends zero suppression and floating
      * insertion as "." does.
      * E4-E6: lost high-order digits end a floating insertion string
      * only when the digit just above the picture is nonzero (GnuCOBOL
      * reads it into the leftmost floating symbol, see c48); other
      * lost digits are simply truncated.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 S  PIC S9(7)V9(4) COMP-3.
       01 E1 PIC --V----.
       01 E2 PIC ++V++.
       01 E3 PIC ZZVZZ.
       01 E4 PIC ++++9.
       01 E5 PIC $$$$9.
       01 E6 PIC ----9.99.
       PROCEDURE DIVISION.
           MOVE 0.0453 TO S
           PERFORM SHOW-V
           MOVE -0.0453 TO S
           PERFORM SHOW-V
           MOVE 1000069 TO S
           PERFORM SHOW-FLOAT
           MOVE -1000069 TO S
           PERFORM SHOW-FLOAT
           MOVE 1050069 TO S
           PERFORM SHOW-FLOAT
           STOP RUN.
       SHOW-V.
           MOVE S TO E1 E2 E3
           DISPLAY "[" E1 "][" E2 "][" E3 "]".
       SHOW-FLOAT.
           MOVE S TO E4 E5 E6
           DISPLAY "[" E4 "][" E5 "][" E6 "]".
