      * fakees' own counter service, written for the project (the
      * report's CBLAPP01 is the model): each call returns the time
      * as the report's client prints it (YY/MM/DD HH:MM:SS.hh), the
      * program name, the host name and the next sequence number
      * kept in the indexed file mapped by dd_CNTFILE / CNTFILE.
       IDENTIFICATION DIVISION.
       PROGRAM-ID. CBLCOUNT.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT COUNTER-FILE ASSIGN TO EXTERNAL CNTFILE
               ORGANIZATION IS INDEXED
               ACCESS MODE IS RANDOM
               RECORD KEY IS CNT-KEY
               FILE STATUS IS CNT-STATUS.
       DATA DIVISION.
       FILE SECTION.
       FD COUNTER-FILE.
       01 CNT-RECORD.
          05 CNT-KEY      PIC X(6).
          05 CNT-VALUE    PIC 9(10).
       WORKING-STORAGE SECTION.
       01 CNT-STATUS      PIC XX.
          88 CNT-OK       VALUE "00".
       01 NOW             PIC X(21).
       LINKAGE SECTION.
       01 LK-TIMESTAMP    PIC X(20).
       01 LK-PROGRAM      PIC X(10).
       01 LK-HOST         PIC X(20).
       01 LK-SEQUENCE     PIC 9(10).
       PROCEDURE DIVISION USING LK-TIMESTAMP LK-PROGRAM LK-HOST
                                LK-SEQUENCE.
       SERVE-ONE-REQUEST.
           MOVE FUNCTION CURRENT-DATE TO NOW
           STRING NOW(3:2) "/" NOW(5:2) "/" NOW(7:2) " "
                  NOW(9:2) ":" NOW(11:2) ":" NOW(13:2) "."
                  NOW(15:2) DELIMITED BY SIZE INTO LK-TIMESTAMP
           MOVE "CBLCOUNT" TO LK-PROGRAM
           MOVE LOW-VALUES TO LK-HOST
           CALL "gethostname" USING LK-HOST BY VALUE 20
           INSPECT LK-HOST REPLACING ALL X"00" BY SPACE
           OPEN I-O COUNTER-FILE
           IF NOT CNT-OK
              MOVE 9999999999 TO LK-SEQUENCE
              MOVE 8 TO RETURN-CODE
              GOBACK
           END-IF
           MOVE SPACES TO CNT-KEY
           READ COUNTER-FILE
              INVALID KEY MOVE 0 TO CNT-VALUE
           END-READ
           MOVE CNT-VALUE TO LK-SEQUENCE
           ADD 1 TO CNT-VALUE
           REWRITE CNT-RECORD
              INVALID KEY WRITE CNT-RECORD
           END-REWRITE
           CLOSE COUNTER-FILE
           MOVE 0 TO RETURN-CODE
           GOBACK.
