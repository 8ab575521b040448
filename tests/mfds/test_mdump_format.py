"""mdump's text, as the seed's scripts read it (format: docs/MDUMP.md)."""

from __future__ import annotations

from fakees.mfds.mdump import format_server, format_server_list
from fakees.mfds.repository import Directory, Server


def essrv01() -> dict:
    server = Server.from_dict({
        "name": "ESSRV01", "description": "HA", "status": "Started", "pid": 4242,
        "env": {"APPFILE01": "/u01/APPFILE01"},
        "comms": [{"listeners": [{"endpoint": "tcp:10.0.0.1:9003", "status": "Started",
                                  "actual_endpoint": "tcp:10.0.0.1:9003"},
                                 {"name": "Admin", "endpoint": "tcp:*:*", "status": "Invalid",
                                  "reason": "address not available"}]}],
        "services": [{"name": "srv01", "program": "CBLAPP01"}],
    })
    return server.to_dict()


def test_server_list_is_one_server_line_each():
    directory = Directory.initial()
    directory.servers["ESSRV01"] = Server("ESSRV01")
    assert format_server_list(directory.to_dict()["servers"]) == "Server ESDEMO\nServer ESSRV01\n"
    assert format_server_list([]) == ""


def test_server_dump_is_cn_entries_with_attributes():
    text = format_server(essrv01())
    entries = text.split("\n\n")
    assert entries[-1] == ""
    assert [e.splitlines()[0] for e in entries[:-1]] == [
        "CN: ESSRV01",
        "CN: Communications Process 1,CN=ESSRV01",
        "CN: Web Services and J2EE,CN=Communications Process 1,CN=ESSRV01",
        "CN: Admin,CN=Communications Process 1,CN=ESSRV01",
        "CN: srv01,CN=Services,CN=ESSRV01",
    ]
    assert entries[0].splitlines()[1:] == [
        "objectClass: mfServer", "mfServerName: ESSRV01", "mfServerStatus: Started",
        "description: HA", "mfServerSEPCount: 2", "mfServerPID: 4242",
        "mfServerEnvironment: APPFILE01=/u01/APPFILE01",
    ]
    assert entries[2].splitlines()[1:] == [
        "objectClass: mfListener", "mfListenerName: Web Services and J2EE",
        "mfListenerStatus: Started", "mfRequestedEndpoint: tcp:10.0.0.1:9003",
        "mfActualEndpoint: tcp:10.0.0.1:9003",
    ]
    assert "mfListenerStatusReason: address not available" in entries[3]
    assert "mfCommsServerStatus: Started" in entries[1]


def monitor_verdict(text: str) -> int:
    """mfmonitor.ksh's reading of mdump, line by line (0 Started, 1 otherwise, 3 down)."""
    web = False
    for line in text.splitlines():
        if "SERVER_DOWN" in line:
            return 3
        if "CN:" in line:
            web = "Web Services" in line
        if web and "mfListenerStatus:" in line:
            return 0 if "Started" in line else 1
    return 0


def test_only_the_listener_entry_mentions_web_services():
    server = essrv01()
    assert monitor_verdict(format_server(server)) == 0
    server["comms"][0]["listeners"][0]["status"] = "Stopped"
    assert monitor_verdict(format_server(server)) == 1
    cn_lines = [line for line in format_server(server).splitlines() if line.startswith("CN:")]
    assert [line for line in cn_lines if "Web Services" in line] == [cn_lines[2]]
