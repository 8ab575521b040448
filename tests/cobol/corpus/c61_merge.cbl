       IDENTIFICATION DIVISION.
       PROGRAM-ID. C61MERGE.
      * MERGE of two sorted files, equal keys taken from the first
      * file first, into an OUTPUT PROCEDURE.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT IN-A ASSIGN TO "merge-a.txt"
               ORGANIZATION LINE SEQUENTIAL.
           SELECT IN-B ASSIGN TO "merge-b.txt"
               ORGANIZATION LINE SEQUENTIAL.
           SELECT MRG ASSIGN TO "mergework".
       DATA DIVISION.
       FILE SECTION.
       FD IN-A.
       01 A-REC PIC X(6).
       FD IN-B.
       01 B-REC PIC X(6).
       SD MRG.
       01 M-REC.
          05 M-KEY  PIC 99.
          05 M-FROM PIC X(4).
       WORKING-STORAGE SECTION.
       01 DONE PIC X VALUE "N".
       PROCEDURE DIVISION.
       MAIN-LINE.
           OPEN OUTPUT IN-A IN-B
           MOVE "01A1" TO A-REC WRITE A-REC
           MOVE "03A3" TO A-REC WRITE A-REC
           MOVE "05A5" TO A-REC WRITE A-REC
           MOVE "02B2" TO B-REC WRITE B-REC
           MOVE "03B3" TO B-REC WRITE B-REC
           MOVE "09B9" TO B-REC WRITE B-REC
           CLOSE IN-A IN-B
           MERGE MRG ON ASCENDING KEY M-KEY
                 USING IN-A IN-B
                 OUTPUT PROCEDURE IS SHOW-MERGED
           STOP RUN.
       SHOW-MERGED.
           PERFORM UNTIL DONE = "Y"
              RETURN MRG AT END MOVE "Y" TO DONE
                 NOT AT END DISPLAY M-KEY " " M-FROM
              END-RETURN
           END-PERFORM.
