"""Indexed files: statuses, the file(1) signature, bad files, locks between processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fakees.isam import IndexedFile, KeySpec, Status
from fakees.isam.disk import OsDisk, OsFile
from fakees.isam.layout import DAT_HEADER, PAGE

KEYS = [KeySpec(0, 6), KeySpec(6, 4, duplicates=True)]
REPO = Path(__file__).resolve().parents[2]


def rec(key: str, alt: str = "AAAA", body: str = "") -> bytes:
    return (key.ljust(6) + alt.ljust(4) + body).ljust(20).encode()


def make(path: Path, *records: bytes, **kw: object) -> None:
    f, status = IndexedFile.open(str(path), "OUTPUT", record_size=20, keys=KEYS, **kw)
    assert f is not None, status
    for r in records:
        assert f.write(r).ok
    assert f.close().code == "00"


def open_(path: Path, mode: str = "I-O", **kw: object) -> tuple[IndexedFile | None, Status]:
    kw.setdefault("record_size", 20)
    kw.setdefault("keys", KEYS)
    return IndexedFile.open(str(path), mode, **kw)  # type: ignore[arg-type]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "APPFILE01"
    make(path, rec("K1", "B"), rec("K2", "A"), rec("K3", "B"), rec("K4", "C"))
    return path


def test_file_command_recognises_data_and_index(data: Path) -> None:
    if shutil.which("file") is None:
        pytest.skip("file(1) is not installed")
    def kind(path: str) -> str:
        return subprocess.run(["file", "-b", path], capture_output=True, text=True,
                              check=True).stdout.strip()

    assert kind(str(data)) == "Micro Focus File with Header (DAT)"
    assert kind(f"{data}.idx") == "Micro Focus Index File (IDX)"


def test_status_bytes_as_cobol_sees_them() -> None:
    assert Status("9/065").raw == b"9A" and Status("9/068").raw == b"9D"
    assert Status("23").raw == b"23" and Status("23").invalid_key and not Status("23").ok
    assert Status("02").ok and Status("10").at_end


def test_reads_in_key_order_with_duplicates(data: Path) -> None:
    f, _ = open_(data, "INPUT")
    assert f is not None
    assert f.read(0, b"K3    ") == (Status("00"), rec("K3", "B"))
    assert f.read_next() == (Status("00"), rec("K4", "C"))
    assert f.read_next() == (Status("10"), None)
    assert f.read_next() == (Status("46"), None)
    # alternate key with duplicates: 02 while another record with the same key follows
    assert f.start(1, b"B", ">=") == Status("00")
    assert f.read_next() == (Status("02"), rec("K1", "B"))
    assert f.read_next() == (Status("00"), rec("K3", "B"))
    assert f.read_next() == (Status("00"), rec("K4", "C"))
    assert f.start(0, b"K9", "<") == Status("00")
    backwards = [f.read_previous()[1] for _ in range(4)]
    assert backwards == [rec("K4", "C"), rec("K3", "B"), rec("K2", "A"), rec("K1", "B")]
    assert f.read_previous() == (Status("10"), None)
    assert f.start(0, b"K5", "=") == Status("23")
    assert f.start(0, b"K2", "NOT <") == Status("00") and f.read_next()[1] == rec("K2", "A")
    assert f.start(0, b"K2", "NOT >") == Status("00")
    assert f.read_previous()[1] == rec("K2", "A")
    assert f.start(1, b"", "LAST") == Status("00") and f.read_next()[1] == rec("K4", "C")
    assert f.start(1, b"", "FIRST") == Status("00") and f.read_next()[1] == rec("K2", "A")
    assert f.read(0, b"K9    ") == (Status("23"), None)
    assert f.read(1, b"B   ") == (Status("02"), rec("K1", "B"))
    f.close()


def test_changes_and_their_statuses(data: Path) -> None:
    f, _ = open_(data)
    assert f is not None
    assert f.write(rec("K2")) == Status("22")
    assert f.write(rec("K5", "C")) == Status("02")  # duplicate alternate key is allowed
    assert f.write(b"short") == Status("44")
    assert f.rewrite(rec("K9")) == Status("23")
    assert f.rewrite(rec("K2", "Z", "new")) == Status("00")
    assert f.read(1, b"Z   ") == (Status("00"), rec("K2", "Z", "new"))
    assert f.delete(b"K9    ") == Status("23")
    assert f.delete(b"K1    ") == Status("00")
    assert f.read(0, b"K1    ") == (Status("23"), None)
    assert f.check() == 4
    assert f.close() == Status("00") and f.close() == Status("42")
    assert f.read(0, b"K1    ")[0] == Status("47")
    assert f.write(rec("K7")) == Status("48") and f.rewrite(rec("K7")) == Status("49")


def test_rewrite_after_read_finds_the_record_again_after_any_delete(data: Path) -> None:
    """REWRITE and DELETE reuse the slot the last READ found; a DELETE frees a slot that
    a WRITE may give to another key, and another opener may do both in between."""
    f, _ = open_(data)
    assert f is not None
    assert f.read(0, b"K1    ")[0] == Status("00")
    assert f.delete(b"K1    ") == Status("00")
    assert f.write(rec("K5", "E", "five")) == Status("00")  # takes K1's free slot
    assert f.rewrite(rec("K1", "B", "again")) == Status("23")
    assert f.read(0, b"K2    ")[0] == Status("00")
    assert f.rewrite(rec("K2", "A", "two")) == Status("00")
    assert f.read(0, b"K5    ") == (Status("00"), rec("K5", "E", "five"))
    assert f.check() == 4
    assert f.close() == Status("00")
    a, _ = open_(data, lock_mode="MANUAL")
    b, _ = open_(data, lock_mode="MANUAL")
    assert a is not None and b is not None
    assert a.read(0, b"K3    ")[0] == Status("00")
    assert b.delete(b"K3    ") == Status("00")
    assert b.write(rec("K6", "F", "six")) == Status("00")
    assert a.rewrite(rec("K3", "B", "lost")) == Status("23")
    assert a.delete(b"K3    ") == Status("23")
    assert b.read(0, b"K6    ") == (Status("00"), rec("K6", "F", "six"))
    assert a.close() == Status("00") and b.close() == Status("00")


def test_open_mode_restrictions(data: Path) -> None:
    f, _ = open_(data, "INPUT")
    assert f is not None
    assert f.write(rec("K8")) == Status("48")
    assert f.rewrite(rec("K1")) == Status("49") and f.delete(b"K1    ") == Status("49")
    f.close()
    f, _ = open_(data, "EXTEND")
    assert f is not None
    assert f.read_next()[0] == Status("47")
    assert f.write(rec("K8")) == Status("00")
    f.close()
    f, _ = open_(data, "OUTPUT")  # OUTPUT empties the file
    assert f is not None
    f.close()
    f, _ = open_(data, "INPUT")
    assert f is not None and f.read_next() == (Status("10"), None)
    f.close()


def test_sequential_access_rules(tmp_path: Path, data: Path) -> None:
    path = tmp_path / "SEQ"
    f, _ = open_(path, "OUTPUT", access="SEQUENTIAL")
    assert f is not None
    assert f.write(rec("B")) == Status("00")
    assert f.write(rec("A")) == Status("21")  # keys must ascend
    f.close()
    f, _ = open_(data, access="SEQUENTIAL")
    assert f is not None
    assert f.rewrite(rec("K1")) == Status("43")  # no READ before it
    assert f.read_next() == (Status("00"), rec("K1", "B"))
    assert f.rewrite(rec("K2")) == Status("21")  # the key of the record read changed
    assert f.read_next()[0] == Status("00")
    assert f.delete(b"ignored") == Status("00")  # deletes K2, the record last read
    assert f.delete(b"ignored") == Status("43")
    f.close()


def test_variable_length_records(tmp_path: Path) -> None:
    path = tmp_path / "VAR"
    f, _ = open_(path, "OUTPUT", min_size=10)
    assert f is not None
    assert f.write(b"K1    AAAA") == Status("00")
    assert f.write(b"K2    AAAAxyz") == Status("02")
    assert f.write(b"K3    AAA") == Status("44")
    f.close()
    f, _ = open_(path, "I-O", min_size=10)
    assert f is not None
    assert f.read(0, b"K2    ") == (Status("00"), b"K2    AAAAxyz")
    assert f.rewrite(b"K2    BBBB") == Status("00")
    assert f.read(0, b"K2    ") == (Status("00"), b"K2    BBBB")
    f.close()
    short = tmp_path / "SHORT"
    f, _ = open_(short, "OUTPUT", min_size=4)  # a record shorter than its keys is refused
    assert f is not None
    assert f.write(b"K3    AAA") == Status("44")
    assert f.write(b"K3    AAAA") == Status("00")
    f.close()


def test_missing_and_optional_files(tmp_path: Path) -> None:
    missing = tmp_path / "NOFILE"
    assert open_(missing, "INPUT") == (None, Status("35"))
    assert open_(missing, "I-O") == (None, Status("35"))
    f, status = open_(missing, "INPUT", optional=True)
    assert status == Status("05") and f is not None
    assert f.read_next() == (Status("10"), None)
    f.close()
    assert not missing.exists()
    f, status = open_(missing, "I-O", optional=True)
    assert status == Status("05") and f is not None
    assert f.write(rec("K1")) == Status("00")
    f.close()


def test_description_that_disagrees_with_the_file(data: Path) -> None:
    assert open_(data, record_size=21) == (None, Status("39"))
    assert open_(data, keys=[KeySpec(0, 6)]) == (None, Status("39"))
    assert open_(data, keys=[KeySpec(0, 5), KeySpec(6, 4, True)]) == (None, Status("39"))
    with pytest.raises(ValueError, match="must lie in the record"):
        open_(data, keys=[KeySpec(18, 6)])


def damage(path: Path, offset: int, data: bytes | None = None, size: int | None = None) -> None:
    with path.open("r+b") as fh:
        if data is not None:
            fh.seek(offset)
            fh.write(data)
        if size is not None:
            fh.truncate(size)


@pytest.mark.parametrize(
    ("what", "expected"),
    [
        ("foreign data file", "9/161"),
        ("truncated data header", "9/161"),
        ("index missing", "9/043"),
        ("foreign index", "9/041"),
        ("truncated index", "9/041"),
        ("truncated records", "9/041"),
    ],
)
def test_bad_files_give_a_status_not_a_traceback(data: Path, what: str, expected: str) -> None:
    idx = Path(f"{data}.idx")
    if what == "foreign data file":
        data.write_bytes(b"#!/bin/sh\necho this is not an indexed file\n" * 10)
    elif what == "truncated data header":
        damage(data, 0, size=50)
    elif what == "index missing":
        idx.unlink()
    elif what == "foreign index":  # put in its place: an edit in place at the same size
        # is the one change an opener that kept the parsed file does not see (ISAM.md)
        Path(f"{idx}.new").write_bytes(os.urandom(3 * PAGE))
        os.replace(f"{idx}.new", idx)
    elif what == "truncated index":
        damage(idx, 0, size=PAGE + 100)
    else:
        damage(data, 0, size=DAT_HEADER + 30)
    for mode in ("INPUT", "I-O"):
        assert open_(data, mode) == (None, Status(expected))


def test_damaged_tree_page_gives_status_on_read(data: Path) -> None:
    damage(Path(f"{data}.idx"), PAGE, b"\x07" * 64)  # the primary key's root page
    f, status = open_(data, "INPUT")
    assert f is not None, status
    assert f.read(0, b"K1    ") == (Status("9/041"), None)
    assert f.start(0, b"K1", ">=") == Status("9/041")
    assert f.close() == Status("00")


# -- locks between processes ------------------------------------------------------

HOLDER = textwrap.dedent(
    """
    import sys
    from fakees.isam import IndexedFile, KeySpec
    keys = [KeySpec(0, 6), KeySpec(6, 4, duplicates=True)]
    mode, lock_mode, key = sys.argv[2], sys.argv[3], sys.argv[4]
    f, st = IndexedFile.open(sys.argv[1], mode, record_size=20, keys=keys,
                             lock_mode=None if lock_mode == "-" else lock_mode)
    print("open", st.code, flush=True)
    if key != "-":
        print("read", f.read(0, key.ljust(6).encode())[0].code, flush=True)
    sys.stdin.readline()
    """
)


class Holder:
    """Another process holding the file open (and maybe a record) until released."""

    def __init__(self, path: Path, mode: str, lock_mode: str | None, key: str | None,
                 reaper) -> None:  # type: ignore[no-untyped-def]
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path), mode, lock_mode or "-", key or "-"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
        reaper.track(self.proc.pid)
        assert self.proc.stdout is not None
        self.lines = [self.proc.stdout.readline().split()]
        if key:
            self.lines.append(self.proc.stdout.readline().split())

    def release(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.close()
        assert self.proc.wait(timeout=30) == 0


def test_io_open_is_exclusive_across_processes(data: Path, reaper) -> None:  # type: ignore[no-untyped-def]
    holder = Holder(data, "I-O", None, None, reaper)
    assert holder.lines == [["open", "00"]]
    for mode in ("INPUT", "I-O", "OUTPUT", "EXTEND"):
        f, status = open_(data, mode)
        assert (f, status.code, status.raw) == (None, "9/065", b"9A")
    holder.release()
    f, status = open_(data, "I-O")
    assert f is not None and status.code == "00"
    # ... and across two opens in one process too (OFD locks, not per-process locks)
    assert open_(data, "INPUT") == (None, Status("9/065"))
    f.close()


def test_readers_share_and_block_exclusive_openers(data: Path, reaper) -> None:  # type: ignore[no-untyped-def]
    holder = Holder(data, "INPUT", None, None, reaper)
    assert holder.lines == [["open", "00"]]
    f, status = open_(data, "INPUT")
    assert f is not None and status.code == "00"
    assert f.read(0, b"K1    ")[0] == Status("00")
    f.close()
    assert open_(data, "I-O") == (None, Status("9/065"))
    holder.release()


def test_record_locks_between_processes(data: Path, reaper) -> None:  # type: ignore[no-untyped-def]
    holder = Holder(data, "I-O", "AUTOMATIC", "K1", reaper)
    assert holder.lines == [["open", "00"], ["read", "00"]]
    f, status = open_(data, lock_mode="AUTOMATIC")
    assert f is not None and status.code == "00"
    assert f.read(0, b"K1    ") == (Status("9/068"), None)
    assert f.rewrite(rec("K1")) == Status("9/068")
    assert f.delete(b"K1    ") == Status("9/068")
    assert f.read(0, b"K2    ")[0] == Status("00")  # other records are free
    assert f.rewrite(rec("K2", "A", "mine")) == Status("00")
    assert f.read(0, b"K1    ", lock=False)[0] == Status("00")  # WITH NO LOCK
    holder.release()  # the holder's exit drops its lock
    assert f.read(0, b"K1    ")[0] == Status("00")
    f.close()


COUNTER_WORKER = textwrap.dedent(
    """
    import sys
    from fakees.isam import IndexedFile, KeySpec
    keys = [KeySpec(0, 6), KeySpec(6, 4, duplicates=True)]
    f, st = IndexedFile.open(sys.argv[1], "I-O", record_size=20, keys=keys, lock_mode="MANUAL")
    assert st.code == "00", st
    done = 0
    while done < int(sys.argv[2]):
        st, r = f.read(0, b"CNT   ", lock=True)
        if st.code == "9/068":
            continue
        assert st.code == "00", st
        n = int(r[10:20]) + 1
        assert f.rewrite(r[:10] + b"%010d" % n).code == "00"
        f.unlock()
        done += 1
    f.close()
    """
)


def test_manual_lockers_share_a_counter_without_losing_updates(tmp_path: Path, reaper) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "COUNTER"
    make(path, b"CNT   AAAA0000000000")
    procs = [subprocess.Popen([sys.executable, "-c", COUNTER_WORKER, str(path), "40"], cwd=REPO)
             for _ in range(3)]
    for p in procs:
        reaper.track(p.pid)
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    f, _ = open_(path, "INPUT")
    assert f is not None
    assert f.read(0, b"CNT   ") == (Status("00"), b"CNT   AAAA0000000120")
    f.close()


class ReadOnlyDisk(OsDisk):
    """The file system as a user without write permission sees it (the tests run as root)."""

    def open(self, path: str, *, create: bool, writable: bool) -> OsFile:
        if writable:
            raise PermissionError(13, "Permission denied", path)
        return super().open(path, create=create, writable=writable)


def test_permissions_and_lock_mode_exclusive_for_input(data: Path) -> None:
    assert open_(data, "I-O", disk=ReadOnlyDisk()) == (None, Status("37"))
    f, status = open_(data, "INPUT", disk=ReadOnlyDisk())  # a reader needs no write access
    assert f is not None, status
    assert f.read(0, b"K4    ") == (Status("00"), rec("K4", "C"))
    f.close()
    f, status = open_(data, "INPUT", lock_mode="EXCLUSIVE")
    assert f is not None, status
    assert open_(data, "INPUT") == (None, Status("9/065"))
    f.close()


def test_hot_journal_with_a_damaged_length_is_ignored(data: Path) -> None:
    """A journal whose magic survives but whose length field says nearly 4 GiB is
    ignored like any journal failing its CRC, without trying to read that much
    (the OPEN runs in a process limited to 2 GiB of address space)."""
    damage(Path(f"{data}.jnl"), 0, b"FKISRBJ1\xff\xff\xff\xf0")
    script = textwrap.dedent(
        """
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        from fakees.isam import IndexedFile, KeySpec
        keys = [KeySpec(0, 6), KeySpec(6, 4, duplicates=True)]
        f, status = IndexedFile.open(sys.argv[1], "INPUT", record_size=20, keys=keys)
        assert f is not None, status
        print(f.check())
        """
    )
    done = subprocess.run([sys.executable, "-c", script, str(data)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "4\n"), done.stderr
