"""Differential tests: every corpus program under GnuCOBOL and under fakees.

Compared: stdout, return code, the other files the run leaves behind byte for
byte (``snapshot``), and the records of every indexed file it leaves behind.
The indexed files' on-disk formats differ by design (Berkeley DB there, Micro
Focus-style here), so their records are compared instead: the same indexed
files by name on both sides (one on one side only fails), and in each the same
records, byte for byte, in primary key order, each side read by its own runtime
(``tests.cobol.indexed_records``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cobol.fakees_runner import run_fakees
from tests.cobol.gnucobol import build_all, have_cobc, run_gnucobol, snapshot
from tests.cobol.indexed_records import assert_same_indexed_files

CORPUS = Path(__file__).parent / "corpus"
SUBS = CORPUS / "sub"
PROGRAMS = sorted(CORPUS.glob("*.cbl"))
META = re.compile(r"^      \* FAKEES-(ENV|STDIN|MASK): ?(.*)$", re.M)

pytestmark = pytest.mark.skipif(not have_cobc(), reason="GnuCOBOL (cobc) is not installed")


def metadata(source: Path) -> tuple[dict[str, str], bytes, list[str]]:
    env: dict[str, str] = {}
    stdin = b""
    masks: list[str] = []
    for kind, value in META.findall(source.read_text()):
        if kind == "ENV":
            key, _, val = value.partition("=")
            env[key.strip()] = val.strip()
        elif kind == "STDIN":
            stdin += value.encode() + b"\n"
        else:
            masks.append(value)
    return env, stdin, masks


@pytest.fixture(scope="session")
def gnucobol_builds() -> dict[Path, Path | RuntimeError]:
    subs = sorted(SUBS.glob("*.cbl"))
    built = build_all(PROGRAMS)
    modules = build_all(subs, module=True)
    built.update(modules)
    return built


def _ok(built: Path | RuntimeError) -> Path:
    if isinstance(built, RuntimeError):
        raise built
    return built


def test_corpus_is_large_enough() -> None:
    assert len(PROGRAMS) >= 40


@pytest.mark.parametrize("source", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_same_as_gnucobol(source: Path, tmp_path: Path,
                          gnucobol_builds: dict[Path, Path | RuntimeError]) -> None:
    env, stdin, masks = metadata(source)
    built = {src: _ok(path) for src, path in gnucobol_builds.items()
             if src == source or src.parent == SUBS}
    module_dirs = tuple({built[s].parent for s in SUBS.glob("*.cbl")})
    gdir, fdir = tmp_path / "gnucobol", tmp_path / "fakees"
    gdir.mkdir()
    fdir.mkdir()
    expected = run_gnucobol(built[source], gdir, env, stdin, module_dirs)
    got = run_fakees(source, fdir, env, stdin, search_dirs=(SUBS,))
    exp_out, got_out = expected.stdout, got.stdout
    for mask in masks:
        exp_out = re.sub(mask.encode(), b"<masked>", exp_out)
        got_out = re.sub(mask.encode(), b"<masked>", got_out)
    assert got_out.decode("latin-1") == exp_out.decode("latin-1")
    assert got.code == expected.code
    assert snapshot(fdir) == snapshot(gdir)
    assert_same_indexed_files(fdir, gdir, tmp_path / "dump")
