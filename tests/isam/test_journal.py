"""The journal on real file systems: direct I/O only where a flush of the data file covers it."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from fakees.isam import IndexedFile, KeySpec, disk
from fakees.isam.disk import OsDisk, OsFile

KEYS = [KeySpec(0, 6)]


def bump_twice(path: Path) -> IndexedFile:
    """Create a counter file and REWRITE it twice (the second commit is armed)."""
    f, status = IndexedFile.open(str(path), "OUTPUT", record_size=16, keys=KEYS)
    assert f is not None, status
    assert f.write(b"K1    0000000000").ok
    f.close()
    f, status = IndexedFile.open(str(path), "I-O", record_size=16, keys=KEYS, disk=OsDisk())
    assert f is not None, status
    for n in (1, 2):
        assert f.rewrite(b"K1    %010d" % n).ok
    return f


def test_slots_are_written_direct_on_the_data_files_file_system(tmp_path: Path) -> None:
    if not _in_place(tmp_path):
        pytest.skip("not ext4 or XFS")
    f = bump_twice(tmp_path / "APPFILE01")
    assert f.journal.direct is True
    assert f.journal.armed is not None and f.journal.armed.post
    f.close()


def test_tmpfs_falls_back_to_syncing_the_journal() -> None:
    """tmpfs has no disk behind a flush: slots are written to the page cache and the
    journal is synced at every commit; the file works as anywhere else."""
    if not Path("/dev/shm").is_dir():
        pytest.skip("no /dev/shm")
    with tempfile.TemporaryDirectory(dir="/dev/shm") as tmp:
        f = bump_twice(Path(tmp) / "APPFILE01")
        assert f.journal.direct is False
        f.close()
        g, status = IndexedFile.open(f"{tmp}/APPFILE01", "INPUT", record_size=16, keys=KEYS)
        assert g is not None, status
        assert g.read(0, b"K1    ")[1] == b"K1    0000000002"
        g.close()


def _in_place(path: Path) -> bool:
    """ext4 or XFS, read from /proc/self/mounts for the longest mount point above path."""
    best, kind = "", ""
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        for line in mounts:
            _, point, fs, *_ = line.split()
            if str(path.resolve()).startswith(point) and len(point) > len(best):
                best, kind = point, fs
    return kind in ("ext4", "xfs")


def test_a_handle_opening_without_kept_descriptors_uses_what_the_process_knows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A LOCK MODE MANUAL handle keeps nothing at CLOSE, but the process remembers what
    it learnt of the journal: the next such OPEN neither reads the slots nor syncs,
    unless another process changed the file (mark) or the journal (epoch)."""
    bump_twice(tmp_path / "APPFILE01").close()
    syncs = []
    real_sync = OsFile.sync
    monkeypatch.setattr(OsFile, "sync", lambda self: syncs.append(self.fd) or real_sync(self))

    def shared_read() -> bytes | None:
        f, status = IndexedFile.open(str(tmp_path / "APPFILE01"), "I-O", record_size=16,
                                     keys=KEYS, lock_mode="MANUAL")
        assert f is not None, status
        record = f.read(0, b"K1    ")[1]
        f.close()
        return record

    assert shared_read() == b"K1    0000000002"
    assert syncs == []
    subprocess.run([sys.executable, "-c", WRITER, str(tmp_path / "APPFILE01")], cwd=REPO,
                   check=True, timeout=60)
    assert shared_read() == b"K1    0000000777"
    assert len(syncs) == 1  # another process's commit: made durable once, then known
    assert shared_read() == b"K1    0000000777"
    assert len(syncs) == 1


WRITER = """
import sys
from fakees.isam import IndexedFile, KeySpec
f, st = IndexedFile.open(sys.argv[1], "I-O", record_size=16, keys=[KeySpec(0, 6)])
assert f is not None, st
assert f.rewrite(b"K1    0000000777").ok
f.close()
"""
REPO = Path(__file__).resolve().parents[2]


def test_an_armed_commit_starts_the_data_write_back_before_writing_its_slot(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a real file system: the data file's write-back is under way (sync_file_range
    really called) before the slot's O_DIRECT write, and the fdatasync comes last."""
    if not _in_place(tmp_path):
        pytest.skip("not ext4 or XFS")
    f = bump_twice(tmp_path / "APPFILE01")
    data_fd, events = f.dat.fd, []
    real_range = disk._sync_file_range
    monkeypatch.setattr(disk, "_sync_file_range",
                        lambda fd, *a: events.append(("write_back", fd)) or real_range(fd, *a))
    for name in ("write_direct", "sync"):
        real = getattr(OsFile, name)
        monkeypatch.setattr(OsFile, name, lambda self, *a, _n=name, _r=real:
                            events.append((_n, self.fd)) or _r(self, *a))
    assert f.rewrite(b"K1    0000000003").ok
    assert [e[0] for e in events] == ["write_back", "write_direct", "sync"]
    assert events[0][1] == events[2][1] == data_fd != events[1][1]
    f.close()
