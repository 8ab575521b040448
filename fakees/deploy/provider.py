"""Which deployed services a SEP runs: its server's "services" list in MFDS.

`deployed_provider` is listed in `fakees.region.services.PROVIDERS`. It reads
the list that `mfdepinst` maintains: for a service it does not know, at once
(a new deployment is served at its first call, no region restart); otherwise
when the list is more than a second old (an undeployment takes effect within a
second; a redeployment's new program at the next call, since `fakees.deploy.runner`
watches the .gnt file itself). If MFDS does not answer, the SEP keeps serving
from the last list it read. The COBOL interpreter is imported at the first call
of a deployed service, not when the SEP starts, so SEPs stay quick to start.
"""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path
from typing import Any

from fakees.mfds.client import MfdsClient, MfdsDown, MfdsError, mfds_port
from fakees.region.services import Handler, ServiceError

MAX_HANDLERS = 1024


class DeployedServices:
    """The services MFDS lists for one region, with their mappings cached by file state."""

    def __init__(self, region: str, client: MfdsClient, max_age: float = 1.0) -> None:
        self.region = region
        self.client = client
        self.max_age = max_age
        self.read_at = -math.inf
        self.entries: dict[str, dict[str, str]] = {}
        self.mappings: dict[str, tuple[tuple[int, int, int], Any]] = {}
        # (service, operation) -> handler of the current entries, dropped at each refresh;
        # bounded, since clients name the operations (past the bound: built per call)
        self.handlers: dict[tuple[str, str], Handler] = {}

    def refresh(self) -> None:
        try:
            server = self.client.get_server(self.region)
        except (MfdsDown, MfdsError):
            return  # keep serving from the last list MFDS gave
        self.read_at = time.monotonic()
        self.entries = {s["name"]: s for s in server.get("services") or [] if "package" in s}
        self.handlers = {}

    def mapping(self, path: str) -> Any:
        """The parsed mapping (fakees.deploy.mapping.Mapping), reparsed when the file changes
        (edited in place, or renamed into place by mfdepinst: a new inode)."""
        try:
            st = os.stat(path)
        except FileNotFoundError:
            raise ServiceError(f"mapping {path} is not installed (redeploy the package)") from None
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        cached = self.mappings.get(path)
        if cached is None or cached[0] != key:
            from fakees.deploy import mapping as mp

            try:
                cached = (key, mp.load(Path(path)))
            except mp.MappingError as exc:
                raise ServiceError(str(exc)) from None
            self.mappings[path] = cached
        return cached[1]

    def lookup(self, service: str, operation: str) -> Handler | None:
        if time.monotonic() - self.read_at >= self.max_age or service not in self.entries:
            self.refresh()
        handler = self.handlers.get((service, operation))
        if handler is None:
            entry = self.entries.get(service)
            if entry is None:
                return None
            handler = OperationHandler(self, entry, operation)
            if len(self.handlers) < MAX_HANDLERS:
                self.handlers[service, operation] = handler
        return handler


class OperationHandler:
    """One operation of a deployed service as a SEP handler: the prepared call
    (`fakees.deploy.runner.DeployedOperation`) is kept while the mapping file is unchanged."""

    def __init__(self, services: DeployedServices, entry: dict[str, str], operation: str) -> None:
        self.services = services
        self.package = Path(entry["package"])
        self.mapping_path = str(self.package / entry["mapping"])
        self.program = entry["program"]
        self.operation = operation
        self.mapping: Any = None
        self.prepared: Handler | None = None

    def __call__(self, args: list[dict[str, Any]]) -> list[Any]:
        mapping = self.services.mapping(self.mapping_path)
        if self.prepared is None or mapping is not self.mapping:
            from fakees.deploy.runner import DeployedOperation

            self.prepared = DeployedOperation(self.package, self.program, mapping,
                                              self.operation)
            self.mapping = mapping
        return self.prepared(args)


_region_services: list[DeployedServices] = []


def deployed_provider(service: str, operation: str) -> Handler | None:
    """The SEP's provider of deployed services, for the region named by this cassi32's /r flag.

    Outside a SEP (no region flag in the command line) there are no deployed services."""
    if not _region_services:
        from fakees.region.flags import FlagError, parse_flags

        try:
            region = parse_flags(sys.argv[1:], allowed={}, command="cassi32").region
        except FlagError:
            return None
        _region_services.append(DeployedServices(region, MfdsClient("127.0.0.1", mfds_port())))
    return _region_services[0].lookup(service, operation)
