       IDENTIFICATION DIVISION.
       PROGRAM-ID. C59DEEDIT.
      * MOVE of numeric-edited items back to numeric (de-editing).
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 E1 PIC ZZ,ZZ9.99-.
       01 E2 PIC $$$,$$9.99CR.
       01 E3 PIC ***9.
       01 E4 PIC -ZZZ9.
       01 N1 PIC S9(6)V99.
       01 N2 PIC 9(4).
       PROCEDURE DIVISION.
           MOVE -1234.56 TO E1
           MOVE E1 TO N1
           DISPLAY "[" E1 "] " N1
           MOVE -98.7 TO E2
           MOVE E2 TO N1
           DISPLAY "[" E2 "] " N1
           MOVE 42 TO E3
           MOVE E3 TO N2
           DISPLAY "[" E3 "] " N2
           MOVE -7 TO E4
           MOVE E4 TO N1
           DISPLAY "[" E4 "] " N1
           STOP RUN.
