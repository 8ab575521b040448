       IDENTIFICATION DIVISION.
       PROGRAM-ID. C50SEARCHALL.
      * SEARCH ALL over an ascending table, and a PERFORM THRU whose
      * range is left and re-entered with GO TO.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 RATES-DATA.
          05 FILLER PIC X(7) VALUE "AUD0150".
          05 FILLER PIC X(7) VALUE "CHF0110".
          05 FILLER PIC X(7) VALUE "EUR0100".
          05 FILLER PIC X(7) VALUE "GBP0085".
          05 FILLER PIC X(7) VALUE "USD0108".
       01 RATES REDEFINES RATES-DATA.
          05 RATE OCCURS 5 TIMES ASCENDING KEY IS R-CUR
                 INDEXED BY RX.
             10 R-CUR  PIC XXX.
             10 R-VAL  PIC 99V99.
       01 WANT PIC XXX.
       01 STEPS PIC 99 VALUE 0.
       PROCEDURE DIVISION.
       MAIN-LINE.
           MOVE "GBP" TO WANT PERFORM FIND-RATE
           MOVE "AUD" TO WANT PERFORM FIND-RATE
           MOVE "XYZ" TO WANT PERFORM FIND-RATE
           PERFORM P-1 THRU P-3
           DISPLAY "steps " STEPS
           STOP RUN.
       FIND-RATE.
           SEARCH ALL RATE
              AT END DISPLAY WANT " not found"
              WHEN R-CUR (RX) = WANT
                 DISPLAY WANT " rate " R-VAL (RX)
           END-SEARCH.
       P-1.
           ADD 1 TO STEPS
           IF STEPS < 3 GO TO P-2.
           GO TO P-3.
       P-2.
           ADD 10 TO STEPS
           GO TO P-1.
       P-3.
           ADD 100 TO STEPS.
