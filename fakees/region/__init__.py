"""A region (an Enterprise Server "server") as process tree, lifecycle and console log.

`casstart /rNAME` spawns `cascd32 /rNAME`, the region's supervisor, which starts
`casmgr32`, `casjcp32`, `mfcs32 -n` (the communications server holding the
listeners) and N `cassi32` service execution processes (SEPs). Every process
is a `$COBDIR/bin` script so that `ps -f` shows what the report's scripts grep.
See README.md ("Regions") for the control protocol and the fault settings.
"""
