"""BINP echo calls over loopback, as a ratio against a plain Python socket echo.

Both servers run in their own process on 127.0.0.1 and answer request/response
with the same payload: the BINP listener (`python -m fakees.binp.server --echo`,
Twisted + construct codec + state machine) answers CALL echo.bench with one
INOUT String; the peer is a plain blocking-socket echo server (one thread per
connection, 4-byte length prefix).  Clients are blocking sockets, one
connection each, one call at a time; with C clients, C processes run at once.

    .venv/bin/python bench/bench_binp.py [--calls 5000] [--payload 64] [--clients 1,2,4,8]

Prints calls per second, p50/p99 latency, and BINP's throughput as a ratio of
the plain echo's (1.0 = as fast as the plain socket echo).
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from fakees.binp.client import BinpClient  # noqa: E402
from fakees.binp.events import ArgType, Argument, Direction  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- the peer: a plain Python socket echo ----------------------------------------------------


def recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def plain_server(port: int) -> None:
    def serve(conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with conn:
            try:
                while True:
                    (length,) = struct.unpack(">I", recv_exact(conn, 4))
                    conn.sendall(struct.pack(">I", length) + recv_exact(conn, length))
            except ConnectionError:
                return

    with socket.create_server(("127.0.0.1", port)) as listener:
        print("listening", flush=True)
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()


def plain_client(port: int, calls: int, payload: bytes) -> list[float]:
    latencies = []
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        message = struct.pack(">I", len(payload)) + payload
        for _ in range(calls):
            t0 = time.perf_counter()
            sock.sendall(message)
            (length,) = struct.unpack(">I", recv_exact(sock, 4))
            assert recv_exact(sock, length) == payload
            latencies.append(time.perf_counter() - t0)
    return latencies


def binp_client(port: int, calls: int, payload: bytes) -> list[float]:
    latencies = []
    text = payload.decode()
    args = [Argument(Direction.INOUT, ArgType.STRING, text)]
    with BinpClient("127.0.0.1", port) as client:
        for _ in range(calls):
            t0 = time.perf_counter()
            assert client.call("echo.bench", args) == [text]
            latencies.append(time.perf_counter() - t0)
    return latencies


# ---- running ----------------------------------------------------------------------------------


def start(argv: list[str]) -> subprocess.Popen:
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, cwd=REPO)
    proc.stdout.readline()  # both servers print one line once they listen
    return proc


def run(kind: str, port: int, clients: int, calls: int, payload: bytes) -> tuple[float, list]:
    """Aggregate calls/s and all latencies of `clients` client processes."""
    target = plain_client if kind == "plain" else binp_client
    with multiprocessing.Pool(clients) as pool:
        target(port, 50, payload)  # warm up the server
        t0 = time.perf_counter()
        results = pool.starmap(target, [(port, calls, payload)] * clients)
        elapsed = time.perf_counter() - t0
    latencies = [x for r in results for x in r]
    return len(latencies) / elapsed, latencies


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1e6 if len(values) > 1 else 0.0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=5000, help="calls per client")
    p.add_argument("--payload", type=int, default=64, help="payload bytes (ASCII)")
    p.add_argument("--clients", default="1,2,4,8", help="concurrent client counts")
    p.add_argument("--plain-server", type=int, help=argparse.SUPPRESS)
    opts = p.parse_args()
    if opts.plain_server:
        plain_server(opts.plain_server)
        return 0
    payload = b"x" * opts.payload
    binp_port, plain_port = free_port(), free_port()
    servers = [
        start([sys.executable, "-m", "fakees.binp.server", "--port", str(binp_port), "--echo",
               "--max-connections", "1000"]),
        start([sys.executable, __file__, "--plain-server", str(plain_port)]),
    ]  # fmt: skip
    try:
        print(f"echo request/response over loopback, payload {opts.payload} bytes, "
              f"{opts.calls} calls per client")  # fmt: skip
        print(f"{'clients':>7} {'server':>6} {'calls/s':>9} {'p50 us':>8} {'p99 us':>8}  ratio")
        for clients in (int(c) for c in opts.clients.split(",")):
            plain_rate, plain_lat = run("plain", plain_port, clients, opts.calls, payload)
            binp_rate, binp_lat = run("binp", binp_port, clients, opts.calls, payload)
            for name, rate, lat in (
                ("plain", plain_rate, plain_lat),
                ("BINP", binp_rate, binp_lat),
            ):
                ratio = f"{binp_rate / plain_rate:.2f}" if name == "BINP" else ""
                print(f"{clients:>7} {name:>6} {rate:>9.0f} {pct(lat, 50):>8.0f} "
                      f"{pct(lat, 99):>8.0f}  {ratio}")  # fmt: skip
    finally:
        for proc in servers:
            proc.kill()
            proc.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
