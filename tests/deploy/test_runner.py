"""Deployed services run in-process: argument mapping both ways, errors, working directory."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from fakees.deploy import car, provider, runner
from fakees.deploy import mapping as mp
from fakees.region.services import ServiceError
from tests.deploy import programs
from tests.deploy.conftest import DeployTree, build_car


def install(folder: Path, name: str, source: str, service: str,
            directions: str = "") -> mp.Mapping:
    package = car.read(build_car(folder / "build", f"{name.lower()}.cbl", source, service,
                                 directions))
    for file_name, data in package.files.items():
        (folder / file_name).write_bytes(data)
    return package.mapping


def arg(direction: str, type_: str, value=None) -> dict:
    return {"direction": direction, "type": type_, "value": value}


TYPES_IN = [("STRING", "hello"), ("LONG", 41), ("INTEGER", 99998), ("SHORT", 5),
            ("SHORT", -3), ("BIGDECIMAL", Decimal("-12.25")), ("BIGDECIMAL", Decimal(10 ** 19)),
            ("INTEGER", 100), ("STRING", "ab12")]


@pytest.fixture
def types(tmp_path: Path) -> mp.Mapping:
    return install(tmp_path, "TYPES01", programs.TYPES, "svc")


def test_every_type_goes_in_and_comes_back(tmp_path: Path, types: mp.Mapping) -> None:
    args = [arg("INOUT", t, v) for t, v in TYPES_IN]
    out = runner.run_service(tmp_path, "TYPES01.gnt", types, "TYPES01", args)
    assert out == ["HELLO", 42, 99999, 6, -4, Decimal("-24.50"), Decimal(10 ** 19 + 1), 99,
                   "OK12"]


def test_only_out_and_inout_come_back(tmp_path: Path, types: mp.Mapping) -> None:
    args = [arg("IN" if n % 2 else "OUT", t, None if n % 2 == 0 else v)
            for n, (t, v) in enumerate(TYPES_IN)]
    out = runner.run_service(tmp_path, "TYPES01.gnt", types, "TYPES01", args)
    # OUT arguments start as spaces / zero, as LINKAGE items the caller initialised
    assert out == ["", 1, -1, Decimal(1), "OK"]


@pytest.mark.parametrize(("index", "value", "message"), [
    (0, "x" * 13, "LK-NAME (String, 12 bytes): 13 characters do not fit"),
    (0, "\u20ac", "has no single-byte code"),
    (0, 5, "expected text, got int"),
    (1, True, "expected a whole number, got True"),
    (1, -1, "-1 is negative; PIC 9(10) has no sign"),
    (1, 10 ** 10, "has more integer digits than PIC 9(10)"),
    (5, Decimal("1.001"), "has more decimals than PIC S9(5)V99"),
    (5, "abc", "expected a decimal number"),
])
def test_values_that_do_not_fit_are_refused(tmp_path: Path, types: mp.Mapping, index: int,
                                            value, message: str) -> None:
    args = [arg("INOUT", t, value if n == index else v) for n, (t, v) in enumerate(TYPES_IN)]
    with pytest.raises(runner.BadArguments, match=message.replace("(", r"\(").replace(")", r"\)")):
        runner.run_service(tmp_path, "TYPES01.gnt", types, "TYPES01", args)


def test_wrong_count_type_or_operation(tmp_path: Path, types: mp.Mapping) -> None:
    args = [arg("INOUT", t, v) for t, v in TYPES_IN]
    with pytest.raises(runner.BadArguments, match=r"svc.TYPES01 takes 9 arguments \(String "
                                                  r"LK-NAME io, Long LK-BIG io, .*got 8"):
        runner.run_service(tmp_path, "TYPES01.gnt", types, "TYPES01", args[:8])
    args[1] = arg("INOUT", "INTEGER", 1)
    with pytest.raises(runner.BadArguments, match=r"argument 2 \(LK-BIG\) was sent as INTEGER; "
                                                  r"the mapping says Long \(LONG\)"):
        runner.run_service(tmp_path, "TYPES01.gnt", types, "TYPES01", args)
    with pytest.raises(ServiceError, match=r"service svc has no operation 'NOPE' "
                                           r"\(operations: TYPES01\)"):
        runner.run_service(tmp_path, "TYPES01.gnt", types, "NOPE", args)


def test_directions_of_the_mapping_are_enforced(tmp_path: Path) -> None:
    outs = install(tmp_path, "DIVIDER", programs.DIVIDER, "div", directions="out")
    with pytest.raises(runner.BadArguments, match=r"\(LK-INDEX\) is an output \(direction "
                                                  r"out\) but was sent as IN"):
        runner.run_service(tmp_path, "DIVIDER.gnt", outs, "DIVIDER",
                           [arg("IN", "SHORT", 1), arg("OUT", "SHORT")])
    ins = install(tmp_path, "DIVIDER", programs.DIVIDER, "div", directions="in")
    with pytest.raises(runner.BadArguments, match=r"is an input \(direction in\) but was sent "
                                                  "as OUT"):
        runner.run_service(tmp_path, "DIVIDER.gnt", ins, "DIVIDER",
                           [arg("OUT", "SHORT"), arg("OUT", "SHORT")])


def test_run_time_error_is_named_and_the_next_call_works(tmp_path: Path) -> None:
    div = install(tmp_path, "DIVIDER", programs.DIVIDER, "div")

    def call(index: int) -> list:
        return runner.run_service(tmp_path, "DIVIDER.gnt", div, "DIVIDER",
                                  [arg("IN", "SHORT", index), arg("OUT", "SHORT")])

    assert call(1) == [1]
    assert call(2) == [2]  # WORKING-STORAGE persists between calls
    with pytest.raises(ServiceError, match=r"div.DIVIDER: COBOL run-time error 153 Subscript "
                                           r"out of range .* in program DIVIDER, line 15"):
        call(7)
    assert call(3) == [1]  # the failed run unit was dropped: fresh WORKING-STORAGE


def test_stop_run_in_a_service_is_an_error(tmp_path: Path) -> None:
    stopper = install(tmp_path, "STOPPER", programs.STOPPER, "stop")
    with pytest.raises(ServiceError, match="ended the run unit with STOP RUN"):
        runner.run_service(tmp_path, "STOPPER.gnt", stopper, "STOPPER",
                           [arg("INOUT", "STRING", "x")])


def test_files_resolve_in_the_package_folder_unless_dd_says_otherwise(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    noter = install(package, "NOTER", programs.NOTER, "note")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("dd_NOTES", raising=False)
    monkeypatch.delenv("NOTES", raising=False)
    (package / "NOTES").write_text("")  # OPEN EXTEND needs the file (not OPTIONAL)
    runner.run_service(package, "NOTER.gnt", noter, "NOTER", [arg("IN", "STRING", "first")])
    assert (package / "NOTES").read_text() == "first\n"
    elsewhere = tmp_path / "other" / "notes.txt"
    elsewhere.parent.mkdir()
    elsewhere.write_text("")
    monkeypatch.setenv("dd_NOTES", str(elsewhere))
    runner.run_service(package, "NOTER.gnt", noter, "NOTER", [arg("IN", "STRING", "second")])
    assert elsewhere.read_text() == "second\n"
    assert (package / "NOTES").read_text() == "first\n"


def test_provider_follows_mfds_deploy_redeploy_undeploy(tree: DeployTree, mfds) -> None:
    mfds.add_server("ESSRV01")
    services = provider.DeployedServices("ESSRV01", mfds, max_age=0)
    assert services.lookup("svc", "TYPES01") is None
    assert tree.mfdepinst("svc.car").returncode == 0
    handler = services.lookup("svc", "TYPES01")
    assert handler is not None
    assert handler([arg("INOUT", t, v) for t, v in TYPES_IN])[0] == "HELLO"
    assert tree.mfdepinst("-u", "svc.car").returncode == 0
    assert services.lookup("svc", "TYPES01") is None


def test_provider_rereads_a_known_list_only_when_it_is_old(tree: DeployTree, mfds) -> None:
    mfds.add_server("ESSRV01")
    assert tree.mfdepinst("svc.car").returncode == 0
    services = provider.DeployedServices("ESSRV01", mfds, max_age=3600)
    assert services.lookup("svc", "TYPES01") is not None  # unknown before: read at once
    mfds.set_server("ESSRV01", services=[])
    assert services.lookup("svc", "TYPES01") is not None  # the list read is still young
    services.read_at -= 3600
    assert services.lookup("svc", "TYPES01") is None


def test_a_redeployed_program_is_reloaded_with_fresh_working_storage(tmp_path: Path) -> None:
    div = install(tmp_path, "DIVIDER", programs.DIVIDER, "div")

    def calls_so_far() -> int:
        return runner.run_service(tmp_path, "DIVIDER.gnt", div, "DIVIDER",
                                  [arg("IN", "SHORT", 1), arg("OUT", "SHORT")])[0]

    assert [calls_so_far(), calls_so_far()] == [1, 2]
    gnt = tmp_path / "DIVIDER.gnt"
    fresh = tmp_path / "new.gnt"
    fresh.write_bytes(gnt.read_bytes())
    fresh.replace(gnt)  # what mfdepinst's rename does on redeployment
    assert calls_so_far() == 1


def test_a_kept_handler_sees_a_redeployed_program_and_mapping(tree: DeployTree, mfds) -> None:
    """The SEP keeps one prepared handler per operation; a redeployment in the same
    package folder (same MFDS entry paths) must still reach it at the next call."""
    mfds.add_server("ESSRV01")
    build = tree.deploy.parent / "divider"
    tree.car.write_bytes(build_car(build, "divider.cbl", programs.DIVIDER, "svc").read_bytes())
    assert tree.mfdepinst("svc.car").returncode == 0
    services = provider.DeployedServices("ESSRV01", mfds, max_age=3600)  # the list stays read

    def call() -> list:
        handler = services.lookup("svc", "DIVIDER")
        assert handler is not None
        return handler([arg("IN", "SHORT", 1), arg("OUT", "SHORT")])

    assert [call(), call()] == [[1], [2]]
    assert services.lookup("svc", "DIVIDER") is services.lookup("svc", "DIVIDER")
    outs = build_car(build, "divider.cbl", programs.DIVIDER, "svc", directions="out")
    tree.car.write_bytes(outs.read_bytes())
    assert tree.mfdepinst("svc.car").returncode == 0  # new .gnt and mapping renamed into place
    with pytest.raises(runner.BadArguments, match=r"\(LK-INDEX\) is an output"):
        call()  # the new mapping
    tree.car.write_bytes(build_car(build, "divider.cbl", programs.DIVIDER, "svc").read_bytes())
    assert tree.mfdepinst("svc.car").returncode == 0
    assert call() == [1]  # the new program: fresh WORKING-STORAGE


def test_a_kept_handler_sees_a_mapping_edited_in_place(tree: DeployTree, mfds) -> None:
    mfds.add_server("ESSRV01")
    assert tree.mfdepinst("svc.car").returncode == 0
    services = provider.DeployedServices("ESSRV01", mfds, max_age=3600)
    args = [arg("INOUT", t, v) for t, v in TYPES_IN]
    handler = services.lookup("svc", "TYPES01")
    assert handler is not None and handler(args)[0] == "HELLO"
    xml = tree.package / "svc.xml"
    edited = xml.read_text().replace('direction="io"', 'direction="in"')
    with open(xml, "r+") as f:  # same inode and size: only the modification time tells
        f.write(edited)
    stat = xml.stat()
    os.utime(xml, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    with pytest.raises(runner.BadArguments, match=r"\(LK-NAME\) is an input"):
        handler([arg("OUT", t) for t, _ in TYPES_IN])
    assert handler([arg("IN", t, v) for t, v in TYPES_IN]) == []


def test_kept_handlers_are_bounded_and_operations_checked_at_the_call(tree: DeployTree,
                                                                      mfds) -> None:
    mfds.add_server("ESSRV01")
    assert tree.mfdepinst("svc.car").returncode == 0
    services = provider.DeployedServices("ESSRV01", mfds, max_age=3600)
    for n in range(provider.MAX_HANDLERS + 10):
        assert services.lookup("svc", f"NOPE{n}") is not None
    assert len(services.handlers) == provider.MAX_HANDLERS
    handler = services.lookup("svc", "TYPES01")
    assert handler is not None and ("svc", "TYPES01") not in services.handlers  # past the bound
    assert handler([arg("INOUT", t, v) for t, v in TYPES_IN])[0] == "HELLO"
    nope = services.lookup("svc", "NOPE3")
    assert nope is not None
    with pytest.raises(ServiceError, match="service svc has no operation 'NOPE3'"):
        nope([])


def test_a_bigdecimal_wider_than_28_digits_goes_in_and_comes_back_exactly() -> None:
    """Python's default decimal context keeps 28 digits; a PIC 9(30)V99 keeps 32."""
    param = mp.Parameter("LK-WIDE", "BigDecimal", "inout", "9(30)V99", "DISPLAY", 32)
    encode, decode = runner.encoder(param), runner.decoder(param)
    wide = Decimal("123456789012345678901234567890.12")
    assert bytes(encode(wide)) == b"12345678901234567890123456789012"
    assert decode(encode(wide)) == wide
    with pytest.raises(runner.BadArguments, match="has more decimals than PIC 9"):
        encode(Decimal("123456789012345678901234567890.123"))
