       IDENTIFICATION DIVISION.
       PROGRAM-ID. C25FUNCN.
      * Numeric intrinsic functions.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 R    PIC S9(5)V99.
       01 I    PIC S9(5).
       01 TXT  PIC X(10) VALUE " -12.50".
       PROCEDURE DIVISION.
           COMPUTE I = FUNCTION MOD(17, 5)
           DISPLAY "mod " I
           COMPUTE I = FUNCTION MOD(-17, 5)
           DISPLAY "mod " I
           COMPUTE I = FUNCTION REM(-17, 5)
           DISPLAY "rem " I
           COMPUTE R = FUNCTION ABS(-3.25)
           DISPLAY "abs " R
           COMPUTE R = FUNCTION NUMVAL(TXT)
           DISPLAY "numval " R
           COMPUTE R = FUNCTION NUMVAL("1,234.5")
           DISPLAY "numval " R
           COMPUTE I = FUNCTION INTEGER(-2.5)
           DISPLAY "integer " I
           COMPUTE I = FUNCTION INTEGER-PART(-2.5)
           DISPLAY "integer-part " I
           COMPUTE I = FUNCTION MAX(3, 9, 4)
           DISPLAY "max " I
           COMPUTE I = FUNCTION MIN(3, 9, 4)
           DISPLAY "min " I
           COMPUTE R = FUNCTION SUM(1.5, 2.25, 3)
           DISPLAY "sum " R
           COMPUTE I = FUNCTION MOD(100, 7) + FUNCTION ABS(-1) * 2
           DISPLAY "expr " I
           COMPUTE I = FUNCTION INTEGER-OF-DATE(20251224)
           DISPLAY "integer-of-date " I
           COMPUTE I = FUNCTION DATE-OF-INTEGER(I + 8)
           DISPLAY "date-of-integer " I
           STOP RUN.
