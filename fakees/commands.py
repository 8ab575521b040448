"""Dispatch for the product-named executables that `fakees install` puts in $COBDIR/bin.

Each executable is a two-line Python script calling `run(NAME, argv)`, so that
`ps -f` shows `$COBDIR/bin/NAME args` exactly as the product's scripts expect.
A command lives in the module named here and exposes `main(argv) -> int`;
until its module exists the command says so and exits non-zero.
"""

from __future__ import annotations

import importlib
import sys

# name -> (module with main(argv), issue that delivers it)
PRODUCT_COMMANDS: dict[str, tuple[str, int]] = {
    "mfds": ("fakees.mfds.cli", 2),
    "mfds32": ("fakees.mfds.daemon", 2),
    "mdump": ("fakees.mfds.mdump", 2),
    "casstart": ("fakees.region.casstart", 3),
    "casstop": ("fakees.region.casstop", 3),
    "cascd32": ("fakees.region.cascd", 3),
    "casmgr32": ("fakees.region.casmgr", 3),
    "cassi32": ("fakees.region.cassi", 3),
    "casjcp32": ("fakees.region.casjcp", 3),
    "mfcs32": ("fakees.region.mfcs", 3),
    "casperm": ("fakees.region.casperm", 3),
    "cob": ("fakees.cobol.cob", 4),
    "cobrun": ("fakees.cobol.cobrun", 4),
    "imtkmake": ("fakees.deploy.imtkmake", 6),
    "mfdepinst": ("fakees.deploy.mfdepinst", 6),
}


def load_main(module_name: str, label: str, issue: int):
    """Import a command's module, or return None when it is not delivered yet."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_name.startswith(exc.name):
            print(f"{label}: not available yet in fakees (see issue #{issue})", file=sys.stderr)
            return None
        raise
    return module.main


def run(name: str, argv: list[str] | None = None) -> int:
    module_name, issue = PRODUCT_COMMANDS[name]
    main = load_main(module_name, name, issue)
    if main is None:
        return 2
    return int(main(sys.argv[1:] if argv is None else argv) or 0)
