       IDENTIFICATION DIVISION.
       PROGRAM-ID. C01HELLO.
      * Literals, figurative constants, DISPLAY of several operands.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 WS-NAME PIC X(8) VALUE "FAKEES".
       01 WS-SP   PIC X(3) VALUE SPACES.
       01 WS-Z    PIC X(4) VALUE ZEROS.
       01 WS-ALL  PIC X(6) VALUE ALL "AB".
       01 WS-Q    PIC X(2) VALUE QUOTE.
       PROCEDURE DIVISION.
       MAIN-PARA.
           DISPLAY "Hello, " WS-NAME "!".
           DISPLAY "[" WS-SP "][" WS-Z "][" WS-ALL "][" WS-Q "]".
           DISPLAY 'single ''quoted'' literal'.
           DISPLAY "double ""quoted"" literal".
           DISPLAY 42 " " -7 " " 3.25.
           MOVE ALL "*" TO WS-NAME
           DISPLAY WS-NAME
           STOP RUN.
