       IDENTIFICATION DIVISION.
       PROGRAM-ID. C07MULDIV.
      * MULTIPLY and DIVIDE, REMAINDER, ROUNDED, division by zero.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 A   PIC S9(4)V99 VALUE 12.5.
       01 B   PIC S9(4)V99 VALUE 4.
       01 Q   PIC S9(4)V99.
       01 QI  PIC S9(4).
       01 R   PIC S9(4)V99.
       01 Z   PIC S9(4) VALUE 0.
       01 N   PIC 9(3) VALUE 7.
       PROCEDURE DIVISION.
           MULTIPLY A BY B
           DISPLAY "B=" B
           MULTIPLY A BY 3 GIVING Q
           DISPLAY "Q=" Q
           DIVIDE 3 INTO A
           DISPLAY "A=" A
           DIVIDE 100 BY 7 GIVING QI REMAINDER R
           DISPLAY "QI=" QI " R=" R
           DIVIDE 100 BY 7 GIVING Q ROUNDED
           DISPLAY "Q=" Q
           DIVIDE 2 INTO 11 GIVING QI ROUNDED
           DISPLAY "QI=" QI
           DIVIDE -11 BY 2 GIVING QI ROUNDED
           DISPLAY "QI=" QI
           DIVIDE Z INTO N ON SIZE ERROR DISPLAY "divide by zero N=" N
           END-DIVIDE
           DIVIDE N BY Z GIVING Q ON SIZE ERROR DISPLAY "again Q=" Q
              NOT ON SIZE ERROR DISPLAY "not reached"
           END-DIVIDE
           MULTIPLY 200 BY N ON SIZE ERROR DISPLAY "overflow N=" N
           END-MULTIPLY
           DIVIDE 17 BY 5 GIVING QI REMAINDER R
           DISPLAY "QI=" QI " R=" R
           STOP RUN.
