       IDENTIFICATION DIVISION.
       PROGRAM-ID. C26CLOCK.
      * ACCEPT FROM DATE/TIME/DAY/DAY-OF-WEEK and CURRENT-DATE: the
      * values change, so the program checks their shape.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 D6   PIC 9(6).
       01 D8   PIC 9(8).
       01 T8   PIC 9(8).
       01 DY5  PIC 9(5).
       01 DY7  PIC 9(7).
       01 DOW  PIC 9.
       01 CURDT   PIC X(21).
       01 DX   PIC X(6).
       PROCEDURE DIVISION.
           ACCEPT D6 FROM DATE
           ACCEPT D8 FROM DATE YYYYMMDD
           ACCEPT T8 FROM TIME
           ACCEPT DY5 FROM DAY
           ACCEPT DY7 FROM DAY YYYYDDD
           ACCEPT DOW FROM DAY-OF-WEEK
           ACCEPT DX FROM DATE
           MOVE FUNCTION CURRENT-DATE TO CURDT
           IF D8(3:6) = D6 DISPLAY "date agrees" END-IF
           IF D8(5:2) >= 1 AND <= 12 DISPLAY "month ok" END-IF
           IF T8(1:2) < 24 AND T8(3:2) < 60 DISPLAY "time ok" END-IF
           IF DY7(3:5) = DY5 DISPLAY "day agrees" END-IF
           IF DOW >= 1 AND DOW <= 7 DISPLAY "day of week ok" END-IF
           IF CURDT(1:8) = D8 DISPLAY "current-date agrees" END-IF
           IF CURDT(1:8) IS NUMERIC DISPLAY "numeric" END-IF
           IF DX IS NUMERIC DISPLAY "date into alphanumeric" END-IF
           DISPLAY "lengths " FUNCTION LENGTH(CURDT) " " LENGTH OF T8
           STOP RUN.
