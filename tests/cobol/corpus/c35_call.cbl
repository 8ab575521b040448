       IDENTIFICATION DIVISION.
       PROGRAM-ID. C35CALL.
      * CALL of another COBOL program: BY REFERENCE, BY CONTENT,
      * WORKING-STORAGE kept between calls, RETURN-CODE, CANCEL.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 ARG-A   PIC 9(4) VALUE 10.
       01 ARG-B   PIC X(8) VALUE "HELLO".
       01 PGM     PIC X(8) VALUE "SUBCOUNT".
       PROCEDURE DIVISION.
           CALL "SUBCOUNT" USING ARG-A BY CONTENT ARG-B
           DISPLAY "after 1: " ARG-A " " ARG-B " rc " RETURN-CODE
           CALL PGM USING BY REFERENCE ARG-A ARG-B
           DISPLAY "after 2: " ARG-A " " ARG-B " rc " RETURN-CODE
           CANCEL "SUBCOUNT"
           CALL "SUBCOUNT" USING ARG-A ARG-B
           DISPLAY "after cancel: " ARG-A " " ARG-B " rc " RETURN-CODE
           CALL "NO-SUCH-PROGRAM"
              ON EXCEPTION DISPLAY "missing program handled"
           END-CALL
           MOVE 0 TO RETURN-CODE
           STOP RUN.
