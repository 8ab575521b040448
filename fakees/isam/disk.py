"""The I/O the engine does, behind a small interface so tests can simulate power loss.

``OsDisk`` is the real thing: ``os.pread``/``os.pwrite``/``os.fdatasync`` and
fcntl open-file-description (OFD) locks, which conflict between two opens in
one process as well as between processes, and vanish with the process (a
kill -9 never leaves a stale lock).  ``tests/isam`` provides a simulated disk
that keeps unsynced writes apart and drops an arbitrary subset of them.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import struct
import threading
from typing import Protocol

# struct flock on Linux x86_64/aarch64: short l_type, short l_whence, off_t l_start,
# off_t l_len, pid_t l_pid (must be 0 for OFD locks), padded to 32 bytes.
_FLOCK = struct.Struct("@hhqqi4x")

# statx(2) asked for the inode number only: stat/fstat would also report the
# change times, and since Linux 6.13 (multigrain timestamps) a file whose ctime
# was looked at takes a fine-grained one at its next write and dirties its
# inode, which made every commit's journal fdatasync about 50 us slower.
_AT_FDCWD = -100
_AT_EMPTY_PATH = 0x1000
_STATX_INO = 0x100
_STATX_INO_AT, _STATX_DEV_AT = 32, 136  # stx_ino (u64), stx_dev_major and _minor (u32)
try:
    _statx = ctypes.CDLL(None, use_errno=True).statx
    _statx.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint,
                       ctypes.c_void_p]
except AttributeError:  # a C library without statx: nothing is kept across CLOSE
    _statx = None
_statx_buffers = threading.local()  # statx fills it with the GIL released


class DiskFile(Protocol):
    def read(self, offset: int, size: int) -> bytes: ...
    def write(self, offset: int, data: bytes) -> None: ...
    def sync(self) -> None: ...
    def size(self) -> int: ...
    def identity(self) -> bytes | None: ...
    def truncate(self, size: int) -> None: ...
    def close(self) -> None: ...
    def lock(self, offset: int, exclusive: bool, wait: bool) -> bool: ...
    def unlock(self, offset: int) -> None: ...
    def locked_by_other(self, offset: int) -> bool: ...


class Disk(Protocol):
    def open(self, path: str, *, create: bool, writable: bool) -> DiskFile: ...
    def sync_dir(self, path: str) -> None: ...
    def identity(self, path: str | bytes) -> bytes | None: ...


def _identity(dirfd: int, path: bytes, flags: int) -> bytes | None:
    """Device and inode numbers by statx, asking for nothing else (see _statx above)."""
    if _statx is None:
        return None
    buf = getattr(_statx_buffers, "buf", None)
    if buf is None:
        buf = _statx_buffers.buf = ctypes.create_string_buffer(256)
    if _statx(dirfd, path, flags, _STATX_INO, buf) != 0:
        code = ctypes.get_errno()
        if code == errno.ENOENT:
            return None
        raise OSError(code, os.strerror(code))
    raw = buf.raw
    return raw[_STATX_INO_AT : _STATX_INO_AT + 8] + raw[_STATX_DEV_AT : _STATX_DEV_AT + 8]


class OsFile:
    """A regular file opened by path; locks are one-byte OFD locks at ``offset``."""

    __slots__ = ("fd",)

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def read(self, offset: int, size: int) -> bytes:
        return os.pread(self.fd, size, offset)

    def write(self, offset: int, data: bytes) -> None:
        done = os.pwrite(self.fd, data, offset)
        if done == len(data):
            return
        view = memoryview(data)[done:]
        offset += done
        while view:
            done = os.pwrite(self.fd, view, offset)
            view = view[done:]
            offset += done

    def sync(self) -> None:
        os.fdatasync(self.fd)

    def size(self) -> int:
        # Not fstat, which reports the times too (see _statx above).
        return os.lseek(self.fd, 0, os.SEEK_END)

    def identity(self) -> bytes | None:
        """Which file this descriptor refers to (device, inode), without asking for times."""
        return _identity(self.fd, b"", _AT_EMPTY_PATH)

    def truncate(self, size: int) -> None:
        os.ftruncate(self.fd, size)

    def close(self) -> None:
        os.close(self.fd)

    def lock(self, offset: int, exclusive: bool, wait: bool) -> bool:
        kind = fcntl.F_WRLCK if exclusive else fcntl.F_RDLCK
        command = fcntl.F_OFD_SETLKW if wait else fcntl.F_OFD_SETLK
        try:
            fcntl.fcntl(self.fd, command, _FLOCK.pack(kind, os.SEEK_SET, offset, 1, 0))
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return False
            raise
        return True

    def unlock(self, offset: int) -> None:
        unlock = _FLOCK.pack(fcntl.F_UNLCK, os.SEEK_SET, offset, 1, 0)
        fcntl.fcntl(self.fd, fcntl.F_OFD_SETLK, unlock)

    def locked_by_other(self, offset: int) -> bool:
        probe = _FLOCK.pack(fcntl.F_WRLCK, os.SEEK_SET, offset, 1, 0)
        answer = fcntl.fcntl(self.fd, fcntl.F_OFD_GETLK, probe)
        return _FLOCK.unpack(answer)[0] != fcntl.F_UNLCK


class OsDisk:
    """The real file system."""

    def identity(self, path: str | bytes) -> bytes | None:
        """Which file ``path`` names now (None if none): a kept descriptor may be stale."""
        return _identity(_AT_FDCWD, path if isinstance(path, bytes) else os.fsencode(path), 0)

    def open(self, path: str, *, create: bool, writable: bool) -> OsFile:
        flags = (os.O_RDWR if writable else os.O_RDONLY) | os.O_CLOEXEC
        if create:
            flags |= os.O_CREAT
        return OsFile(os.open(path, flags, 0o664))

    def sync_dir(self, path: str) -> None:
        fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
