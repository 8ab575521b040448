       IDENTIFICATION DIVISION.
       PROGRAM-ID. C03MOVEN.
      * Numeric MOVE: decimal alignment, truncation, sign handling.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 U3     PIC 9(3).
       01 S5V2   PIC S9(5)V99.
       01 V3     PIC V999.
       01 U2V1   PIC 99V9.
       01 S3     PIC S999.
       01 SRC    PIC S9(6)V9(4) VALUE -123456.7891.
       01 ALN    PIC X(5) VALUE "00042".
       PROCEDURE DIVISION.
           MOVE 12345 TO U3
           DISPLAY U3
           MOVE -5 TO U3
           DISPLAY U3
           MOVE SRC TO S5V2
           DISPLAY S5V2
           MOVE SRC TO V3
           DISPLAY V3
           MOVE SRC TO U2V1
           DISPLAY U2V1
           MOVE 3.14159 TO S5V2
           DISPLAY S5V2
           MOVE -0.5 TO S3
           DISPLAY S3
           MOVE ALN TO U3
           DISPLAY U3
           MOVE ZERO TO S5V2
           DISPLAY S5V2
           MOVE S5V2 TO S3
           DISPLAY S3
           MOVE -999 TO S3
           ADD 1 TO S3
           DISPLAY S3
           STOP RUN.
