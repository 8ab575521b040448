"""`fakees demo`: the report's main job end to end, on loopback, without root.

It installs a COBDIR in a work folder, starts MFDS (port 86 when it can be
bound, else a free port), defines ESSRV01 with a listener on 127.0.0.1, and
then does what the report does by hand: compiles the counter service and its
file initialiser (the project's own `cobol/cblcount.cbl` and `cobol/initcnt.cbl`),
creates APPFILE01 in the package folder, runs `imtkmake -defmap`, edits the
mapping (directions "out", operation named CBLAPP01 so that the report's
client call `srv01.CBLAPP01` works unchanged), runs `imtkmake -generate` and
`mfdepinst`, starts the region and calls the service ten times over BINP.

By default it then stops the region and MFDS and exits (CI has no terminal);
`--keep` leaves everything running until Ctrl-C (or `fakees demo --stop DIR`
from another shell). The work folder stays, with the console log, for reading.
Every product step runs as the real command a user would type, each failure
stops the demo with the step's name and the command's own message.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fakees.cobdir import Cobdir, install
from fakees.ports import free_port

REGION = "ESSRV01"
SERVICE_CALL = "srv01.CBLAPP01"
CALLS = 10
COBOL_DIR = Path(__file__).resolve().parents[2] / "cobol"


@dataclass(frozen=True)
class CounterProgram:
    """A counter service like the report's CBLAPP01 and the initialiser of its file."""

    service: Path  # source; PROCEDURE DIVISION USING date-time, program, host, counter
    initialiser: Path  # source; creates the file with counter 0
    file_variable: str  # its ASSIGN TO EXTERNAL name


PROJECT_COUNTER = CounterProgram(COBOL_DIR / "cblcount.cbl", COBOL_DIR / "initcnt.cbl", "CNTFILE")


class DemoFailed(Exception):
    pass


class Demo:
    def __init__(self, work: Path, mfds_port: int, listener_port: int,
                 program: CounterProgram = PROJECT_COUNTER, seps: int = 2) -> None:
        self.work = work
        self.program = program
        self.seps = seps
        self.dd = {f"dd_{program.file_variable}": "APPFILE01"}
        self.cobdir = Cobdir(work / "cobdir")
        self.build = work / "build"
        self.package = self.cobdir.deploy / "srv01"
        self.mfds_port = mfds_port
        self.listener_port = listener_port
        self.env = dict(os.environ)
        self.env.update(COBDIR=str(self.cobdir.root), CCITCP2_PORT=str(mfds_port),
                        MFDS_BIND="127.0.0.1",
                        PATH=f"{self.cobdir.bin}:{os.environ.get('PATH', '')}")
        self.env.pop("COLUMNS", None)
        self.mfds_started = False
        self.region_started = False

    # ------------------------------------------------------------ helpers
    def run(self, folder: Path, *argv: str, extra_env: dict[str, str] | None = None,
            timeout: float = 120) -> str:
        """A product command from $COBDIR/bin in `folder`; DemoFailed with its own message."""
        command = [str(self.cobdir.bin / argv[0]), *argv[1:]]
        try:
            done = subprocess.run(command, cwd=folder, env={**self.env, **(extra_env or {})},
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise DemoFailed(f"`{' '.join(argv)}` did not finish within {timeout:g} s") from None
        if done.returncode != 0:
            raise DemoFailed(f"`{' '.join(argv)}` in {folder} exited {done.returncode}:\n"
                             f"{(done.stderr or done.stdout).strip()}")
        return done.stdout

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("install a COBDIR", self.install),
            ("start MFDS", self.start_mfds),
            (f"define {REGION} with a listener", self.define_server),
            ("compile the counter service and its file initialiser", self.compile),
            ("create APPFILE01 in the package folder", self.create_file),
            ("imtkmake -defmap, edit the mapping, imtkmake -generate", self.make_package),
            ("mfdepinst srv01.car", self.deploy),
            (f"casstart /r{REGION}", self.start_region),
            (f"call {SERVICE_CALL} {CALLS} times over BINP", self.call),
        ]

    # ------------------------------------------------------------ steps
    def install(self) -> str:
        casroot = self.work / "casroot"
        casroot.mkdir(parents=True, exist_ok=True)
        install(self.cobdir.root, casroot=str(casroot), port=self.mfds_port)
        (self.work / "demo.json").write_text(json.dumps(
            {"pid": os.getpid(), "cobdir": str(self.cobdir.root), "mfds_port": self.mfds_port,
             "listener_port": self.listener_port}))
        return f"COBDIR={self.cobdir.root}"

    def start_mfds(self) -> str:
        self.run(self.work, "mfds")
        self.mfds_started = True
        return f"MFDS on 127.0.0.1:{self.mfds_port}"

    def define_server(self) -> str:
        from fakees.mfds.client import MfdsClient, MfdsError

        endpoint = f"tcp:127.0.0.1:{self.listener_port}"
        try:  # the server's environment (dd_...) names the counter file APPFILE01
            MfdsClient("127.0.0.1", self.mfds_port).add_server(
                REGION, description="fakees demo", seps=self.seps, listener_endpoint=endpoint,
                env=self.dd)
        except MfdsError as exc:
            raise DemoFailed(str(exc)) from None
        [(name, value)] = self.dd.items()
        return f"{REGION}: listener {endpoint}, {self.seps} SEPs, {name}={value}"

    def compile(self) -> str:
        sources = (self.program.service, self.program.initialiser)
        missing = [str(source) for source in sources if not source.is_file()]
        if missing:
            raise DemoFailed(f"{', '.join(missing)} not found (the project's own COBOL "
                             "sources in cobol/; run the demo from a source checkout)")
        self.build.mkdir(parents=True, exist_ok=True)
        for source in sources:
            shutil.copy(source, self.build / source.name)
            self.run(self.build, "cob", "-u", source.name)
        return f"in {self.build}"

    def create_file(self) -> str:
        self.package.mkdir(parents=True, exist_ok=True)
        stem = self.program.initialiser.stem
        shutil.copy(self.build / f"{stem}.gnt", self.package)
        self.run(self.package, "cobrun", stem, extra_env=self.dd)
        (self.package / f"{stem}.gnt").unlink()
        return f"{self.package / 'APPFILE01'} (counter 0)"

    def make_package(self) -> str:
        from fakees.deploy import mapping as mp

        self.run(self.build, "imtkmake", "-defmap", f"src={self.program.service.name}",
                 "service=srv01", "type=ejb")
        xml = self.build / "srv01.xml"
        mapping = mp.load(xml)
        [op] = mapping.operations
        mapping = mapping.with_directions({p.name: "out" for p in op.parameters})
        renamed = mp.Operation(SERVICE_CALL.partition(".")[2], op.program,
                               mapping.operations[0].parameters)
        xml.write_text(mp.to_xml(mp.Mapping(mapping.service, mapping.type, mapping.source,
                                            (renamed,))))
        self.run(self.build, "imtkmake", "-generate", "service=srv01", "type=ejb")
        shutil.copy(self.build / "srv01.car", self.package)
        return f"operation {renamed.name} runs {op.program}; every parameter \"out\""

    def deploy(self) -> str:
        (self.cobdir.deploy / ".mfdeploy").write_text(
            f"MFDS=127.0.0.1\nMFES_SERVER={REGION}\nMFES_LISTENER=Web Services\n")
        self.run(self.package, "mfdepinst", "srv01.car")
        return (self.package / "deploy.txt").read_text().splitlines()[1]

    def start_region(self) -> str:
        self.region_started = True
        self.run(self.work, "casstart", f"/r{REGION}")
        return f"{REGION} Started"

    def call(self) -> str:
        from fakees.binp.cli import display
        from fakees.binp.client import BinpClient, BinpClientError, outs

        counters = []
        try:
            with BinpClient("127.0.0.1", self.listener_port) as client:
                client.initialize(True)
                for _ in range(CALLS):
                    values = client.call(SERVICE_CALL, outs("SSSL"))
                    print("    " + " ".join(display(v) for v in values), flush=True)
                    counters.append(values[3])
        except BinpClientError as exc:
            raise DemoFailed(str(exc)) from None
        if counters != list(range(CALLS)):
            raise DemoFailed(f"the counter went {counters}, expected 0 to {CALLS - 1}")
        return f"counter 0 to {CALLS - 1}"

    # ------------------------------------------------------------ stopping
    def stop(self) -> None:
        if self.region_started:
            try:
                self.run(self.work, "casstop", f"/r{REGION}", "/w", timeout=60)
            except DemoFailed as exc:
                print(f"demo: {exc}; forcing the stop", file=sys.stderr)
                self.run(self.work, "casstop", f"/r{REGION}", "/f", timeout=30)
            self.region_started = False
        if self.mfds_started:
            self.run(self.work, "mfds", "-s", "2", "SYSAD", "SYSAD", timeout=30)
            self.mfds_started = False

    def where_to_look(self) -> list[str]:
        return [
            f"admin pages:  http://127.0.0.1:{self.mfds_port}/",
            f"console log:  {self.cobdir.casroot() / REGION / 'console.log'}",
            f"package:      {self.package} (deploy.txt, APPFILE01)",
            f"environment:  . {self.cobdir.root / 'es_env'}   then e.g. "
            f"mdump 127.0.0.1 {REGION}",
            f"call again:   fakees call --port {self.listener_port} {SERVICE_CALL}",
        ]


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def wait_for_interrupt(announce: str) -> None:
    """Print ``announce``, then block until Ctrl-C or SIGTERM (what `fakees demo --stop` sends).

    Both signals are blocked from before the line is printed until sigwait takes one,
    so a signal sent as soon as the line is read stays pending: with a handler and
    signal.pause(), one arriving just before pause() ran the handler and pause() then
    waited for a second signal. Ctrl-C works even when the demo was started with
    SIGINT ignored (a script's background job), since the line promises it. A second
    signal is handled once they are unblocked: a KeyboardInterrupt, as during the steps.
    """
    stops = {signal.SIGINT, signal.SIGTERM}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.pthread_sigmask(signal.SIG_BLOCK, stops)
    try:
        print(announce, flush=True)
        signal.sigwait(stops)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)
    print()


def _is_demo(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return b"demo" in cmdline and state not in ("Z", "X")


def stop_kept(work: Path) -> int:
    """`fakees demo --stop DIR`: stop the region and MFDS of a demo left running by --keep."""
    try:
        state = json.loads((work / "demo.json").read_text())
    except (OSError, ValueError) as exc:
        print(f"fakees demo: {work} holds no demo ({exc})", file=sys.stderr)
        return 1
    pid = int(state.get("pid") or 0)
    if pid and _is_demo(pid):  # the kept demo stops itself cleanly on SIGTERM
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 90
        while _is_demo(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not _is_demo(pid):
            print(f"fakees demo: the demo in {work} (pid {pid}) stopped")
            return 0
    demo = Demo(work, int(state["mfds_port"]), int(state["listener_port"]))
    demo.region_started = demo.mfds_started = True
    try:
        demo.stop()
    except DemoFailed as exc:
        print(f"fakees demo: {exc}", file=sys.stderr)
        return 1
    print(f"fakees demo: stopped {REGION} and MFDS of {work}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fakees demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true",
                        help="leave the region and MFDS running until Ctrl-C")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="work folder (default: a new folder under the system temp dir)")
    parser.add_argument("--stop", type=Path, metavar="DIR", default=None,
                        help="stop a demo left running with --keep in DIR, and exit")
    parser.add_argument("--port", type=int, default=None,
                        help="MFDS port (default: 86 when it can be bound, else a free port)")
    args = parser.parse_args(argv)
    if args.port is not None and not 0 < args.port < 65536:
        parser.error(f"--port {args.port}: must be 1-65535")
    if args.stop is not None:
        return stop_kept(args.stop)
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="fakees-demo-"))).resolve()
    if args.workdir is not None and args.workdir.exists() and any(args.workdir.iterdir()):
        parser.error(f"--workdir {args.workdir} is not empty")
    work.mkdir(parents=True, exist_ok=True)
    mfds_port = args.port or free_port(preferred=86 if os.geteuid() == 0 else None)
    demo = Demo(work, mfds_port, free_port())
    started = time.monotonic()
    print(f"fakees demo in {work}")
    steps = demo.steps()
    try:
        for number, (title, step) in enumerate(steps, 1):
            print(f"[{number}/{len(steps)}] {title}", flush=True)
            print(f"    {step()}", flush=True)
        print(f"fakees demo: {CALLS} calls served in {time.monotonic() - started:.1f} s "
              "from nothing", flush=True)
        for line in demo.where_to_look():
            print(f"  {line}")
        if args.keep:
            wait_for_interrupt(f"running; stop with Ctrl-C or `fakees demo --stop {work}`")
    except DemoFailed as exc:
        print(f"fakees demo: step {number} ({title}) failed: {exc}", file=sys.stderr)
        demo.stop()
        return 1
    except KeyboardInterrupt:
        print("fakees demo: interrupted", file=sys.stderr)
        demo.stop()
        return 130
    demo.stop()
    print(f"fakees demo: stopped {REGION} and MFDS; logs stay in {work}")
    return 0
