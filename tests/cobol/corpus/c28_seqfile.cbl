       IDENTIFICATION DIVISION.
       PROGRAM-ID. C28SEQ.
      * Record sequential file: OUTPUT, INPUT with AT END, EXTEND,
      * I-O with REWRITE; the file itself is compared.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT SEQ-FILE ASSIGN TO "seqdata.dat"
               ORGANIZATION IS SEQUENTIAL
               ACCESS MODE IS SEQUENTIAL
               FILE STATUS IS FS.
       DATA DIVISION.
       FILE SECTION.
       FD SEQ-FILE.
       01 SEQ-REC.
          05 S-ID    PIC 9(4).
          05 S-NAME  PIC X(10).
          05 S-AMT   PIC S9(5)V99 COMP-3.
       WORKING-STORAGE SECTION.
       01 FS     PIC XX.
       01 I      PIC 9(4).
       01 EOF-F  PIC X VALUE "N".
       01 TOTAL  PIC S9(7)V99 VALUE 0.
       PROCEDURE DIVISION.
           OPEN OUTPUT SEQ-FILE
           DISPLAY "open output " FS
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 5
              MOVE SPACES TO SEQ-REC
              MOVE I TO S-ID
              STRING "NAME-" I DELIMITED BY SIZE INTO S-NAME
              COMPUTE S-AMT = I * 10.5 - 20
              WRITE SEQ-REC
           END-PERFORM
           CLOSE SEQ-FILE
           OPEN EXTEND SEQ-FILE
           MOVE 99 TO S-ID MOVE "EXTENDED" TO S-NAME MOVE 1 TO S-AMT
           WRITE SEQ-REC
           CLOSE SEQ-FILE
           OPEN I-O SEQ-FILE
           READ SEQ-FILE
           READ SEQ-FILE
           MOVE "CHANGED" TO S-NAME
           REWRITE SEQ-REC
           DISPLAY "rewrite " FS
           CLOSE SEQ-FILE
           OPEN INPUT SEQ-FILE
           PERFORM UNTIL EOF-F = "Y"
              READ SEQ-FILE
                 AT END MOVE "Y" TO EOF-F
                 NOT AT END
                    ADD S-AMT TO TOTAL
                    DISPLAY S-ID " " S-NAME " " S-AMT
              END-READ
           END-PERFORM
           DISPLAY "at end status " FS " total " TOTAL
           CLOSE SEQ-FILE
           STOP RUN.
