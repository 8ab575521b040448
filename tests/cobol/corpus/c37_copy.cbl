       IDENTIFICATION DIVISION.
       PROGRAM-ID. C37COPY.
      * COPY from a copybook directory, and COPY ... REPLACING.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 PERSON.
           COPY PERSON.
       01 OTHER-PERSON.
           COPY PERSON REPLACING ==P-NAME== BY ==O-NAME==
                                 ==P-AGE== BY ==O-AGE==
                                 ==30== BY ==45==.
       PROCEDURE DIVISION.
           DISPLAY P-NAME " " P-AGE
           DISPLAY O-NAME " " O-AGE
           MOVE "SOMEONE" TO O-NAME
           DISPLAY OTHER-PERSON
           STOP RUN.
