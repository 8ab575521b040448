       IDENTIFICATION DIVISION.
       PROGRAM-ID. C21INSPT.
      * INSPECT TALLYING: CHARACTERS, ALL, LEADING, BEFORE/AFTER.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 TXT  PIC X(20) VALUE "AABACADA  XYZ".
       01 N1   PIC 99 VALUE 0.
       01 N2   PIC 99 VALUE 0.
       01 N3   PIC 99 VALUE 0.
       01 N4   PIC 99 VALUE 0.
       01 NUMS PIC X(8) VALUE "00012300".
       PROCEDURE DIVISION.
           INSPECT TXT TALLYING N1 FOR ALL "A"
           DISPLAY "all A: " N1
           INSPECT TXT TALLYING N2 FOR LEADING "A"
           DISPLAY "leading A: " N2
           INSPECT TXT TALLYING N3 FOR CHARACTERS BEFORE INITIAL " "
           DISPLAY "before space: " N3
           INSPECT TXT TALLYING N4 FOR ALL "A" AFTER INITIAL "C"
           DISPLAY "A after C: " N4
           MOVE 0 TO N1 N2
           INSPECT NUMS TALLYING N1 FOR LEADING "0"
                                 N2 FOR ALL "0"
           DISPLAY "leading zeros " N1 " other zeros " N2
           MOVE 0 TO N1
           INSPECT TXT TALLYING N1 FOR ALL "A" "X"
           DISPLAY "A or X: " N1
           STOP RUN.
