"""`imtkmake`: the Interface Mapping Toolkit's command line, as the report uses it.

    imtkmake -defmap src=cblapp01.cbl service=srv01 type=ejb   # writes srv01.xml
    (edit the directions in srv01.xml: "io" -> "out", as the report does)
    imtkmake -generate service=srv01 type=ejb                  # writes srv01.car

Both work in the current folder. `-defmap` refuses to overwrite an existing
mapping (it may hold hand edits) unless `-force` is given.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from fakees.cobol import CobolSyntaxError, compile_file, linkage_of_source
from fakees.deploy import car
from fakees.deploy import mapping as mp

USAGE = """\
usage: imtkmake -defmap src=PROGRAM.cbl service=NAME type=ejb [-force]
       imtkmake -generate service=NAME type=ejb"""
_SERVICE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")


class UsageError(Exception):
    pass


def parse(argv: list[str]) -> tuple[str, dict[str, str], bool]:
    """(action, key=value settings, force) from the product-style arguments."""
    actions = [a for a in argv if a.lower() in ("-defmap", "-generate")]
    if len(actions) != 1:
        raise UsageError("give exactly one of -defmap or -generate")
    settings: dict[str, str] = {}
    force = False
    for arg in argv:
        if arg in actions:
            continue
        if arg.lower() == "-force":
            force = True
            continue
        key, eq, value = arg.partition("=")
        if not eq or not value or key.lower() not in ("src", "service", "type"):
            raise UsageError(f"unexpected argument {arg!r}")
        settings[key.lower()] = value
    action = actions[0].lower().lstrip("-")
    need = ("src", "service") if action == "defmap" else ("service",)
    missing = [k for k in need if k not in settings]
    if missing:
        raise UsageError(f"-{action} needs {' and '.join(f'{k}=...' for k in missing)}")
    if not _SERVICE.fullmatch(settings["service"]):
        raise UsageError(f"service name {settings['service']!r}: use 1-32 letters, digits or "
                         "'_', starting with a letter")
    if settings.setdefault("type", "ejb") not in mp.SERVICE_TYPES:
        raise UsageError(f"type={settings['type']}: fakees generates {', '.join(mp.SERVICE_TYPES)}")
    return action, settings, force


def defmap(folder: Path, settings: dict[str, str], force: bool) -> Path:
    source = folder / settings["src"]
    target = folder / f"{settings['service']}.xml"
    if not source.is_file():
        raise mp.MappingError(f"{source}: no such COBOL source")
    if target.exists() and not force:
        raise mp.MappingError(f"{target} exists and may hold your edits; remove it or add -force")
    scratch = folder / f".{settings['service']}.defmap.gnt"
    try:  # compile fully, so a program with errors is caught now, not at deployment
        prog = compile_file(source, scratch)
    finally:
        scratch.unlink(missing_ok=True)
    items = linkage_of_source(source)
    if not items:
        raise mp.MappingError(f"{source}: PROCEDURE DIVISION has no USING items; a service "
                              "program receives its arguments in LINKAGE")
    mapping = mp.define(settings["service"], os.path.relpath(source, folder), prog.program_id,
                        items, settings["type"])
    target.write_text(mp.to_xml(mapping))
    return target


def main(argv: list[str]) -> int:
    try:
        action, settings, force = parse(argv)
    except UsageError as exc:
        print(f"imtkmake: {exc}\n{USAGE}", file=sys.stderr)
        return 2
    folder = Path.cwd()
    try:
        if action == "defmap":
            target = defmap(folder, settings, force)
            print(f"imtkmake: wrote {target.name} (every parameter \"io\"; edit the directions "
                  "as needed, then run imtkmake -generate)")
        else:
            package = car.build(folder / f"{settings['service']}.xml",
                                folder / f"{settings['service']}.car")
            print(f"imtkmake: wrote {settings['service']}.car ({', '.join(package.files)})")
    except CobolSyntaxError as exc:
        print(f"imtkmake: {settings.get('src')} does not compile:\n{exc.render()}",
              file=sys.stderr)
        return 1
    except (mp.MappingError, car.CarError) as exc:
        print(f"imtkmake: {exc}", file=sys.stderr)
        return 1
    return 0
