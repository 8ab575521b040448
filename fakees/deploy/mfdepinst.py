"""`mfdepinst PACKAGE.car`: install a service package into the current folder and register it.

Run in the package folder (the report's `deploy/srv01`). Settings come from
`.mfdeploy` in the PARENT folder: `MFDS` (host, or host:port; the port
otherwise from CCITCP2_PORT, default 86), `MFES_SERVER` (or the older
`MFUS_SERVER`) and `MFES_LISTENER` (or `MFUS_LISTENER`; a listener name or
its beginning, e.g. "Web Services").

Order of work, so that nothing is ever half-deployed: read `.mfdeploy`, check
the whole archive in memory (`fakees.deploy.car.read`), check that MFDS
answers and that the server and listener exist; only then write the files
(each to a temporary name, then all renamed), then register the service in
the server's "services" list in MFDS. If registration fails the files are put
back as they were. `deploy.txt` records the outcome of every run, success or
refusal. SEPs read the list on each call, so a running region serves the new
version at its next call.

    mfdepinst -u PACKAGE.car   undeploys: removes the registration and the
                               installed files (data files such as APPFILE01 stay)
"""

from __future__ import annotations

import datetime
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from fakees.deploy import car
from fakees.mfds.client import MfdsClient, MfdsDown, MfdsError, UnknownServer, mfds_port

USAGE = "usage: mfdepinst [-u] PACKAGE.car   (run in the package folder; reads ../.mfdeploy)"


class DeployError(Exception):
    """The deployment was refused or failed; nothing was left half-done."""


@dataclass(frozen=True)
class Target:
    """Where a package goes, from `.mfdeploy`."""

    mfds_host: str
    mfds_port: int
    server: str
    listener: str

    def describe(self) -> str:
        return (f"server {self.server}, listener {self.listener!r}, "
                f"MFDS {self.mfds_host}:{self.mfds_port}")


def read_mfdeploy(folder: Path) -> Target:
    path = folder / ".mfdeploy"
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise DeployError(f"no {path}: mfdepinst reads MFDS, MFES_SERVER and MFES_LISTENER "
                          "from .mfdeploy in the parent folder of the package folder") from None
    settings: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, eq, value = line.partition("=")
        if not eq:
            raise DeployError(f"{path}:{number}: expected KEY=VALUE, got {line!r}")
        settings[key.strip().upper()] = value.strip()
    server = settings.get("MFES_SERVER") or settings.get("MFUS_SERVER")
    listener = settings.get("MFES_LISTENER") or settings.get("MFUS_LISTENER")
    missing = [name for name, value in (("MFDS", settings.get("MFDS")),
                                        ("MFES_SERVER", server), ("MFES_LISTENER", listener))
               if not value]
    if missing:
        raise DeployError(f"{path}: {' and '.join(missing)} not set")
    host, _, port = settings["MFDS"].rpartition(":") if ":" in settings["MFDS"] else (
        settings["MFDS"], "", "")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise DeployError(f"{path}: MFDS={settings['MFDS']}: the port must be 1-65535")
    return Target(host, int(port) if port else mfds_port(), str(server), str(listener))


def find_listener(server: dict, wanted: str) -> str:
    names = [lst["name"] for comm in server.get("comms") or [] for lst in comm["listeners"]]
    for name in names:
        if name.lower() == wanted.lower():
            return name
    for name in names:
        if name.lower().startswith(wanted.lower()):
            return name
    raise DeployError(f"server {server['name']} has no listener {wanted!r} "
                      f"(listeners: {', '.join(names) or 'none'})")


def fetch_server(client: MfdsClient, target: Target) -> dict:
    try:
        return client.get_server(target.server)
    except UnknownServer:
        try:
            known = ", ".join(s["name"] for s in client.list_servers()) or "none"
        except MfdsError:
            known = "?"
        raise DeployError(f"server {target.server} does not exist in MFDS at "
                          f"{target.mfds_host}:{target.mfds_port} (servers: {known})") from None
    except MfdsDown as exc:
        raise DeployError(f"{exc} (is mfds running? MFDS= in .mfdeploy, CCITCP2_PORT)") from None


class Installation:
    """Files written all or nothing, with the previous versions kept until `commit`."""

    def __init__(self, folder: Path, files: dict[str, bytes]) -> None:
        self.folder = folder
        self.installed: list[str] = []
        self.backups: dict[str, Path] = {}
        temps: dict[str, Path] = {}
        try:
            for name, data in files.items():
                temps[name] = folder / f".{name}.mfdepinst-{os.getpid()}"
                with open(temps[name], "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
            for name in files:
                if (folder / name).exists():
                    self.backups[name] = folder / f".{name}.mfdepinst-old-{os.getpid()}"
                    os.replace(folder / name, self.backups[name])
                os.replace(temps.pop(name), folder / name)
                self.installed.append(name)
        except OSError as exc:
            self.undo()
            for name, tmp in temps.items():
                tmp.unlink(missing_ok=True)
                if name in self.backups and name not in self.installed:
                    os.replace(self.backups[name], folder / name)
            raise DeployError(f"cannot write into {folder}: {exc}") from None

    def undo(self) -> None:
        for name in self.installed:
            if name in self.backups:
                os.replace(self.backups[name], self.folder / name)
            else:
                (self.folder / name).unlink(missing_ok=True)

    def commit(self) -> None:
        for old in self.backups.values():
            old.unlink(missing_ok=True)


def register(client: MfdsClient, server: dict, entry: dict[str, str]) -> str | None:
    """Put `entry` in the server's services; returns the package folder it replaced, if any."""
    services = [dict(s) for s in server.get("services") or []]
    previous = next((s for s in services if s["name"] == entry["name"]), None)
    services = [s for s in services if s["name"] != entry["name"]] + [entry]
    client.set_server(server["name"], services=services)
    return previous.get("package") if previous else None


def deploy(folder: Path, package_path: Path, target: Target) -> list[str]:
    package = car.read(package_path)  # every check before any write
    client = MfdsClient(target.mfds_host, target.mfds_port)
    server = fetch_server(client, target)
    listener = find_listener(server, target.listener)
    installation = Installation(folder, package.files)
    entry = {
        "name": package.service,
        "operations": ",".join(op.name for op in package.mapping.operations),
        "package": str(folder),
        "mapping": package.manifest["mapping"],
        "program": package.gnt_name,
        "files": ",".join(sorted(package.files)),
        "listener": listener,
        "deployed": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "digest": car.digest(package_path.read_bytes())[:16],
    }
    try:
        replaced = register(client, server, entry)
    except (MfdsDown, MfdsError) as exc:
        installation.undo()
        raise DeployError(f"registration with MFDS failed, files put back as they were: "
                          f"{exc}") from None
    installation.commit()
    lines = [f"deployed service {package.service} "
             f"(operations {entry['operations']}) to {target.describe()}",
             f"listener: {listener}", f"installed: {entry['files']}"]
    if replaced is not None:
        lines.append(f"redeployed: replaced the version deployed from {replaced}")
    return lines


def undeploy(folder: Path, package_path: Path, target: Target) -> list[str]:
    try:
        service = car.read(package_path).service
    except car.CarError:
        service = package_path.stem
    client = MfdsClient(target.mfds_host, target.mfds_port)
    server = fetch_server(client, target)
    services = server.get("services") or []
    entry = next((s for s in services if s["name"] == service), None)
    if entry is None:
        raise DeployError(f"service {service} is not deployed to {target.describe()}")
    if Path(entry.get("package", "")) != folder:
        raise DeployError(f"service {service} on {target.server} was deployed from "
                          f"{entry.get('package')}, not from {folder}; undeploy it there")
    try:
        client.set_server(target.server, services=[s for s in services if s["name"] != service])
    except (MfdsDown, MfdsError) as exc:
        raise DeployError(f"MFDS refused the undeployment: {exc}") from None
    removed = [n for n in entry.get("files", "").split(",") if n and (folder / n).exists()]
    for name in removed:
        (folder / name).unlink()
    return [f"undeployed service {service} from {target.describe()}",
            f"removed: {', '.join(removed) or 'nothing'}"]


def write_report(folder: Path, argv: list[str], lines: list[str], ok: bool) -> None:
    stamp = datetime.datetime.now().isoformat(sep=" ", timespec="seconds")
    text = "\n".join([f"{stamp} mfdepinst {' '.join(argv)}",
                      *lines, f"result: {'success' if ok else 'FAILED'}"]) + "\n"
    try:
        (folder / "deploy.txt").write_text(text)
    except OSError as exc:
        print(f"mfdepinst: cannot write deploy.txt: {exc}", file=sys.stderr)


def main(argv: list[str]) -> int:
    args = list(argv)
    remove = "-u" in args
    if remove:
        args.remove("-u")
    if len(args) != 1 or args[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        return 2
    folder = Path.cwd().resolve()
    package_path = Path(args[0])
    try:
        target = read_mfdeploy(folder.parent)
        lines = (undeploy if remove else deploy)(folder, package_path, target)
    except (DeployError, car.CarError) as exc:
        write_report(folder, argv, [f"error: {exc}"], ok=False)
        print(f"mfdepinst: {exc}", file=sys.stderr)
        return 1
    write_report(folder, argv, lines, ok=True)
    for line in lines:
        print(f"mfdepinst: {line}")
    return 0
