"""`fakees demo` from nothing to the tenth call, in seconds, as ratios against named peers.

Subject: `fakees demo --port FREE` in a fresh work folder, timed from launch to
the line that reports the tenth call (install, MFDS, server definition, two
compiles, APPFILE01, imtkmake twice, mfdepinst, casstart, ten BINP calls);
the clean stop afterwards is timed separately.

Peers, measured in the same run:
- `python -c pass`: one bare interpreter start (what any Python command costs);
- `cobc -m cblcount.cbl`: GnuCOBOL compiling the same counter program once
  (skipped when cobc is not installed).

Usage: ``.venv/bin/python bench/bench_demo.py [runs]`` (median of `runs`, default 3).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fakees.ports import free_port

REPO = Path(__file__).resolve().parent.parent


def demo_once() -> tuple[float, float]:
    """(seconds to the tenth call, seconds of the stop that follows)."""
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        work = Path(tmp) / "demo"
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "fakees.cli", "demo", "--workdir",
                                 str(work), "--port", str(free_port())],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert proc.stdout is not None
        tenth = None
        output = []
        for line in proc.stdout:
            output.append(line)
            if tenth is None and "counter 0 to 9" in line:
                tenth = time.perf_counter() - t0
        rc = proc.wait()
        total = time.perf_counter() - t0
        if rc != 0 or tenth is None:
            raise SystemExit(f"fakees demo failed (exit {rc}):\n{''.join(output)}")
        return tenth, total - tenth


def timed(argv: list[str], cwd: Path | None = None) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - t0


def main(argv: list[str]) -> int:
    runs = int(argv[1]) if len(argv) > 1 else 3
    demos, stops, starts, compiles = [], [], [], []
    cobc = shutil.which("cobc")
    for _ in range(runs):
        tenth, stop = demo_once()
        demos.append(tenth)
        stops.append(stop)
        starts.append(timed([sys.executable, "-c", "pass"]))
        if cobc:
            with tempfile.TemporaryDirectory(prefix="bench-cobc-") as tmp:
                shutil.copy(REPO / "cobol" / "cblcount.cbl", tmp)
                compiles.append(timed([cobc, "-m", "cblcount.cbl"], cwd=Path(tmp)))
    demo, start = statistics.median(demos), statistics.median(starts)
    print(f"fakees demo, launch to tenth call: {demo:.2f} s (median of {runs}); "
          f"clean stop after it: {statistics.median(stops):.2f} s")
    print(f"  peer python -c pass: {start * 1000:.0f} ms -> demo = {demo / start:.0f}x one bare "
          "interpreter start")
    if compiles:
        compile_ = statistics.median(compiles)
        print(f"  peer cobc -m cblcount.cbl: {compile_:.2f} s -> demo = {demo / compile_:.1f}x "
              "one GnuCOBOL compile of the same program")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
