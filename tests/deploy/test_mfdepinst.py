"""mfdepinst against a real MFDS: install, register, redeploy, undeploy, and every refusal."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.deploy.conftest import DeployTree

INSTALLED = {"svc.xml", "TYPES01.gnt", "types01.cbl"}


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def services(mfds, server: str = "ESSRV01") -> list[dict]:
    return mfds.get_server(server)["services"]


def test_deploy_installs_registers_and_reports(tree: DeployTree, mfds) -> None:
    mfds.add_server("ESSRV01", listener_endpoint="tcp:127.0.0.1:9003")
    result = tree.mfdepinst("svc.car")
    assert result.returncode == 0, result.stderr
    assert files_in(tree.package) == INSTALLED | {"svc.car", "deploy.txt"}
    [entry] = services(mfds)
    assert entry["name"] == "svc" and entry["package"] == str(tree.package)
    assert entry["operations"] == "TYPES01" and entry["program"] == "TYPES01.gnt"
    assert entry["listener"] == "Web Services and J2EE"
    report = (tree.package / "deploy.txt").read_text()
    assert "deployed service svc" in report and report.endswith("result: success\n")


def test_redeploy_replaces_and_undeploy_removes_but_keeps_data(tree: DeployTree, mfds) -> None:
    mfds.add_server("ESSRV01")
    assert tree.mfdepinst("svc.car").returncode == 0
    (tree.package / "APPFILE01").write_text("data")
    again = tree.mfdepinst("svc.car")
    assert again.returncode == 0, again.stderr
    assert "redeployed: replaced the version deployed from" in again.stdout
    assert len(services(mfds)) == 1
    assert not [p for p in tree.package.iterdir() if "mfdepinst" in p.name]
    gone = tree.mfdepinst("-u", "svc.car")
    assert gone.returncode == 0, gone.stderr
    assert services(mfds) == []
    assert files_in(tree.package) == {"svc.car", "deploy.txt", "APPFILE01"}
    again = tree.mfdepinst("-u", "svc.car")
    assert again.returncode == 1 and "service svc is not deployed" in again.stderr


def test_old_mfus_keys_are_read(tree: DeployTree, mfds) -> None:
    mfds.add_server("ESSRV01")
    tree.mfdeploy(f"# old names\nMFDS=127.0.0.1:{mfds.port}\nMFUS_SERVER=ESSRV01\n"
                  "MFUS_LISTENER=web services and j2ee\n")
    assert tree.mfdepinst("svc.car").returncode == 0


def refused(tree: DeployTree, message: str, *argv: str) -> None:
    before = files_in(tree.package)
    result = tree.mfdepinst(*(argv or ("svc.car",)))
    assert result.returncode == 1, result.stdout
    assert message in result.stderr
    assert files_in(tree.package) - before <= {"deploy.txt"}
    report = (tree.package / "deploy.txt").read_text()
    assert message in report and report.endswith("result: FAILED\n")


def test_missing_mfdeploy(tree: DeployTree, mfds) -> None:
    (tree.deploy / ".mfdeploy").unlink()
    refused(tree, f"no {tree.deploy / '.mfdeploy'}: mfdepinst reads MFDS")


def test_incomplete_mfdeploy(tree: DeployTree, mfds) -> None:
    tree.mfdeploy("MFDS=localhost\n")
    refused(tree, "MFES_SERVER and MFES_LISTENER not set")


def test_server_that_does_not_exist(tree: DeployTree, mfds) -> None:
    refused(tree, f"server ESSRV01 does not exist in MFDS at 127.0.0.1:{mfds.port} "
                  "(servers: ESDEMO)")
    assert services(mfds, "ESDEMO") == []


def test_listener_that_does_not_exist(tree: DeployTree, mfds) -> None:
    mfds.add_server("ESSRV01")
    tree.mfdeploy(f"MFDS=127.0.0.1:{mfds.port}\nMFES_SERVER=ESSRV01\nMFES_LISTENER=SOAP\n")
    refused(tree, "server ESSRV01 has no listener 'SOAP' (listeners: Web Services and J2EE)")
    assert services(mfds) == []


def test_mfds_down(tree: DeployTree, mfds) -> None:
    from tests.conftest import free_port

    tree.mfdeploy(f"MFDS=127.0.0.1:{free_port()}\nMFES_SERVER=ESSRV01\nMFES_LISTENER=Web\n")
    refused(tree, "does not answer")


def test_hostile_package_is_refused_before_any_write(tree: DeployTree, mfds) -> None:
    mfds.add_server("ESSRV01")
    with zipfile.ZipFile(tree.car, "a") as zf:
        zf.writestr("../escape.txt", "x")
    refused(tree, "climbs out of the package folder with '..'")
    assert not (tree.deploy / "escape.txt").exists()
    assert services(mfds) == []


def test_usage(tree: DeployTree) -> None:
    result = tree.mfdepinst()
    assert result.returncode == 2 and "usage: mfdepinst" in result.stderr
