       IDENTIFICATION DIVISION.
       PROGRAM-ID. C36LIBC.
      * CALL of C library routines: gethostname BY VALUE length, as
      * the report's CBLAPP01 does; the host name is compared with
      * the environment's HOSTNAME-free way: just its shape.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 HOST  PIC X(64) VALUE LOW-VALUES.
       01 RC    PIC S9(9) COMP-5.
       01 N     PIC 99 VALUE 0.
       PROCEDURE DIVISION.
           CALL "gethostname" USING HOST BY VALUE 64
              RETURNING RC
           DISPLAY "rc " RC
           INSPECT HOST TALLYING N FOR CHARACTERS BEFORE INITIAL X"00"
           IF N > 0 DISPLAY "host name has characters" END-IF
           CALL "getpid" RETURNING RC
           IF RC > 0 DISPLAY "pid positive" END-IF
           STOP RUN.
