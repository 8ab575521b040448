"""`fakees server add|set|delete|list`: administration without a browser, through mfds32."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from fakees.mfds.client import MfdsClient, MfdsDown, MfdsError, mfds_port


def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def _fault(text: str) -> tuple[str, Any]:
    name, value = _pair(text)
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="fakees server",
                                  description="Define servers (regions) in MFDS.")
    top.add_argument("--host", default="localhost", help="MFDS host (default localhost)")
    top.add_argument("--port", type=int, default=None, help="MFDS port (default CCITCP2_PORT/86)")
    sub = top.add_subparsers(dest="action", required=True)
    for action in ("add", "set"):
        p = sub.add_parser(action, help=f"{action} a server definition")
        p.add_argument("name")
        p.add_argument("--listener", metavar="tcp:ADDR:PORT",
                       help="endpoint of the Web Services and J2EE listener (* for any)")
        p.add_argument("--seps", type=int, help="number of service execution processes")
        p.add_argument("--description")
        p.add_argument("--env", type=_pair, action="append", default=[], metavar="NAME=VALUE",
                       help="environment setting for the region (repeatable)")
        p.add_argument("--fault", type=_fault, action="append", default=[], metavar="NAME=VALUE",
                       help="fault-injection setting, JSON value (repeatable)")
    sub.add_parser("delete", help="delete a stopped server").add_argument("name")
    sub.add_parser("list", help="list servers with status and listener")
    return top


def format_table(servers: list[dict[str, Any]]) -> str:
    rows = [("NAME", "STATUS", "SEPS", "LISTENER", "LISTENER STATUS", "DESCRIPTION")]
    for server in servers:
        listeners = [lst for comms in server["comms"] for lst in comms["listeners"]]
        first = listeners[0] if listeners else {"endpoint": "-", "status": "-"}
        rows.append((server["name"], server["status"], str(server["seps"]), first["endpoint"],
                     first["status"], server["description"]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True))
        + "  " + row[-1]
        for row in rows
    ).rstrip() + "\n"


def apply(client: MfdsClient, args: argparse.Namespace) -> str:
    if args.action == "list":
        return format_table(client.list_servers())
    if args.action == "delete":
        client.delete_server(args.name)
        return f"server {args.name} deleted\n"
    if args.action == "add":
        client.add_server(args.name, description=args.description or "",
                          seps=2 if args.seps is None else args.seps,
                          listener_endpoint=args.listener,
                          env=dict(args.env), faults=dict(args.fault))
        return f"server {args.name} added\n"
    current = client.get_server(args.name)
    changes: dict[str, Any] = {}
    if args.listener is not None:
        changes["listener_endpoint"] = args.listener
    if args.seps is not None:
        changes["seps"] = args.seps
    if args.description is not None:
        changes["description"] = args.description
    if args.env:
        changes["env"] = {**current["env"], **dict(args.env)}
    if args.fault:
        changes["faults"] = {**current["faults"], **dict(args.fault)}
    if not changes:
        raise MfdsError(400, "nothing to change: give --listener, --seps, --description, "
                             "--env or --fault")
    client.set_server(args.name, **changes)
    return f"server {args.name} changed\n"


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    port = args.port or mfds_port()
    try:
        sys.stdout.write(apply(MfdsClient(args.host, port), args))
    except MfdsDown:
        print(f"fakees server: no MFDS answers at {args.host}:{port} (start it with `mfds`)",
              file=sys.stderr)
        return 1
    except MfdsError as exc:
        print(f"fakees server: {exc}", file=sys.stderr)
        return 1
    return 0
