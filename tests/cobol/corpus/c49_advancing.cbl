       IDENTIFICATION DIVISION.
       PROGRAM-ID. C49ADVANCE.
      * WRITE BEFORE/AFTER ADVANCING on a line sequential report,
      * EXIT PROGRAM in a main program (does nothing), then GOBACK.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT RPT ASSIGN TO "advance.txt"
               ORGANIZATION LINE SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
       FD RPT.
       01 RPT-LINE PIC X(20).
       WORKING-STORAGE SECTION.
       01 N PIC 9 VALUE 2.
       PROCEDURE DIVISION.
           OPEN OUTPUT RPT
           MOVE "TITLE" TO RPT-LINE
           WRITE RPT-LINE AFTER ADVANCING PAGE
           MOVE "first" TO RPT-LINE
           WRITE RPT-LINE AFTER ADVANCING 2 LINES
           MOVE "second" TO RPT-LINE
           WRITE RPT-LINE BEFORE ADVANCING N LINES
           MOVE "third" TO RPT-LINE
           WRITE RPT-LINE
           MOVE "fourth" TO RPT-LINE
           WRITE RPT-LINE AFTER 1
           CLOSE RPT
           EXIT PROGRAM.
           DISPLAY "still running after EXIT PROGRAM".
           GOBACK.
