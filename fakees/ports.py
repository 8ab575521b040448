"""Free TCP ports for servers that this machine's demo, tests and benchmarks start.

A port is picked below the kernel's ephemeral range: asking for port 0 and
binding the answer later leaves a window in which an outgoing connection may
be handed that very port as its local one, and the server then fails to bind.
A port outside the range is never handed out that way.
"""

from __future__ import annotations

import random
import socket

_FALLBACK_EPHEMERAL_LOW = 32768
_LOWEST = 10000
_given: set[int] = set()  # never the same port twice in one process


def _ephemeral_low() -> int:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="ascii") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return _FALLBACK_EPHEMERAL_LOW


def _bindable(host: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1", preferred: int | None = None) -> int:
    """``preferred`` if it can be bound on ``host``, else a free port below the
    ephemeral range that this process has not handed out before."""
    if preferred and _bindable(host, preferred):
        return preferred
    high = max(_ephemeral_low(), _LOWEST + 1000)
    for _ in range(500):
        port = random.randrange(_LOWEST, high)
        if port not in _given and _bindable(host, port):
            _given.add(port)
            return port
    raise OSError(f"no free TCP port on {host} between {_LOWEST} and {high}")
