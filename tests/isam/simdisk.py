"""A simulated disk that forgets an arbitrary part of what was not synced.

``SimDisk`` keeps, per file, the durable bytes and the writes since the last
sync.  ``power_off`` keeps a random subset of those writes' 512-byte sectors
(so writes tear and reorder, as on a real disk with a volatile cache), keeps or
drops an unsynced truncation, and forgets a file created since the last
directory sync half of the time.  ``cut_at`` makes the N-th I/O call raise
``PowerCut``; a file named in ``failing`` fails its fdatasyncs with EIO and
its unsynced writes never reach the disk, as on Linux.  Locks always succeed
(one process).  Without a power cut it is also a fast in-memory disk for
model-based tests.
"""

from __future__ import annotations

import random

SECTOR = 512


class PowerCut(Exception):
    pass


class SimFile:
    def __init__(self, disk: SimDisk, name: str) -> None:
        self.disk = disk
        self.name = name

    @property
    def state(self) -> SimState:
        return self.disk.files[self.name]

    def read(self, offset: int, size: int) -> bytes:
        return bytes(self.state.current[offset : offset + size])

    def write(self, offset: int, data: bytes) -> None:
        self.disk.tick()
        cur = self.state.current
        if len(cur) < offset:
            cur.extend(bytes(offset - len(cur)))
        cur[offset : offset + len(data)] = data
        self.state.pending.append(("write", offset, bytes(data)))

    def truncate(self, size: int) -> None:
        self.disk.tick()
        cur = self.state.current
        del cur[size:]
        cur.extend(bytes(size - len(cur)))
        self.state.pending.append(("cut", size, b""))

    def sync(self) -> None:
        self.disk.tick()
        how = self.disk.failing.get(self.name)
        if how is not None:  # EIO; the writes are never retried, as on Linux
            if how == "evict":  # ... and the cache has since let the pages go
                self.state.current = bytearray(self.state.durable)
            self.state.pending.clear()
            raise OSError(5, "Input/output error", self.name)
        self.state.durable = bytearray(self.state.current)
        self.state.pending.clear()

    def size(self) -> int:
        return len(self.state.current)

    def identity(self) -> None:
        """None: a simulated power cut keeps the process, so nothing may be kept."""
        return None

    def close(self) -> None:
        pass

    def lock(self, offset: int, exclusive: bool, wait: bool) -> bool:
        return True

    def unlock(self, offset: int) -> None:
        pass

    def locked_by_other(self, offset: int) -> bool:
        return False


class SimState:
    def __init__(self) -> None:
        self.current = bytearray()
        self.durable = bytearray()
        self.pending: list[tuple[str, int, bytes]] = []
        self.linked = False  # directory entry durable


class SimDisk:
    def __init__(self) -> None:
        self.files: dict[str, SimState] = {}
        self.calls = 0
        self.cut_at: int | None = None
        # file -> "keep" | "evict": its fdatasyncs fail with EIO; the unsynced writes
        # are lost to the disk but stay readable ("keep") or vanish ("evict")
        self.failing: dict[str, str] = {}

    def tick(self) -> None:
        self.calls += 1
        if self.cut_at is not None and self.calls >= self.cut_at:
            raise PowerCut

    def open(self, path: str, *, create: bool, writable: bool) -> SimFile:
        if path not in self.files:
            if not create:
                raise FileNotFoundError(path)
            self.files[path] = SimState()
        return SimFile(self, path)

    def sync_dir(self, path: str) -> None:
        self.tick()
        for state in self.files.values():
            state.linked = True

    def identity(self, path: str) -> None:
        """None: nothing is kept across CLOSE on a simulated disk (see SimFile.identity)."""
        return None

    def power_off(self, rng: random.Random) -> None:
        """What the disk holds after the power comes back (and the machine rebooted)."""
        for name, state in list(self.files.items()):
            if not state.linked and rng.random() < 0.5:
                del self.files[name]
                continue
            disk = state.durable
            for kind, offset, data in state.pending:
                if kind == "cut":
                    if rng.random() < 0.5:
                        del disk[offset:]
                        disk.extend(bytes(offset - len(disk)))
                    continue
                for start in range(offset - offset % SECTOR, offset + len(data), SECTOR):
                    if rng.random() < 0.5:
                        lo, hi = max(start, offset), min(start + SECTOR, offset + len(data))
                        if len(disk) < hi:
                            disk.extend(bytes(hi - len(disk)))
                        disk[lo:hi] = data[lo - offset : hi - offset]
            state.current = bytearray(disk)
            state.durable = bytearray(disk)
            state.pending.clear()
            state.linked = True
        self.cut_at = None


