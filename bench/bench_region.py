"""Region speed and size: casstart to Started, casstop to no process left, idle RSS.

Peers measured in the same run: the start-up of a bare Python interpreter
(`python -c pass`, what every region process pays at least once) and the RSS
of a bare idle interpreter times the region's process count (6 with 2 SEPs).

    .venv/bin/python bench/bench_region.py [--cycles N]
"""

from __future__ import annotations

import argparse
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
from fakees.mfds.repository import LOCK_FILE
from fakees.ports import free_port
from fakees.region.console import RegionFiles
from fakees.region.processes import region_processes


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cobdir = install(Path(tmp) / "cobdir", casroot=str(Path(tmp) / "casroot"))
        env = dict(os.environ, COBDIR=str(cobdir.root), CCITCP2_PORT=str(free_port()),
                   MFDS_BIND="127.0.0.1", PATH=f"{cobdir.bin}:{os.environ['PATH']}")
        subprocess.run([str(cobdir.bin / "mfds")], env=env, check=True, capture_output=True)
        mfds_pid = int((cobdir.repository / LOCK_FILE).read_text())
        try:
            MfdsClient("127.0.0.1", int(env["CCITCP2_PORT"])).add_server(
                "BENCH", seps=2, listener_endpoint=f"tcp:127.0.0.1:{free_port()}")
            files = RegionFiles(cobdir.casroot(), "BENCH")
            starts, stops, rss = [], [], []
            for _ in range(args.cycles):
                starts.append(timed([str(cobdir.bin / "casstart"), "/rBENCH"], env))
                time.sleep(1.0)  # idle
                pids = [p.pid for p in region_processes(files)]
                assert len(pids) == 6, pids
                rss.append(sum(rss_kb(p) for p in pids) / 1024)
                stops.append(timed([str(cobdir.bin / "casstop"), "/rBENCH", "/w"], env))
                assert not region_processes(files)
            bare = [timed([sys.executable, "-c", "pass"], env) for _ in range(args.cycles)]
            idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
            time.sleep(0.5)
            bare_rss = rss_kb(idle.pid) / 1024
            idle.kill()
            idle.wait()
        finally:
            os.kill(mfds_pid, signal.SIGTERM)
            while Path(f"/proc/{mfds_pid}").exists():  # let it finish before the rmtree
                time.sleep(0.05)
    start, stop, bare_start = (statistics.median(x) for x in (starts, stops, bare))
    size = statistics.median(rss)
    print(f"cycles: {args.cycles}; bare python start-up {bare_start * 1000:.0f} ms, "
          f"bare idle python {bare_rss:.1f} MB; load average {os.getloadavg()[0]:.1f}")
    print(f"casstart to Started:     {start * 1000:6.0f} ms median (min {min(starts) * 1000:.0f}, "
          f"max {max(starts) * 1000:.0f})  = {start / bare_start:4.1f}x a bare python start-up"
          f"  [goal < 1000 ms]")
    print(f"casstop /w to none left: {stop * 1000:6.0f} ms median (min {min(stops) * 1000:.0f}, "
          f"max {max(stops) * 1000:.0f})  = {stop / bare_start:4.1f}x a bare python start-up"
          f"  [goal < 1000 ms]")
    print(f"idle RSS, 6 processes:     {size:6.1f} MB  = {size / (6 * bare_rss):4.2f}x six bare "
          f"idle pythons  [goal < 150 MB]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
