"""`casmgr32 /rNAME`: the server manager. Here it only holds its place in the process tree
(cascd32 restarts it when it dies, and the seed's cleanup scripts kill it by name)."""

from __future__ import annotations

from fakees.region.child import run_idle


def main(argv: list[str]) -> int:
    return run_idle("casmgr32", "CASMG0001I", argv)
