"""The `.car` service package: a zip archive with a manifest, the mapping and the program.

Layout (documented in docs/DEPLOY.md)::

    META-INF/fakees-car.json   manifest: format name and version, service, mapping,
                               program, and the SHA-256 of every other member
    srv01.xml                  the mapping (fakees.deploy.mapping)
    CBLAPP01.gnt               the compiled program (fakees.cobol .gnt)
    cblapp01.cbl               its source, for the record

`read_car` checks everything before a caller writes a byte: member names (no
absolute paths, no `..`, no folders, no links), sizes, compression ratios,
hashes, the manifest, the mapping, and that the mapping matches the program's
PROCEDURE DIVISION USING. An archive that fails any check is refused whole.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
import stat
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakees.cobol import CobolSyntaxError, GntError, Program, compile_file
from fakees.cobol.gnt import loads as load_gnt
from fakees.deploy import mapping as mp

CAR_FORMAT = "fakees-car"
CAR_VERSION = 1
MANIFEST = "META-INF/fakees-car.json"
MAX_ARCHIVE_BYTES = 64 << 20
MAX_MEMBERS = 32
MAX_MEMBER_BYTES = 16 << 20
MAX_TOTAL_BYTES = 48 << 20
MAX_RATIO = 100  # uncompressed / compressed, for members above RATIO_FLOOR bytes
RATIO_FLOOR = 64 << 10
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class CarError(ValueError):
    """The package cannot be built or must not be installed; the message says exactly why."""


@dataclass(frozen=True)
class Car:
    """A checked package: its manifest, its mapping and the bytes of each file to install."""

    manifest: dict[str, Any]
    mapping: mp.Mapping
    files: dict[str, bytes]

    @property
    def service(self) -> str:
        return self.manifest["service"]

    @property
    def gnt_name(self) -> str:
        return self.manifest["program"]["gnt"]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_program(gnt: bytes, mapping: mp.Mapping, origin: str) -> str:
    """Load the compiled program and check the mapping against it; returns the PROGRAM-ID."""
    try:
        program = Program(load_gnt(gnt, origin))
    except GntError as exc:
        raise CarError(f"{origin}: {exc}") from None
    try:
        mp.check_against(mapping, program.name, program.linkage)
    except mp.MappingError as exc:
        raise CarError(str(exc)) from None
    return program.name


def build(mapping_path: Path, output: Path) -> Car:
    """`imtkmake -generate`: compile the mapping's source and pack the package."""
    try:
        mapping = mp.load(mapping_path)
    except mp.MappingError as exc:
        raise CarError(str(exc)) from None
    if not mapping.source:
        raise CarError(f"{mapping_path}: the mapping names no source=\"...\" program")
    source = mapping_path.parent / mapping.source
    if not source.is_file():
        raise CarError(f"{mapping_path}: its program source {source} does not exist")
    gnt_path = output.with_name(f".{output.name}.gnt.tmp")
    try:
        prog = compile_file(source, gnt_path)
        gnt = gnt_path.read_bytes()
    except CobolSyntaxError as exc:
        raise CarError(f"{source} does not compile:\n{exc.render()}") from None
    finally:
        gnt_path.unlink(missing_ok=True)
    program = check_program(gnt, mapping, str(source))
    files = {
        mapping_path.name: mapping_path.read_bytes(),
        f"{prog.program_id.upper()}.gnt": gnt,
        source.name: source.read_bytes(),
    }
    for name in files:
        _check_name(name, str(mapping_path))
    manifest = {
        "format": CAR_FORMAT,
        "version": CAR_VERSION,
        "service": mapping.service,
        "type": mapping.type,
        "mapping": mapping_path.name,
        "program": {"name": program, "gnt": f"{program.upper()}.gnt", "source": source.name},
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "files": {name: digest(data) for name, data in sorted(files.items())},
    }
    tmp = output.with_name(f".{output.name}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in [(MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode()),
                           *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    tmp.replace(output)
    return Car(manifest, mapping, files)


def read(path: Path) -> Car:
    """Open and check a .car completely, in memory; CarError names the first problem."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CarError(f"{path}: no such package file") from None
    if size > MAX_ARCHIVE_BYTES:
        raise CarError(f"{path}: {size} bytes is larger than the {MAX_ARCHIVE_BYTES} a "
                       "package may be")
    raw = path.read_bytes()
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise CarError(f"{path}: not a .car package (not a zip archive)") from None
    with zf:
        members = _checked_members(zf, str(path))
        if MANIFEST not in members:
            raise CarError(f"{path}: no {MANIFEST}: not a fakees .car package")
        manifest = _manifest(members.pop(MANIFEST), str(path))
        listed = manifest["files"]
        for name, data in members.items():
            if name not in listed:
                raise CarError(f"{path}: member {name!r} is not listed in the manifest")
            if digest(data) != listed[name]:
                raise CarError(f"{path}: member {name!r} does not match its SHA-256 in the "
                               "manifest (damaged or altered package)")
        missing = sorted(set(listed) - set(members))
        if missing:
            raise CarError(f"{path}: the manifest lists {', '.join(missing)}, missing from "
                           "the archive")
    gnt = manifest["program"]["gnt"]
    for name in (manifest["mapping"], gnt):
        if name not in members:
            raise CarError(f"{path}: the manifest names {name!r}, which is not in the archive")
    try:
        mapping = mp.from_xml(members[manifest["mapping"]], f"{path}:{manifest['mapping']}")
    except mp.MappingError as exc:
        raise CarError(str(exc)) from None
    if mapping.service != manifest["service"]:
        raise CarError(f"{path}: the manifest says service {manifest['service']!r}, the "
                       f"mapping {mapping.service!r}")
    check_program(members[gnt], mapping, f"{path}:{gnt}")
    return Car(manifest, mapping, members)


def _check_name(name: str, origin: str) -> None:
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        raise CarError(f"{origin}: member {name!r} has an absolute path")
    if ".." in re.split(r"[/\\]", name):
        raise CarError(f"{origin}: member {name!r} climbs out of the package folder with '..'")
    if name != MANIFEST and not _FILE_NAME.fullmatch(name):
        raise CarError(f"{origin}: member name {name!r} is not a plain file name (letters, "
                       "digits, '.', '_', '-'; no folders)")


def _checked_members(zf: zipfile.ZipFile, origin: str) -> dict[str, bytes]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise CarError(f"{origin}: {len(infos)} members, more than the {MAX_MEMBERS} allowed")
    total = 0
    members: dict[str, bytes] = {}
    for info in infos:
        name = info.filename
        if info.is_dir():
            _check_name(name.rstrip("/"), origin)
            continue
        _check_name(name, origin)
        kind_bits = stat.S_IFMT(info.external_attr >> 16)
        if kind_bits and kind_bits != stat.S_IFREG:
            kind = "a symbolic link" if kind_bits == stat.S_IFLNK else "not a regular file"
            raise CarError(f"{origin}: member {name!r} is {kind}")
        if name in members:
            raise CarError(f"{origin}: member {name!r} appears twice")
        if info.file_size > MAX_MEMBER_BYTES:
            raise CarError(f"{origin}: member {name!r} is {info.file_size} bytes, more than "
                           f"the {MAX_MEMBER_BYTES} allowed")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise CarError(f"{origin}: member {name!r} expands {info.file_size} bytes from "
                           f"{info.compress_size}: compression ratio above {MAX_RATIO} "
                           "(zip bomb?)")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise CarError(f"{origin}: members add up to more than {MAX_TOTAL_BYTES} bytes")
        try:
            with zf.open(info) as f:
                data = f.read(info.file_size + 1)
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as exc:
            raise CarError(f"{origin}: member {name!r} cannot be read: {exc}") from None
        if len(data) != info.file_size:
            raise CarError(f"{origin}: member {name!r} is not the size its header declares")
        members[name] = data
    return members


def _manifest(data: bytes, origin: str) -> dict[str, Any]:
    where = f"{origin}: {MANIFEST}"
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CarError(f"{where} is not JSON: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != CAR_FORMAT:
        raise CarError(f"{where}: format is not {CAR_FORMAT!r}")
    if manifest.get("version") != CAR_VERSION:
        raise CarError(f"{where}: package version {manifest.get('version')!r} is not supported "
                       f"(this fakees installs version {CAR_VERSION})")
    program = manifest.get("program")
    files = manifest.get("files")
    if (not isinstance(manifest.get("service"), str) or not isinstance(manifest.get("mapping"), str)
            or not isinstance(program, dict) or not isinstance(program.get("gnt"), str)
            or not isinstance(files, dict)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())):
        raise CarError(f"{where}: needs service, mapping, program.gnt and files "
                       "(name -> SHA-256)")
    for name in files:
        _check_name(name, where)
    expected = {manifest["mapping"], program["gnt"], program.get("source") or program["gnt"]}
    extra = sorted(set(files) - expected)
    if extra:  # a package never carries data files: APPFILE01 must not be overwritten
        raise CarError(f"{where}: {', '.join(extra)} is neither the mapping, the program nor "
                       "its source; a package carries nothing else")
    return manifest
