       IDENTIFICATION DIVISION.
       PROGRAM-ID. C46ACCEPT.
      * ACCEPT from standard input into alphanumeric and numeric.
      * FAKEES-STDIN: first line of input
      * FAKEES-STDIN: 123
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 LINE-IN PIC X(30).
       01 NUM     PIC 9(5).
       PROCEDURE DIVISION.
           ACCEPT LINE-IN
           ACCEPT NUM
           DISPLAY "[" LINE-IN "]"
           ADD 1 TO NUM
           DISPLAY NUM
           STOP RUN.
