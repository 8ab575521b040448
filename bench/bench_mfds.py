"""MFDS speed: `mfds` ready to answer, and an `mdump` round trip with 100 servers defined.

Each figure is printed as a ratio against a peer measured in the same run:
- `mfds` (command returns once mfds32 answers) vs a bare twisted.web server
  process started the same way (time until it listens);
- `mdump localhost SERVER` and `mdump localhost` (new process each, as a monitor
  script runs it) vs a new Python process doing one plain HTTP GET to the
  same daemon with http.client;
- the same round trip in-process (what mdump does after start-up: fetch the
  server, format the dump) vs one plain http.client GET of the same resource.

Run: .venv/bin/python bench/bench_mfds.py [--rounds N]
Everything binds 127.0.0.1 on free ports inside a temporary COBDIR.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fakees.cobdir import install
from fakees.mfds.client import MfdsClient
from fakees.mfds.mdump import format_server
from fakees.ports import free_port

BARE_TWISTED = """
import sys
from twisted.internet import reactor
from twisted.web import server, static
reactor.listenTCP(int(sys.argv[1]), server.Site(static.Data(b"{}", "application/json")),
                  interface="127.0.0.1")
reactor.callWhenRunning(lambda: print("ready", flush=True))
reactor.run()
"""

PLAIN_GET = """
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
c.request("GET", "/native/v1/mfds")
c.getresponse().read()
"""


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def mfds_ready(env: dict[str, str], bin_dir: Path) -> float:
    elapsed = timed([str(bin_dir / "mfds")], env)
    subprocess.run([str(bin_dir / "mfds"), "-s", "2", "SYSAD", "SYSAD"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return elapsed


def bare_twisted_ready() -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", BARE_TWISTED, str(free_port())],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    elapsed = time.perf_counter() - start
    proc.send_signal(signal.SIGTERM)
    proc.wait()
    proc.stdout.close()
    return elapsed


def in_process(port: int, rounds: int) -> tuple[list[float], list[float]]:
    client = MfdsClient("127.0.0.1", port)
    path = f"{client.regions}/SRV050"
    ours, plain = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        format_server(client.get_server("SRV050"))
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", path)
        conn.getresponse().read()
        conn.close()
        plain.append(time.perf_counter() - start)
    return ours, plain


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        cobdir = install(Path(tmp) / "cobdir", casroot=str(Path(tmp) / "casroot"))
        port = free_port()
        env = dict(os.environ, COBDIR=str(cobdir.root), CCITCP2_PORT=str(port),
                   MFDS_BIND="127.0.0.1", PATH=f"{cobdir.bin}:{os.environ['PATH']}")
        ready, bare = [], []
        for _ in range(rounds):
            ready.append(mfds_ready(env, cobdir.bin))
            bare.append(bare_twisted_ready())
        subprocess.run([str(cobdir.bin / "mfds")], env=env, check=True, stdout=subprocess.DEVNULL)
        try:
            client = MfdsClient("127.0.0.1", port)
            for n in range(1, 100):
                client.add_server(f"SRV{n:03d}", listener_endpoint=f"tcp:10.0.{n}.1:9003")
            assert len(client.list_servers()) == 100
            dump_one, dump_all, plain, bare_python = [], [], [], []
            mdump = str(cobdir.bin / "mdump")
            for _ in range(rounds * 2):
                dump_one.append(timed([mdump, "localhost", "SRV050"], env))
                dump_all.append(timed([mdump, "localhost"], env))
                plain.append(timed([sys.executable, "-c", PLAIN_GET, str(port)], env))
                bare_python.append(timed([sys.executable, "-c", "pass"], env))
            trip, plain_trip = in_process(port, rounds * 20)
        finally:
            subprocess.run([str(cobdir.bin / "mfds"), "-s", "2", "SYSAD", "SYSAD"], env=env,
                           stdout=subprocess.DEVNULL)
    print(f"mfds ready: {median_ms(ready):.0f} ms median of {rounds} "
          f"(bare twisted.web process ready: {median_ms(bare):.0f} ms) "
          f"ratio {statistics.median(ready) / statistics.median(bare):.2f}x; target < 500 ms")
    for label, samples in (("mdump localhost SRV050", dump_one), ("mdump localhost", dump_all)):
        print(f"{label}, 100 servers: {median_ms(samples):.1f} ms median of {len(samples)} "
              f"(new python process + one plain HTTP GET: {median_ms(plain):.1f} ms) "
              f"ratio {statistics.median(samples) / statistics.median(plain):.2f}x; "
              "target < 50 ms")
    print(f"for scale: `{sys.executable} -c pass` {median_ms(bare_python):.1f} ms median")
    print(f"mdump round trip in-process (fetch + format), 100 servers: {median_ms(trip):.2f} ms "
          f"median of {len(trip)} (plain http.client GET: {median_ms(plain_trip):.2f} ms) "
          f"ratio {statistics.median(trip) / statistics.median(plain_trip):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
