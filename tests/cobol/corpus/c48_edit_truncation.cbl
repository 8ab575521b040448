       IDENTIFICATION DIVISION.
       PROGRAM-ID. C48EDTRUNC.
      * Editing when high-order digits are lost: floating insertion
      * ends at once (GnuCOBOL), zero suppression still applies.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 S  PIC 9(9) COMP-3.
       01 D1 PIC ZZZ9.
       01 D2 PIC ++++9.
       01 D3 PIC ----9.
       01 D4 PIC $$$$9.
       01 D5 PIC ***9.
       PROCEDURE DIVISION.
           MOVE 150269 TO S
           MOVE S TO D1 D2 D3 D4 D5
           DISPLAY "[" D1 "][" D2 "][" D3 "][" D4 "][" D5 "]"
           MOVE 150069 TO S
           MOVE S TO D1 D2 D3 D4 D5
           DISPLAY "[" D1 "][" D2 "][" D3 "][" D4 "][" D5 "]"
           MOVE 69 TO S
           MOVE S TO D1 D2 D3 D4 D5
           DISPLAY "[" D1 "][" D2 "][" D3 "][" D4 "][" D5 "]"
           STOP RUN.
