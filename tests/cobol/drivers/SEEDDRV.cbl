       IDENTIFICATION DIVISION.
       PROGRAM-ID. SEEDDRV.
      * Calls the seed's CBLAPP01 three times the way a SEP would and
      * shows what comes back (the date and time only by shape).
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 LK-DATETIME PIC X(20).
       01 LK-PGMNAME  PIC X(10).
       01 LK-HOSTNAME PIC X(20).
       01 LK-COUNTER  PIC 9(10).
       01 N           PIC 99.
       PROCEDURE DIVISION.
           PERFORM 3 TIMES
              MOVE SPACES TO LK-DATETIME LK-PGMNAME
              MOVE LOW-VALUES TO LK-HOSTNAME
              CALL "CBLAPP01" USING LK-DATETIME LK-PGMNAME
                                    LK-HOSTNAME LK-COUNTER
              MOVE 0 TO N
              INSPECT LK-HOSTNAME TALLYING N
                 FOR CHARACTERS BEFORE INITIAL X"00"
              DISPLAY "[" LK-PGMNAME "] " LK-COUNTER " host "
                      LK-HOSTNAME(1:N)
              IF LK-DATETIME(3:1) = "/" AND LK-DATETIME(6:1) = "/"
                 AND LK-DATETIME(12:1) = ":" AND LK-DATETIME(18:1) = "."
                 AND LK-DATETIME(1:2) IS NUMERIC
                 DISPLAY "datetime shape ok"
              ELSE
                 DISPLAY "bad datetime [" LK-DATETIME "]"
              END-IF
           END-PERFORM
           STOP RUN.
