       IDENTIFICATION DIVISION.
       PROGRAM-ID. C57BYVALUE.
      * CALL ... BY VALUE into a COBOL program, of an item and of a
      * literal, beside BY REFERENCE for the result (BY CONTENT: c65).
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 RESULT PIC S9(9) VALUE 0.
       01 N      PIC S9(9) COMP-5 VALUE 21.
       PROCEDURE DIVISION.
           CALL "BYVALUE" USING BY VALUE N BY REFERENCE RESULT
           DISPLAY "doubled " RESULT
           CALL "BYVALUE" USING BY VALUE 50 BY REFERENCE RESULT
           DISPLAY "doubled " RESULT
           STOP RUN.
