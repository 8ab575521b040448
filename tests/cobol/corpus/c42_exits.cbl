       IDENTIFICATION DIVISION.
       PROGRAM-ID. C42EXITS.
      * EXIT PERFORM, EXIT PERFORM CYCLE, EXIT PARAGRAPH,
      * EXIT SECTION, CONTINUE.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 I PIC 99.
       PROCEDURE DIVISION.
       MAIN SECTION.
       M1.
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 10
              IF I = 2 EXIT PERFORM CYCLE END-IF
              IF I = 5 EXIT PERFORM END-IF
              DISPLAY "loop " I
           END-PERFORM
           PERFORM PARA-X
           PERFORM SEC-Y
           CONTINUE
           DISPLAY "done"
           STOP RUN.
       PARA-X.
           DISPLAY "in para-x"
           IF I = 5 EXIT PARAGRAPH END-IF
           DISPLAY "not shown".
       SEC-Y SECTION.
       Y1.
           DISPLAY "in sec-y".
           EXIT SECTION.
           DISPLAY "not shown".
       Y2.
           DISPLAY "not shown either".
