"""Sequential durable counter calls over BINP into a deployed COBOL service, as ratios.

Subject: the report's CBLAPP01 (the seed's source when /work/shared/seed exists,
else the project's cobol/cblcount.cbl) deployed with imtkmake + mfdepinst into
ESSRV01 (one SEP) exactly as `fakees demo` does, then called over one BINP
connection, one call at a time; each call opens, reads, rewrites (durably) and
closes APPFILE01.

Peers, same run (from bench/bench_cobol.py): GnuCOBOL calling the same program
in-process in a loop (the issue's goal: ratio >= 1.0), and fakees' interpreter
calling it in-process (what the listener, the SEP hop and the MFDS lookup cost).

Usage: ``.venv/bin/python bench/bench_deployed.py [calls]`` (default 1000).
"""

from __future__ import annotations

import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

from bench_cobol import SEED, bench_service

from fakees.binp.client import BinpClient, outs
from fakees.deploy.demo import PROJECT_COUNTER, CounterProgram, Demo


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def counter() -> CounterProgram:
    if SEED.is_dir():
        return CounterProgram(SEED / "cblapp01.cbl", SEED / "initfile1.cbl", "APPFILE01")
    return PROJECT_COUNTER


def binp_rate(work: Path, calls: int) -> float:
    demo = Demo(work, free_port(), free_port(), counter(), seps=1)
    try:
        for _, step in demo.steps()[:-1]:  # everything but the demo's ten calls
            step()
        with BinpClient("127.0.0.1", demo.listener_port) as client:
            client.initialize(True)
            for _ in range(20):  # warm-up: SEP loads mapping and program
                client.call("srv01.CBLAPP01", outs("SSSL"))
            start = time.perf_counter()
            for _ in range(calls):
                last = client.call("srv01.CBLAPP01", outs("SSSL"))
            rate = calls / (time.perf_counter() - start)
        assert last[3] == 20 + calls - 1, last
        return rate
    finally:
        demo.stop()


def main(argv: list[str]) -> int:
    calls = int(argv[1]) if len(argv) > 1 else 1000
    if shutil.which("cobc") is None:
        print("bench_deployed: GnuCOBOL (cobc) is needed as the peer", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-deployed-") as tmp:
        (Path(tmp) / "region").mkdir()
        (Path(tmp) / "inproc").mkdir()
        binp = binp_rate(Path(tmp) / "region", calls)
        in_process, gnucobol = bench_service(Path(tmp) / "inproc", calls, rounds=3)
    name = counter().service.name
    print(f"{name} over BINP into ESSRV01 (1 SEP), sequential, durable: {binp:.0f} calls/s")
    print(f"  peer GnuCOBOL in-process: {gnucobol:.0f} calls/s -> ratio {binp / gnucobol:.2f}")
    print(f"  peer fakees in-process:   {in_process:.0f} calls/s -> ratio {binp / in_process:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
