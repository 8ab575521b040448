"""The MFDS repository: server (region) definitions and their last reported status.

The data model is a few dataclasses; `from_dict` is the one place where outside
input (JSON bodies, the file on disk, imported XML) is validated, so every
entry point gives the same precise messages.

Storage follows SQLite's atomic-commit habits in their simplest form: the whole
state is written to a temporary file, fsynced, renamed over the repository file
and the directory is fsynced. A kill -9 at any moment therefore leaves either
the old or the new file. The file carries a SHA-256 of its content so that a
hand-edited or truncated repository is refused at start with a precise message
instead of being half-read. The repository is single-writer (the report: it is
"opened in update mode, so it cannot be accessed concurrently"): whoever writes
holds an flock on `mfds32.pid` in the repository directory, which also names
the holder's pid.
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import ipaddress
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fakees.binp.faults import LISTENER_FAULT, Faults

REPOSITORY_FILE = "repository.json"
LOCK_FILE = "mfds32.pid"
JOURNAL_FILE = "journal.log"
FORMAT = "fakees-mfds-repository"
FORMAT_VERSION = 1

WEB_SERVICES_LISTENER = "Web Services and J2EE"
COMMS_PROCESS = "Communications Process 1"
DEFAULT_SERVER = "ESDEMO"
DEFAULT_ENDPOINT = "tcp:*:*"
DEFAULT_SEPS = 2
MAX_SEPS = 64

REGION_STATUSES = ("Starting", "Started", "Stopping", "Stopped", "Not Responding")
LISTENER_STATUSES = ("Started", "Stopped", "Disabled", "Blocked", "Invalid", "Not Responding")

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}\Z")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_HOSTNAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\Z")
_ENDPOINT = re.compile(r"(?P<addr>\*|\[[0-9A-Fa-f:.]+\]|[^:\[\]]+):(?P<port>[^:]*)\Z")


class InvalidDefinition(ValueError):
    """A definition that the repository refuses; the message says exactly what and why."""


class RepositoryCorrupt(Exception):
    """The repository file cannot be trusted (truncated, edited, wrong format)."""


class RepositoryLocked(Exception):
    """Another process holds the repository (single writer)."""


def check_name(name: Any, what: str = "server name") -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidDefinition(
            f"invalid {what} {name!r}: use 1-32 letters, digits or '_', starting with a letter"
        )
    return name


def check_text(value: Any, what: str, limit: int = 256) -> str:
    if not isinstance(value, str):
        raise InvalidDefinition(f"{what} must be text, not {type(value).__name__}")
    if len(value) > limit:
        raise InvalidDefinition(f"{what} is {len(value)} characters long; the limit is {limit}")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise InvalidDefinition(f"{what} {value!r} contains a control character (e.g. a newline)")
    return value


def parse_endpoint(text: Any) -> str:
    """Normalise `tcp:ADDR:PORT` (also `ADDR:PORT`, `*` for any) or explain what is wrong."""
    if not isinstance(text, str):
        raise InvalidDefinition(f"malformed endpoint {text!r}: expected tcp:ADDRESS:PORT text")
    match = _ENDPOINT.match(text.removeprefix("tcp:"))
    if match is None:
        raise InvalidDefinition(
            f"malformed endpoint {text!r}: expected tcp:ADDRESS:PORT, e.g. tcp:10.0.0.1:9003 "
            "or tcp:*:*"
        )
    addr, port = match["addr"], match["port"]
    if addr != "*":
        host = addr[1:-1] if addr.startswith("[") else addr
        try:
            ipaddress.ip_address(host)
        except ValueError:
            if addr.startswith("[") or re.fullmatch(r"[0-9.]+", host) or not _HOSTNAME.match(host):
                raise InvalidDefinition(
                    f"malformed endpoint {text!r}: {host!r} is neither an IP address, "
                    "a host name nor *"
                ) from None
    if port != "*" and not (port.isdigit() and 1 <= int(port) <= 65535):
        raise InvalidDefinition(f"malformed endpoint {text!r}: port {port!r} must be * or 1-65535")
    return f"tcp:{addr}:{port if port == '*' else int(port)}"


def canonical_status(value: Any, allowed: tuple[str, ...], what: str) -> str:
    """Statuses are matched case-insensitively ("Not responding" is the product's spelling too)."""
    for status in allowed:
        if isinstance(value, str) and value.lower() == status.lower():
            return status
    raise InvalidDefinition(f"invalid {what} {value!r}: expected one of {', '.join(allowed)}")


def _check_keys(data: Any, allowed: set[str], what: str) -> dict:
    if not isinstance(data, dict):
        raise InvalidDefinition(f"{what} must be an object, not {type(data).__name__}")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InvalidDefinition(f"unknown {what} field(s): {', '.join(unknown)}")
    return data


@dataclass
class Listener:
    name: str = WEB_SERVICES_LISTENER
    endpoint: str = DEFAULT_ENDPOINT
    status: str = "Stopped"
    reason: str = ""
    actual_endpoint: str = ""

    @classmethod
    def from_dict(cls, data: Any) -> Listener:
        data = _check_keys(data, {f for f in cls.__dataclass_fields__}, "listener")
        name = check_text(data.get("name", WEB_SERVICES_LISTENER), "listener name", 64)
        if not name.strip():
            raise InvalidDefinition("listener name is empty")
        return cls(
            name=name,
            endpoint=parse_endpoint(data.get("endpoint", DEFAULT_ENDPOINT)),
            status=canonical_status(data.get("status", "Stopped"), LISTENER_STATUSES,
                                    "listener status"),
            reason=check_text(data.get("reason", ""), "listener reason"),
            actual_endpoint=check_text(data.get("actual_endpoint", ""), "actual endpoint"),
        )


@dataclass
class CommsProcess:
    name: str = COMMS_PROCESS
    listeners: list[Listener] = field(default_factory=lambda: [Listener()])

    @classmethod
    def from_dict(cls, data: Any) -> CommsProcess:
        data = _check_keys(data, {"name", "listeners"}, "communications process")
        listeners = data.get("listeners", [{}])
        if not isinstance(listeners, list):
            raise InvalidDefinition("listeners must be a list")
        return cls(
            name=check_text(data.get("name", COMMS_PROCESS), "communications process name", 64),
            listeners=[Listener.from_dict(item) for item in listeners],
        )


@dataclass
class Server:
    name: str
    description: str = ""
    status: str = "Stopped"
    seps: int = DEFAULT_SEPS
    env: dict[str, str] = field(default_factory=dict)
    faults: dict[str, Any] = field(default_factory=dict)
    pid: int | None = None
    comms: list[CommsProcess] = field(default_factory=lambda: [CommsProcess()])
    services: list[dict[str, str]] = field(default_factory=list)

    def listeners(self) -> list[Listener]:
        return [listener for comms in self.comms for listener in comms.listeners]

    def listener(self, name: str) -> Listener:
        for listener in self.listeners():
            if listener.name == name:
                return listener
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Server:
        data = _check_keys(data, set(cls.__dataclass_fields__), "server")
        if "name" not in data:
            raise InvalidDefinition("server definition has no name")
        name = check_name(data["name"])
        seps = data.get("seps", DEFAULT_SEPS)
        if isinstance(seps, bool) or not isinstance(seps, int) or not 1 <= seps <= MAX_SEPS:
            raise InvalidDefinition(f"invalid SEP count {seps!r} for {name}: expected 1-{MAX_SEPS}")
        pid = data.get("pid")
        if pid is not None and (isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0):
            raise InvalidDefinition(f"invalid pid {pid!r} for {name}")
        comms = data.get("comms", [{}])
        if not isinstance(comms, list):
            raise InvalidDefinition("comms must be a list")
        server = cls(
            name=name,
            description=check_text(data.get("description", ""), "description"),
            status=canonical_status(data.get("status", "Stopped"), REGION_STATUSES,
                                    "server status"),
            seps=seps,
            env=_check_env(data.get("env", {})),
            faults=_check_faults(data.get("faults", {})),
            pid=pid,
            comms=[CommsProcess.from_dict(item) for item in comms],
            services=_check_services(data.get("services", [])),
        )
        names = [listener.name for listener in server.listeners()]
        if len(names) != len(set(names)):
            raise InvalidDefinition(f"server {name} has two listeners with the same name")
        return server


def _check_env(env: Any) -> dict[str, str]:
    if not isinstance(env, dict):
        raise InvalidDefinition("env must be an object of NAME: value")
    for key, value in env.items():
        if not _ENV_NAME.match(key):
            raise InvalidDefinition(f"invalid environment variable name {key!r}")
        check_text(value, f"environment variable {key}", 4096)
    return dict(env)


def _check_faults(faults: Any) -> dict[str, Any]:
    """Region fault settings: name -> boolean, number or text, except `listener`, the
    region's listener fault mode (an object of `fakees.binp.faults.Faults` fields)."""
    if not isinstance(faults, dict):
        raise InvalidDefinition("faults must be an object of name: value")
    for key, value in faults.items():
        check_name(key, "fault name")
        if key == LISTENER_FAULT:
            try:
                Faults.from_dict(value, f"fault {key}")
            except ValueError as exc:
                raise InvalidDefinition(str(exc)) from None
        elif not isinstance(value, bool | int | float | str) and value is not None:
            raise InvalidDefinition(f"fault {key} must be a boolean, number or text")
    return copy.deepcopy(faults)


def _check_services(services: Any) -> list[dict[str, str]]:
    if not isinstance(services, list):
        raise InvalidDefinition("services must be a list")
    seen: set[str] = set()
    for service in services:
        if not isinstance(service, dict) or "name" not in service:
            raise InvalidDefinition("each service must be an object with a name")
        for key, value in service.items():
            check_name(key, "service field")
            check_text(value, f"service field {key}", 4096)
        if service["name"] in seen:
            raise InvalidDefinition(f"duplicate service name {service['name']!r}")
        seen.add(service["name"])
    return [dict(service) for service in services]


@dataclass
class Directory:
    """Everything the repository holds: servers in definition order."""

    servers: dict[str, Server] = field(default_factory=dict)

    @classmethod
    def initial(cls) -> Directory:
        """What the first start creates: the product's ESDEMO with its defaults."""
        demo = Server(DEFAULT_SERVER, description="Default Enterprise Server")
        return cls({demo.name: demo})

    def to_dict(self) -> dict[str, Any]:
        return {"servers": [server.to_dict() for server in self.servers.values()]}

    @classmethod
    def from_dict(cls, data: Any) -> Directory:
        data = _check_keys(data, {"servers"}, "repository")
        servers: dict[str, Server] = {}
        for item in data.get("servers", []):
            server = Server.from_dict(item)
            if server.name in servers:
                raise InvalidDefinition(f"duplicate server name {server.name!r}")
            servers[server.name] = server
        return cls(servers)

    def copy(self) -> Directory:
        return copy.deepcopy(self)


def _digest(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def encode(directory: Directory) -> bytes:
    data = directory.to_dict()
    envelope = {"format": FORMAT, "version": FORMAT_VERSION, "sha256": _digest(data), "data": data}
    return (json.dumps(envelope, indent=1, ensure_ascii=False) + "\n").encode()


def decode(raw: bytes, origin: str) -> Directory:
    """Parse a repository file, refusing anything that was not written whole by mfds."""
    try:
        envelope = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" ({exc.msg} at byte {exc.pos})" if isinstance(exc, json.JSONDecodeError) else ""
        raise RepositoryCorrupt(
            f"{origin}: not a valid repository{where}; the file is truncated or was edited "
            f"({len(raw)} bytes)"
        ) from None
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise RepositoryCorrupt(f"{origin}: not a fakees MFDS repository (no format {FORMAT!r})")
    if envelope.get("version") != FORMAT_VERSION:
        raise RepositoryCorrupt(
            f"{origin}: repository version {envelope.get('version')!r} is not supported "
            f"(this mfds reads version {FORMAT_VERSION})"
        )
    data = envelope.get("data")
    stored, actual = envelope.get("sha256"), _digest(data) if isinstance(data, dict) else None
    if stored != actual:
        raise RepositoryCorrupt(
            f"{origin}: checksum mismatch (recorded sha256 {str(stored)[:16]}..., content hashes "
            f"to {str(actual)[:16]}...): the file was modified outside mfds"
        )
    try:
        return Directory.from_dict(data)
    except InvalidDefinition as exc:
        raise RepositoryCorrupt(f"{origin}: {exc}") from None


class Repository:
    """The repository directory: the state file, its single-writer lock and the journal."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / REPOSITORY_FILE
        self.lock_path = self.root / LOCK_FILE
        self.journal_path = self.root / JOURNAL_FILE
        self._lock_fd: int | None = None

    def load(self) -> Directory:
        """The stored state, or ESDEMO alone when nothing was stored yet (first start)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Directory.initial()
        return decode(raw, str(self.path))

    def save(self, directory: Directory) -> None:
        tmp = self.root / f".{REPOSITORY_FILE}.tmp{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, encode(directory))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)
        dir_fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def holder(self) -> int | None:
        """The pid recorded by the current (or last) lock holder, if any."""
        try:
            text = self.lock_path.read_text().strip()
        except FileNotFoundError:
            return None
        return int(text) if text.isdigit() else None

    def lock(self) -> None:
        """Become the single writer, or raise RepositoryLocked naming the holder."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holder = self.holder()
            who = f"mfds32 pid {holder}" if holder else "another process"
            raise RepositoryLocked(
                f"repository {self.root} is in use by {who}: the repository is single-writer, "
                "stop that mfds first (mfds -s 2 USER PASSWORD)"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock_fd = fd
        for stale in self.root.glob(f".{REPOSITORY_FILE}.tmp*"):
            stale.unlink()  # left by a writer killed mid-save; we are the only writer now

    def is_locked(self) -> bool:
        """True while some process holds the writer lock (probe without keeping it)."""
        try:
            fd = os.open(self.lock_path, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    def unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
