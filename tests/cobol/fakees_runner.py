"""Run a program under fakees in-process, with its own working directory and streams."""

from __future__ import annotations

import io
import os
from pathlib import Path

from fakees.cobol.gnt import compile_source
from fakees.cobol.runtime import ProgramInstance, RunUnit, run_main
from tests.cobol.gnucobol import Outcome


def run_fakees(source: Path, cwd: Path, env: dict[str, str] | None = None, stdin: bytes = b"",
               search_dirs: tuple[Path, ...] = ()) -> Outcome:
    out = io.BytesIO()
    unit = RunUnit(stdout=out, stderr=io.BytesIO(), stdin=io.BytesIO(stdin), cwd=str(cwd))
    unit.search_dirs.extend(str(d) for d in search_dirs)
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        copy_dir = source.parent / "copy"
        prog = compile_source(str(source), copy_dirs=(str(copy_dir),))
        code = run_main(ProgramInstance(prog, unit))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Outcome(out.getvalue(), code & 0xFF, {})
