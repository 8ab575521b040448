"""A Micro Focus-style COBDIR: its layout, `cas.cfg`, and `fakees install`.

The product's scripts find everything from `$COBDIR`: executables in `bin/`,
the MFDS repository in `etc/mfds/`, `etc/cas/cas.cfg` (whose CASROOT says where
region logs go) and `deploy/.mfdeploy`. Installing writes that tree; the
executables are tiny Python scripts so that `ps -f` shows `$COBDIR/bin/NAME`.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from fakees.commands import PRODUCT_COMMANDS

DEFAULT_CASROOT = "/var/mfcobol/es"

CAS_CFG_TEMPLATE = """\
###########################################################
### Transaction System Global/Region Configuration File ###
###########################################################
### global only directives ###
USESYSCON={usesyscon}
AUTHPGMS={authpgms}
CASROOT={casroot}
### other directives ###
###########################################################
"""

MFDEPLOY_DEFAULT = """\
# Deployment settings read by mfdepinst from the parent folder of a package.
MFDS=localhost
MFES_SERVER=ESDEMO
MFES_LISTENER=Web Services
"""


@dataclass(frozen=True)
class Cobdir:
    root: Path

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def cas_cfg(self) -> Path:
        return self.root / "etc" / "cas" / "cas.cfg"

    @property
    def repository(self) -> Path:
        return self.root / "etc" / "mfds"

    @property
    def deploy(self) -> Path:
        return self.root / "deploy"

    @classmethod
    def from_env(cls) -> Cobdir:
        value = os.environ.get("COBDIR")
        if not value:
            raise SystemExit("COBDIR is not set: source the environment file written by "
                             "`fakees install --env-file PATH`")
        return cls(Path(value))

    def read_cas_cfg(self) -> dict[str, str]:
        """Directives of cas.cfg; comments and blank lines are ignored, as the product does."""
        directives: dict[str, str] = {}
        try:
            text = self.cas_cfg.read_text()
        except FileNotFoundError:
            return directives
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, _, value = line.partition("=")
            directives[key.strip().upper()] = value.strip()
        return directives

    def casroot(self) -> Path:
        return Path(self.read_cas_cfg().get("CASROOT") or DEFAULT_CASROOT)

    def write_cas_cfg(self, *, casroot: str, usesyscon: bool = True, authpgms: str = "") -> None:
        self.cas_cfg.parent.mkdir(parents=True, exist_ok=True)
        text = CAS_CFG_TEMPLATE.format(
            usesyscon="Y" if usesyscon else "N", authpgms=authpgms, casroot=casroot
        )
        write_atomically(self.cas_cfg, text)


def write_atomically(path: Path, text: str, mode: int = 0o644) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def executable_script(name: str) -> str:
    return (
        f"#!{sys.executable}\n"
        "import sys\n"
        "from fakees.commands import run\n"
        f"sys.exit(run({name!r}))\n"
    )


def env_file_text(cobdir: Cobdir, port: int | None) -> str:
    lines = [
        "# Enterprise Server environment, written by `fakees install`; source it with `. FILE`.",
        f"COBDIR={cobdir.root}",
        "export COBDIR",
        "PATH=$COBDIR/bin:$PATH",
        "export PATH",
    ]
    if port is not None:
        lines += [f"CCITCP2_PORT={port}", "export CCITCP2_PORT"]
    return "\n".join(lines) + "\n"


def install(
    root: Path,
    *,
    env_file: Path | None = None,
    port: int | None = None,
    casroot: str | None = None,
) -> Cobdir:
    """Lay out (or refresh) a COBDIR. Keeps the repository, cas.cfg and .mfdeploy if present."""
    cobdir = Cobdir(root.resolve())
    cobdir.bin.mkdir(parents=True, exist_ok=True)
    cobdir.repository.mkdir(parents=True, exist_ok=True)
    cobdir.deploy.mkdir(parents=True, exist_ok=True)
    for name in PRODUCT_COMMANDS:
        write_atomically(cobdir.bin / name, executable_script(name), mode=0o755)
    if casroot is not None or not cobdir.cas_cfg.exists():
        cobdir.write_cas_cfg(casroot=casroot or DEFAULT_CASROOT)
    mfdeploy = cobdir.deploy / ".mfdeploy"
    if not mfdeploy.exists():
        write_atomically(mfdeploy, MFDEPLOY_DEFAULT)
    env_text = env_file_text(cobdir, port)
    write_atomically(cobdir.root / "es_env", env_text)
    if env_file is not None:
        env_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(env_file, env_text)
    return cobdir


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="fakees install",
        description="Lay out a Micro Focus-style COBDIR (safe to re-run: keeps the repository).",
    )
    parser.add_argument("--cobdir", type=Path, default=None,
                        help="where to install (default: $COBDIR)")
    parser.add_argument("--env-file", type=Path, default=None,
                        help="also write the environment file here (e.g. /home/user2/ES40SP2)")
    parser.add_argument("--port", type=int, default=None,
                        help="MFDS port to export as CCITCP2_PORT in the environment file")
    parser.add_argument("--casroot", default=None,
                        help=f"CASROOT for cas.cfg (default {DEFAULT_CASROOT})")
    args = parser.parse_args(argv)
    root = args.cobdir or (Path(os.environ["COBDIR"]) if os.environ.get("COBDIR") else None)
    if root is None:
        parser.error("--cobdir DIR is required when COBDIR is not set")
    if args.port is not None and not 0 < args.port < 65536:
        parser.error(f"--port {args.port}: must be between 1 and 65535")
    if root.exists() and not root.is_dir():
        print(f"fakees install: {root} exists and is not a directory", file=sys.stderr)
        return 1
    cobdir = install(root, env_file=args.env_file, port=args.port, casroot=args.casroot)
    print(f"COBDIR installed at {cobdir.root}")
    print(f"environment: . {args.env_file or cobdir.root / 'es_env'}")
    return 0
