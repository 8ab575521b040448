       IDENTIFICATION DIVISION.
       PROGRAM-ID. C51DECL.
      * DECLARATIVES: USE AFTER ERROR PROCEDURE on a file and on an
      * open mode; AT END still goes to its phrase.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT MISSING-F ASSIGN TO "absent.dat"
               ORGANIZATION LINE SEQUENTIAL
               FILE STATUS FS1.
           SELECT OUT-F ASSIGN TO "present.dat"
               ORGANIZATION LINE SEQUENTIAL
               FILE STATUS FS2.
       DATA DIVISION.
       FILE SECTION.
       FD MISSING-F.
       01 M-REC PIC X(10).
       FD OUT-F.
       01 O-REC PIC X(10).
       WORKING-STORAGE SECTION.
       01 FS1 PIC XX.
       01 FS2 PIC XX.
       01 ERRORS PIC 9 VALUE 0.
       PROCEDURE DIVISION.
       DECLARATIVES.
       MISSING-ERROR SECTION.
           USE AFTER STANDARD ERROR PROCEDURE ON MISSING-F.
       ME-1.
           ADD 1 TO ERRORS
           DISPLAY "declarative for MISSING-F, status " FS1.
       INPUT-ERROR SECTION.
           USE AFTER ERROR PROCEDURE ON INPUT.
       IE-1.
           ADD 1 TO ERRORS
           DISPLAY "declarative for INPUT, status " FS2.
       END DECLARATIVES.
       MAIN SECTION.
       M-1.
           OPEN INPUT MISSING-F
           DISPLAY "after open, status " FS1
           OPEN OUTPUT OUT-F
           MOVE "LINE" TO O-REC
           WRITE O-REC
           CLOSE OUT-F
           OPEN INPUT OUT-F
           READ OUT-F
           READ OUT-F AT END DISPLAY "at end phrase"
           END-READ
           READ OUT-F
           CLOSE OUT-F
           DISPLAY "errors " ERRORS
           STOP RUN.
