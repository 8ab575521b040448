"""`mdump HOST [SERVER]`: the directory as LDAP-dump style text (format in docs/MDUMP.md).

The seed's scripts are the judge: forceStopServer.ksh takes server names from
`grep "^Server "`, mfmonitor.ksh looks for a `CN:` line containing
"Web Services" and then its `mfListenerStatus:` line, and treats
`SERVER_DOWN` anywhere on stdout as "mfds is down". No Twisted here: mdump
runs every few seconds from a monitor and must start fast.
"""

from __future__ import annotations

import sys

from fakees.mfds.client import MfdsClient, MfdsDown, MfdsError, UnknownServer, mfds_port, resolve

TYPE_CHECKING = False  # `typing` costs a few ms at start: annotations only
if TYPE_CHECKING:
    from typing import Any

SERVER_DOWN = "m_ldap_bind: 0x51 SERVER_DOWN"


def format_server_list(servers: list[dict[str, Any]]) -> str:
    return "".join(f"Server {server['name']}\n" for server in servers)


def _entry(cn: str, object_class: str, attributes: list[tuple[str, Any]]) -> str:
    lines = [f"CN: {cn}", f"objectClass: {object_class}"]
    lines += [f"{key}: {value}" for key, value in attributes]
    return "\n".join(lines) + "\n\n"


def format_server(server: dict[str, Any]) -> str:
    """The server, then each communications process and its listeners, then its services."""
    name = server["name"]
    attributes: list[tuple[str, Any]] = [
        ("mfServerName", name),
        ("mfServerStatus", server["status"]),
        ("description", server["description"]),
        ("mfServerSEPCount", server["seps"]),
    ]
    if server.get("pid"):
        attributes.append(("mfServerPID", server["pid"]))
    attributes += [("mfServerEnvironment", f"{k}={v}") for k, v in server["env"].items()]
    text = _entry(name, "mfServer", attributes)
    for comms in server["comms"]:
        comms_cn = f"{comms['name']},CN={name}"
        started = any(lst["status"] == "Started" for lst in comms["listeners"])
        text += _entry(comms_cn, "mfCommsServer", [
            ("mfCommsServerName", comms["name"]),
            ("mfCommsServerStatus", "Started" if started else "Stopped"),
        ])
        for listener in comms["listeners"]:
            attributes = [
                ("mfListenerName", listener["name"]),
                ("mfListenerStatus", listener["status"]),
                ("mfRequestedEndpoint", listener["endpoint"]),
            ]
            if listener["actual_endpoint"]:
                attributes.append(("mfActualEndpoint", listener["actual_endpoint"]))
            if listener["reason"]:
                attributes.append(("mfListenerStatusReason", listener["reason"]))
            text += _entry(f"{listener['name']},CN={comms_cn}", "mfListener", attributes)
    for service in server["services"]:
        attributes = [(f"mfService{key[:1].upper()}{key[1:]}", value)
                      for key, value in service.items()]
        text += _entry(f"{service['name']},CN=Services,CN={name}", "mfService", attributes)
    return text


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2 or argv[0].startswith("-"):
        print("usage: mdump HOST [SERVER]", file=sys.stderr)
        return 2
    host = argv[0]
    try:
        client = MfdsClient(resolve(host), mfds_port(), timeout=5.0)
        if len(argv) == 1:
            sys.stdout.write(format_server_list(client.list_servers()))
        else:
            sys.stdout.write(format_server(client.get_server(argv[1])))
    except MfdsDown as exc:
        print(SERVER_DOWN)
        print(f"mdump: {exc}", file=sys.stderr)
        return 1
    except UnknownServer:
        print(f"mdump: no server named {argv[1]!r} in MFDS at {host}:{mfds_port()}",
              file=sys.stderr)
        return 1
    except MfdsError as exc:
        print(f"mdump: {exc}", file=sys.stderr)
        return 1
    return 0
