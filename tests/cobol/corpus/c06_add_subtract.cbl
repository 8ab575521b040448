       IDENTIFICATION DIVISION.
       PROGRAM-ID. C06ADDSUB.
      * ADD / SUBTRACT: TO, FROM, GIVING, ROUNDED, ON SIZE ERROR.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 A   PIC S9(3)V99 VALUE 10.25.
       01 B   PIC S9(3)V99 VALUE 3.50.
       01 C   PIC S9(3)V9.
       01 D   PIC 9(2) VALUE 95.
       01 E   PIC S9(5) VALUE 0.
       01 F   PIC S9(5) VALUE 100.
       PROCEDURE DIVISION.
           ADD A TO B
           DISPLAY "B=" B
           ADD A B GIVING C
           DISPLAY "C=" C
           ADD A B GIVING C ROUNDED
           DISPLAY "C rounded=" C
           ADD 10 TO D ON SIZE ERROR DISPLAY "size error D=" D
              NOT ON SIZE ERROR DISPLAY "no size error"
           END-ADD
           ADD 4 TO D ON SIZE ERROR DISPLAY "size error"
              NOT ON SIZE ERROR DISPLAY "ok D=" D
           END-ADD
           ADD 10 TO D
           DISPLAY "truncated D=" D
           SUBTRACT 1 2 3 FROM E F
           DISPLAY "E=" E " F=" F
           SUBTRACT A FROM F GIVING C
           DISPLAY "C=" C
           SUBTRACT 1000 FROM F GIVING C ROUNDED
              ON SIZE ERROR DISPLAY "size error C=" C
           END-SUBTRACT
           ADD 1 2 3 TO E F
           DISPLAY "E=" E " F=" F
           STOP RUN.
