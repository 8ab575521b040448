"""The administration page and an API status read, as ratios against a static twisted.web peer.

A real mfds32 (temporary COBDIR, 127.0.0.1) holds 100 servers. Measured over
one keep-alive HTTP connection each:
  - GET /             the server list page, rendered for 100 servers
  - GET .../SRV050    one server's status read through the JSON API
The peer is a separate twisted.web process serving the same bytes from
memory (`static.Data`), so the ratio is what rendering and routing cost on top
of Twisted's own HTTP handling. The page's render time alone (in-process, no
HTTP) is printed too.

    .venv/bin/python bench/bench_web.py [--requests 500]
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from fakees.cobdir import install  # noqa: E402
from fakees.mfds.client import MfdsClient  # noqa: E402
from fakees.mfds.repository import Server  # noqa: E402
from fakees.mfds.web import pages  # noqa: E402
from fakees.ports import free_port  # noqa: E402

PEER = """
import sys
from twisted.internet import reactor
from twisted.web import resource, server, static
root = resource.Resource()
root.putChild(b"", static.Data(open(sys.argv[2], "rb").read(), "text/html; charset=utf-8"))
root.putChild(b"status", static.Data(open(sys.argv[3], "rb").read(), "application/json"))
reactor.listenTCP(int(sys.argv[1]), server.Site(root), interface="127.0.0.1")
print("READY", flush=True)
reactor.run()
"""


def timed_gets(port: int, path: str, count: int) -> tuple[list[float], bytes]:
    """Milliseconds per GET on one keep-alive connection, after a short warm-up."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    body = b""
    for i in range(count + 20):
        start = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}: {body[:200]!r}")
        if i >= 20:
            times.append(elapsed)
    conn.close()
    return times, body


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(times):.2f} ms, p99 {p99:.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cobdir = install(Path(tmp) / "cobdir", casroot=str(Path(tmp) / "casroot"))
        port, peer_port = free_port(), free_port()
        env = {**os.environ, "COBDIR": str(cobdir.root), "CCITCP2_PORT": str(port),
               "MFDS_BIND": "127.0.0.1"}
        subprocess.run([str(cobdir.bin / "mfds")], env=env, check=True, capture_output=True)
        peer = None
        try:
            client = MfdsClient("127.0.0.1", port)
            client.import_servers([{"name": f"SRV{i:03d}", "description": f"server {i}",
                                    "listener_endpoint": f"tcp:10.0.0.{i % 250 + 1}:9003"}
                                   for i in range(1, 100)])
            status_path = f"/native/v1/regions/127.0.0.1/{port}/SRV050"
            page_times, page = timed_gets(port, "/", args.requests)
            api_times, status = timed_gets(port, status_path, args.requests)
            assert page.count(b"data-status-of=") == 100, "the page must list 100 servers"
            (Path(tmp) / "page.html").write_bytes(page)
            (Path(tmp) / "status.json").write_bytes(status)
            peer = subprocess.Popen([sys.executable, "-c", PEER, str(peer_port),
                                     str(Path(tmp) / "page.html"), str(Path(tmp) / "status.json")],
                                    stdout=subprocess.PIPE, text=True)
            assert peer.stdout is not None and peer.stdout.readline().strip() == "READY"
            peer_page, _ = timed_gets(peer_port, "/", args.requests)
            peer_api, _ = timed_gets(peer_port, "/status", args.requests)
        finally:
            if peer is not None:
                peer.kill()
                peer.wait()
            subprocess.run([str(cobdir.bin / "mfds"), "-s", "2", "SYSAD", "SYSAD"], env=env,
                           capture_output=True)
    servers = [Server(f"SRV{i:03d}", description=f"server {i}") for i in range(100)]
    context = pages.PageContext(mfds=f"127.0.0.1:{port}", port=port, csrf="0" * 64, user=None,
                                restricted=False)
    render = []
    for _ in range(50):
        start = time.perf_counter()
        pages.server_list(servers, context)
        render.append((time.perf_counter() - start) * 1000)
    ratio_page = statistics.median(page_times) / statistics.median(peer_page)
    ratio_api = statistics.median(api_times) / statistics.median(peer_api)
    print(f"server list page, 100 servers ({len(page)} bytes): {summary(page_times)}")
    print(f"  peer static twisted.web page, same bytes:        {summary(peer_page)}")
    print(f"  ratio {ratio_page:.2f}x (goal: under 20 ms)")
    print(f"  render only, in-process: {summary(render)}")
    print(f"API status read ({len(status)} bytes): {summary(api_times)}")
    print(f"  peer static twisted.web JSON, same bytes:  {summary(peer_api)}")
    print(f"  ratio {ratio_api:.2f}x (goal: under 5 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
