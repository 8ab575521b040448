       IDENTIFICATION DIVISION.
       PROGRAM-ID. C60SORT.
      * SORT: USING/GIVING files, and INPUT/OUTPUT PROCEDUREs with
      * RELEASE and RETURN; ascending and descending keys, numeric
      * and alphanumeric, stable for equal keys.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT RAW-FILE ASSIGN TO "sortin.txt"
               ORGANIZATION LINE SEQUENTIAL.
           SELECT SORTED-FILE ASSIGN TO "sortout.txt"
               ORGANIZATION LINE SEQUENTIAL.
           SELECT WORK-FILE ASSIGN TO "sortwork".
       DATA DIVISION.
       FILE SECTION.
       FD RAW-FILE.
       01 RAW-REC      PIC X(12).
       FD SORTED-FILE.
       01 SORTED-REC   PIC X(12).
       SD WORK-FILE.
       01 WORK-REC.
          05 W-DEPT    PIC X(3).
          05 W-AMOUNT  PIC S9(5).
          05 W-NAME    PIC X(4).
       WORKING-STORAGE SECTION.
       01 DONE PIC X.
       01 I    PIC 9.
       PROCEDURE DIVISION.
       MAIN-LINE.
           OPEN OUTPUT RAW-FILE
           MOVE "HR 00300ANN " TO RAW-REC WRITE RAW-REC
           MOVE "DEV00100BOB " TO RAW-REC WRITE RAW-REC
           MOVE "HR 00050CID " TO RAW-REC WRITE RAW-REC
           MOVE "DEV00100DAN " TO RAW-REC WRITE RAW-REC
           MOVE "OPS00700EVE " TO RAW-REC WRITE RAW-REC
           CLOSE RAW-FILE
           SORT WORK-FILE ON ASCENDING KEY W-DEPT
                          ON DESCENDING KEY W-AMOUNT
                USING RAW-FILE GIVING SORTED-FILE
           DISPLAY "sorted file written"
           SORT WORK-FILE ON DESCENDING KEY W-NAME
                INPUT PROCEDURE IS MAKE-RECORDS
                OUTPUT PROCEDURE IS SHOW-RECORDS THRU SHOW-EXIT
           STOP RUN.
       MAKE-RECORDS.
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 4
              MOVE "X" TO W-DEPT
              COMPUTE W-AMOUNT = I * -7
              MOVE "N" TO W-NAME
              MOVE I TO W-NAME(2:1)
              RELEASE WORK-REC
           END-PERFORM.
       SHOW-RECORDS.
           MOVE "N" TO DONE
           PERFORM UNTIL DONE = "Y"
              RETURN WORK-FILE
                 AT END MOVE "Y" TO DONE
                 NOT AT END DISPLAY W-NAME " " W-AMOUNT
              END-RETURN
           END-PERFORM.
       SHOW-EXIT.
           EXIT.
