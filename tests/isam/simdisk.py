"""A simulated disk with a volatile write cache that forgets an arbitrary part of it.

Two caches sit in front of the durable bytes, as on Linux with a disk whose
write cache is volatile (virtio-blk, write-back, no FUA):

- the page cache: ``write`` and ``truncate`` land there, per file, and only
  ``sync`` of *that* file writes them back to the device;
- the device's cache: written-back writes and ``write_direct`` (O_DIRECT)
  land there, and *any* ``sync`` flushes all of it to the durable bytes (a
  flush covers every write request that completed before it).

``power_off`` keeps a random subset of the 512-byte sectors of everything not
flushed, in the order it was issued (so writes tear and reorder), keeps or
drops an unsynced truncation, and forgets a file created since the last
directory sync half of the time.  ``cut_at`` makes the N-th I/O call raise
``PowerCut``; a file named in ``failing`` fails its fdatasyncs (and direct
writes) with EIO and its unsynced writes never reach the disk, as on Linux.
``SimDisk(direct=False)`` is a file system without direct I/O (tmpfs).
Locks always succeed (one process).  Without a power cut it is also a fast
in-memory disk for model-based tests.
"""

from __future__ import annotations

import random

SECTOR = 512
BLOCK = 4096  # write_direct's alignment, as OsFile's

Op = tuple[str, str, int, bytes]  # file name, "write" | "cut", offset or size, bytes


class PowerCut(Exception):
    pass


def _apply(disk: bytearray, kind: str, offset: int, data: bytes) -> None:
    if kind == "cut":
        del disk[offset:]
        disk.extend(bytes(offset - len(disk)))
        return
    if len(disk) < offset:
        disk.extend(bytes(offset - len(disk)))
    disk[offset : offset + len(data)] = data


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
        self.disk.tick("write", self.name)
        _apply(self.state.current, "write", offset, data)
        self.state.pending.append((self.name, "write", offset, bytes(data)))

    def write_direct(self, offset: int, data: bytes) -> None:
        """Around the page cache into the device's cache (O_DIRECT); the page cache's
        dirty pages of the file are written back first, as Linux does."""
        self.disk.tick("direct", self.name)
        assert self.disk.direct and offset % BLOCK == 0
        if self.name in self.disk.failing:
            raise OSError(5, "Input/output error", self.name)
        data = bytes(data).ljust(-(-len(data) // BLOCK) * BLOCK, b"\0")
        state = self.state
        self.disk.device.extend(state.pending)
        state.pending.clear()
        _apply(state.current, "write", offset, data)
        self.disk.device.append((self.name, "write", offset, data))

    def direct_with(self, other: SimFile) -> bool:
        return self.disk.direct

    def write_back(self) -> None:
        """Dirty pages to the device's cache (sync_file_range): not durable until a flush.
        A failing file's writeback fails silently; its next sync reports it."""
        self.disk.tick("writeback", self.name)
        if self.name not in self.disk.failing:
            self.disk.device.extend(self.state.pending)
            self.state.pending.clear()

    def truncate(self, size: int) -> None:
        self.disk.tick("cut", self.name)
        _apply(self.state.current, "cut", size, b"")
        self.state.pending.append((self.name, "cut", size, b""))

    def sync(self) -> None:
        self.disk.tick("sync", self.name)
        state = self.state
        how = self.disk.failing.get(self.name)
        if how is not None:  # EIO; the writes are never retried, as on Linux
            state.pending.clear()
            if how == "evict":  # ... and the cache has since let the pages go
                state.current = bytearray(state.durable)
                for name, kind, offset, data in self.disk.device:
                    if name == self.name:
                        _apply(state.current, kind, offset, data)
            raise OSError(5, "Input/output error", self.name)
        self.disk.device.extend(state.pending)
        state.pending.clear()
        self.disk.flush()

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
        self.current = bytearray()  # what reads see
        self.durable = bytearray()  # what survives a power cut for sure
        self.pending: list[Op] = []  # in the page cache, not written back
        self.linked = False  # directory entry durable


class SimDisk:
    def __init__(self, direct: bool = True) -> None:
        self.files: dict[str, SimState] = {}
        self.device: list[Op] = []  # in the device's volatile cache, in issue order
        self.direct = direct
        self.calls = 0
        self.trace: list[tuple[str, str]] = []
        self.boots = 1  # power_off reboots
        self.cut_at: int | None = None
        # file -> "keep" | "evict": its fdatasyncs fail with EIO; the unsynced writes
        # are lost to the disk but stay readable ("keep") or vanish ("evict")
        self.failing: dict[str, str] = {}

    def tick(self, kind: str, name: str) -> None:
        """One I/O call; ``trace`` records them, so a test can aim a cut at a step."""
        self.trace.append((kind, name))
        self.calls += 1
        if self.cut_at is not None and self.calls >= self.cut_at:
            raise PowerCut

    def flush(self) -> None:
        """The device's cache to the medium (a flush request)."""
        for name, kind, offset, data in self.device:
            if name in self.files:
                _apply(self.files[name].durable, kind, offset, data)
        self.device.clear()

    def open(self, path: str, *, create: bool, writable: bool) -> SimFile:
        if path not in self.files:
            if not create:
                raise FileNotFoundError(path)
            self.files[path] = SimState()
        return SimFile(self, path)

    def sync_dir(self, path: str) -> None:
        self.tick("sync_dir", path)
        for state in self.files.values():
            state.linked = True

    def identity(self, path: str) -> None:
        """None: nothing is kept across CLOSE on a simulated disk (see SimFile.identity)."""
        return None

    def boot_id(self) -> bytes:
        return self.boots.to_bytes(16, "big")

    def power_off(self, rng: random.Random) -> None:
        """What the disk holds after the power comes back (and the machine rebooted)."""
        unflushed = self.device + [op for s in self.files.values() for op in s.pending]
        self.device = []
        for name, state in list(self.files.items()):
            if not state.linked and rng.random() < 0.5:
                del self.files[name]
        for name, kind, offset, data in unflushed:
            if name not in self.files:
                continue
            disk = self.files[name].durable
            if kind == "cut":
                if rng.random() < 0.5:
                    _apply(disk, kind, offset, data)
                continue
            for start in range(offset - offset % SECTOR, offset + len(data), SECTOR):
                if rng.random() < 0.5:
                    lo, hi = max(start, offset), min(start + SECTOR, offset + len(data))
                    _apply(disk, "write", lo, data[lo - offset : hi - offset])
        for state in self.files.values():
            state.current = bytearray(state.durable)
            state.pending.clear()
            state.linked = True
        self.cut_at = None
        self.boots += 1
