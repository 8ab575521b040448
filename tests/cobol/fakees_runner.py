"""Run a program under fakees in-process, with its own working directory and streams."""

from __future__ import annotations

import io
import os
from pathlib import Path

from hypothesis import HealthCheck, Phase

from fakees.cobol.gnt import compile_source
from fakees.cobol.runtime import ProgramInstance, RunUnit, run_main
from tests.cobol.gnucobol import Outcome, build, run_gnucobol

# hypothesis settings for generated programs: no shrinking, since every step would be a
# cobc build; a failing program is reported whole instead. Under CI (a fresh clone, no
# example database) the draws are derandomized, so a landing is judged on the same
# programs each time; a developer's run explores new ones and keeps what fails.
GENERATED_PROGRAMS = {
    "deadline": None,
    "derandomize": os.environ.get("CI") == "true",
    "phases": [Phase.explicit, Phase.reuse, Phase.generate],
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


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


def assert_same_output(work: Path, name: str, text: str) -> None:
    """Write a generated program, run it under GnuCOBOL and fakees, compare line by line."""
    source = work / f"{name}.cbl"
    source.write_text(text)
    assert all(len(line) <= 72 for line in text.splitlines())
    expected = run_gnucobol(build(source), work)
    got = run_fakees(source, work)
    got_lines = got.stdout.decode("latin-1").splitlines()
    expected_lines = expected.stdout.decode("latin-1").splitlines()
    differ = [(g, e) for g, e in zip(got_lines, expected_lines, strict=False) if g != e]
    assert not differ and len(got_lines) == len(expected_lines), (source, differ[:5])
