       IDENTIFICATION DIVISION.
       PROGRAM-ID. C29LINESEQ.
      * LINE SEQUENTIAL files: trailing spaces trimmed, short lines
      * padded on READ, READ INTO, WRITE FROM; ASSIGN via dd_ name.
      * FAKEES-ENV: dd_RPTOUT=report.txt
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT RPT ASSIGN TO EXTERNAL RPTOUT
               ORGANIZATION IS LINE SEQUENTIAL
               FILE STATUS IS FS.
       DATA DIVISION.
       FILE SECTION.
       FD RPT.
       01 RPT-LINE PIC X(40).
       WORKING-STORAGE SECTION.
       01 FS      PIC XX.
       01 HEAD-LINE PIC X(40) VALUE "REPORT HEAD-LINE".
       01 BUF     PIC X(40).
       01 N       PIC 99 VALUE 0.
       PROCEDURE DIVISION.
           OPEN OUTPUT RPT
           WRITE RPT-LINE FROM HEAD-LINE
           MOVE "  indented line" TO RPT-LINE
           WRITE RPT-LINE
           MOVE SPACES TO RPT-LINE
           WRITE RPT-LINE
           MOVE "last" TO RPT-LINE
           WRITE RPT-LINE
           CLOSE RPT
           OPEN INPUT RPT
           PERFORM UNTIL FS = "10"
              READ RPT INTO BUF
                 AT END DISPLAY "eof"
                 NOT AT END ADD 1 TO N
                    DISPLAY N ": [" BUF "]"
              END-READ
           END-PERFORM
           CLOSE RPT
           STOP RUN.
