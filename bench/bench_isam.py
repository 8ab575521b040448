"""Indexed-file commit rate as ratios against raw pwrite + fdatasync loops.

Peers, in the same directory: ``raw``, ``os.pwrite`` of 4 KiB then
``os.fdatasync``; ``pair``, the floor of a plain rollback-journal commit: a
small in-place ``pwrite`` + ``fdatasync`` of one file, then of another;
``armed``, the floor of the journal's armed commit (docs/ISAM.md): a small
in-place ``pwrite`` of one file, its write-back started (``sync_file_range``),
an O_DIRECT 4 KiB ``pwrite`` of another, one ``fdatasync`` of the first (three
device requests, the first two under way together); ``serial``, the same
without starting the write-back (the three requests one after another).  Subjects, each a durable
commit:

- ``rewrite``: REWRITE of one record in a file held open I-O (an armed
  commit: ideally 1.0 of ``armed``);
- ``cblapp01``: what CBLAPP01 does per call: OPEN I-O, READ by key, REWRITE,
  CLOSE.

Peer and subjects run in alternating slices so that a busy machine weighs on
all of them alike.  Usage: ``.venv/bin/python bench/bench_isam.py [seconds]``.
"""

from __future__ import annotations

import mmap
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hostload import HostLoad

from fakees.isam import IndexedFile, KeySpec
from fakees.isam.disk import write_back

KEYS = [KeySpec(0, 6)]
KEY = b" " * 6


def counter_file(directory: Path) -> str:
    path = str(directory / "APPFILE01")
    f, status = IndexedFile.open(path, "OUTPUT", record_size=16, keys=KEYS)
    assert f is not None, status
    assert f.write(KEY + b"0" * 10).ok
    f.close()
    return path


def bump(f: IndexedFile) -> None:
    status, record = f.read(0, KEY)
    assert status.ok and record is not None, status
    assert f.rewrite(KEY + b"%010d" % (int(record[6:]) + 1)).ok


def main(argv: list[str]) -> int:
    seconds = float(argv[1]) if len(argv) > 1 else 6.0
    host = HostLoad()
    with tempfile.TemporaryDirectory(prefix="bench-isam-") as tmp:
        directory = Path(tmp)
        raw = os.open(directory / "raw", os.O_RDWR | os.O_CREAT, 0o644)
        page = b"x" * 4096
        os.pwrite(raw, page, 0)
        os.fsync(raw)
        second = os.open(directory / "second", os.O_RDWR | os.O_CREAT, 0o644)
        os.pwrite(second, page * 2, 0)
        os.fsync(second)
        direct = os.open(directory / "second", os.O_RDWR | os.O_DIRECT)
        aligned = mmap.mmap(-1, len(page))  # O_DIRECT wants an aligned buffer
        aligned[:] = page
        path = counter_file(directory)
        held, _ = IndexedFile.open(path, "I-O", record_size=16, keys=KEYS)
        assert held is not None

        def peer() -> None:
            os.pwrite(raw, page, 0)
            os.fdatasync(raw)

        def pair() -> None:
            os.pwrite(raw, page[:100], 0)
            os.fdatasync(raw)
            os.pwrite(second, page[:30], 120)
            os.fdatasync(second)

        def armed() -> None:
            os.pwrite(raw, page[:100], 0)
            write_back(raw)
            os.pwrite(direct, aligned, 4096)
            os.fdatasync(raw)

        def serial() -> None:
            os.pwrite(raw, page[:100], 0)
            os.pwrite(direct, aligned, 4096)
            os.fdatasync(raw)

        def rewrite() -> None:
            bump(held)

        def cblapp01() -> None:
            f, status = IndexedFile.open(path, "I-O", record_size=16, keys=KEYS)
            assert f is not None, status
            bump(f)
            f.close()

        subjects: dict[str, Callable[[], None]] = {
            "raw": peer, "pair": pair, "armed": armed, "serial": serial, "rewrite": rewrite,
            "cblapp01": cblapp01}
        counts = dict.fromkeys(subjects, 0)
        spent = dict.fromkeys(subjects, 0.0)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for name, run in subjects.items():
                if name == "cblapp01":
                    held.close()  # CBLAPP01 opens the file itself, exclusively
                start = time.perf_counter()
                end = start + 0.2
                while time.perf_counter() < end:
                    run()
                    counts[name] += 1
                spent[name] += time.perf_counter() - start
                if name == "cblapp01":
                    held, _ = IndexedFile.open(path, "I-O", record_size=16, keys=KEYS)
                    assert held is not None
        held.close()
        os.close(raw)
        os.close(second)
        os.close(direct)
    rate = {name: counts[name] / spent[name] for name in subjects}
    print(f"raw pwrite+fdatasync 4 KiB: {rate['raw']:8.0f}/s (peer)")
    print(f"pair (two files in turn)  : {rate['pair']:8.0f}/s (peer)")
    print(f"armed (write, write-back, direct, sync): {rate['armed']:7.0f}/s (peer)")
    print(f"serial (write, direct, sync): {rate['serial']:7.0f}/s (peer)")
    for name in ("rewrite", "cblapp01"):
        print(f"{name:26s}: {rate[name]:8.0f}/s  ratio {rate[name] / rate['raw']:.2f} of raw, "
              f"{rate[name] / rate['pair']:.2f} of pair, {rate[name] / rate['armed']:.2f} of armed")
    print(host.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
