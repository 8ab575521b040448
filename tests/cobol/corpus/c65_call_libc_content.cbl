       IDENTIFICATION DIVISION.
       PROGRAM-ID. C65CONTENT.
      * CALL of C library routines BY CONTENT and BY REFERENCE, beside
      * BY VALUE: strlen of a null-terminated item and of a Z literal,
      * memset into an item BY REFERENCE (changed) and BY CONTENT (a
      * copy is changed, the item is not), toupper BY VALUE.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 CSTR.
          05 CTEXT PIC X(11) VALUE "hello world".
          05 FILLER PIC X VALUE LOW-VALUE.
       01 BUF   PIC X(8) VALUE "abcdefgh".
       01 BUF2  PIC X(8) VALUE "abcdefgh".
       01 LEN   PIC S9(9) COMP-5 VALUE 0.
       01 UPCH    PIC S9(9) COMP-5 VALUE 0.
       PROCEDURE DIVISION.
           CALL "strlen" USING BY CONTENT CSTR RETURNING LEN
           DISPLAY "strlen by content " LEN
           CALL "strlen" USING BY REFERENCE CSTR RETURNING LEN
           DISPLAY "strlen by reference " LEN
           CALL "strlen" USING BY CONTENT Z"four" RETURNING LEN
           DISPLAY "strlen of a Z literal " LEN
           MOVE "hi" TO CTEXT
           MOVE LOW-VALUE TO CTEXT(3:1)
           CALL "strlen" USING CSTR RETURNING LEN
           DISPLAY "strlen after a move " LEN
           CALL "memset" USING BY REFERENCE BUF BY VALUE 42 BY VALUE 3
           DISPLAY "memset by reference " BUF
           CALL "memset" USING BY CONTENT BUF2 BY VALUE 42 BY VALUE 3
           DISPLAY "memset by content " BUF2
           CALL "toupper" USING BY VALUE 97 RETURNING UPCH
           DISPLAY "toupper by value " UPCH
           MOVE 0 TO RETURN-CODE
           STOP RUN.
