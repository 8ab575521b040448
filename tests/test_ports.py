"""Ports for the servers tests start: free, never from the ephemeral range, never twice."""

from __future__ import annotations

import socket

from fakees.ports import free_port


def ephemeral_low() -> int:
    with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="ascii") as f:
        return int(f.read().split()[0])


def test_ports_are_free_outside_the_ephemeral_range_and_never_repeated() -> None:
    ports = [free_port() for _ in range(200)]
    assert len(set(ports)) == len(ports)
    assert all(10000 <= p < ephemeral_low() for p in ports)
    with socket.socket() as s:
        s.bind(("127.0.0.1", ports[-1]))  # nobody holds it


def test_a_preferred_port_is_taken_only_when_free() -> None:
    port = free_port()
    assert free_port(preferred=port) == port  # free: the caller asked for it
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", port))
        busy.listen()
        other = free_port(preferred=port)
    assert other != port
