       IDENTIFICATION DIVISION.
       PROGRAM-ID. C58IDXSTAT.
      * Indexed FILE STATUS codes: 35 missing, 41, 42, 47, 48, 49,
      * 43 (REWRITE in sequential access without READ), 23, 22, 10.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT KF ASSIGN TO "IDXSTAT"
               ORGANIZATION INDEXED ACCESS DYNAMIC
               RECORD KEY K-KEY FILE STATUS FS.
           SELECT KS ASSIGN TO "IDXSTAT"
               ORGANIZATION INDEXED ACCESS SEQUENTIAL
               RECORD KEY S-KEY FILE STATUS FS.
       DATA DIVISION.
       FILE SECTION.
       FD KF.
       01 K-REC.
          05 K-KEY PIC X(4).
          05 K-VAL PIC 9(4).
       FD KS.
       01 S-REC.
          05 S-KEY PIC X(4).
          05 S-VAL PIC 9(4).
       WORKING-STORAGE SECTION.
       01 FS PIC XX.
       PROCEDURE DIVISION.
           OPEN INPUT KF                DISPLAY "open missing " FS
           OPEN OUTPUT KF               DISPLAY "open output " FS
           OPEN OUTPUT KF               DISPLAY "open again " FS
           READ KF NEXT                 DISPLAY "read in output " FS
           MOVE "A001" TO K-KEY MOVE 1 TO K-VAL
           WRITE K-REC                  DISPLAY "write " FS
           WRITE K-REC                  DISPLAY "write dup " FS
           REWRITE K-REC                DISPLAY "rewrite output " FS
           CLOSE KF                     DISPLAY "close " FS
           CLOSE KF                     DISPLAY "close again " FS
           OPEN INPUT KF
           WRITE K-REC                  DISPLAY "write input " FS
           DELETE KF                    DISPLAY "delete input " FS
           MOVE "ZZZZ" TO K-KEY
           READ KF                      DISPLAY "read missing " FS
           MOVE "A001" TO K-KEY
           READ KF                      DISPLAY "read " FS " " K-VAL
           READ KF NEXT                 DISPLAY "read next " FS
           CLOSE KF
           OPEN I-O KS
           REWRITE S-REC                DISPLAY "rewrite no read " FS
           READ KS                      DISPLAY "read seq " FS
           ADD 1 TO S-VAL
           REWRITE S-REC                DISPLAY "rewrite " FS
           CLOSE KS
           STOP RUN.
