       IDENTIFICATION DIVISION.
       PROGRAM-ID. C63FAST.
      * Statement shapes fakees compiles to special closures (a
      * service's per-call path): MOVE between unsigned DISPLAY
      * integers, constants into fixed items, STRING of fixed pieces,
      * ADD and SUBTRACT in place on several usages; paragraphs that
      * end with EXIT PROGRAM or GOBACK (and SUBEXIT); EXIT PERFORM in
      * nested inline PERFORMs.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 N5    PIC 9(5) VALUE 12345.
       01 N3    PIC 9(3).
       01 N8    PIC 9(8).
       01 N5B   PIC 9(5).
       01 C5    PIC 9(5) COMP VALUE 99990.
       01 P7    PIC S9(5)V99 COMP-3 VALUE -1.50.
       01 S4    PIC S9(4) VALUE 9999.
       01 U2    PIC 99 VALUE 3.
       01 X6    PIC X(6).
       01 J6    PIC X(6) JUSTIFIED RIGHT.
       01 WD    PIC X(6) VALUE "251126".
       01 WT    PIC X(8) VALUE "15243398".
       01 OUT20 PIC X(20).
       01 OUT10 PIC X(10).
       01 OUT30 PIC X(30) VALUE ALL "*".
       01 N4    PIC 9(4).
       01 GRP.
          05 G1 PIC X(3).
          05 G2 PIC 9(3).
       PROCEDURE DIVISION.
       MAIN-PARA.
           MOVE N5 TO N3 N8 N5B
           DISPLAY N3 " " N8 " " N5B.
           MOVE 'AB' TO X6 J6
           DISPLAY "[" X6 "][" J6 "]"
           MOVE 'ABCDEFGHIJ' TO X6
           DISPLAY "[" X6 "]"
           MOVE 42 TO X6
           DISPLAY "[" X6 "]".
           MOVE SPACES TO X6
           MOVE ALL "ab" TO OUT10
           MOVE ZERO TO GRP
           DISPLAY "[" X6 "][" OUT10 "][" GRP "]".
           STRING WD(1:2) '/' WD(3:2) '/' WD(5:2) ' '
                  WT(1:2) ':' WT(3:2) ':' WT(5:2) '.' WT(7:2)
                  DELIMITED BY SIZE INTO OUT20
           DISPLAY OUT20
           STRING WD(1:2) WD(3:2) WD(5:2) WT DELIMITED BY SIZE
                  INTO OUT10
           DISPLAY OUT10
           STRING 'ABC' 'DEF' DELIMITED BY SIZE INTO OUT30
           DISPLAY OUT30.
           ADD 1 TO N5
           ADD 1 2 TO C5
           ADD 1.25 TO P7
           SUBTRACT 2 FROM U2
           SUBTRACT 1 FROM S4
           ADD N3 TO S4
           DISPLAY N5 " " C5 " " P7 " " U2 " " S4
           ADD 99999 TO N5
           SUBTRACT 3 FROM U2
           SUBTRACT P7 FROM P7
           DISPLAY N5 " " U2 " " P7
           PERFORM COUNT-PARA 3 TIMES
           DISPLAY N5.
           MOVE 0 TO N4
           PERFORM 3 TIMES
              PERFORM VARYING U2 FROM 1 BY 1 UNTIL U2 > 9
                 IF U2 = 4 EXIT PERFORM END-IF
                 ADD 1 TO N4
              END-PERFORM
              ADD 100 TO N4
           END-PERFORM
           DISPLAY "inner EXIT PERFORM " N4
           MOVE 0 TO N4
           PERFORM UNTIL N4 > 50
              PERFORM 2 TIMES
                 ADD 1 TO N4
              END-PERFORM
              IF N4 > 6 EXIT PERFORM END-IF
              ADD 1 TO N4
           END-PERFORM
           DISPLAY "outer EXIT PERFORM " N4
           MOVE 0 TO N4
           CALL "SUBEXIT" USING N4
           DISPLAY "SUBEXIT " N4
           MOVE 200 TO N4
           CALL "SUBEXIT" USING N4
           DISPLAY "SUBEXIT " N4
           MOVE 2000 TO N4
           CALL "SUBEXIT" USING N4
           DISPLAY "SUBEXIT " N4
           MOVE 600 TO N4
           CALL "SUBEXIT" USING N4
           DISPLAY "SUBEXIT " N4
           PERFORM ENDING-PARA
           PERFORM SKIP-PARA
           DISPLAY "still running".
           STOP RUN.
       COUNT-PARA.
           ADD 1 TO N5.
           MOVE N5 TO N3.
       ENDING-PARA.
           DISPLAY "EXIT PROGRAM in a main program does nothing".
           EXIT PROGRAM.
       SKIP-PARA.
           IF N5 > 0 EXIT PARAGRAPH END-IF
           GOBACK.
