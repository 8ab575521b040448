       IDENTIFICATION DIVISION.
       PROGRAM-ID. C05EDIT.
      * Numeric edited pictures.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 E1  PIC ZZZ9.
       01 E2  PIC ZZ,ZZ9.99.
       01 E3  PIC $$$,$$9.99.
       01 E4  PIC ***,**9.99.
       01 E5  PIC -ZZ9.
       01 E6  PIC +ZZ9.
       01 E7  PIC ZZ9-.
       01 E8  PIC ZZ9CR.
       01 E9  PIC ZZ9DB.
       01 E10 PIC 99/99/99.
       01 E11 PIC 999B999.
       01 E12 PIC 9990.
       01 E13 PIC ----9.
       01 E14 PIC ++++9.
       01 E15 PIC ZZZ.ZZ.
       01 E16 PIC Z(4) BLANK WHEN ZERO.
       01 V   PIC S9(5)V99.
       PROCEDURE DIVISION.
           MOVE 7 TO E1  DISPLAY "[" E1 "]"
           MOVE 12345.678 TO E2 DISPLAY "[" E2 "]"
           MOVE 1234.5 TO E3 DISPLAY "[" E3 "]"
           MOVE 0.5 TO E3 DISPLAY "[" E3 "]"
           MOVE 12.3 TO E4 DISPLAY "[" E4 "]"
           MOVE -42 TO E5 DISPLAY "[" E5 "]"
           MOVE 42 TO E5 DISPLAY "[" E5 "]"
           MOVE -42 TO E6 DISPLAY "[" E6 "]"
           MOVE 42 TO E6 DISPLAY "[" E6 "]"
           MOVE -3 TO E7 DISPLAY "[" E7 "]"
           MOVE -3 TO E8 DISPLAY "[" E8 "]"
           MOVE 3 TO E8 DISPLAY "[" E8 "]"
           MOVE -3 TO E9 DISPLAY "[" E9 "]"
           MOVE 251224 TO E10 DISPLAY "[" E10 "]"
           MOVE 123456 TO E11 DISPLAY "[" E11 "]"
           MOVE 123 TO E12 DISPLAY "[" E12 "]"
           MOVE -12 TO E13 DISPLAY "[" E13 "]"
           MOVE 12 TO E14 DISPLAY "[" E14 "]"
           MOVE 0 TO E15 DISPLAY "[" E15 "]"
           MOVE 0.05 TO E15 DISPLAY "[" E15 "]"
           MOVE 0 TO E16 DISPLAY "[" E16 "]"
           MOVE 5 TO E16 DISPLAY "[" E16 "]"
           MOVE -1234.56 TO V
           MOVE V TO E2 DISPLAY "[" E2 "]"
           MOVE V TO E13 DISPLAY "[" E13 "]"
           MOVE ZERO TO E4 DISPLAY "[" E4 "]"
           STOP RUN.
