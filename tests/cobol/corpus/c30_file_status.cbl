       IDENTIFICATION DIVISION.
       PROGRAM-ID. C30FSTAT.
      * FILE STATUS codes: 35 missing, 41 already open, 42 not open,
      * 10 end of file, 46 read after end, 48 write in INPUT mode.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT MISSING-F ASSIGN TO "no-such-file.dat"
               ORGANIZATION IS SEQUENTIAL
               FILE STATUS IS FS1.
           SELECT WORK-F ASSIGN TO "work.dat"
               ORGANIZATION IS SEQUENTIAL
               FILE STATUS IS FS2.
       DATA DIVISION.
       FILE SECTION.
       FD MISSING-F.
       01 M-REC PIC X(10).
       FD WORK-F.
       01 W-REC PIC X(10).
       WORKING-STORAGE SECTION.
       01 FS1 PIC XX.
       01 FS2 PIC XX.
       PROCEDURE DIVISION.
           OPEN INPUT MISSING-F
           DISPLAY "open missing: " FS1
           CLOSE MISSING-F
           DISPLAY "close unopened: " FS1
           OPEN OUTPUT WORK-F
           DISPLAY "open output: " FS2
           OPEN OUTPUT WORK-F
           DISPLAY "open again: " FS2
           MOVE "ONE" TO W-REC
           WRITE W-REC
           DISPLAY "write: " FS2
           CLOSE WORK-F
           OPEN INPUT WORK-F
           WRITE W-REC
           DISPLAY "write in input: " FS2
           READ WORK-F
           DISPLAY "read: " FS2 " " W-REC
           READ WORK-F
           DISPLAY "read at end: " FS2
           READ WORK-F
           DISPLAY "read after end: " FS2
           CLOSE WORK-F
           DISPLAY "close: " FS2
           READ WORK-F
           DISPLAY "read closed: " FS2
           STOP RUN.
