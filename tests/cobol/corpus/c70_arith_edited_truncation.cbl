       IDENTIFICATION DIVISION.
       PROGRAM-ID. C70ARITHED.
      * An arithmetic result into an edited item loses its high-order
      * digits before editing: a lost nonzero digit does not end a
      * floating string (it does for MOVE under GnuCOBOL, corpus c48).
      * A negative result truncated to zero is zero: no -, CR or DB.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 A  PIC S9(3)V99 VALUE -138.19.
       01 B  PIC S9(11)V9 VALUE 99627293088.7.
       01 D1 PIC --.99.
       01 D2 PIC $$$9.
       01 D3 PIC ++++9.
       01 D4 PIC ZZ9-.
       01 D5 PIC 9.99CR.
       01 D6 PIC +9.99.
       01 C  PIC S9V9(4) VALUE -0.0024.
       PROCEDURE DIVISION.
           ADD A B GIVING D1
           DISPLAY "[" D1 "]"
           COMPUTE D2 = 1009
           COMPUTE D3 ROUNDED = -150069.5
           DISPLAY "[" D2 "][" D3 "]"
           SUBTRACT 1000 FROM 0 GIVING D4
           DISPLAY "[" D4 "]"
           ADD 1000 TO A GIVING D1 D2
              ON SIZE ERROR DISPLAY "size error"
           END-ADD
           DISPLAY "[" D1 "][" D2 "]"
           COMPUTE D5 = C
           MULTIPLY C BY 1 GIVING D6
           DISPLAY "[" D5 "][" D6 "]"
           COMPUTE D5 ROUNDED = C * 2
           DIVIDE C BY 3 GIVING D6 ROUNDED
           DISPLAY "[" D5 "][" D6 "]"
           STOP RUN.
