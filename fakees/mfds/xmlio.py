"""Server definitions as XML, for `mfds -x 5 DIR [NAME]` and `mfds /g 5 FILE` (docs/REPOSITORY.md).

Only definitions travel: name, description, SEP count, environment, fault
settings, communications processes with their listeners' endpoints, and
services. Run-time state (status, pid) stays behind; an import starts Stopped.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from fakees.mfds.repository import InvalidDefinition, Server

ROOT_TAG = "mfdsExport"
XML_FORMAT_VERSION = "1"


def export_xml(servers: list[Server]) -> bytes:
    root = ET.Element(ROOT_TAG, {"format": "fakees-mfds", "version": XML_FORMAT_VERSION})
    for server in servers:
        node = ET.SubElement(root, "server", {"name": server.name, "seps": str(server.seps)})
        ET.SubElement(node, "description").text = server.description
        env = ET.SubElement(node, "environment")
        for key, value in server.env.items():
            ET.SubElement(env, "variable", {"name": key}).text = value
        faults = ET.SubElement(node, "faults")
        for key, value in server.faults.items():
            ET.SubElement(faults, "fault", {"name": key}).text = json.dumps(value)
        for comms in server.comms:
            comms_node = ET.SubElement(node, "commsProcess", {"name": comms.name})
            for listener in comms.listeners:
                ET.SubElement(comms_node, "listener",
                              {"name": listener.name, "endpoint": listener.endpoint})
        for service in server.services:
            ET.SubElement(node, "service", dict(service))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def import_xml(raw: bytes, origin: str) -> list[dict[str, Any]]:
    """Server definitions (API dicts) from an export; InvalidDefinition says what is wrong."""
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise InvalidDefinition(f"{origin}: not well-formed XML ({exc})") from None
    if root.tag != ROOT_TAG or root.get("version") != XML_FORMAT_VERSION:
        raise InvalidDefinition(
            f"{origin}: not an MFDS export (expected <{ROOT_TAG} version=\"{XML_FORMAT_VERSION}\">)"
        )
    servers = [_server(node, origin) for node in root]
    if not servers:
        raise InvalidDefinition(f"{origin}: the export holds no server")
    return servers


def _server(node: ET.Element, origin: str) -> dict[str, Any]:
    if node.tag != "server":
        raise InvalidDefinition(f"{origin}: unexpected element <{node.tag}> (expected <server>)")
    name = node.get("name")
    seps = node.get("seps", "2")
    if not seps.isdigit():
        raise InvalidDefinition(f"{origin}: server {name}: seps={seps!r} is not a number")
    data: dict[str, Any] = {"name": name, "seps": int(seps), "description": "", "env": {},
                            "faults": {}, "comms": [], "services": []}
    for child in node:
        if child.tag == "description":
            data["description"] = child.text or ""
        elif child.tag == "environment":
            data["env"] = {var.get("name"): var.text or "" for var in child}
        elif child.tag == "faults":
            data["faults"] = {fault.get("name"): _fault_value(fault, origin) for fault in child}
        elif child.tag == "commsProcess":
            data["comms"].append({
                "name": child.get("name"),
                "listeners": [{"name": lst.get("name"), "endpoint": lst.get("endpoint")}
                              for lst in child],
            })
        elif child.tag == "service":
            data["services"].append(dict(child.attrib))
        else:
            raise InvalidDefinition(f"{origin}: server {name}: unexpected element <{child.tag}>")
    Server.from_dict(data)  # validate here so the message names the file
    return data


def _fault_value(node: ET.Element, origin: str) -> Any:
    try:
        return json.loads(node.text or "null")
    except json.JSONDecodeError:
        raise InvalidDefinition(
            f"{origin}: fault {node.get('name')}: {node.text!r} is not a JSON value"
        ) from None
