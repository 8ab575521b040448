       IDENTIFICATION DIVISION.
       PROGRAM-ID. SUBEXIT.
      * EXIT PROGRAM as a paragraph's last statement: reached inside a
      * PERFORM, reached by falling through or by GO TO, and skipped
      * by EXIT PARAGRAPH (then control falls into the next paragraph).
       DATA DIVISION.
       LINKAGE SECTION.
       01 LK-N PIC 9(4).
       PROCEDURE DIVISION USING LK-N.
       MAIN-PARA.
           ADD 1 TO LK-N
           IF LK-N > 500 AND LK-N < 1000
              GO TO LEAVE-PARA
           END-IF
           IF LK-N < 100
              PERFORM LEAVE-PARA
           END-IF
           ADD 100 TO LK-N.
       LEAVE-PARA.
           IF LK-N > 1000 EXIT PARAGRAPH END-IF
           ADD 10 TO LK-N
           EXIT PROGRAM.
       NEVER-PARA.
           ADD 1000 TO LK-N.
