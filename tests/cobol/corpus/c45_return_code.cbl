       IDENTIFICATION DIVISION.
       PROGRAM-ID. C45RC.
      * RETURN-CODE becomes the process exit status at STOP RUN.
       PROCEDURE DIVISION.
           DISPLAY "setting return code"
           MOVE 3 TO RETURN-CODE
           ADD 4 TO RETURN-CODE
           DISPLAY "rc " RETURN-CODE
           STOP RUN.
