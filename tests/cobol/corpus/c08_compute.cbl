       IDENTIFICATION DIVISION.
       PROGRAM-ID. C08COMPUTE.
      * COMPUTE: precedence, parentheses, power, unary minus, ROUNDED.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 X   PIC S9(6)V9(4).
       01 Y   PIC S9(4) VALUE 7.
       01 Z   PIC S9(4) VALUE -3.
       01 R   PIC S9(3)V9.
       01 I   PIC S9(9).
       PROCEDURE DIVISION.
           COMPUTE X = 1 + 2 * 3
           DISPLAY X
           COMPUTE X = (1 + 2) * 3
           DISPLAY X
           COMPUTE X = Y / 2
           DISPLAY X
           COMPUTE X = 2 ** 10
           DISPLAY X
           COMPUTE X = - Y + Z * 2
           DISPLAY X
           COMPUTE X = 10 / 3
           DISPLAY X
           COMPUTE R ROUNDED = 10 / 3
           DISPLAY R
           COMPUTE R ROUNDED = 2 / 3
           DISPLAY R
           COMPUTE R = -2 / 3
           DISPLAY R
           COMPUTE R ROUNDED = -2 / 3
           DISPLAY R
           COMPUTE I = Y * Y * Y * Y * Y * Y * Y
           DISPLAY I
           COMPUTE X Y = 5
           DISPLAY X " " Y
           COMPUTE I = (Y + Z) * (Y - Z) / 2
           DISPLAY I
           COMPUTE R = 1000 ON SIZE ERROR DISPLAY "size error R=" R
           END-COMPUTE
           COMPUTE X = 1.5 ** 2
           DISPLAY X
           STOP RUN.
