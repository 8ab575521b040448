       IDENTIFICATION DIVISION.
       PROGRAM-ID. C16ODO.
      * OCCURS DEPENDING ON with a count field.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 CNT   PIC 99 VALUE 3.
       01 LIST.
          05 ENTRY-X PIC X(3) OCCURS 1 TO 10 TIMES DEPENDING ON CNT.
       01 I     PIC 99.
       PROCEDURE DIVISION.
           MOVE "AAA" TO ENTRY-X (1)
           MOVE "BBB" TO ENTRY-X (2)
           MOVE "CCC" TO ENTRY-X (3)
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > CNT
              DISPLAY I ":" ENTRY-X (I)
           END-PERFORM
           MOVE 2 TO CNT
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > CNT
              DISPLAY I ":" ENTRY-X (I)
           END-PERFORM
           STOP RUN.
