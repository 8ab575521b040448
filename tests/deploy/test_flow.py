"""Deployed services in a running region, called over BINP: the whole request path."""

from __future__ import annotations

import shutil
import socket
from decimal import Decimal
from pathlib import Path

import pytest

from fakees.binp.client import BinpClient, RemoteCallError, outs
from fakees.binp.events import ArgType, Argument, Direction, ErrorCode
from tests.conftest import free_port
from tests.deploy import programs
from tests.deploy.conftest import DeployTree, build_car, run_in
from tests.region.conftest import wait_for


def call(port: int, function: str, args: list[Argument]) -> list:
    with BinpClient("127.0.0.1", port) as client:
        client.initialize(True)
        return client.call(function, args)


def start_region(mfds, region, seps: int = 2) -> int:
    port = free_port()
    mfds.add_server("ESSRV01", seps=seps, listener_endpoint=f"tcp:127.0.0.1:{port}")
    result = region.run("casstart", "/rESSRV01")
    assert result.returncode == 0, result.stderr
    return port


def inout(type_: ArgType, value) -> Argument:
    return Argument(Direction.INOUT, type_, value)


def test_a_deployed_service_answers_and_errors_are_precise(tree: DeployTree, mfds,
                                                          region) -> None:
    port = start_region(mfds, region)
    assert tree.mfdepinst("svc.car").returncode == 0  # deployed while the region runs
    args = [inout(ArgType.STRING, "abc"), inout(ArgType.LONG, 1), inout(ArgType.INTEGER, 2),
            inout(ArgType.SHORT, 3), inout(ArgType.SHORT, 4),
            inout(ArgType.BIGDECIMAL, Decimal("1.50")), inout(ArgType.BIGDECIMAL, Decimal(5)),
            inout(ArgType.INTEGER, 6), inout(ArgType.STRING, "")]
    assert call(port, "svc.TYPES01", args) == ["ABC", 2, 3, 4, 3, Decimal("3.00"), Decimal(6),
                                               5, "OK"]
    with pytest.raises(RemoteCallError, match=r"svc.TYPES01 takes 9 arguments") as count:
        call(port, "svc.TYPES01", args[:3])
    with pytest.raises(RemoteCallError, match=r"was sent as STRING; the mapping says Long") as kind:
        call(port, "svc.TYPES01", [args[0], args[0], *args[2:]])
    assert count.value.error.code == kind.value.error.code == ErrorCode.BAD_ARGUMENTS
    with pytest.raises(RemoteCallError) as unknown:
        call(port, "nosuch.TYPES01", args)
    assert unknown.value.error.code == ErrorCode.UNKNOWN_SERVICE
    assert tree.mfdepinst("-u", "svc.car").returncode == 0

    def undeployed() -> bool:  # SEPs re-read a known service list once it is a second old
        try:
            call(port, "svc.TYPES01", args)
        except RemoteCallError as exc:
            return exc.error.code == ErrorCode.UNKNOWN_SERVICE
        return False

    wait_for(undeployed, timeout=15, what="the undeployed service to be unknown")


def test_run_time_error_becomes_an_error_reply_and_the_region_keeps_serving(
        tmp_path: Path, es_env, mfds, region) -> None:
    port = start_region(mfds, region, seps=1)
    car = build_car(tmp_path / "build", "divider.cbl", programs.DIVIDER, "div")
    package = tmp_path / "deploy" / "div"
    package.mkdir(parents=True)
    shutil.copy(car, package)
    (package.parent / ".mfdeploy").write_text(
        "MFDS=127.0.0.1\nMFES_SERVER=ESSRV01\nMFES_LISTENER=Web Services\n")
    assert run_in(package, es_env, "mfdepinst", "div.car").returncode == 0

    def divider(index: int) -> list:
        return call(port, "div.DIVIDER", [Argument(Direction.IN, ArgType.SHORT, index),
                                          *outs("H")])

    assert divider(1) == [1]
    with pytest.raises(RemoteCallError, match=r"COBOL run-time error 153 Subscript out of "
                                              r"range .*in program DIVIDER, line 15") as err:
        divider(9)
    assert err.value.error.code == ErrorCode.SERVICE_FAILED
    assert divider(2) == [1]  # same single SEP, fresh run unit
    assert region.status()["status"] == "Started"


def deploy_counter(seed: Path, build: Path, package: Path, env: dict[str, str]) -> Path:
    """The report's steps: compile, initialise APPFILE01, imtkmake, edit to "out", package."""
    build.mkdir(parents=True, exist_ok=True)
    package.mkdir(parents=True, exist_ok=True)
    for name in ("cblapp01.cbl", "initfile1.cbl"):
        shutil.copy(seed / "cobol" / name, build / name)
    assert run_in(build, env, "cob", "-u", "initfile1.cbl").returncode == 0
    shutil.copy(build / "initfile1.gnt", package)
    init = run_in(package, env, "cobrun", "initfile1")
    assert init.returncode == 0, init.stderr
    assert (package / "APPFILE01").exists() and (package / "APPFILE01.idx").exists()
    assert run_in(build, env, "imtkmake", "-defmap", "src=cblapp01.cbl", "service=srv01",
                  "type=ejb").returncode == 0
    xml = build / "srv01.xml"
    xml.write_text(xml.read_text().replace('direction="io"', 'direction="out"'))
    made = run_in(build, env, "imtkmake", "-generate", "service=srv01", "type=ejb")
    assert made.returncode == 0, made.stderr
    shutil.copy(build / "srv01.car", package)
    return package


def counter_calls(port: int, count: int) -> list[list]:
    with BinpClient("127.0.0.1", port) as client:
        client.initialize(True)
        return [client.call("srv01.CBLAPP01", outs("SSSL")) for _ in range(count)]


def test_the_reports_flow_with_its_own_programs(seed: Path, tmp_path: Path, es_env, mfds,
                                                region) -> None:
    package = deploy_counter(seed, tmp_path / "build", tmp_path / "deploy" / "srv01", es_env)
    (package.parent / ".mfdeploy").write_text(
        "MFDS=localhost\nMFES_SERVER=ESSRV01\nMFES_LISTENER=Web Services\n")
    port = start_region(mfds, region)
    deployed = run_in(package, es_env, "mfdepinst", "srv01.car")
    assert deployed.returncode == 0, deployed.stderr
    replies = counter_calls(port, 10)
    assert [r[3] for r in replies] == list(range(10))
    host = socket.gethostname()[:20]
    for stamp, program, hostname, _ in replies:
        assert len(stamp) == 20 and stamp[2] == "/" and stamp[8] == " " and stamp[17] == "."
        assert (program, hostname) == ("CBLAPP01", host)


def test_pattern_8_one_package_folder_two_mfds_the_counter_continues(
        seed: Path, tmp_path: Path, es_env, mfds, reaper) -> None:
    """Two installations (two COBDIRs, two MFDS ports) share one package folder, standing in
    for /u01/deploy/srv01 on the shared disk; whichever region runs serves, the counter goes on."""
    from fakees.cobdir import install
    from tests.mfds.harness import client, start_mfds
    from tests.region.conftest import RegionHarness

    shared = tmp_path / "u01" / "deploy"
    package = deploy_counter(seed, tmp_path / "build", shared / "srv01", es_env)
    (shared / ".mfdeploy").write_text(
        "MFDS=127.0.0.1\nMFES_SERVER=ESSRV01\nMFES_LISTENER=Web Services\n")
    casroot2 = tmp_path / "casroot2"
    casroot2.mkdir()
    cobdir2 = install(tmp_path / "cobdir2", casroot=str(casroot2))
    env2 = {**es_env, "COBDIR": str(cobdir2.root), "CCITCP2_PORT": str(free_port()),
            "PATH": f"{cobdir2.bin}:{es_env['PATH']}"}
    start_mfds(env2, reaper)
    port = free_port()  # the relocatable address: the same endpoint on either "node"
    nodes = []
    for env, directory in ((es_env, mfds), (env2, client(env2))):
        directory.add_server("ESSRV01", listener_endpoint=f"tcp:127.0.0.1:{port}")
        result = run_in(package, env, "mfdepinst", "srv01.car")
        assert result.returncode == 0, result.stderr
        nodes.append(RegionHarness(env))
    try:
        seen = []
        for harness in nodes:
            assert harness.run("casstart", "/rESSRV01").returncode == 0
            seen += [r[3] for r in counter_calls(port, 5)]
            stopped = harness.run("casstop", "/rESSRV01", "/w")
            assert stopped.returncode == 0, stopped.stderr
        assert seen == list(range(10))
    finally:
        for harness in nodes:
            harness.kill_all()
