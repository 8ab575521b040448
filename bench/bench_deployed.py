"""Sequential durable counter calls over BINP into a deployed COBOL service, as ratios.

Subject: the report's CBLAPP01 (the seed's source when /work/shared/seed exists,
else the project's cobol/cblcount.cbl) deployed with imtkmake + mfdepinst into
ESSRV01 (one SEP) exactly as `fakees demo` does, then called over one BINP
connection, one call at a time; each call opens, reads, rewrites (durably) and
closes APPFILE01.

Peers, same run (from bench/bench_cobol.py): GnuCOBOL calling the same program
in-process in a loop (the issue's goal: ratio >= 1.0), and fakees' interpreter
calling it in-process (what the listener, the SEP hop and the MFDS lookup cost).
A third peer puts GnuCOBOL behind a hop too: a plain blocking-socket server
process that calls the same program through libcob (ctypes) for each one-byte
request and answers with its four LINKAGE items; the bench process is its
client. It is the fairer yardstick for a call that crosses processes, and it
bounds the goal: the bare hop's cost to GnuCOBOL (behind the server minus
in-process) taken from GnuCOBOL's in-process call leaves the time a program may
take in-process if a call through any hop is to match GnuCOBOL in-process.

Where a call's time goes: the same connection also calls the region's built-in
`echo.echo` (the hop without the program), and for both services the CPU that
the client, mfcs32 and the SEP use per call is read from /proc (schedstat); wall time
beyond the summed CPU is waiting (flushes to disk, process wake-ups).

Usage: ``.venv/bin/python bench/bench_deployed.py [calls]`` (default 1000).
(``--serve-gnucobol PORT`` runs the third peer's server; the bench starts it.)
"""

from __future__ import annotations

import ctypes
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_cobol import SEED, bench_service, build_gnucobol
from hostload import HostLoad

from fakees.binp.client import BinpClient, outs
from fakees.binp.events import ArgType, Argument, Direction
from fakees.deploy.demo import PROJECT_COUNTER, CounterProgram, Demo
from fakees.ports import free_port

ROUNDS = 3


def counter() -> CounterProgram:
    if SEED.is_dir():
        return CounterProgram(SEED / "cblapp01.cbl", SEED / "initfile1.cbl", "APPFILE01")
    return PROJECT_COUNTER


def cpu_seconds(pid: int) -> float:
    """CPU time of a process, all its threads: /proc's schedstat counts nanoseconds, where
    user + system time in /proc/PID/stat counts clock ticks (10 ms: 10 us a call over 1000)."""
    return sum(int(Path(task, "schedstat").read_text().split()[0])
               for task in Path(f"/proc/{pid}/task").iterdir()) / 1e9


def region_pid(demo: Demo, program: str) -> int:
    """The pid of the demo region's mfcs32 or cassi32 (its path names the demo's COBDIR)."""
    found = subprocess.run(["pgrep", "-f", f"{demo.cobdir.bin / program} "],
                           capture_output=True, text=True, check=True).stdout.split()
    return int(found[0])


def timed(client: BinpClient, pids: list[int], function: str, args: list[Argument],
          calls: int) -> tuple[float, list[float]]:
    """Wall µs per call, and CPU µs per call of this client and of each pid."""
    before = [time.process_time(), *map(cpu_seconds, pids)]
    start = time.perf_counter()
    for _ in range(calls):
        client.call(function, args)
    wall = time.perf_counter() - start
    after = [time.process_time(), *map(cpu_seconds, pids)]
    return wall / calls * 1e6, [(b - a) / calls * 1e6 for a, b in zip(before, after, strict=True)]


def binp_rounds(work: Path, calls: int) -> dict[str, list[tuple[float, list[float]]]]:
    """ROUNDS alternating runs of CBLAPP01 and echo.echo over one connection into the region."""
    demo = Demo(work, free_port(), free_port(), counter(), seps=1)
    echo = [Argument(Direction.INOUT, ArgType.STRING, "x" * 64)]
    runs: dict[str, list[tuple[float, list[float]]]] = {"srv01.CBLAPP01": [], "echo.echo": []}
    try:
        for _, step in demo.steps()[:-1]:  # everything but the demo's ten calls
            step()
        pids = [region_pid(demo, "mfcs32"), region_pid(demo, "cassi32")]
        with BinpClient("127.0.0.1", demo.listener_port) as client:
            client.initialize(True)
            for _ in range(20):  # warm-up: SEP loads mapping and program
                client.call("srv01.CBLAPP01", outs("SSSL"))
            for _ in range(ROUNDS):
                runs["srv01.CBLAPP01"].append(
                    timed(client, pids, "srv01.CBLAPP01", outs("SSSL"), calls))
                runs["echo.echo"].append(timed(client, pids, "echo.echo", echo, calls))
            last = client.call("srv01.CBLAPP01", outs("SSSL"))
        assert last[3] == 20 + ROUNDS * calls, last
        return runs
    finally:
        demo.stop()


LINKAGE_SIZES = (20, 10, 20, 10)  # date-time, program, host, counter


def serve_gnucobol(port: int, program: str) -> None:
    """The third peer's server: one connection, one libcob call per request byte."""
    cob = ctypes.CDLL("libcob.so.4", mode=ctypes.RTLD_GLOBAL)
    cob.cob_init(0, None)
    cob.cob_resolve_cobol.restype = ctypes.c_void_p
    cob.cob_resolve_cobol.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
    entry = cob.cob_resolve_cobol(program.encode(), 0, 1)
    call = ctypes.CFUNCTYPE(ctypes.c_int, *[ctypes.c_void_p] * 4)(entry)
    items = [ctypes.create_string_buffer(n) for n in LINKAGE_SIZES]
    addresses = [ctypes.addressof(item) for item in items]
    with socket.create_server(("127.0.0.1", port)) as server:
        print("ready", flush=True)
        conn, _ = server.accept()
        with conn:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            while conn.recv(1):
                call(*addresses)
                conn.sendall(b"".join(item.raw for item in items))


def gnucobol_behind_socket(work: Path, calls: int) -> float:
    """Median calls/s of GnuCOBOL's program called through the plain socket server."""
    gnu_dir = work / "gnucobol"
    name, _, _, file_variable = build_gnucobol(work, gnu_dir)
    env = dict(os.environ, COB_LIBRARY_PATH=str(gnu_dir),
               **{file_variable: str(gnu_dir / file_variable)})
    subprocess.run([str(gnu_dir / "init")], cwd=gnu_dir, env=env, check=True,
                   capture_output=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve-gnucobol", str(port), name],
                              cwd=gnu_dir, env=env, stdout=subprocess.PIPE, text=True)
    reply_size = sum(LINKAGE_SIZES)
    rates = []
    try:
        assert server.stdout is not None and server.stdout.readline() == "ready\n"
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for round_no in range(ROUNDS + 1):  # the first round warms up
                start = time.perf_counter()
                for _ in range(calls):
                    sock.sendall(b"C")
                    reply = b""
                    while len(reply) < reply_size:
                        reply += sock.recv(reply_size - len(reply))
                if round_no:
                    rates.append(calls / (time.perf_counter() - start))
        assert int(reply[-10:]) == (ROUNDS + 1) * calls - 1, reply
    finally:
        server.kill()
        server.wait()
    return statistics.median(rates)


def median_run(runs: list[tuple[float, list[float]]]) -> tuple[float, list[float]]:
    wall = statistics.median(w for w, _ in runs)
    return wall, [statistics.median(r[1][i] for r in runs) for i in range(3)]


def main(argv: list[str]) -> int:
    if argv[1:2] == ["--serve-gnucobol"]:
        serve_gnucobol(int(argv[2]), argv[3])
        return 0
    calls = int(argv[1]) if len(argv) > 1 else 1000
    if shutil.which("cobc") is None:
        print("bench_deployed: GnuCOBOL (cobc) is needed as the peer", file=sys.stderr)
        return 2
    host = HostLoad()
    with tempfile.TemporaryDirectory(prefix="bench-deployed-") as tmp:
        (Path(tmp) / "region").mkdir()
        (Path(tmp) / "inproc").mkdir()
        (Path(tmp) / "socket").mkdir()
        runs = binp_rounds(Path(tmp) / "region", calls)
        in_process, gnucobol = bench_service(Path(tmp) / "inproc", calls, rounds=ROUNDS)
        behind_socket = gnucobol_behind_socket(Path(tmp) / "socket", calls)
    name = counter().service.name
    wall, _ = median_run(runs["srv01.CBLAPP01"])
    binp = 1e6 / wall
    print(f"{name} over BINP into ESSRV01 (1 SEP), sequential, durable: {binp:.0f} calls/s "
          f"(median of {ROUNDS} runs of {calls})")
    print(f"  peer GnuCOBOL in-process: {gnucobol:.0f} calls/s -> ratio {binp / gnucobol:.2f}")
    print(f"  peer fakees in-process:   {in_process:.0f} calls/s -> ratio {binp / in_process:.2f}")
    print(f"  peer GnuCOBOL behind a plain socket server (libcob, one hop): "
          f"{behind_socket:.0f} calls/s -> ratio {binp / behind_socket:.2f}")
    hop = 1e6 / behind_socket - 1e6 / gnucobol
    budget = 1e6 / gnucobol - hop
    print(f"  the goal's room: the bare hop costs GnuCOBOL {hop:.0f} µs a call (behind the socket "
          f"server it runs at {behind_socket / gnucobol:.2f} of in-process), so a call across a "
          f"process reaches ratio 1.0 only if its program takes under {budget:.0f} µs "
          f"in-process; fakees' takes {1e6 / in_process:.0f} µs")
    print("per call, µs (CPU from /proc; waiting = wall - client - mfcs32 - SEP):")
    print(f"  {'service':<15} {'wall':>6} {'client':>7} {'mfcs32':>7} {'SEP':>6} {'waiting':>8}")
    for function, function_runs in runs.items():
        wall, (client, mfcs, sep) = median_run(function_runs)
        print(f"  {function:<15} {wall:>6.0f} {client:>7.0f} {mfcs:>7.0f} {sep:>6.0f} "
              f"{wall - client - mfcs - sep:>8.0f}")
    print(f"  in-process fakees call of the program: {1e6 / in_process:.0f} µs wall")
    print(host.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
