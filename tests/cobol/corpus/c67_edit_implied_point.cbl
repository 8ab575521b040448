       IDENTIFICATION DIVISION.
       PROGRAM-ID. C67EDITV.
      * Editing found by the generated pictures: the implied point V
      * ends zero suppression and floating insertion as "." does.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 S  PIC S9(7)V9(4) COMP-3.
       01 E1 PIC --V----.
       01 E2 PIC ++V++.
       01 E3 PIC ZZVZZ.
       PROCEDURE DIVISION.
           MOVE 0.0453 TO S
           MOVE S TO E1 E2 E3
           DISPLAY "[" E1 "][" E2 "][" E3 "]"
           MOVE -0.0453 TO S
           MOVE S TO E1 E2 E3
           DISPLAY "[" E1 "][" E2 "][" E3 "]"
           STOP RUN.
