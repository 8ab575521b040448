"""The report's own programs (seed cobol/initfile1.cbl and cblapp01.cbl) under both systems.

initfile1 creates the counter file; a driver calls CBLAPP01 three times per
run; two runs must show the counter continuing 0..5, the program name and the
host name, the same under GnuCOBOL and fakees.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from tests.cobol.fakees_runner import run_fakees
from tests.cobol.gnucobol import build, have_cobc, run_gnucobol

DRIVER = Path(__file__).parent / "drivers" / "SEEDDRV.cbl"


def expected_lines(start: int) -> list[str]:
    host = socket.gethostname()[:20]
    lines = []
    for counter in range(start, start + 3):
        lines += [f"[CBLAPP01  ] {counter:010d} host {host}", "datetime shape ok"]
    return lines


@pytest.fixture
def seed_sources(seed: Path, tmp_path: Path) -> Path:
    """The seed's programs under the names a CALL looks for (copied to the test's tmp dir)."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed / "cobol" / "cblapp01.cbl", src / "CBLAPP01.cbl")
    shutil.copy(seed / "cobol" / "initfile1.cbl", src / "INITFILE1.cbl")
    return src


def test_seed_programs_under_fakees(seed_sources: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    env = {"APPFILE01": str(run / "APPFILE01")}
    assert run_fakees(seed_sources / "INITFILE1.cbl", run, env).code == 0
    assert (run / "APPFILE01").exists() and (run / "APPFILE01.idx").exists()
    for start in (0, 3):
        out = run_fakees(DRIVER, run, env, search_dirs=(seed_sources,))
        assert out.code == 0
        assert out.stdout.decode().splitlines() == expected_lines(start)


@pytest.mark.skipif(not have_cobc(), reason="GnuCOBOL (cobc) is not installed")
def test_seed_programs_same_as_gnucobol(seed_sources: Path, tmp_path: Path) -> None:
    init = build(seed_sources / "INITFILE1.cbl")
    driver = build(DRIVER)
    module = build(seed_sources / "CBLAPP01.cbl", module=True)
    outputs = {}
    for system in ("gnucobol", "fakees"):
        run = tmp_path / system
        run.mkdir()
        env = {"APPFILE01": str(run / "APPFILE01")}
        if system == "gnucobol":
            assert run_gnucobol(init, run, env).code == 0
        else:
            assert run_fakees(seed_sources / "INITFILE1.cbl", run, env).code == 0
        lines = []
        for _ in range(2):
            if system == "gnucobol":
                out = run_gnucobol(driver, run, env, module_dirs=(module.parent,))
            else:
                out = run_fakees(DRIVER, run, env, search_dirs=(seed_sources,))
            assert out.code == 0
            lines += out.stdout.decode().splitlines()
        outputs[system] = lines
    assert outputs["fakees"] == outputs["gnucobol"]
    assert outputs["fakees"] == expected_lines(0) + expected_lines(3)
