       IDENTIFICATION DIVISION.
       PROGRAM-ID. SUBCOUNT.
      * Called by c35_call: counts its calls in WORKING-STORAGE.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 CALLS  PIC 9(3) VALUE 0.
       LINKAGE SECTION.
       01 LK-NUM  PIC 9(4).
       01 LK-TEXT PIC X(8).
       PROCEDURE DIVISION USING LK-NUM LK-TEXT.
           ADD 1 TO CALLS
           ADD 5 TO LK-NUM
           MOVE "CHANGED" TO LK-TEXT
           DISPLAY "sub called " CALLS " time(s)"
           MOVE CALLS TO RETURN-CODE
           GOBACK.
