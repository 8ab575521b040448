       IDENTIFICATION DIVISION.
       PROGRAM-ID. C33IDXALT.
      * Alternate record key WITH DUPLICATES: READ by alternate key,
      * START on it and READ NEXT in alternate key order.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT EMP ASSIGN TO "IDXEMP"
               ORGANIZATION INDEXED
               ACCESS MODE DYNAMIC
               RECORD KEY E-ID
               ALTERNATE RECORD KEY E-DEPT WITH DUPLICATES
               FILE STATUS FS.
       DATA DIVISION.
       FILE SECTION.
       FD EMP.
       01 E-REC.
          05 E-ID    PIC 9(3).
          05 E-DEPT  PIC X(4).
          05 E-NAME  PIC X(6).
       WORKING-STORAGE SECTION.
       01 FS    PIC XX.
       01 DONE  PIC X.
       PROCEDURE DIVISION.
           OPEN OUTPUT EMP
           MOVE 1 TO E-ID MOVE "SALE" TO E-DEPT MOVE "ANN" TO E-NAME
           WRITE E-REC
           MOVE 2 TO E-ID MOVE "DEV " TO E-DEPT MOVE "BOB" TO E-NAME
           WRITE E-REC
           MOVE 3 TO E-ID MOVE "SALE" TO E-DEPT MOVE "CID" TO E-NAME
           WRITE E-REC
           MOVE 4 TO E-ID MOVE "DEV " TO E-DEPT MOVE "DAN" TO E-NAME
           WRITE E-REC
           MOVE 5 TO E-ID MOVE "HR  " TO E-DEPT MOVE "EVE" TO E-NAME
           WRITE E-REC
           CLOSE EMP
           OPEN INPUT EMP
           MOVE "SALE" TO E-DEPT
           READ EMP KEY IS E-DEPT
           DISPLAY "first SALE: " E-ID " " E-NAME
           MOVE "DEV " TO E-DEPT
           START EMP KEY IS = E-DEPT
           MOVE "N" TO DONE
           PERFORM UNTIL DONE = "Y"
              READ EMP NEXT
                 AT END MOVE "Y" TO DONE
                 NOT AT END DISPLAY E-DEPT " " E-ID " " E-NAME
              END-READ
           END-PERFORM
           MOVE 0 TO E-ID
           START EMP KEY IS > E-ID
           READ EMP NEXT
           DISPLAY "by primary again: " E-ID " " E-NAME
           CLOSE EMP
           STOP RUN.
