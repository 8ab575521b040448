       IDENTIFICATION DIVISION.
       PROGRAM-ID. C24FUNCS.
      * String intrinsic functions.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 S    PIC X(12) VALUE "  Mixed Case".
       01 OUT  PIC X(20).
       01 N    PIC 99.
       PROCEDURE DIVISION.
           DISPLAY "[" FUNCTION UPPER-CASE(S) "]"
           DISPLAY "[" FUNCTION LOWER-CASE(S) "]"
           DISPLAY "[" FUNCTION TRIM(S) "]"
           DISPLAY "[" FUNCTION TRIM(S LEADING) "]"
           DISPLAY "[" FUNCTION TRIM(S TRAILING) "]"
           DISPLAY "[" FUNCTION REVERSE(S) "]"
           MOVE FUNCTION LENGTH(S) TO N
           DISPLAY "length " N
           MOVE FUNCTION UPPER-CASE(FUNCTION TRIM(S)) TO OUT
           DISPLAY "[" OUT "]"
           DISPLAY "[" FUNCTION UPPER-CASE(S)(3:5) "]"
           MOVE FUNCTION ORD("A") TO N
           DISPLAY "ord " N
           DISPLAY "[" FUNCTION CHAR(66) "]"
           STOP RUN.
