       IDENTIFICATION DIVISION.
       PROGRAM-ID. BYVALUE.
      * Called by c57_call_by_value: a BY VALUE binary parameter.
       DATA DIVISION.
       LINKAGE SECTION.
       01 LK-N   PIC S9(9) COMP-5.
       01 LK-OUT PIC S9(9).
       PROCEDURE DIVISION USING BY VALUE LK-N BY REFERENCE LK-OUT.
           COMPUTE LK-OUT = LK-N * 2
           GOBACK.
