       IDENTIFICATION DIVISION.
       PROGRAM-ID. C18LEVEL88.
      * Condition names: VALUE, VALUES list, THRU, SET TO TRUE.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 STATUS-CODE PIC XX VALUE "00".
          88 ST-OK          VALUE "00".
          88 ST-EOF         VALUE "10".
          88 ST-ERROR       VALUE "30" "35" "37".
       01 AGE PIC 999 VALUE 25.
          88 CHILD          VALUE 0 THRU 12.
          88 TEEN           VALUE 13 THRU 19.
          88 ADULT          VALUE 20 THRU 200.
       01 FLAG PIC X VALUE "N".
          88 FLAG-ON  VALUE "Y".
          88 FLAG-OFF VALUE "N".
       PROCEDURE DIVISION.
           IF ST-OK DISPLAY "ok" END-IF
           SET ST-EOF TO TRUE
           DISPLAY "status " STATUS-CODE
           IF ST-EOF AND NOT ST-OK DISPLAY "eof" END-IF
           MOVE "35" TO STATUS-CODE
           IF ST-ERROR DISPLAY "error class" END-IF
           IF ADULT DISPLAY "adult" END-IF
           MOVE 15 TO AGE
           EVALUATE TRUE
              WHEN CHILD DISPLAY "child"
              WHEN TEEN DISPLAY "teen"
              WHEN ADULT DISPLAY "adult"
           END-EVALUATE
           SET FLAG-ON TO TRUE
           IF FLAG-ON DISPLAY "flag " FLAG END-IF
           SET FLAG-OFF TO TRUE
           IF NOT FLAG-ON DISPLAY "flag " FLAG END-IF
           STOP RUN.
