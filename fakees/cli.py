"""The `fakees` console script: set-up, sandbox and administration subcommands."""

from __future__ import annotations

import sys

from fakees.commands import load_main

# subcommand -> (module with main(argv), issue that delivers it, one-line help)
SUBCOMMANDS: dict[str, tuple[str, int, str]] = {
    "install": ("fakees.cobdir", 2, "lay out a Micro Focus-style COBDIR and its environment file"),
    "server": ("fakees.mfds.admin", 2, "add, set, delete and list servers in MFDS"),
    "call": ("fakees.binp.cli", 5, "call a service over BINP, like the report's Java client"),
    "demo": ("fakees.deploy.demo", 6, "the main job end to end on loopback"),
    "shell": ("fakees.admin.shell", 7, "interactive administration shell"),
}


def usage() -> str:
    lines = ["usage: fakees COMMAND [ARGS]", "", "commands:"]
    lines += [f"  {name:<9} {help_}" for name, (_, _, help_) in SUBCOMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in SUBCOMMANDS:
        print(f"fakees: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module_name, issue, _ = SUBCOMMANDS[name]
    sub_main = load_main(module_name, f"fakees {name}", issue)
    if sub_main is None:
        return 2
    return int(sub_main(rest) or 0)


if __name__ == "__main__":
    sys.exit(main())
