"""A namespace sandbox in which the seed's scripts see the paths and processes they expect.

The report's scripts use absolute paths (`/home/user2/ES40SP2`, `/opt/mf/ES40SP2/bin/casstart`),
write to `/tmp`, and kill every CAS process of the user. An `NsBox` gives them a node of their
own: new pid, mount, net, uts and ipc namespaces; the directories that need new entries are
overlays (writes stay in the box, the host's files stay untouched and visible); chosen host paths
are bind-mounted at the script's absolute paths; only a loopback interface exists. Killing the
box's init (through `unshare --kill-child`) ends every process in it, so a failing test cannot
leak a region.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

# PID 1 of the box: reaps orphans (ps must not show zombies to the scripts) until killed.
_INIT = """
import os, signal
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
print("ready", flush=True)
while True:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass
    signal.sigtimedwait([signal.SIGCHLD], 1.0)
"""


class NsBox:
    """One emulated node. Configure with `bind()` and `write()`, then `start()`."""

    def __init__(self, hostname: str = "host1") -> None:
        self.hostname = hostname
        self._binds: list[tuple[str, Path]] = []
        self._unshare: subprocess.Popen[str] | None = None
        self.init_pid: int | None = None

    def bind(self, target: str, source: Path) -> None:
        """Make host path `source` appear at absolute path `target` inside the box."""
        self._binds.append((target, Path(source).resolve()))

    def _setup_script(self) -> str:
        overlays = {"/tmp", "/etc"}
        for target, _ in self._binds:
            top = "/" + Path(target).parts[1]
            if not Path(target).parent.exists() or top in ("/home", "/opt", "/var"):
                overlays.add(top)
        lines = ["set -e", f"hostname {self.hostname}", "ip link set lo up",
                 "mount -t tmpfs fakees-nsbox /mnt"]
        # Sources are pinned before any overlay, so writes reach the host's files.
        for n, (_, source) in enumerate(self._binds):
            make = "mkdir -p" if source.is_dir() else "touch"
            lines += [f"{make} /mnt/src{n}", f"mount --bind '{source}' /mnt/src{n}"]
        for n, top in enumerate(sorted(overlays)):
            lines += [
                f"mkdir -p /mnt/o{n}/up /mnt/o{n}/work",
                f"mount -t overlay overlay -o lowerdir={top},upperdir=/mnt/o{n}/up,"
                f"workdir=/mnt/o{n}/work {top}",
            ]
        hosts = f"127.0.0.1 localhost {self.hostname}\\n::1 localhost\\n"
        lines.append(f"printf '{hosts}' > /etc/hosts")
        for n, (target, source) in enumerate(self._binds):
            make = "mkdir -p" if source.is_dir() else "touch"
            lines += [f"mkdir -p '{Path(target).parent}'", f"{make} '{target}'",
                      f"mount --bind /mnt/src{n} '{target}'"]
        return "\n".join(lines)

    def start(self, timeout: float = 15.0) -> NsBox:
        script = self._setup_script() + f"\nexec {sys.executable} -c '{_INIT}'\n"
        self._unshare = subprocess.Popen(
            ["unshare", "--pid", "--fork", "--mount-proc", "--mount", "--net", "--uts", "--ipc",
             "--kill-child", "--", "bash", "-c", script],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )
        line = self._unshare.stdout.readline() if self._unshare.stdout else ""
        if line.strip() != "ready":
            err = self._unshare.stderr.read() if self._unshare.stderr else ""
            self.stop()
            raise RuntimeError(f"namespace box failed to start: {err.strip() or line!r}")
        deadline = time.monotonic() + timeout
        children = Path(f"/proc/{self._unshare.pid}/task/{self._unshare.pid}/children")
        while time.monotonic() < deadline:
            pids = children.read_text().split()
            if pids:
                self.init_pid = int(pids[0])
                return self
            time.sleep(0.01)
        self.stop()
        raise RuntimeError("namespace box: init process did not appear")

    def path(self, inside: str) -> Path:
        """A host path through which a file inside the box can be read."""
        assert self.init_pid is not None, "box not started"
        return Path(f"/proc/{self.init_pid}/root") / inside.lstrip("/")

    def _nsenter(self, command: str) -> list[str]:
        assert self.init_pid is not None, "box not started"
        return ["nsenter", "-t", str(self.init_pid), "-m", "-u", "-n", "-p", "-i", "--wd=/",
                "--", "bash", "-c", command]

    def run(self, command: str, *, timeout: float = 120, env: dict[str, str] | None = None,
            check: bool = False) -> subprocess.CompletedProcess[str]:
        """Run a bash command line inside the box and wait for it."""
        return subprocess.run(self._nsenter(command), capture_output=True, text=True,
                              timeout=timeout, env=env if env is not None else box_env(),
                              check=check)

    def popen(self, command: str, *, env: dict[str, str] | None = None,
              **kwargs) -> subprocess.Popen[str]:
        return subprocess.Popen(self._nsenter(command), text=True,
                                env=env if env is not None else box_env(), **kwargs)

    def stop(self) -> None:
        """End the box and everything in it (only processes this box started)."""
        if self._unshare is None:
            return
        if self._unshare.poll() is None:
            os.killpg(self._unshare.pid, signal.SIGKILL)
        self._unshare.wait(timeout=10)
        for stream in (self._unshare.stdout, self._unshare.stderr):
            if stream:
                stream.close()
        self._unshare = None

    def __enter__(self) -> NsBox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def box_env() -> dict[str, str]:
    """A plain login-like environment: what a script run by a cluster manager would get."""
    return {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": "/root", "LANG": "C.UTF-8", "LOGNAME": "root", "USER": "root"}


SEED_COBDIR = "/opt/mf/ES40SP2"
SEED_HOME = "/home/user2"
SEED_CASROOT = "/var/mfcobol/es"


def seed_node(work: Path, seed: Path, hostname: str = "host1") -> NsBox:
    """A box laid out as the report's node: COBDIR at /opt/mf/ES40SP2, the environment file
    and the two helper scripts in /home/user2, CASROOT at /var/mfcobol/es. The seed's scripts
    are bound in place, never copied."""
    from fakees.cobdir import Cobdir, env_file_text, install

    work.mkdir(parents=True, exist_ok=True)
    cobdir = install(work / "ES40SP2", casroot=SEED_CASROOT)
    (work / "casroot").mkdir(exist_ok=True)
    env_file = work / "ES40SP2.env"
    env_file.write_text(env_file_text(Cobdir(Path(SEED_COBDIR)), None))
    box = NsBox(hostname)
    box.bind(SEED_COBDIR, cobdir.root)
    box.bind(f"{SEED_HOME}/ES40SP2", env_file)
    box.bind(SEED_CASROOT, work / "casroot")
    for script in ("killallcas.ksh", "forceStopServer.ksh"):
        box.bind(f"{SEED_HOME}/{script}", seed / "hacmp" / script)
    return box
