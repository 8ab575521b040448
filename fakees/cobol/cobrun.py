"""``cobrun prog``: run a main program (.gnt, or a source compiled on the fly)."""

from __future__ import annotations

import os
import sys

from fakees.cobol import CobolRuntimeError, CobolSyntaxError, GntError
from fakees.cobol.gnt import load_any
from fakees.cobol.runtime import ProgramInstance, RunUnit, run_main


def find(name: str) -> str | None:
    if os.path.isfile(name):
        return name
    dirs = [".", *[d for d in os.environ.get("COBPATH", "").split(":") if d]]
    for directory in dirs:
        for suffix in (".gnt", ".cbl", ".cob", ".CBL"):
            path = os.path.join(directory, name + suffix)
            if os.path.isfile(path):
                return path
    return None


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: cobrun program [arguments]", file=sys.stderr)
        return 2
    name = argv[0]
    path = find(name)
    if path is None:
        err = CobolRuntimeError(173, "", os.path.basename(name))
        print(err.render(), file=sys.stderr)
        return 255
    try:
        unit = RunUnit()
        unit.command_line = " ".join(argv[1:])
        instance = ProgramInstance(load_any(path), unit)
        return run_main(instance) & 0xFF
    except CobolSyntaxError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    except GntError as exc:
        print(f"cobrun: {exc}", file=sys.stderr)
        return 1
    except CobolRuntimeError as exc:
        sys.stdout.flush()
        print(exc.render(), file=sys.stderr)
        return 255
    except BrokenPipeError:
        # the reader of our output went away (cobrun prog | head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
