"""fakees.deploy: service packages from COBOL programs to running regions.

`imtkmake` writes the mapping (`mapping`) and packs the `.car` (`car`);
`mfdepinst` installs a package and registers it with MFDS; `runner` runs a
deployed service inside a SEP; `demo` drives the report's whole flow.
"""
