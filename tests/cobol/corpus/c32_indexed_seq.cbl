       IDENTIFICATION DIVISION.
       PROGRAM-ID. C32IDXSEQ.
      * Indexed file, dynamic access: records written out of order
      * come back in key order; START >= and READ NEXT.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT ITEMS ASSIGN TO "IDXITEMS"
               ORGANIZATION INDEXED
               ACCESS DYNAMIC
               RECORD KEY I-KEY
               FILE STATUS FS.
       DATA DIVISION.
       FILE SECTION.
       FD ITEMS.
       01 I-REC.
          05 I-KEY   PIC 9(4).
          05 I-DESC  PIC X(8).
       WORKING-STORAGE SECTION.
       01 FS   PIC XX.
       01 K    PIC 9(4).
       01 EOF-F PIC X.
       PROCEDURE DIVISION.
           OPEN OUTPUT ITEMS
           PERFORM VARYING K FROM 7 BY 7 UNTIL K > 70
              COMPUTE I-KEY = FUNCTION MOD(K * 37, 100)
              MOVE "ITEM" TO I-DESC
              MOVE K TO I-DESC(5:4)
              WRITE I-REC INVALID KEY DISPLAY "dup " I-KEY END-WRITE
           END-PERFORM
           CLOSE ITEMS
           OPEN INPUT ITEMS
           MOVE "N" TO EOF-F
           PERFORM UNTIL EOF-F = "Y"
              READ ITEMS NEXT RECORD
                 AT END MOVE "Y" TO EOF-F
                 NOT AT END DISPLAY I-KEY " " I-DESC
              END-READ
           END-PERFORM
           DISPLAY "end status " FS
           MOVE 50 TO I-KEY
           START ITEMS KEY IS >= I-KEY
              INVALID KEY DISPLAY "start failed"
           END-START
           READ ITEMS NEXT
           DISPLAY "first >= 50: " I-KEY
           MOVE 99 TO I-KEY
           START ITEMS KEY IS > I-KEY
              INVALID KEY DISPLAY "nothing after 99, status " FS
           END-START
           MOVE 59 TO I-KEY
           READ ITEMS
           DISPLAY "random read in dynamic mode: " FS " " I-DESC
           CLOSE ITEMS
           STOP RUN.
