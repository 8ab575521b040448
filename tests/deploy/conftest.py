"""A package folder under a deploy folder with .mfdeploy, a built .car, and a running MFDS."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from fakees.deploy import imtkmake
from tests.deploy import programs
from tests.mfds.harness import client, start_mfds


def run_in(folder: Path, env: dict[str, str], *argv: str,
           timeout: float = 60) -> subprocess.CompletedProcess:
    """A product command from $COBDIR/bin, run in `folder` as the report does."""
    return subprocess.run([str(Path(env["COBDIR"]) / "bin" / argv[0]), *argv[1:]], cwd=folder,
                          env=env, capture_output=True, text=True, timeout=timeout)


def build_car(folder: Path, source_name: str, source: str, service: str,
              directions: str = "") -> Path:
    """imtkmake -defmap, optional direction edit (io -> DIRECTIONS), imtkmake -generate."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / source_name).write_text(source)
    old = Path.cwd()
    os.chdir(folder)
    try:
        assert imtkmake.main(["-defmap", f"src={source_name}", f"service={service}",
                              "-force"]) == 0
        if directions:
            xml = folder / f"{service}.xml"
            xml.write_text(xml.read_text().replace('direction="io"', f'direction="{directions}"'))
        assert imtkmake.main(["-generate", f"service={service}"]) == 0
    finally:
        os.chdir(old)
    return folder / f"{service}.car"


@dataclass
class DeployTree:
    env: dict[str, str]
    deploy: Path  # holds .mfdeploy
    package: Path  # the package folder, deploy/svc
    car: Path

    def mfdeploy(self, text: str) -> None:
        (self.deploy / ".mfdeploy").write_text(text)

    def mfdepinst(self, *argv: str) -> subprocess.CompletedProcess:
        return run_in(self.package, self.env, "mfdepinst", *argv)


@pytest.fixture
def mfds(es_env, reaper):
    start_mfds(es_env, reaper)
    return client(es_env)


@pytest.fixture
def tree(tmp_path: Path, es_env: dict[str, str], mfds) -> DeployTree:
    car = build_car(tmp_path / "build", "types01.cbl", programs.TYPES, "svc")
    deploy = tmp_path / "deploy"
    package = deploy / "svc"
    package.mkdir(parents=True)
    (package / "svc.car").write_bytes(car.read_bytes())
    t = DeployTree(es_env, deploy, package, package / "svc.car")
    t.mfdeploy(f"MFDS=127.0.0.1:{es_env['CCITCP2_PORT']}\nMFES_SERVER=ESSRV01\n"
               "MFES_LISTENER=Web Services\n")
    return t


@pytest.fixture
def region(es_env, mfds):
    """casstart/casstop in es_env; every region process is killed by pid afterwards."""
    from tests.region.conftest import RegionHarness

    harness = RegionHarness(es_env)
    yield harness
    harness.kill_all()
