       IDENTIFICATION DIVISION.
       PROGRAM-ID. C27INIT.
      * INITIALIZE: alphanumeric to spaces, numeric to zero, tables.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 REC.
          05 R-NAME   PIC X(5) VALUE "ABCDE".
          05 R-AMT    PIC S9(3)V99 VALUE -1.5.
          05 R-PACK   PIC 9(3) COMP-3 VALUE 12.
          05 R-ED     PIC ZZ9.99 VALUE "  1.00".
          05 R-TAB    OCCURS 3 TIMES.
             10 R-CODE PIC XX VALUE "ZZ".
             10 R-QTY  PIC 99 VALUE 9.
       01 ONE PIC X(4) VALUE "WXYZ".
       PROCEDURE DIVISION.
           DISPLAY "[" R-NAME "][" R-AMT "][" R-PACK "][" R-ED "]"
           DISPLAY "[" R-CODE (2) R-QTY (2) "]"
           INITIALIZE REC
           DISPLAY "[" R-NAME "][" R-AMT "][" R-PACK "][" R-ED "]"
           DISPLAY "[" R-CODE (2) R-QTY (2) "][" R-TAB (3) "]"
           INITIALIZE ONE
           DISPLAY "[" ONE "]"
           STOP RUN.
