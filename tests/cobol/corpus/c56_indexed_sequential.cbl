       IDENTIFICATION DIVISION.
       PROGRAM-ID. C56IDXSEQACC.
      * Indexed ACCESS SEQUENTIAL (ascending WRITEs, plain READ goes
      * forward, out-of-order WRITE is status 21), LOCK MODE, and
      * READ PREVIOUS in a DYNAMIC file.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT SEQ-IDX ASSIGN TO "IDXSEQ"
               ORGANIZATION INDEXED
               ACCESS MODE SEQUENTIAL
               RECORD KEY SQ-KEY
               LOCK MODE IS EXCLUSIVE
               FILE STATUS FS.
           SELECT DYN-IDX ASSIGN TO "IDXSEQ"
               ORGANIZATION INDEXED
               ACCESS MODE DYNAMIC
               RECORD KEY DY-KEY
               FILE STATUS FS.
       DATA DIVISION.
       FILE SECTION.
       FD SEQ-IDX.
       01 SQ-REC.
          05 SQ-KEY  PIC X(3).
          05 SQ-DATA PIC X(5).
       FD DYN-IDX.
       01 DY-REC.
          05 DY-KEY  PIC X(3).
          05 DY-DATA PIC X(5).
       WORKING-STORAGE SECTION.
       01 FS   PIC XX.
       01 DONE PIC X.
       PROCEDURE DIVISION.
           OPEN OUTPUT SEQ-IDX
           MOVE "AAA" TO SQ-KEY MOVE "one" TO SQ-DATA WRITE SQ-REC
           MOVE "BBB" TO SQ-KEY MOVE "two" TO SQ-DATA WRITE SQ-REC
           MOVE "CCC" TO SQ-KEY MOVE "three" TO SQ-DATA WRITE SQ-REC
           MOVE "ABA" TO SQ-KEY
           WRITE SQ-REC INVALID KEY DISPLAY "out of order: " FS
           END-WRITE
           CLOSE SEQ-IDX
           OPEN INPUT SEQ-IDX
           MOVE "N" TO DONE
           PERFORM UNTIL DONE = "Y"
              READ SEQ-IDX AT END MOVE "Y" TO DONE
                 NOT AT END DISPLAY SQ-KEY " " SQ-DATA
              END-READ
           END-PERFORM
           CLOSE SEQ-IDX
           OPEN INPUT DYN-IDX
           MOVE HIGH-VALUES TO DY-KEY
           START DYN-IDX KEY IS < DY-KEY
           MOVE "N" TO DONE
           PERFORM UNTIL DONE = "Y"
              READ DYN-IDX PREVIOUS AT END MOVE "Y" TO DONE
                 NOT AT END DISPLAY "backwards " DY-KEY
              END-READ
           END-PERFORM
           CLOSE DYN-IDX
           STOP RUN.
