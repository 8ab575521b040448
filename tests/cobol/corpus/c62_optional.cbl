       IDENTIFICATION DIVISION.
       PROGRAM-ID. C62OPTIONAL.
      * SELECT OPTIONAL: INPUT of a missing file is 05 then end of
      * file; I-O and EXTEND create it with status 05.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT OPTIONAL F1 ASSIGN TO "opt1.dat" FILE STATUS FS.
           SELECT OPTIONAL F2 ASSIGN TO "opt2.dat" FILE STATUS FS.
           SELECT OPTIONAL F3 ASSIGN TO "opt3.dat" FILE STATUS FS
               ORGANIZATION LINE SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
       FD F1.
       01 R1 PIC X(4).
       FD F2.
       01 R2 PIC X(4).
       FD F3.
       01 R3 PIC X(4).
       WORKING-STORAGE SECTION.
       01 FS PIC XX.
       PROCEDURE DIVISION.
           OPEN INPUT F1 DISPLAY "input " FS
           READ F1 DISPLAY "read " FS
           CLOSE F1 DISPLAY "close " FS
           OPEN I-O F2 DISPLAY "i-o " FS
           CLOSE F2
           OPEN EXTEND F3 DISPLAY "extend " FS
           MOVE "X" TO R3 WRITE R3 DISPLAY "write " FS
           CLOSE F3
           STOP RUN.
