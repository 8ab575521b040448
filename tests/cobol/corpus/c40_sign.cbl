       IDENTIFICATION DIVISION.
       PROGRAM-ID. C40SIGN.
      * SIGN clauses: trailing embedded (default), LEADING, SEPARATE;
      * raw bytes shown through REDEFINES.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 T1 PIC S9(3) VALUE -123.
       01 T1X REDEFINES T1 PIC X(3).
       01 T2 PIC S9(3) SIGN LEADING VALUE -123.
       01 T2X REDEFINES T2 PIC X(3).
       01 T3 PIC S9(3) SIGN TRAILING SEPARATE VALUE -123.
       01 T3X REDEFINES T3 PIC X(4).
       01 T4 PIC S9(3) SIGN LEADING SEPARATE CHARACTER VALUE 45.
       01 T4X REDEFINES T4 PIC X(4).
       01 T5 PIC S9(3) VALUE 123.
       01 T5X REDEFINES T5 PIC X(3).
       PROCEDURE DIVISION.
           DISPLAY T1 " [" T1X "]"
           DISPLAY T2 " [" T2X "]"
           DISPLAY T3 " [" T3X "]"
           DISPLAY T4 " [" T4X "]"
           DISPLAY T5 " [" T5X "]"
           ADD 200 TO T1 T2 T3 T4
           DISPLAY T1 " " T2 " " T3 " " T4
           DISPLAY "[" T3X "][" T4X "]"
           STOP RUN.
