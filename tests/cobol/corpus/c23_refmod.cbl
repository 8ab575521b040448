       IDENTIFICATION DIVISION.
       PROGRAM-ID. C23REFMOD.
      * Reference modification: constant, variable, open length,
      * as receiver.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 S    PIC X(20) VALUE "ABCDEFGHIJKLMNOPQRST".
       01 P    PIC 99 VALUE 5.
       01 L    PIC 99 VALUE 3.
       01 D    PIC 9(8) VALUE 20251224.
       01 OUT  PIC X(10) VALUE SPACES.
       PROCEDURE DIVISION.
           DISPLAY S(1:3) " " S(P:L) " " S(18:)
           DISPLAY D(1:4) "/" D(5:2) "/" D(7:2)
           MOVE "xyz" TO S(2:3)
           DISPLAY S
           MOVE S(P:) TO OUT
           DISPLAY "[" OUT "]"
           MOVE "12" TO OUT(9:2)
           DISPLAY "[" OUT "]"
           IF S(1:1) = "A" DISPLAY "first is A" END-IF
           STOP RUN.
