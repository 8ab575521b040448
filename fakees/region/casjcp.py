"""`casjcp32 /rNAME`: job control. Holds its place in the process tree (no batch jobs)."""

from __future__ import annotations

from fakees.region.child import run_idle


def main(argv: list[str]) -> int:
    return run_idle("casjcp32", "CASJC0001I", argv)
