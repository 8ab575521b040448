      * Fixed format details: sequence numbers, comment lines, a
      * literal continued on the next line, debug lines ignored.
000100 IDENTIFICATION DIVISION.                                         SEQ00001
000200 PROGRAM-ID. C39CONT.                                             SEQ00002
000300 DATA DIVISION.
000400 WORKING-STORAGE SECTION.
000500 01 LONG-TEXT PIC X(80) VALUE "THIS LITERAL IS CONTINUED ON THE NE
000600-    "XT LINE OF THE SOURCE".
000700 01 N         PIC 9 VALUE 1.
000800 PROCEDURE DIVISION.
000900*    a comment line with an asterisk in column seven
001000/    a page-eject comment line
001100     DISPLAY LONG-TEXT.
001200D    DISPLAY "debug line".
001300     DISPLAY "N=" N.                                              IGNORED!
001400     STOP RUN.
