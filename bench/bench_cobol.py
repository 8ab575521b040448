"""COBOL interpreter speed, as ratios against GnuCOBOL measured in the same run.

1. CBLAPP01 (the report's counter service: open, read, rewrite, close of an
   indexed file, durable) called in-process in a loop: fakees' Python API
   (``load_program(...).call``) vs a GnuCOBOL driver that CALLs the same
   program (``cobc -m``) in a loop. Ratio = fakees calls/s / GnuCOBOL calls/s.
   Also: the interpreter's share of such a call, with the file calls stubbed out
   (best of the rounds), as a fraction of GnuCOBOL's whole call.
2. An arithmetic loop (PERFORM VARYING with COMPUTE, ADD, DIVIDE ... REMAINDER)
   run by ``cobrun``'s engine in-process vs the ``cobc -x`` executable.

Run: .venv/bin/python bench/bench_cobol.py [--calls N] [--loops N] [--rounds N]
Uses the seed's cblapp01.cbl when /work/shared/seed exists, else cobol/cblcount.cbl.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hostload import HostLoad

from fakees.cobol import load_program
from fakees.cobol.gnt import compile_source
from fakees.cobol.runtime import ProgramInstance, RunUnit, run_main
from fakees.isam import IndexedFile
from fakees.isam.status import SUCCESS

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seed" / "cobol"

DRIVER = """       IDENTIFICATION DIVISION.
       PROGRAM-ID. BENCHDRV.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 W-A PIC X(20).
       01 W-B PIC X(10).
       01 W-C PIC X(20).
       01 W-D PIC 9(10).
       PROCEDURE DIVISION.
           PERFORM {calls} TIMES
              CALL "{program}" USING W-A W-B W-C W-D
           END-PERFORM
           DISPLAY W-D
           STOP RUN.
"""

ARITH = """       IDENTIFICATION DIVISION.
       PROGRAM-ID. ARITH.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01 I      PIC 9(9) COMP.
       01 TOTAL  PIC S9(15)V99 COMP-3 VALUE 0.
       01 Q      PIC 9(9).
       01 R      PIC 9(4).
       01 X      PIC S9(7)V99.
       PROCEDURE DIVISION.
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > {loops}
              COMPUTE X = I * 3 / 7 + 1.25
              ADD X TO TOTAL
              DIVIDE I BY 13 GIVING Q REMAINDER R
              IF R = 0 SUBTRACT 1 FROM TOTAL END-IF
           END-PERFORM
           DISPLAY TOTAL
           STOP RUN.
"""


def cobc(args: list[str], cwd: Path) -> None:
    subprocess.run(["cobc", *args], cwd=cwd, check=True, capture_output=True)


def counter_program(work: Path) -> tuple[str, Path, Path, str]:
    """(program name, service source, initialiser source, file env name)."""
    if SEED.is_dir():
        shutil.copy(SEED / "cblapp01.cbl", work / "CBLAPP01.cbl")
        shutil.copy(SEED / "initfile1.cbl", work / "INITFILE1.cbl")
        return "CBLAPP01", work / "CBLAPP01.cbl", work / "INITFILE1.cbl", "APPFILE01"
    shutil.copy(REPO / "cobol" / "cblcount.cbl", work / "CBLCOUNT.cbl")
    shutil.copy(REPO / "cobol" / "initcnt.cbl", work / "INITCNT.cbl")
    return "CBLCOUNT", work / "CBLCOUNT.cbl", work / "INITCNT.cbl", "CNTFILE"


def run_quiet(source: Path, cwd: Path) -> None:
    unit = RunUnit(stdout=io.BytesIO(), cwd=str(cwd))
    run_main(ProgramInstance(compile_source(str(source)), unit))


def build_gnucobol(work: Path, gnu_dir: Path) -> tuple[str, Path, Path, str]:
    """The counter program built by GnuCOBOL in ``gnu_dir`` (``init`` and ``NAME.so``);
    returns what counter_program does."""
    program = counter_program(work)
    name, service, init, _ = program
    gnu_dir.mkdir()
    cobc(["-x", "-o", str(gnu_dir / "init"), str(init)], gnu_dir)
    cobc(["-m", "-o", str(gnu_dir / f"{name}.so"), str(service)], gnu_dir)
    return program


def bench_service(work: Path, calls: int, rounds: int) -> tuple[float, float]:
    """Median calls/s of each system over ``rounds`` alternating runs (fsync times swing)."""
    gnu_dir, fake_dir = work / "gnucobol", work / "fakees"
    name, service, init, env_name = build_gnucobol(work, gnu_dir)
    fake_dir.mkdir()
    (gnu_dir / "drv.cbl").write_text(DRIVER.format(calls=calls, program=name))
    cobc(["-x", "-o", str(gnu_dir / "drv"), "drv.cbl"], gnu_dir)
    rates: dict[str, list[float]] = {"gnucobol": [], "fakees": []}
    for _ in range(rounds):
        os.environ[env_name] = str(gnu_dir / env_name)
        subprocess.run([str(gnu_dir / "init")], cwd=gnu_dir, check=True, capture_output=True)
        env = dict(os.environ, COB_LIBRARY_PATH=str(gnu_dir))
        start = time.perf_counter()
        subprocess.run([str(gnu_dir / "drv")], cwd=gnu_dir, env=env, check=True,
                       capture_output=True)
        rates["gnucobol"].append(calls / (time.perf_counter() - start))
        os.environ[env_name] = str(fake_dir / env_name)
        run_quiet(init, fake_dir)
        prog = load_program(service, cwd=str(fake_dir))
        args = [bytearray(20), bytearray(10), bytearray(20), bytearray(10)]
        start = time.perf_counter()
        for _ in range(calls):
            prog.call(args)
        rates["fakees"].append(calls / (time.perf_counter() - start))
        assert int(args[3]) == calls - 1, args[3]
    return statistics.median(rates["fakees"]), statistics.median(rates["gnucobol"])


class _NoFile:
    """Stands in for the indexed file so that only the interpreter is timed."""

    def read(self, number: int, key: bytes, lock: bool | None = None) -> tuple[object, bytes]:
        return SUCCESS, b"      0000000001"

    def rewrite(self, record: bytes) -> object:
        return SUCCESS

    def close(self) -> object:
        return SUCCESS


def bench_interpreter_share(work: Path, calls: int, rounds: int) -> float:
    """Microseconds per call of the counter program with its file calls stubbed out: the
    best of ``rounds`` runs (no I/O, so the slower runs are other processes' doing)."""
    service = counter_program(work / "share")[1]
    real_open = IndexedFile.__dict__["open"]
    IndexedFile.open = classmethod(lambda cls, *a, **k: (_NoFile(), SUCCESS))
    try:
        prog = load_program(service, cwd=str(work))
        args = [bytearray(20), bytearray(10), bytearray(20), bytearray(10)]
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(calls):
                prog.call(args)
            times.append((time.perf_counter() - start) / calls * 1e6)
        return min(times)
    finally:
        IndexedFile.open = real_open


def bench_arith(work: Path, loops: int) -> tuple[float, float]:
    source = work / "ARITH.cbl"
    source.write_text(ARITH.format(loops=loops))
    cobc(["-x", "-o", str(work / "arith"), str(source)], work)
    start = time.perf_counter()
    gnu = subprocess.run([str(work / "arith")], cwd=work, check=True, capture_output=True)
    gnu_time = time.perf_counter() - start
    out = io.BytesIO()
    instance = ProgramInstance(compile_source(str(source)), RunUnit(stdout=out, cwd=str(work)))
    start = time.perf_counter()
    run_main(instance)
    fake_time = time.perf_counter() - start
    assert out.getvalue() == gnu.stdout, (out.getvalue(), gnu.stdout)
    return loops / fake_time, loops / gnu_time


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--loops", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    if shutil.which("cobc") is None:
        print("bench_cobol: GnuCOBOL (cobc) is needed as the peer", file=sys.stderr)
        return 2
    host = HostLoad()
    with tempfile.TemporaryDirectory(prefix="bench-cobol-") as tmp:
        work = Path(tmp)
        fake, gnu = bench_service(work, args.calls, args.rounds)
        print(f"counter service in-process, durable (median of {args.rounds}): "
              f"fakees {fake:,.0f} calls/s, "
              f"GnuCOBOL {gnu:,.0f} calls/s, ratio {fake / gnu:.2f}")
        (work / "share").mkdir()
        share = bench_interpreter_share(work, args.calls, args.rounds)
        print(f"interpreter share of one call (file calls stubbed, best of {args.rounds}): "
              f"{share:.1f} us, "
              f"{share / (1e6 / gnu):.2f} of GnuCOBOL's whole call")
        fake, gnu = bench_arith(work, args.loops)
        print(f"arithmetic loop: fakees {fake:,.0f} iterations/s, "
              f"GnuCOBOL {gnu:,.0f} iterations/s, ratio {fake / gnu:.3f}")
    print(host.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
