       IDENTIFICATION DIVISION.
       PROGRAM-ID. C66LEVEL49.
      * Level-49 items: VARCHAR-style length and text pairs under an
      * 01 and under a 05 group, in a table, moved and displayed.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 VC-NAME.
          49 VC-NAME-LEN  PIC S9(4) COMP-5 VALUE 0.
          49 VC-NAME-TEXT PIC X(20) VALUE SPACES.
       01 CUSTOMER.
          05 CUST-ID      PIC 9(4) VALUE 17.
          05 CUST-CITY.
             49 CITY-LEN  PIC S9(4) COMP VALUE 6.
             49 CITY-TEXT PIC X(12) VALUE "Zurich".
          05 CUST-TAGS OCCURS 3 TIMES.
             49 TAG-LEN   PIC 9(2).
             49 TAG-TEXT  PIC X(5).
       01 COPY-NAME.
          49 COPY-LEN     PIC S9(4) COMP-5.
          49 COPY-TEXT    PIC X(20).
       01 I PIC 9.
       PROCEDURE DIVISION.
           MOVE "Ada Lovelace" TO VC-NAME-TEXT
           MOVE 12 TO VC-NAME-LEN
           DISPLAY "[" VC-NAME-TEXT(1:VC-NAME-LEN) "] " VC-NAME-LEN
           DISPLAY "length of VC-NAME " LENGTH OF VC-NAME
           MOVE VC-NAME TO COPY-NAME
           DISPLAY "copy [" COPY-TEXT(1:COPY-LEN) "]"
           DISPLAY CUST-ID " " CITY-TEXT(1:CITY-LEN) " " CITY-LEN
           MOVE 3 TO TAG-LEN(1)
           MOVE "new" TO TAG-TEXT(1)
           MOVE 4 TO TAG-LEN(2)
           MOVE "gold" TO TAG-TEXT(2)
           MOVE 2 TO TAG-LEN(3)
           MOVE "eu" TO TAG-TEXT(3)
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 3
               DISPLAY "tag " I " " TAG-TEXT(I)(1:TAG-LEN(I))
           END-PERFORM
           DISPLAY "customer " CUSTOMER
           INITIALIZE VC-NAME
           DISPLAY "initialized " VC-NAME-LEN " [" VC-NAME-TEXT "]"
           STOP RUN.
