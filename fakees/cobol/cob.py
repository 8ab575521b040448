"""``cob``: compile COBOL source to fakees' .gnt (``cob -u prog.cbl`` -> ``prog.gnt``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fakees.cobol import CobolSyntaxError, compile_file


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cob", description="compile COBOL to .gnt")
    parser.add_argument("-u", action="store_true", help="create a .gnt (the default)")
    parser.add_argument("-i", action="store_true", help="accepted for .int; writes a .gnt")
    parser.add_argument("-x", action="store_true", help="accepted; writes a .gnt")
    parser.add_argument("-o", dest="output", help="output file")
    parser.add_argument("-I", dest="copy_dirs", action="append", default=[],
                        help="copybook directory")
    parser.add_argument("-free", "--free", dest="free", action="store_true",
                        help="free source format")
    parser.add_argument("-C", dest="directives", action="append", default=[],
                        help="compiler directive (SOURCEFORMAT(FREE) is honoured)")
    parser.add_argument("sources", nargs="+")
    args = parser.parse_args(argv)
    free = args.free or any("FREE" in d.upper() for d in args.directives)
    if args.output and len(args.sources) > 1:
        print("cob: -o takes a single source", file=sys.stderr)
        return 2
    status = 0
    for source in args.sources:
        out = Path(args.output) if args.output else Path(Path(source).stem + ".gnt")
        try:
            compile_file(source, out, free=free, copy_dirs=tuple(args.copy_dirs))
        except CobolSyntaxError as exc:
            print(exc.render(), file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
