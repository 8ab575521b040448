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
import functools
import mmap
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
_libc = ctypes.CDLL(None, use_errno=True)
try:
    _statx = _libc.statx
    _statx.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint,
                       ctypes.c_void_p]
except AttributeError:  # a C library without statx: nothing is kept across CLOSE
    _statx = None
_statx_buffers = threading.local()  # statx fills it with the GIL released

BLOCK = 4096  # write_direct's alignment: no block device has larger logical blocks
# File systems where an O_DIRECT overwrite of allocated, written blocks changes no
# metadata, so that a flush makes it durable (btrfs is copy-on-write; tmpfs has no disk).
_IN_PLACE = {0xEF53: "ext4", 0x58465342: "xfs"}
_FS_IOC_GETFLAGS = 0x80086601
_FS_JOURNAL_DATA_FL = 0x4000  # ext4 chattr +j: data goes through the jbd2 journal
_STATFS_SIZE = 120  # struct statfs on 64-bit Linux; f_type is its first long
try:
    _sync_file_range = ctypes.CDLL(None).sync_file_range  # errno unread: see write_back
    _sync_file_range.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
except AttributeError:  # a C library without it: the fdatasync alone does the writing
    _sync_file_range = None
_SYNC_FILE_RANGE_WRITE = 2
_direct_buffers = threading.local()  # page-aligned (mmap) buffers for O_DIRECT writes
_ZEROS = memoryview(bytes(BLOCK))  # write_direct's padding


class DiskFile(Protocol):
    def read(self, offset: int, size: int) -> bytes: ...
    def write(self, offset: int, data: bytes) -> None: ...
    def write_direct(self, offset: int, data: bytes) -> None: ...
    def direct_with(self, other: DiskFile) -> bool: ...
    def write_back(self) -> None: ...
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
    def boot_id(self) -> bytes: ...


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


def _direct_ok(fd: int, dfd: int, same_device: bool) -> bool:
    """Is an O_DIRECT write to ``dfd`` in place, so that any flush makes it durable?"""
    buf = ctypes.create_string_buffer(_STATFS_SIZE)
    if not same_device or _libc.fstatfs(dfd, buf) != 0:
        return False
    kind = _IN_PLACE.get(int.from_bytes(buf.raw[:8], "little"))
    if kind != "ext4":
        return kind is not None
    # ext4 journalling data (data=journal, or chattr +j) serves O_DIRECT writes
    # through the page cache: another file's fdatasync would not write them back.
    flags = bytearray(8)
    try:
        fcntl.ioctl(fd, _FS_IOC_GETFLAGS, flags)
    except OSError:
        return False
    if int.from_bytes(flags[:4], "little") & _FS_JOURNAL_DATA_FL:
        return False
    return not _mount_journals_data(fd)


def _mount_journals_data(fd: int) -> bool:
    """Is the file's ext4 file system mounted data=journal (/proc/self/mountinfo)?"""
    ident = _identity(fd, b"", _AT_EMPTY_PATH)
    if ident is None:
        return True
    major, minor = struct.unpack("=II", ident[8:16])
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                fields = line.split()
                if fields[2] == f"{major}:{minor}":
                    return "data=journal" in line.rsplit(" - ", 1)[-1]
    except OSError:
        return True
    return True


def write_back(fd: int) -> None:
    """Start writing the file's dirty pages to the device and return at once, so that
    a write done meanwhile (a journal slot, O_DIRECT) overlaps with them and the next
    ``fdatasync`` waits for one device request less.  No durability by itself; a
    failure here is reported by that ``fdatasync``."""
    if _sync_file_range is not None:
        _sync_file_range(fd, 0, 0, _SYNC_FILE_RANGE_WRITE)


def _aligned(size: int) -> mmap.mmap:
    """A page-aligned buffer of at least ``size`` bytes for this thread."""
    buf = getattr(_direct_buffers, "buf", None)
    if buf is None or len(buf) < size:
        buf = _direct_buffers.buf = mmap.mmap(-1, max(size, 16 * BLOCK))
    return buf


class OsFile:
    """A regular file opened by path; locks are one-byte OFD locks at ``offset``.

    ``direct`` is a second descriptor of the file, opened O_DIRECT by
    ``direct_with``, for ``write_direct``.
    """

    __slots__ = ("direct", "fd")

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.direct: int | None = None

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

    def write_direct(self, offset: int, data: bytes) -> None:
        """Write around the page cache into the device's cache (O_DIRECT), zero-padded
        to whole blocks at a block-aligned ``offset``: durable at the device's next
        flush, which an fdatasync of any file on it sends.  Needs ``direct_with``."""
        assert self.direct is not None and offset % BLOCK == 0
        size = -(-len(data) // BLOCK) * BLOCK
        buf = _aligned(size)
        buf[: len(data)] = data
        buf[len(data) : size] = _ZEROS[: size - len(data)]
        with memoryview(buf) as view:
            done = os.pwrite(self.direct, view[:size], offset)
        if done != size:
            raise OSError(errno.EIO, f"short direct write ({done} of {size} bytes)")

    def direct_with(self, other: DiskFile) -> bool:
        """Can ``write_direct`` be used, and does ``other.sync()`` make what it wrote
        durable?  Yes on ext4 (not journalling data) and XFS, on the same device."""
        if self.direct is None:
            try:
                dfd = os.open(f"/proc/self/fd/{self.fd}",
                              os.O_RDWR | os.O_DIRECT | os.O_CLOEXEC)
            except OSError:  # tmpfs before Linux 6.6, or a read-only file
                return False
            mine, theirs = self.identity(), other.identity()
            same = mine is not None and theirs is not None and mine[8:] == theirs[8:]
            if not _direct_ok(self.fd, dfd, same):
                os.close(dfd)
                return False
            self.direct = dfd
        return True

    def write_back(self) -> None:
        write_back(self.fd)

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
        if self.direct is not None:
            os.close(self.direct)
            self.direct = None
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


@functools.cache
def _boot_id() -> bytes:
    with open("/proc/sys/kernel/random/boot_id", "rb") as f:
        return bytes.fromhex(f.read().strip().replace(b"-", b"").decode())


class OsDisk:
    """The real file system."""

    def boot_id(self) -> bytes:
        """16 bytes that change at every boot: unsynced writes may have been lost since."""
        return _boot_id()

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
