       IDENTIFICATION DIVISION.
       PROGRAM-ID. C34IDXUPD.
      * Indexed I-O: REWRITE, DELETE, REWRITE of a missing key, then
      * a full listing. The counter pattern of the report's service.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT CTR ASSIGN TO "IDXCTR"
               ORGANIZATION INDEXED
               ACCESS MODE DYNAMIC
               RECORD KEY CT-KEY
               FILE STATUS FS.
       DATA DIVISION.
       FILE SECTION.
       FD CTR.
       01 CT-REC.
          05 CT-KEY   PIC X(6).
          05 CT-VALUE PIC 9(10).
       WORKING-STORAGE SECTION.
       01 FS   PIC XX.
       01 I    PIC 99.
       01 DONE PIC X VALUE "N".
       PROCEDURE DIVISION.
           OPEN OUTPUT CTR
           MOVE SPACES TO CT-KEY MOVE 0 TO CT-VALUE WRITE CT-REC
           MOVE "OTHER" TO CT-KEY MOVE 100 TO CT-VALUE WRITE CT-REC
           MOVE "GONE" TO CT-KEY MOVE 1 TO CT-VALUE WRITE CT-REC
           CLOSE CTR
           PERFORM 5 TIMES
              OPEN I-O CTR
              MOVE SPACES TO CT-KEY
              READ CTR INVALID KEY DISPLAY "missing" END-READ
              ADD 1 TO CT-VALUE
              REWRITE CT-REC INVALID KEY DISPLAY "rewrite failed"
              END-REWRITE
              CLOSE CTR
           END-PERFORM
           OPEN I-O CTR
           MOVE "GONE" TO CT-KEY
           DELETE CTR INVALID KEY DISPLAY "delete failed" END-DELETE
           DISPLAY "delete " FS
           DELETE CTR INVALID KEY DISPLAY "delete again " FS
           END-DELETE
           MOVE "NOPE" TO CT-KEY
           REWRITE CT-REC INVALID KEY DISPLAY "rewrite missing " FS
           END-REWRITE
           CLOSE CTR
           OPEN INPUT CTR
           PERFORM UNTIL DONE = "Y"
              READ CTR NEXT AT END MOVE "Y" TO DONE
                 NOT AT END DISPLAY "[" CT-KEY "] " CT-VALUE
              END-READ
           END-PERFORM
           CLOSE CTR
           STOP RUN.
