          05 P-NAME  PIC X(8) VALUE "NOBODY".
          05 P-AGE   PIC 999 VALUE 30.
