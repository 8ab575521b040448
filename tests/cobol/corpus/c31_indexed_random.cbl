       IDENTIFICATION DIVISION.
       PROGRAM-ID. C31IDXRND.
      * Indexed file, random access: WRITE, READ by key, INVALID KEY
      * for duplicates (22) and missing records (23).
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT CUST ASSIGN TO "IDXCUST"
               ORGANIZATION IS INDEXED
               ACCESS MODE IS RANDOM
               RECORD KEY IS C-ID
               FILE STATUS IS FS.
       DATA DIVISION.
       FILE SECTION.
       FD CUST.
       01 C-REC.
          05 C-ID    PIC X(5).
          05 C-NAME  PIC X(15).
          05 C-BAL   PIC S9(7)V99 COMP-3.
       WORKING-STORAGE SECTION.
       01 FS PIC XX.
       PROCEDURE DIVISION.
           OPEN OUTPUT CUST
           DISPLAY "open " FS
           MOVE "C0002" TO C-ID MOVE "BETA" TO C-NAME MOVE 20 TO C-BAL
           WRITE C-REC INVALID KEY DISPLAY "dup?" END-WRITE
           MOVE "C0001" TO C-ID MOVE "ALPHA" TO C-NAME
           MOVE -5.5 TO C-BAL
           WRITE C-REC
           MOVE "C0003" TO C-ID MOVE "GAMMA" TO C-NAME MOVE 0 TO C-BAL
           WRITE C-REC
           MOVE "C0002" TO C-ID
           WRITE C-REC
              INVALID KEY DISPLAY "duplicate key status " FS
              NOT INVALID KEY DISPLAY "wrong"
           END-WRITE
           CLOSE CUST
           OPEN INPUT CUST
           MOVE "C0002" TO C-ID
           READ CUST
              INVALID KEY DISPLAY "not found"
              NOT INVALID KEY DISPLAY "found " C-NAME " " C-BAL
           END-READ
           MOVE "C0009" TO C-ID
           READ CUST
              INVALID KEY DISPLAY "C0009 missing, status " FS
           END-READ
           MOVE "C0001" TO C-ID
           READ CUST KEY IS C-ID
           DISPLAY "read " FS " " C-NAME " " C-BAL
           CLOSE CUST
           STOP RUN.
