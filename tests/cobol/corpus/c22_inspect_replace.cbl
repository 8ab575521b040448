       IDENTIFICATION DIVISION.
       PROGRAM-ID. C22INSPR.
      * INSPECT REPLACING (CHARACTERS, ALL, LEADING, FIRST) and
      * CONVERTING.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 T1  PIC X(12) VALUE "00012,300.50".
       01 T2  PIC X(10) VALUE "HELLO".
       01 T3  PIC X(10) VALUE "abcabcabc".
       01 T4  PIC X(10) VALUE "A-B-C-D".
       01 T5  PIC X(10) VALUE "XXXXXX".
       PROCEDURE DIVISION.
           INSPECT T1 REPLACING LEADING "0" BY " "
           DISPLAY "[" T1 "]"
           INSPECT T1 REPLACING ALL "," BY "."
           DISPLAY "[" T1 "]"
           INSPECT T2 CONVERTING "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                              TO "abcdefghijklmnopqrstuvwxyz"
           DISPLAY "[" T2 "]"
           INSPECT T3 REPLACING FIRST "abc" BY "XYZ"
           DISPLAY "[" T3 "]"
           INSPECT T4 REPLACING ALL "-" BY "+" AFTER INITIAL "B"
           DISPLAY "[" T4 "]"
           INSPECT T5 REPLACING CHARACTERS BY "o" BEFORE INITIAL " "
           DISPLAY "[" T5 "]"
           STOP RUN.
