      * fakees' own file initialiser for CBLCOUNT (same behaviour as
      * the report's initfile1): creates the counter file with one
      * record, key SPACES, counter 0. Run it once: cobrun initcnt.
       IDENTIFICATION DIVISION.
       PROGRAM-ID. INITCNT.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT COUNTER-FILE ASSIGN TO EXTERNAL CNTFILE
               ORGANIZATION IS INDEXED
               ACCESS MODE IS RANDOM
               RECORD KEY IS CNT-KEY.
       DATA DIVISION.
       FILE SECTION.
       FD COUNTER-FILE.
       01 CNT-RECORD.
          05 CNT-KEY      PIC X(6).
          05 CNT-VALUE    PIC 9(10).
       PROCEDURE DIVISION.
       CREATE-FILE.
           OPEN OUTPUT COUNTER-FILE
           MOVE SPACES TO CNT-KEY
           MOVE ZERO TO CNT-VALUE
           WRITE CNT-RECORD
           CLOSE COUNTER-FILE
           DISPLAY "INITCNT: counter file created"
           STOP RUN.
