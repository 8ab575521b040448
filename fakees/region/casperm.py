"""`casperm`: build the global `cas.cfg` (syslog, administrator, CASROOT) as in report section 9.

Interactive by default, with gnureadline line editing on a terminal; the
prompts follow the report's dialogue. `--syslog y|n`, `--admin USER` and
`--casroot DIR` answer the matching questions, so all three make it fully
non-interactive. Nothing is written until every answer is valid: then the
runtime directory is created (mode 2775, owned by the administrator) and
`$COBDIR/etc/cas/cas.cfg` is replaced atomically.
"""

from __future__ import annotations

import argparse
import os
import pwd
import re
import sys
from collections.abc import Callable
from pathlib import Path

from fakees.cobdir import DEFAULT_CASROOT, Cobdir

INTRO = (
    "Before continuing, make sure you have the alphanumeric user ID of the Enterprise Server\n"
    "system administrator at hand. Details are in the manual \"Configuration and "
    "Administration\".\nEnter 'q' to quit, or press Return to continue: "
)
EXPLAIN = (
    "Answer the following questions to build the global transaction system configuration\n"
    "file (cas.cfg). - See the manual \"Configuration and Administration\" for details."
)
ASK_SYSLOG = "Do you want error and warning messages to be displayed by the syslog daemon (y/n)? "
ASK_ADMIN = "Enter the alphanumeric user ID of the Enterprise Server system administrator: "
ASK_CASROOT = (
    "Enter the absolute path name of the directory to copy the Enterprise Server runtime\n"
    "system files to. Environment variables cannot be used.\n"
    f"Press RETURN to copy them to {DEFAULT_CASROOT}: "
)
DIRECTORY_MODE = 0o2775
_USER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\Z")


class Invalid(ValueError):
    """An answer that cannot be used; the message says why."""


def check_syslog(answer: str) -> bool:
    value = answer.strip().lower()
    if value in ("y", "yes"):
        return True
    if value in ("n", "no"):
        return False
    raise Invalid(f"please answer y or n, not {answer.strip()!r}")


def check_admin(answer: str) -> pwd.struct_passwd:
    user = answer.strip()
    if not _USER.match(user):
        raise Invalid(f"{user!r} is not an alphanumeric user ID")
    try:
        return pwd.getpwnam(user)
    except KeyError:
        raise Invalid(f"user {user!r} does not exist on this system") from None


def check_casroot(answer: str) -> Path:
    text = answer.strip() or DEFAULT_CASROOT
    if "$" in text or "~" in text:
        raise Invalid(f"{text!r}: environment variables and ~ cannot be used")
    path = Path(text)
    if not path.is_absolute():
        raise Invalid(f"{text!r} is not an absolute path name")
    if path.exists() and not path.is_dir():
        raise Invalid(f"{text} exists and is not a directory")
    return path


def ask(prompt: str, check: Callable[[str], object]) -> object:
    """Prompt until the answer passes `check`; EOF ends casperm with nothing changed."""
    while True:
        try:
            answer = input(prompt)
        except EOFError:
            print("\ncasperm: input ended; nothing was changed", file=sys.stderr)
            raise SystemExit(1) from None
        try:
            return check(answer)
        except Invalid as exc:
            print(f"casperm: {exc}", file=sys.stderr)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="casperm", description="Build $COBDIR/etc/cas/cas.cfg and the CASROOT directory.")
    parser.add_argument("--syslog", help="show errors and warnings via syslog: y or n")
    parser.add_argument("--admin", help="user ID of the Enterprise Server administrator")
    parser.add_argument("--casroot", help=f"runtime directory (default {DEFAULT_CASROOT})")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    given = [args.syslog, args.admin, args.casroot]
    try:
        syslog = None if args.syslog is None else check_syslog(args.syslog)
        admin = None if args.admin is None else check_admin(args.admin)
        casroot = None if args.casroot is None else check_casroot(args.casroot)
    except Invalid as exc:
        print(f"casperm: {exc}", file=sys.stderr)
        return 2
    cobdir = Cobdir.from_env()
    if any(value is None for value in given):
        if sys.stdin.isatty():
            import gnureadline  # noqa: F401  (line editing for input())
        if input_or_quit(INTRO):
            return 1
        print(EXPLAIN)
        if syslog is None:
            syslog = ask(ASK_SYSLOG, check_syslog)
        if admin is None:
            admin = ask(ASK_ADMIN, check_admin)
        if casroot is None:
            casroot = ask(ASK_CASROOT, check_casroot)
    assert isinstance(admin, pwd.struct_passwd) and isinstance(casroot, Path)
    print("Setting file permissions. Please wait...")
    try:
        casroot.mkdir(parents=True, exist_ok=True)
        os.chown(casroot, admin.pw_uid, admin.pw_gid)
        os.chmod(casroot, DIRECTORY_MODE)
        cobdir.write_cas_cfg(casroot=str(casroot), usesyscon=bool(syslog))
    except OSError as exc:
        print(f"casperm: cannot set up {exc.filename or casroot}: {exc.strerror or exc}; "
              f"{cobdir.cas_cfg} was not changed", file=sys.stderr)
        return 1
    print(f"CASROOT={casroot} written to {cobdir.cas_cfg}")
    return 0


def input_or_quit(prompt: str) -> bool:
    """The opening question: True when the user chose to quit."""
    try:
        answer = input(prompt)
    except EOFError:
        answer = "q"
    if answer.strip().lower() == "q":
        print("casperm: quit; nothing was changed", file=sys.stderr)
        return True
    return False
