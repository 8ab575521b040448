       IDENTIFICATION DIVISION.
       PROGRAM-ID. C69FUNCD.
      * Numeric intrinsic functions DISPLAYed and MOVEd directly,
      * without a COMPUTE: each shows as its implied temporary item.
      * Most are GnuCOBOL's value-sized binary item (9 digits, 20 past
      * 32 bits or 9 decimals, else as many digits as needed; signed
      * only when negative; trailing decimal zeros dropped); ABS, MAX,
      * MIN and one-argument MEAN show as the (winning) argument's item
      * or literal.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 N    PIC S9(3) VALUE -7.
       01 U    PIC 9(3) VALUE 7.
       01 D    PIC S9(3)V99 VALUE -7.25.
       01 E    PIC 9(5)V9(3) VALUE 12.5.
       01 C    PIC S9(4) COMP VALUE -7.
       01 K    PIC S9(5) COMP-3 VALUE -123.
       01 SL   PIC S9(3) SIGN LEADING SEPARATE VALUE -7.
       01 ST   PIC S9(3) SIGN TRAILING SEPARATE VALUE 7.
       01 BIG  PIC S9(15) VALUE -123456789012345.
       01 T    PIC X(10) VALUE "-12.5".
       01 T2   PIC X(10) VALUE "$1,234.50".
       01 X    PIC X(5) VALUE "hello".
       01 B    PIC 9 VALUE 3.
       01 A    PIC X(25).
       01 W    PIC X(30).
       PROCEDURE DIVISION.
           DISPLAY FUNCTION MOD(N, 3)
           DISPLAY FUNCTION REM(N, 3)
           DISPLAY FUNCTION ABS(N)
           DISPLAY "X" FUNCTION NUMVAL("5") "Y"
           DISPLAY "X" FUNCTION NUMVAL("-12.5") "Y" FUNCTION NUMVAL(T)
           DISPLAY "mod " FUNCTION MOD(17, 5) " " FUNCTION MOD(-17, 5)
               " " FUNCTION MOD(D, 2) " " FUNCTION MOD(E, 5)
               " " FUNCTION MOD(BIG, 1000) " " FUNCTION MOD(-7.00, 2)
           DISPLAY "rem " FUNCTION REM(D, 2) " " FUNCTION REM(7.5, 2)
               " " FUNCTION REM(-7.00, 2)
           DISPLAY "abs " FUNCTION ABS(U) " " FUNCTION ABS(D) " "
               FUNCTION ABS(E) " " FUNCTION ABS(C) " " FUNCTION ABS(K)
           DISPLAY "abs " FUNCTION ABS(SL) " " FUNCTION ABS(ST) " "
               FUNCTION ABS(BIG) " " FUNCTION ABS(-3) " "
               FUNCTION ABS(3) " " FUNCTION ABS(-0.5) " "
               FUNCTION ABS(+5)
           DISPLAY "abs " FUNCTION ABS(N - 1) " " FUNCTION ABS(N * 1.5)
               " " FUNCTION ABS(U + 1) " "
               FUNCTION ABS(FUNCTION REM(N, 3))
           DISPLAY "numval " FUNCTION NUMVAL("  12.500 ") " "
               FUNCTION NUMVAL("1.50") " " FUNCTION NUMVAL("100.00")
               " " FUNCTION NUMVAL("-0") " " FUNCTION NUMVAL("abc")
           DISPLAY "numval " FUNCTION NUMVAL("999999999") " "
               FUNCTION NUMVAL("1000000000") " "
               FUNCTION NUMVAL("4294967295")
           DISPLAY "numval " FUNCTION NUMVAL("4294967296") " "
               FUNCTION NUMVAL("-2147483647") " "
               FUNCTION NUMVAL("-2147483648")
           DISPLAY "numval " FUNCTION NUMVAL("18446744073709551615")
               " " FUNCTION NUMVAL("18446744073709551616")
           DISPLAY "numval " FUNCTION NUMVAL("-9223372036854775808")
               " " FUNCTION NUMVAL("99999999999999999999")
           DISPLAY "numval " FUNCTION NUMVAL("0.000000001") " "
               FUNCTION NUMVAL("0.0000000001") " "
               FUNCTION NUMVAL("0.0000000000000000001")
           DISPLAY "numval " FUNCTION NUMVAL("1.000000000000000001")
               " " FUNCTION NUMVAL("123.4567890123456789")
           DISPLAY "numval-c " FUNCTION NUMVAL-C(T2) " "
               FUNCTION NUMVAL-C("-$5")
           DISPLAY "integer " FUNCTION INTEGER(D) " "
               FUNCTION INTEGER(2.5) " " FUNCTION INTEGER(N / 2) " "
               FUNCTION INTEGER-PART(D) " " FUNCTION INTEGER-PART(E)
               " " FUNCTION INTEGER-PART(BIG)
           DISPLAY "max " FUNCTION MAX(3, 9, 4) " "
               FUNCTION MAX(N, U)
               " " FUNCTION MAX(N, D) " " FUNCTION MAX(C, K) " "
               FUNCTION MAX(E, 1) " " FUNCTION MAX(3, 3.0) " "
               FUNCTION MAX(3.0, 3) " " FUNCTION MAX(N * 2, 2)
           DISPLAY "min " FUNCTION MIN(3, 9, 4) " "
               FUNCTION MIN(U, N, D)
               " " FUNCTION MIN(1.5, 2) " " FUNCTION MIN(N + 1, 2) " "
               FUNCTION MIN(U, 7.00) " " FUNCTION MIN(.5, 1) " "
               FUNCTION MIN(-0.5, 1) " " FUNCTION MIN(007, 9)
           DISPLAY "sum " FUNCTION SUM(1.5, 2.25, 3) " "
               FUNCTION SUM(N, U) " " FUNCTION SUM(N, D) " "
               FUNCTION SUM(K, C) " " FUNCTION SUM(1.50, 2.50)
           DISPLAY "mean " FUNCTION MEAN(1, 2) " " FUNCTION MEAN(N, U)
               " " FUNCTION MEAN(D, 1) " " FUNCTION MEAN(3) " "
               FUNCTION MEAN(N)
           DISPLAY "mean " FUNCTION MEAN(1, 2, 4)
           DISPLAY "mean " FUNCTION MEAN(-1, -1, 0)
           DISPLAY "mean " FUNCTION MEAN(D, 0.5, 1)
           DISPLAY "sqrt " FUNCTION SQRT(4) " " FUNCTION SQRT(6.25) " "
               FUNCTION SQRT(E)
           DISPLAY "sqrt " FUNCTION SQRT(2)
           DISPLAY "sqrt " FUNCTION SQRT(0.02)
           DISPLAY "factorial " FUNCTION FACTORIAL(0) " "
               FUNCTION FACTORIAL(U) " " FUNCTION FACTORIAL(20) " "
               FUNCTION FACTORIAL(25)
           DISPLAY "ord " FUNCTION ORD("A") " " FUNCTION ORD(X) " "
               FUNCTION ORD-MAX(3, 9, 4) " " FUNCTION ORD-MIN(3, 9, 4)
           DISPLAY "sign " FUNCTION SIGN(N) " " FUNCTION SIGN(U) " "
               FUNCTION SIGN(0) " " FUNCTION SIGN(D)
           DISPLAY "length " FUNCTION LENGTH(X) " "
               FUNCTION LENGTH("abc") " " FUNCTION LENGTH(N) " "
               FUNCTION BYTE-LENGTH(X) " " FUNCTION LENGTH(X(2:3)) " "
               FUNCTION LENGTH(X(1:B)) " "
               FUNCTION LENGTH(FUNCTION TRIM(T))
           DISPLAY "dates " FUNCTION INTEGER-OF-DATE(20251224) " "
               FUNCTION DATE-OF-INTEGER(150000) " "
               FUNCTION DAY-OF-INTEGER(150000) " "
               FUNCTION INTEGER-OF-DAY(2025358)
      * MOVE to alphanumeric: the result item's digits, no sign or point
           MOVE FUNCTION MOD(N, 3) TO A DISPLAY "[" A "]"
           MOVE FUNCTION REM(D, 2) TO A DISPLAY "[" A "]"
           MOVE FUNCTION ABS(N) TO A DISPLAY "[" A "]"
           MOVE FUNCTION ABS(D) TO A DISPLAY "[" A "]"
           MOVE FUNCTION NUMVAL("-12.5") TO A DISPLAY "[" A "]"
           MOVE FUNCTION MAX(3, 9) TO A DISPLAY "[" A "]"
           MOVE FUNCTION LENGTH(X) TO A DISPLAY "[" A "]"
           MOVE FUNCTION NUMVAL("12345678901") TO A DISPLAY "[" A "]"
           MOVE FUNCTION NUMVAL("1000000000") TO A DISPLAY "[" A "]"
           MOVE FUNCTION DATE-OF-INTEGER(150000) TO A
           DISPLAY "[" A "]"
      * STRING sends the item's storage: display digits for ABS of a
      * DISPLAY item
           MOVE SPACES TO W
           STRING "a" FUNCTION ABS(D) "b" FUNCTION ABS(U) "c"
               DELIMITED BY SIZE INTO W
           DISPLAY "[" W "]"
           STOP RUN.
