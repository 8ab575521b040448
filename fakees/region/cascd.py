"""`cascd32 /rNAME`: the region's supervisor, parent of every other region process.

Started by casstart (which waits on the pipe named by FAKEES_READY_FD for "OK" or
"ERR reason"). It reads the server definition from MFDS, rotates the console
log, spawns casmgr32, casjcp32, mfcs32 and the SEPs through their `$COBDIR/bin`
scripts, and reports the region and listener states to MFDS. While the region
runs it restarts a SEP, casmgr32 or casjcp32 that dies (at most
`RESTART_LIMIT` times per `RESTART_WINDOW` seconds each) and logs it; mfcs32 is
not restarted: its listeners are reported Stopped, as in the product.

Control (casstop): SIGTERM = normal stop (mfcs32 stops listening and drains
its calls, then the others end), SIGUSR2 = immediate stop (everything is told
to end at once). `casstop /f` does not involve cascd32: it kills every pid in
`$CASROOT/NAME/processes`. Fault settings (server `faults`): `orphans_linger`
lets the children outlive a killed cascd32; `casstop_hangs` makes a normal
stop stay in Stopping forever (so only `casstop /f` ends the region);
`listener` (an object of `fakees.binp.faults.Faults` fields) is passed to
mfcs32 and puts every listener of the region in that fault mode. Like the
rest of the definition, fault settings are read at casstart.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from fakees.binp.faults import LISTENER_FAULT, Faults
from fakees.cobdir import Cobdir, write_atomically
from fakees.mfds.client import mfds_port
from fakees.region.child import (
    ENV_CASCD_PID,
    ENV_CASROOT,
    ENV_LINGER,
    ENV_LISTENERS,
    ENV_SEP_INDEX,
    STATUS_FD,
)
from fakees.region.console import ConsoleLog, RegionFiles
from fakees.region.flags import FlagError, parse_flags
from fakees.region.lifecycle import ChildLifecycle, ListenerLifecycle, RegionLifecycle

ENV_READY_FD = "FAKEES_READY_FD"
START_TIMEOUT = 20.0
STOP_GRACE = 10.0
RESTART_LIMIT = 5
RESTART_WINDOW = 60.0


class Reporter:
    """Sends status reports to MFDS in order, from a thread, so the reactor never blocks."""

    def __init__(self, region: str, console: ConsoleLog) -> None:
        from fakees.mfds.client import MfdsClient

        self.client = MfdsClient(host="127.0.0.1", port=mfds_port())
        self.region = region
        self.console = console
        self.queue: queue.Queue[Callable[[], Any] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="mfds-reporter", daemon=True)
        self.thread.start()

    def region_status(self, status: str, pid: int | None = None) -> None:
        self.queue.put(lambda: self.client.report_region(self.region, status, pid=pid))

    def listener_status(self, name: str, status: str, reason: str = "",
                        endpoint: str = "") -> None:
        self.queue.put(lambda: self.client.report_listener(
            self.region, name, status, reason=reason, actual_endpoint=endpoint))

    def calls(self, services: list[dict[str, Any]]) -> None:
        """Calls summed per service by mfcs32, for MFDS's metrics (fakees.mfds.web.metrics)."""
        self.queue.put(lambda: self.client.request("POST", "/native/v1/metrics/calls",
                                                   {"services": services}))

    def then(self, action: Callable[[], Any]) -> None:
        """Run `action` after the reports queued so far."""
        self.queue.put(action)

    def flush(self) -> None:
        """Block until every queued report was sent (or failed)."""
        self.queue.put(None)
        self.thread.join(timeout=10)

    def _run(self) -> None:
        from fakees.mfds.client import MfdsError

        while (report := self.queue.get()) is not None:
            try:
                report()
            except (MfdsError, OSError) as exc:
                print(f"cascd32: report to MFDS failed: {exc}", file=sys.stderr)


class Child:
    """One process of the region as cascd32 sees it (a ProcessProtocol once spawned)."""

    def __init__(self, supervisor: Supervisor, key: str, command: str, argv: list[str],
                 env: dict[str, str], restartable: bool) -> None:
        self.supervisor = supervisor
        self.key = key
        self.command = command
        self.argv = argv
        self.env = env
        self.restartable = restartable
        self.lifecycle = ChildLifecycle(key)
        self.pid: int | None = None
        self.restarts: list[float] = []
        self.transport: Any = None

    def spawn(self, reactor: Any) -> None:
        from twisted.internet.protocol import ProcessProtocol

        child = self

        class Protocol(ProcessProtocol):
            def __init__(self) -> None:
                self.buffer = b""

            def childDataReceived(self, fd: int, data: bytes) -> None:
                if fd != STATUS_FD:
                    child.supervisor.stderr(child, data)
                    return
                self.buffer += data
                *lines, self.buffer = self.buffer.split(b"\n")
                for line in lines:
                    try:
                        event = json.loads(line)
                    except ValueError:
                        continue
                    child.supervisor.child_event(child, event)

            def processEnded(self, reason: Any) -> None:
                child.supervisor.child_ended(child, reason.value)

        executable = str(self.supervisor.cobdir.bin / self.command)
        self.transport = reactor.spawnProcess(
            Protocol(), executable, [executable, *self.argv], env=self.env,
            childFDs={0: "w", 1: "r", 2: "r", STATUS_FD: "r"})
        self.pid = self.transport.pid

    def signal(self, signum: int) -> None:
        if self.lifecycle.state != "Ended" and self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)


def describe_end(reason: Any) -> str:
    signum = getattr(reason, "signal", None)
    if signum:
        return f"killed by {signal.Signals(signum).name}"
    return f"exit status {getattr(reason, 'exitCode', '?')}"


class Supervisor:
    def __init__(self, reactor: Any, cobdir: Cobdir, server: dict[str, Any],
                 files: RegionFiles, reporter: Reporter, ready_fd: int | None) -> None:
        self.reactor = reactor
        self.cobdir = cobdir
        self.server = server
        self.name = server["name"]
        self.files = files
        self.console = ConsoleLog(files)
        self.reporter = reporter
        self.ready_fd = ready_fd
        self.faults: dict[str, Any] = server.get("faults") or {}
        self.listener_faults = Faults()
        self.region = RegionLifecycle(self.name)
        self.listeners: dict[str, ListenerLifecycle] = {}
        self.children: dict[str, Child] = {}
        self.failure = ""
        self.start_timer: Any = None
        self.exit_code = 0
        self.region.observers.append(self._region_moved)

    # -- building the tree -------------------------------------------------------

    def child_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.pop(ENV_READY_FD, None)
        env.update({ENV_CASCD_PID: str(os.getpid()), ENV_CASROOT: str(self.files.casroot)})
        if self.faults.get("orphans_linger"):
            env[ENV_LINGER] = "1"
        env.update(extra or {})
        return env

    def plan(self) -> None:
        region_arg = f"/r{self.name}"
        faults = dataclasses.asdict(self.listener_faults)
        listeners = [{"name": listener["name"], "endpoint": listener["endpoint"], "faults": faults}
                     for comms in self.server.get("comms", []) for listener in comms["listeners"]]
        for listener in listeners:
            self.listeners[listener["name"]] = ListenerLifecycle(listener["name"])
        # mfcs32 first: it imports the most (Twisted, BINP) and is on the start's critical path.
        self._add("mfcs32", "mfcs32", ["-n", region_arg],
                  self.child_env({ENV_LISTENERS: json.dumps(listeners)}), False)
        self._add("casmgr32", "casmgr32", [region_arg], self.child_env(), True)
        self._add("casjcp32", "casjcp32", [region_arg], self.child_env(), True)
        sep_env = {str(k): str(v) for k, v in (self.server.get("env") or {}).items()}
        for index in range(1, int(self.server.get("seps") or 2) + 1):
            self._add(f"cassi32#{index}", "cassi32", [region_arg],
                      self.child_env({**sep_env, ENV_SEP_INDEX: str(index)}), True)

    def _add(self, key: str, command: str, argv: list[str], env: dict[str, str],
             restartable: bool) -> None:
        self.children[key] = Child(self, key, command, argv, env, restartable)

    # -- start ---------------------------------------------------------------------

    def start(self) -> None:
        self.files.rotate()
        self.region.move("Starting")
        self.console.write("CASCD0001I", pid=os.getpid(), seps=self.server.get("seps", 2))
        try:  # MFDS checks it on the way in; a definition from elsewhere is checked here
            self.listener_faults = Faults.from_dict(self.faults.get(LISTENER_FAULT),
                                                    f"fault {LISTENER_FAULT}")
        except ValueError as exc:
            self.abort(str(exc))
            return
        for fault, value in sorted(self.faults.items()):
            if fault == LISTENER_FAULT:
                value = self.listener_faults.active()
            if value:
                self.console.write("CASCD0010W", fault=fault)
        self.plan()
        for child in self.children.values():
            self._spawn(child)
        self.start_timer = self.reactor.callLater(START_TIMEOUT, self.abort,
                                                  f"not ready within {START_TIMEOUT:g} s")

    def _spawn(self, child: Child) -> None:
        if child.lifecycle.state == "Ended":
            child.lifecycle.move("Spawned")
        child.spawn(self.reactor)
        self.console.write("CASCD0005I", process=child.key, child=child.pid)
        self.write_processes()

    def child_event(self, child: Child, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "ready" and child.lifecycle.can("Ready"):
            child.lifecycle.move("Ready")
            if self.region.state == "Starting" and all(
                    c.lifecycle.state == "Ready" for c in self.children.values()):
                self.started()
        elif kind == "listener":
            self.listener_event(event)
        elif kind == "calls" and isinstance(event.get("services"), list):
            self.reporter.calls(event["services"])

    def listener_event(self, event: dict[str, Any]) -> None:
        listener = self.listeners.get(str(event.get("name")))
        if listener is None:
            return
        status = str(event.get("status"))
        if listener.state == "Stopped" and status != "Stopped":
            listener.move("Starting")
        if listener.can(status):
            listener.move(status)
        self.reporter.listener_status(listener.name, status, str(event.get("reason", "")),
                                      str(event.get("endpoint", "")))
        if event.get("fatal") and self.region.state == "Starting":
            self.abort(f"listener {listener.name} cannot use {event.get('endpoint')}: "
                       f"{event.get('reason')}")

    def started(self) -> None:
        if self.start_timer is not None and self.start_timer.active():
            self.start_timer.cancel()
        self.region.move("Started")
        self.console.write("CASCD0002I")
        self._tell_casstart("OK")

    def abort(self, why: str) -> None:
        """A start that cannot complete: nothing may be left half-started."""
        if self.region.state != "Starting":
            return
        self.failure = why
        self.exit_code = 1
        self.console.write("CASCD0008E", why=why)
        self.region.move("Stopping")
        for child in self.children.values():
            child.signal(signal.SIGKILL)
        self._maybe_finished()

    # -- children ending -----------------------------------------------------------

    def child_ended(self, child: Child, reason: Any) -> None:
        pid = child.pid
        child.lifecycle.move("Ended")
        self.write_processes()
        if self.region.state == "Stopping":
            self._maybe_finished()
            return
        how = describe_end(reason)
        if not child.restartable:  # mfcs32
            self.console.write("CASCD0007E", process=child.key, child=pid, how=how,
                               why="its listeners are now Stopped")
            for listener in self.listeners.values():
                if listener.state != "Stopped":
                    listener.move("Stopped")
                self.reporter.listener_status(listener.name, "Stopped",
                                              f"communications process ended ({how})")
            if self.region.state == "Starting":
                self.abort(f"mfcs32 ended during start ({how})")
            return
        now = time.monotonic()
        child.restarts = [t for t in child.restarts if now - t < RESTART_WINDOW]
        if len(child.restarts) >= RESTART_LIMIT:
            self.console.write("CASCD0007E", process=child.key, child=pid, how=how,
                               why=f"it ended {RESTART_LIMIT} times within "
                                   f"{RESTART_WINDOW:g} s")
            if self.region.state == "Starting":
                self.abort(f"{child.key} keeps ending ({how})")
            return
        child.restarts.append(now)
        self.console.write("CASCD0006W", process=child.key, child=pid, how=how)
        self._spawn(child)

    def stderr(self, child: Child, data: bytes) -> None:
        with open(self.files.stderr, "ab") as f:
            f.write(b"".join(f"{child.key}[{child.pid}]: ".encode() + line + b"\n"
                             for line in data.splitlines()))

    # -- stop ----------------------------------------------------------------------

    def request_stop(self, immediate: bool) -> None:
        if self.region.state == "Starting":
            self.abort("stop requested during start")
            return
        if self.region.state != "Started":
            return
        self.region.move("Stopping")
        self.console.write("CASCD0003I", mode="immediate" if immediate else "normal")
        if self.faults.get("casstop_hangs") and not immediate:
            return  # fault setting: stay in Stopping until casstop /f
        self.reactor.callLater(STOP_GRACE, self._kill_survivors)
        mfcs = self.children.get("mfcs32")
        if immediate or mfcs is None or mfcs.lifecycle.state == "Ended":
            self._signal_all(signal.SIGTERM)
        else:
            mfcs.signal(signal.SIGTERM)  # the others follow once it has drained its calls

    def _signal_all(self, signum: int) -> None:
        for child in self.children.values():
            child.signal(signum)

    def _kill_survivors(self) -> None:
        self._signal_all(signal.SIGKILL)

    def _maybe_finished(self) -> None:
        alive = [c for c in self.children.values() if c.lifecycle.state != "Ended"]
        if not alive:
            self.finished()
        elif all(c.key != "mfcs32" for c in alive):
            self._signal_all(signal.SIGTERM)

    def finished(self) -> None:
        for listener in self.listeners.values():
            if listener.state != "Stopped":
                listener.move("Stopped")
        self.region.move("Stopped")
        self.console.write("CASCD0004I")
        self.files.processes.unlink(missing_ok=True)
        self._tell_casstart(f"ERR {self.failure}" if self.failure else "OK")
        self.reactor.stop()

    # -- reporting -----------------------------------------------------------------

    def _region_moved(self, machine: Any, old: str, new: str) -> None:
        self.reporter.region_status(new, pid=None if new == "Stopped" else os.getpid())

    def _tell_casstart(self, message: str) -> None:
        """Answer casstart once every report before this point has reached MFDS."""
        fd, self.ready_fd = self.ready_fd, None
        if fd is None:
            return

        def tell() -> None:
            try:
                os.write(fd, (message + "\n").encode())
            finally:
                os.close(fd)

        self.reporter.then(tell)

    def write_processes(self) -> None:
        lines = [f"{os.getpid()} cascd32"] + [
            f"{c.pid} {c.command}" for c in self.children.values()
            if c.pid and c.lifecycle.state != "Ended"]
        write_atomically(self.files.processes, "\n".join(lines) + "\n")


def main(argv: list[str]) -> int:
    try:
        flags = parse_flags(argv, allowed={}, command="cascd32")
    except FlagError as exc:
        print(exc, file=sys.stderr)
        return 2
    ready_fd = int(os.environ[ENV_READY_FD]) if os.environ.get(ENV_READY_FD) else None
    cobdir = Cobdir.from_env()
    files = RegionFiles(cobdir.casroot(), flags.region)
    console = ConsoleLog(files)
    from fakees.mfds.client import MfdsClient, MfdsError

    try:
        server = MfdsClient(host="127.0.0.1", port=mfds_port()).get_server(flags.region)
        files.prepare()
    except (MfdsError, OSError) as exc:
        if ready_fd is not None:
            os.write(ready_fd, f"ERR {exc}\n".encode())
        print(f"cascd32: {exc}", file=sys.stderr)
        return 1
    from twisted.internet import reactor

    reporter = Reporter(flags.region, console)
    supervisor = Supervisor(reactor, cobdir, server, files, reporter, ready_fd)

    def on_signal(signum: int, _frame: object) -> None:
        reactor.callFromThread(supervisor.request_stop, signum == signal.SIGUSR2)

    reactor.callWhenRunning(supervisor.start)
    reactor.callWhenRunning(signal.signal, signal.SIGTERM, on_signal)
    reactor.callWhenRunning(signal.signal, signal.SIGUSR2, on_signal)
    reactor.run()
    reporter.flush()
    return supervisor.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
