       IDENTIFICATION DIVISION.
       PROGRAM-ID. C19STRING.
      * STRING: DELIMITED BY SIZE / literal / identifier, POINTER,
      * ON OVERFLOW.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 FIRST-N  PIC X(10) VALUE "JOHN".
       01 LAST-N   PIC X(10) VALUE "SMITH".
       01 OUT      PIC X(30).
       01 SMALL    PIC X(8).
       01 PTR      PIC 99.
       01 DLM      PIC X VALUE ",".
       01 CSV      PIC X(12) VALUE "AA,BB,CC".
       PROCEDURE DIVISION.
           STRING FIRST-N DELIMITED BY SPACE
                  " " DELIMITED BY SIZE
                  LAST-N DELIMITED BY SPACE
                  INTO OUT
           DISPLAY "[" OUT "]"
           MOVE ALL "." TO OUT
           MOVE 5 TO PTR
           STRING "abc" "def" DELIMITED BY SIZE INTO OUT
              WITH POINTER PTR
           DISPLAY "[" OUT "] " PTR
           STRING FIRST-N LAST-N DELIMITED BY SIZE INTO SMALL
              ON OVERFLOW DISPLAY "overflow [" SMALL "]"
              NOT ON OVERFLOW DISPLAY "no overflow"
           END-STRING
           MOVE SPACES TO SMALL
           STRING CSV DELIMITED BY DLM INTO SMALL
              ON OVERFLOW DISPLAY "overflow"
              NOT ON OVERFLOW DISPLAY "fits [" SMALL "]"
           END-STRING
           STOP RUN.
