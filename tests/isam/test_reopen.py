"""What an exclusive opener parsed is kept across CLOSE -> OPEN, and only while provably valid.

Each test first shows that a reopen is served from what was kept (the index
file is not read at all), then changes the files behind the process's back
(another process or handle through the engine, a replacement, a truncation)
and shows that the next OPEN sees the change.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fakees.isam import IndexedFile, KeySpec, Status, engine
from fakees.isam.disk import OsDisk, OsFile
from fakees.isam.layout import DAT_HEADER

KEYS = [KeySpec(0, 6), KeySpec(6, 4, duplicates=True)]
REPO = Path(__file__).resolve().parents[2]


def rec(key: str, alt: str = "AAAA", body: str = "") -> bytes:
    return (key.ljust(6) + alt.ljust(4) + body).ljust(20).encode()


class CountingFile(OsFile):
    """Counts the bytes read from each file, by path."""

    __slots__ = ("path", "reads")

    def __init__(self, fd: int, path: str, reads: dict[str, int]) -> None:
        super().__init__(fd)
        self.path = path
        self.reads = reads

    def read(self, offset: int, size: int) -> bytes:
        self.reads[self.path] = self.reads.get(self.path, 0) + 1
        return super().read(offset, size)


class CountingDisk(OsDisk):
    def __init__(self) -> None:
        self.reads: dict[str, int] = {}
        self.checks = 0  # paths looked up by statx

    def identity(self, path: str | bytes) -> bytes | None:
        self.checks += 1
        return super().identity(path)

    def open(self, path: str, *, create: bool, writable: bool) -> OsFile:
        fd = super().open(path, create=create, writable=writable).fd
        return CountingFile(fd, path, self.reads)


def make(path: Path, *records: bytes) -> None:
    f, status = IndexedFile.open(str(path), "OUTPUT", record_size=20, keys=KEYS)
    assert f is not None, status
    for r in records:
        assert f.write(r).ok
    assert f.close().code == "00"


def bump(path: Path, disk: OsDisk, key: str = "K1") -> bytes:
    """What CBLAPP01 does: OPEN I-O, READ, REWRITE, CLOSE; returns the record read."""
    f, status = IndexedFile.open(str(path), "I-O", record_size=20, keys=KEYS, disk=disk)
    assert f is not None, status
    status, record = f.read(0, key.ljust(6).encode())
    assert status.ok and record is not None, status
    count = int(record[10:20] or b"0") + 1
    assert f.rewrite(record[:10] + b"%010d" % count) == Status("00")
    assert f.close() == Status("00")
    return record


@pytest.fixture
def counter(tmp_path: Path) -> Path:
    path = tmp_path / "APPFILE01"
    make(path, rec("K1", "A", "0000000000"), rec("K2", "B", "0000000000"))
    return path


def served_from_memory(path: Path, disk: CountingDisk) -> bool:
    """Did the last bump read nothing from the index file?"""
    return disk.reads.get(f"{path}.idx", 0) == 0


def test_reopen_reads_no_index_page_when_nothing_changed(counter: Path) -> None:
    disk = CountingDisk()
    bump(counter, disk)
    assert disk.reads[f"{counter}.idx"] > 0  # the first OPEN I-O parses the index
    for n in range(1, 5):
        disk.reads.clear()
        assert bump(counter, disk)[10:] == b"%010d" % n
        assert served_from_memory(counter, disk)
        assert disk.reads[f"{counter}.jnl"] > 0  # recovery still looks at the journal


ENGINE_WRITER = textwrap.dedent(
    """
    import sys
    from fakees.isam import IndexedFile, KeySpec
    keys = [KeySpec(0, 6), KeySpec(6, 4, duplicates=True)]
    f, st = IndexedFile.open(sys.argv[1], "I-O", record_size=20, keys=keys,
                             lock_mode=sys.argv[2] if sys.argv[2] != "-" else None)
    assert f is not None, st
    assert f.rewrite(b"K1    A   0000000777").ok
    if sys.argv[3] == "write":  # else the sizes stay: only the journal tells
        assert f.write(b"K9    Z   0000000009").ok
    assert f.close().ok
    """
)


@pytest.mark.parametrize("lock_mode", ["-", "MANUAL"])
@pytest.mark.parametrize("what", ["rewrite", "write"])
def test_another_process_writing_between_close_and_open_is_seen(
        counter: Path, lock_mode: str, what: str) -> None:
    disk = CountingDisk()
    bump(counter, disk)
    bump(counter, disk)
    subprocess.run([sys.executable, "-c", ENGINE_WRITER, str(counter), lock_mode, what],
                   cwd=REPO, check=True, timeout=60)
    disk.reads.clear()
    assert bump(counter, disk) == rec("K1", "A", "0000000777")
    assert not served_from_memory(counter, disk)
    f, status = IndexedFile.open(str(counter), "INPUT", record_size=20, keys=KEYS)
    assert f is not None, status
    found = (Status("00"), rec("K9", "Z", "0000000009")) if what == "write" else (
        Status("23"), None)
    assert f.read(0, b"K9    ") == found
    assert f.read(1, b"Z   ") == found
    f.close()


def test_another_handle_in_this_process_writing_is_seen(counter: Path) -> None:
    disk = CountingDisk()
    bump(counter, disk)
    # A shared (MANUAL) opener does not take what was kept, and moves the journal.
    f, status = IndexedFile.open(str(counter), "I-O", record_size=20, keys=KEYS,
                                 lock_mode="MANUAL")
    assert f is not None, status
    assert f.rewrite(rec("K1", "A", "0000000500")) == Status("00")
    assert f.close() == Status("00")
    assert bump(counter, disk) == rec("K1", "A", "0000000500")
    # ... and through another path to the same file (a symbolic link).
    link = counter.parent / "LINKED"
    link.symlink_to(counter.name)
    for suffix in (".idx", ".jnl"):
        (counter.parent / f"LINKED{suffix}").symlink_to(counter.name + suffix)
    bump(link, disk)
    assert bump(counter, disk) == rec("K1", "A", "0000000502")


def test_replaced_files_are_seen(counter: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / "APPFILE01"
    other.parent.mkdir()
    make(other, rec("K1", "A", "0000000100"), rec("K3", "C"))
    disk = CountingDisk()
    bump(counter, disk)
    for suffix in ("", ".idx", ".jnl"):  # a restore from a backup, say
        shutil.copy(f"{other}{suffix}", f"{counter}{suffix}.new")
        os.replace(f"{counter}{suffix}.new", f"{counter}{suffix}")
    disk.reads.clear()
    assert bump(counter, disk) == rec("K1", "A", "0000000100")
    assert not served_from_memory(counter, disk)
    f, _ = IndexedFile.open(str(counter), "INPUT", record_size=20, keys=KEYS)
    assert f is not None
    assert f.read(0, b"K2    ")[0] == Status("23")
    assert f.read(0, b"K3    ")[0] == Status("00")
    f.close()


def test_truncated_files_give_a_status(counter: Path) -> None:
    disk = CountingDisk()
    bump(counter, disk)
    os.truncate(counter, DAT_HEADER)
    assert IndexedFile.open(str(counter), "I-O", record_size=20, keys=KEYS,
                            disk=disk) == (None, Status("9/041"))
    make(counter, rec("K1", "A", "0000000000"))
    bump(counter, disk)
    os.truncate(f"{counter}.idx", 100)
    assert IndexedFile.open(str(counter), "I-O", record_size=20, keys=KEYS,
                            disk=disk) == (None, Status("9/041"))


def test_a_different_description_still_gets_39(counter: Path) -> None:
    bump(counter, CountingDisk())
    other_keys = [KeySpec(0, 6)]
    assert IndexedFile.open(str(counter), "I-O", record_size=20, keys=other_keys) == (
        None, Status("39"))
    assert IndexedFile.open(str(counter), "I-O", record_size=19, keys=KEYS) == (
        None, Status("39"))
    assert bump(counter, CountingDisk())[10:] == b"0000000001"


def test_a_deleted_journal_is_not_written_through_a_kept_descriptor(counter: Path) -> None:
    """A descriptor kept from the last CLOSE must not carry commits into a journal that
    is no longer at its path: a crash would leave that journal where no one looks."""
    disk = CountingDisk()
    bump(counter, disk)
    jnl = Path(f"{counter}.jnl")
    jnl.unlink()
    bump(counter, disk)
    assert jnl.exists() and jnl.stat().st_size > 0


def test_exclusive_open_after_fork_is_still_exclusive(counter: Path) -> None:
    """A forked child inherits the parent's kept descriptors, and with them its open
    file descriptions and their locks: it must open its own, or parent and child
    could both hold an exclusive OPEN."""
    bump(counter, CountingDisk())  # the parent keeps its descriptors
    ready_r, ready_w = os.pipe()
    done_r, done_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: open exclusively, say so, wait, close
        code = 1
        try:
            f, status = IndexedFile.open(str(counter), "I-O", record_size=20, keys=KEYS)
            os.write(ready_w, status.code.encode())
            os.read(done_r, 1)
            if f is not None:
                f.close()
            code = 0
        finally:
            os._exit(code)
    try:
        assert os.read(ready_r, 8) == b"00"
        assert IndexedFile.open(str(counter), "I-O", record_size=20, keys=KEYS) == (
            None, Status("9/065"))
    finally:
        os.write(done_w, b"x")
        _, wait_status = os.waitpid(pid, 0)
        for fd in (ready_r, ready_w, done_r, done_w):
            os.close(fd)
    assert os.WIFEXITED(wait_status) and os.WEXITSTATUS(wait_status) == 0
    assert bump(counter, CountingDisk())[10:] == b"0000000001"  # the parent opens again


OTHER_OPENER = textwrap.dedent(
    """
    import sys
    from fakees.isam import IndexedFile, KeySpec
    keys = [KeySpec(0, 6), KeySpec(6, 4, duplicates=True)]
    f, st = IndexedFile.open(sys.argv[1], "I-O", record_size=20, keys=keys)
    print(st.code)
    """
)


def test_a_handle_reopened_from_kept_descriptors_excludes_other_processes(
        counter: Path) -> None:
    """CLOSE releases the OPEN lock on the kept descriptor and the next OPEN takes it
    again: another process gets 9/065 while the file is open here, 00 after CLOSE."""
    def other() -> str:
        return subprocess.run([sys.executable, "-c", OTHER_OPENER, str(counter)], cwd=REPO,
                              check=True, capture_output=True, text=True,
                              timeout=60).stdout.strip()

    disk = CountingDisk()
    bump(counter, disk)
    disk.reads.clear()
    f, status = IndexedFile.open(str(counter), "I-O", record_size=20, keys=KEYS, disk=disk)
    assert f is not None, status
    assert f.read(0, b"K1    ")[0] == Status("00")
    assert served_from_memory(counter, disk)
    assert other() == "9/065"
    assert f.close() == Status("00")
    assert other() == "00"


@pytest.fixture
def settle(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Wait until a directory's ctime is old enough to vouch for its names (50 ms here,
    instead of 1 s; whole-second timestamps still need 3 s)."""
    monkeypatch.setattr(engine, "_SETTLED_NS", 50_000_000)

    def wait(directory: Path) -> None:
        ctime = directory.stat().st_ctime_ns
        margin = engine._SETTLED_WHOLE_NS if ctime % 1_000_000_000 == 0 else engine._SETTLED_NS
        while time.time_ns() - ctime <= margin:
            time.sleep(0.02)

    return wait


def replace_all(counter: Path, other: Path) -> None:
    for suffix in ("", ".idx", ".jnl"):  # a restore from a backup, say
        shutil.copy(f"{other}{suffix}", f"{counter}{suffix}.new")
        os.replace(f"{counter}{suffix}.new", f"{counter}{suffix}")


@pytest.mark.parametrize("change", ["replace", "move aside", "journal", "directory"])
def test_an_unchanged_directory_vouches_for_the_paths_until_a_name_changes(
        tmp_path: Path, settle: Callable[[Path], None], change: str) -> None:
    home = tmp_path / "data"
    home.mkdir()
    counter = home / "APPFILE01"
    make(counter, rec("K1", "A", "0000000000"))
    other = tmp_path / "other" / "APPFILE01"
    other.parent.mkdir()
    make(other, rec("K1", "A", "0000000100"))
    disk = CountingDisk()
    bump(counter, disk)
    settle(home)
    bump(counter, disk)  # checks the paths, and trusts the directory from now on
    disk.checks = 0
    disk.reads.clear()
    assert bump(counter, disk)[10:] == b"0000000002"
    assert disk.checks == 0 and served_from_memory(counter, disk)
    if change == "replace":
        replace_all(counter, other)
    elif change == "move aside":  # the kept files stay linked under other names
        for suffix in ("", ".idx", ".jnl"):
            os.rename(f"{counter}{suffix}", f"{counter}{suffix}.old")
            shutil.copy(f"{other}{suffix}", f"{counter}{suffix}")
    elif change == "journal":
        Path(f"{counter}.jnl").unlink()
    else:
        home.rename(tmp_path / "data.old")
        other.parent.rename(home)
    disk.reads.clear()
    assert bump(counter, disk)[10:] == (b"0000000003" if change == "journal" else
                                        b"0000000100")
    assert disk.checks > 0
    if change == "journal":
        assert Path(f"{counter}.jnl").stat().st_size > 0
    else:
        assert not served_from_memory(counter, disk)


def test_symbolic_links_are_checked_on_every_open(
        counter: Path, settle: Callable[[Path], None]) -> None:
    """A link's target lies in a directory whose changes the link's does not show."""
    link = counter.parent / "LINKED"
    for suffix in ("", ".idx", ".jnl"):
        (counter.parent / f"LINKED{suffix}").symlink_to(f"{counter}{suffix}")
    disk = CountingDisk()
    bump(link, disk)
    settle(counter.parent)
    for _ in range(2):
        disk.checks = 0
        bump(link, disk)
        assert disk.checks == 3
