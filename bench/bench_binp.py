"""BINP echo calls over loopback, as a ratio against a plain Python socket echo.

Both servers run in their own process on 127.0.0.1 and answer request/response
with the same payload: the BINP listener (`python -m fakees.binp.server --echo`,
Twisted + BINP codec + state machine) answers CALL echo.bench with one
INOUT String; the peer is a plain blocking-socket echo server (one thread per
connection, 4-byte length prefix).  A third server, the same length-prefixed
echo on Twisted (Int32StringReceiver), shows how much of the gap is the reactor
and how much is BINP.  A fourth, "relay", passes each frame over a Unix socket to
an echo worker process and back: the four hand-offs of a region's call
(client -> mfcs32 -> SEP -> mfcs32 -> client) with nothing else: the peer of the
region rows that `--seps` adds.  Clients are blocking sockets, one connection each, one
call at a time; with C clients, C processes run at once.

    .venv/bin/python bench/bench_binp.py [--calls 5000] [--payload 64] [--clients 1,2,4,8]

Prints calls per second, p50/p99 latency, and each server's throughput as a
ratio of the plain echo's (1.0 = as fast as the plain socket echo).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
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
from fakees.ports import free_port  # noqa: E402

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
        echo_frames(conn)

    with socket.create_server(("127.0.0.1", port)) as listener:
        print("listening", flush=True)
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()


def echo_frames(conn: socket.socket, peer: socket.socket | None = None) -> None:
    """Answer each length-prefixed frame read from `conn`: echoed, or relayed through `peer`."""
    with conn:
        try:
            while True:
                (length,) = struct.unpack(">I", recv_exact(conn, 4))
                frame = struct.pack(">I", length) + recv_exact(conn, length)
                if peer is not None:
                    peer.sendall(frame)
                    (length,) = struct.unpack(">I", recv_exact(peer, 4))
                    frame = struct.pack(">I", length) + recv_exact(peer, length)
                conn.sendall(frame)
        except ConnectionError:
            return


def relay_server(port: int) -> None:
    """A region's shape with nothing in it: each connection's frames go over a Unix socket
    to an echo worker in another process and back (blocking sockets, thread per connection),
    so a call takes four hand-offs between processes as client -> mfcs32 -> SEP does."""
    name = f"fakees-bench-relay-{os.getpid()}"  # abstract Unix address "\0" + name
    address = "\0" + name
    worker = subprocess.Popen([sys.executable, __file__, "--serve", "worker", "--port", "0",
                               "--address", name], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    worker.stdout.readline()

    def relay(conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with socket.socket(socket.AF_UNIX) as peer:
            peer.connect(address)
            echo_frames(conn, peer)

    with socket.create_server(("127.0.0.1", port)) as listener:
        print("listening", flush=True)
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=relay, args=(conn,), daemon=True).start()


def worker_server(address: str) -> None:
    """The relay's echo worker on abstract Unix address `address`; it ends when the relay
    does (its stdin, a pipe, closes)."""
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind("\0" + address)
        listener.listen()
        print("listening", flush=True)
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=echo_frames, args=(conn,), daemon=True).start()


def twisted_server(port: int) -> None:
    """The same length-prefixed echo on Twisted: what the reactor alone costs, without BINP."""
    from twisted.internet import protocol, reactor
    from twisted.protocols.basic import Int32StringReceiver

    class Echo(Int32StringReceiver):
        def connectionMade(self) -> None:
            self.transport.setTcpNoDelay(True)

        def stringReceived(self, data: bytes) -> None:
            self.sendString(data)

    reactor.listenTCP(port, protocol.Factory.forProtocol(Echo), interface="127.0.0.1")
    print("listening", flush=True)
    reactor.run()


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


def binp_client(
    port: int, calls: int, payload: bytes, function: str = "echo.bench", sleep: str | None = None
) -> list[float]:
    latencies = []
    text = payload.decode()
    args = [Argument(Direction.INOUT, ArgType.STRING, text)]
    if sleep is not None:  # the region's echo.sleep: first IN argument = seconds
        args.insert(0, Argument(Direction.IN, ArgType.STRING, sleep))
    with BinpClient("127.0.0.1", port) as client:
        for _ in range(calls):
            t0 = time.perf_counter()
            assert client.call(function, args) == [text]
            latencies.append(time.perf_counter() - t0)
    return latencies


def region_rows(seps_list: list[int], calls: int, payload: bytes, relay_port: int) -> None:
    """A real region (mfcs32 + N cassi32 SEPs) under N clients: the built-in echo service,
    against the relay peer under as many clients, and echo.sleep with 10 ms of service
    time, against the ideal N calls per 10 ms (where more SEPs should mean more calls)."""
    import tempfile

    from fakees.deploy.demo import Demo

    print(f"\nregion ESSRV01, N SEPs under N clients, {calls} calls per client")
    print(f"{'SEPs':>7} {'service':>16} {'calls/s':>9} {'p50 us':>8} {'p99 us':>8}  ratio")
    for seps in seps_list:
        with tempfile.TemporaryDirectory() as work:
            demo = Demo(Path(work), free_port(), free_port(), seps=seps)
            try:
                for step in (demo.install, demo.start_mfds, demo.define_server, demo.start_region):
                    step()
                for name, function, sleep in (
                    ("echo.echo", "echo.echo", None),
                    ("echo.sleep 10ms", "echo.sleep", "0.01"),
                ):
                    job = (demo.listener_port, calls, payload, function, sleep)
                    with multiprocessing.Pool(seps) as pool:
                        binp_client(*job[:2], payload, function, sleep)  # warm up
                        t0 = time.perf_counter()
                        results = pool.starmap(binp_client, [job] * seps)
                        elapsed = time.perf_counter() - t0
                    lat = [x for r in results for x in r]
                    rate = len(lat) / elapsed
                    if sleep is None:
                        peer, peer_lat = run("relay", relay_port, seps, calls, payload)
                        print(f"{seps:>7} {'relay (peer)':>16} {peer:>9.0f} "
                              f"{pct(peer_lat, 50):>8.0f} {pct(peer_lat, 99):>8.0f}")
                        ratio = f"{rate / peer:.2f} of the relay"
                    else:
                        ratio = f"{rate / (seps / 0.01):.2f} of the ideal {seps / 0.01:.0f}/s"
                    print(f"{seps:>7} {name:>16} {rate:>9.0f} {pct(lat, 50):>8.0f} "
                          f"{pct(lat, 99):>8.0f}  {ratio}")  # fmt: skip
            finally:
                demo.stop()


# ---- running ----------------------------------------------------------------------------------


def start(argv: list[str]) -> subprocess.Popen:
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, cwd=REPO)
    proc.stdout.readline()  # every server prints one line once it listens
    return proc


def run(kind: str, port: int, clients: int, calls: int, payload: bytes) -> tuple[float, list]:
    """Aggregate calls/s and all latencies of `clients` client processes."""
    target = binp_client if kind == "BINP" else plain_client
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
    p.add_argument(
        "--seps", default="", help="also start a region with each of these SEP counts (1,2,4,8)"
    )
    p.add_argument("--serve", choices=["plain", "twisted", "relay", "worker"],
                   help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, help=argparse.SUPPRESS)
    p.add_argument("--address", help=argparse.SUPPRESS)
    opts = p.parse_args()
    if opts.serve == "worker":
        worker_server(opts.address)
        return 0
    if opts.serve:
        {"plain": plain_server, "twisted": twisted_server, "relay": relay_server}[opts.serve](
            opts.port)
        return 0
    payload = b"x" * opts.payload
    ports = {name: free_port() for name in ("plain", "relay", "twisted", "BINP")}
    servers = [
        start([sys.executable, __file__, "--serve", "plain", "--port", str(ports["plain"])]),
        start([sys.executable, __file__, "--serve", "relay", "--port", str(ports["relay"])]),
        start([sys.executable, __file__, "--serve", "twisted", "--port", str(ports["twisted"])]),
        start([sys.executable, "-m", "fakees.binp.server", "--port", str(ports["BINP"]),
               "--echo", "--max-connections", "1000"]),
    ]  # fmt: skip
    try:
        print(f"echo request/response over loopback, payload {opts.payload} bytes, "
              f"{opts.calls} calls per client")  # fmt: skip
        print(f"{'clients':>7} {'server':>7} {'calls/s':>9} {'p50 us':>8} {'p99 us':>8}  "
              "ratio to plain")  # fmt: skip
        for clients in (int(c) for c in opts.clients.split(",")):
            rows = [(name, *run(name, port, clients, opts.calls, payload))
                    for name, port in ports.items()]  # fmt: skip
            plain_rate = rows[0][1]
            for name, rate, lat in rows:
                print(f"{clients:>7} {name:>7} {rate:>9.0f} {pct(lat, 50):>8.0f} "
                      f"{pct(lat, 99):>8.0f}  {rate / plain_rate:.2f}")  # fmt: skip
        if opts.seps:
            seps = [int(n) for n in opts.seps.split(",")]
            region_rows(seps, max(opts.calls // 10, 50), payload, ports["relay"])
    finally:
        for proc in servers:
            proc.kill()
            proc.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
