       IDENTIFICATION DIVISION.
       PROGRAM-ID. C20UNSTR.
      * UNSTRING: DELIMITED BY [ALL] ... OR ..., COUNT, DELIMITER,
      * POINTER, TALLYING, OVERFLOW.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 SRC   PIC X(30) VALUE "ALPHA,BETA;;GAMMA DELTA".
       01 F1    PIC X(8).
       01 F2    PIC X(8).
       01 F3    PIC X(8).
       01 D1    PIC X.
       01 D2    PIC XX.
       01 C1    PIC 99.
       01 C2    PIC 99.
       01 TALLY-N PIC 99 VALUE 0.
       01 PTR   PIC 99 VALUE 1.
       01 NUM   PIC 9(4).
       PROCEDURE DIVISION.
           UNSTRING SRC DELIMITED BY "," OR ALL ";"
              INTO F1 DELIMITER IN D1 COUNT IN C1
                   F2 DELIMITER IN D2 COUNT IN C2
                   F3
              WITH POINTER PTR
              TALLYING IN TALLY-N
           END-UNSTRING
           DISPLAY "[" F1 "][" F2 "][" F3 "]"
           DISPLAY "[" D1 "][" D2 "] " C1 " " C2 " " PTR " " TALLY-N
           UNSTRING "12 34 56" DELIMITED BY ALL SPACE
              INTO F1 F2
              ON OVERFLOW DISPLAY "overflow [" F1 "][" F2 "]"
           END-UNSTRING
           UNSTRING "0042" INTO NUM
           ADD 1 TO NUM
           DISPLAY NUM
           STOP RUN.
