"""imtkmake -defmap / -generate and the .car checks, on real files."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from fakees.deploy import car, imtkmake
from fakees.deploy import mapping as mp
from tests.deploy import programs


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "types01.cbl").write_text(programs.TYPES)
    return tmp_path


def test_defmap_types_follow_the_pictures(folder: Path) -> None:
    assert imtkmake.main(["-defmap", "src=types01.cbl", "service=svc", "type=ejb"]) == 0
    mapping = mp.load(folder / "svc.xml")
    op = mapping.operation("types01")
    assert (mapping.service, mapping.source, op.name, op.program) == (
        "svc", "types01.cbl", "TYPES01", "TYPES01")
    assert [(p.name, p.type, p.direction, p.length) for p in op.parameters] == [
        ("LK-NAME", "String", "io", 12),
        ("LK-BIG", "Long", "io", 10),
        ("LK-MID", "Integer", "io", 5),
        ("LK-SMALL", "Short", "io", 3),
        ("LK-SIGNED", "Short", "io", 4),
        ("LK-MONEY", "BigDecimal", "io", 7),
        ("LK-HUGE", "BigDecimal", "io", 20),
        ("LK-PACKED", "Integer", "io", 4),
        ("LK-GROUP", "String", "io", 4),
    ]


def test_defmap_of_the_reports_program(folder: Path, seed: Path) -> None:
    (folder / "cblapp01.cbl").write_bytes((seed / "cobol" / "cblapp01.cbl").read_bytes())
    assert imtkmake.main(["-defmap", "src=cblapp01.cbl", "service=srv01", "type=ejb"]) == 0
    op = mp.load(folder / "srv01.xml").operation("CBLAPP01")
    assert [(p.name, p.type) for p in op.parameters] == [
        ("LK-DATETIME", "String"), ("LK-PGMNAME", "String"), ("LK-HOSTNAME", "String"),
        ("LK-COUNTER", "Long")]


def test_defmap_keeps_an_edited_mapping(folder: Path, capsys: pytest.CaptureFixture) -> None:
    assert imtkmake.main(["-defmap", "src=types01.cbl", "service=svc"]) == 0
    (folder / "svc.xml").write_text("edited")
    assert imtkmake.main(["-defmap", "src=types01.cbl", "service=svc"]) == 1
    assert "exists and may hold your edits" in capsys.readouterr().err
    assert (folder / "svc.xml").read_text() == "edited"
    assert imtkmake.main(["-defmap", "src=types01.cbl", "service=svc", "-force"]) == 0


@pytest.mark.parametrize(("argv", "message"), [
    ([], "exactly one of -defmap or -generate"),
    (["-defmap", "service=svc"], "needs src=..."),
    (["-generate", "service=1bad"], "service name '1bad'"),
    (["-generate", "service=svc", "type=soap"], "type=soap"),
    (["-generate", "service=svc", "colour=red"], "unexpected argument 'colour=red'"),
])
def test_usage_errors(folder: Path, capsys: pytest.CaptureFixture, argv: list[str],
                      message: str) -> None:
    assert imtkmake.main(argv) == 2
    assert message in capsys.readouterr().err


def test_source_that_does_not_compile(folder: Path, capsys: pytest.CaptureFixture) -> None:
    (folder / "broken.cbl").write_text(programs.BROKEN)
    assert imtkmake.main(["-defmap", "src=broken.cbl", "service=svc"]) == 1
    err = capsys.readouterr().err
    assert "broken.cbl does not compile" in err and "broken.cbl:8:" in err
    assert not (folder / "svc.xml").exists()


def test_program_without_using(folder: Path, capsys: pytest.CaptureFixture) -> None:
    (folder / "nousing.cbl").write_text(programs.NO_USING)
    assert imtkmake.main(["-defmap", "src=nousing.cbl", "service=svc"]) == 1
    assert "has no USING items" in capsys.readouterr().err


def test_generate_packs_mapping_program_and_manifest(folder: Path) -> None:
    assert imtkmake.main(["-defmap", "src=types01.cbl", "service=svc"]) == 0
    assert imtkmake.main(["-generate", "service=svc", "type=ejb"]) == 0
    with zipfile.ZipFile(folder / "svc.car") as zf:
        names = sorted(zf.namelist())
        manifest = json.loads(zf.read(car.MANIFEST))
    assert names == sorted([car.MANIFEST, "svc.xml", "TYPES01.gnt", "types01.cbl"])
    assert manifest["format"] == "fakees-car" and manifest["version"] == car.CAR_VERSION
    assert manifest["program"] == {"name": "TYPES01", "gnt": "TYPES01.gnt",
                                   "source": "types01.cbl"}
    package = car.read(folder / "svc.car")
    assert package.files["svc.xml"] == (folder / "svc.xml").read_bytes()
    assert package.mapping.operation("TYPES01").parameters[0].name == "LK-NAME"


@pytest.mark.parametrize(("edit", "message"), [
    (lambda x: x.replace('length="12"', 'length="13"'), "LK-NAME (13 bytes) in the mapping"),
    (lambda x: x.replace('type="Long"', 'type="Short"'), "cannot be mapped as Short"),
    (lambda x: x.replace('direction="io"', 'direction="sideways"', 1), "direction 'sideways'"),
    (lambda x: x.replace('format="1"', 'format="9"'), "mapping format '9'"),
    (lambda x: x[: x.index("<parameter")] + x[x.index("/>") + 2:], "has 8 parameters"),
    (lambda x: x.replace("<mapping", "<!DOCTYPE x><mapping"), "DOCTYPE"),
    (lambda x: x.replace("</mapping>", ""), "not well-formed XML"),
    (lambda x: x.replace('program="TYPES01"', 'program="OTHER"'),
     "operation TYPES01 runs program OTHER, but the package holds only TYPES01"),
])
def test_generate_refuses_a_mapping_that_does_not_match(folder: Path,
                                                      capsys: pytest.CaptureFixture,
                                                      edit, message: str) -> None:
    assert imtkmake.main(["-defmap", "src=types01.cbl", "service=svc"]) == 0
    xml = folder / "svc.xml"
    xml.write_text(edit(xml.read_text()))
    assert imtkmake.main(["-generate", "service=svc"]) == 1
    assert message in capsys.readouterr().err
    assert not (folder / "svc.car").exists()


# ---------------------------------------------------------------- hostile archives
@pytest.fixture
def good_car(folder: Path) -> Path:
    assert imtkmake.main(["-defmap", "src=types01.cbl", "service=svc"]) == 0
    assert imtkmake.main(["-generate", "service=svc"]) == 0
    return folder / "svc.car"


def rebuild(source: Path, target: Path, extra: list[tuple[zipfile.ZipInfo | str, bytes]],
            manifest_edit=None, drop: str = "") -> Path:
    """A copy of `source` with members added, dropped, or the manifest edited."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w",
                                                          zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == drop:
                continue
            if info.filename == car.MANIFEST and manifest_edit is not None:
                manifest = json.loads(data)
                manifest_edit(manifest)
                data = json.dumps(manifest).encode()
            zout.writestr(info, data)
        for info, data in extra:
            zout.writestr(info, data)
    return target


def link_member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(("extra", "manifest_edit", "drop", "message"), [
    ([("/etc/evil", b"x")], None, "", "'/etc/evil' has an absolute path"),
    ([("../evil", b"x")], None, "", "climbs out of the package folder"),
    ([("sub/file", b"x")], None, "", "is not a plain file name"),
    ([(link_member("APPFILE01"), b"/etc/passwd")], None, "", "is a symbolic link"),
    ([("extra.txt", b"x")], None, "", "'extra.txt' is not listed in the manifest"),
    ([("bomb.dat", bytes(8 << 20))], None, "", "compression ratio above 100"),
    ([], lambda m: m.update(version=2), "", "package version 2 is not supported"),
    ([("APPFILE01", b"x")], lambda m: m["files"].update({"APPFILE01": car.digest(b"x")}), "",
     "APPFILE01 is neither the mapping, the program nor its source"),
    ([], lambda m: m["files"].update({"svc.xml": "0" * 64}), "", "does not match its SHA-256"),
    ([], None, car.MANIFEST, "not a fakees .car package"),
    ([], None, "TYPES01.gnt", "missing from the archive"),
])
def test_hostile_or_damaged_packages_are_refused(good_car: Path, extra, manifest_edit,
                                                 drop: str, message: str) -> None:
    bad = rebuild(good_car, good_car.with_name("bad.car"), extra, manifest_edit, drop)
    with pytest.raises(car.CarError, match=message.replace("(", r"\(").replace(")", r"\)")):
        car.read(bad)


def test_oversized_member_is_refused_from_its_header(good_car: Path) -> None:
    big = os.urandom(1 << 20) * 17  # compresses badly only per MiB; the header says 17 MiB
    bad = rebuild(good_car, good_car.with_name("big.car"), [("big.dat", big)])
    with pytest.raises(car.CarError, match="more than the 16777216 allowed"):
        car.read(bad)


def test_not_a_zip(folder: Path) -> None:
    (folder / "x.car").write_text("hello")
    with pytest.raises(car.CarError, match="not a zip archive"):
        car.read(folder / "x.car")
