"""GnuCOBOL as the oracle: compile once per session (cached by source hash), run, capture."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from fakees.isam.layout import DAT_HEADER, FormatError, check_data_header

CACHE = Path(tempfile.gettempdir()) / "fakees-cobc-cache"
_BDB_BTREE_MAGIC = (b"\x62\x31\x05\x00", b"\x00\x05\x31\x62")  # at 12, either byte order


def have_cobc() -> bool:
    return shutil.which("cobc") is not None


def _version() -> str:
    return subprocess.run(["cobc", "--version"], capture_output=True, text=True,
                          check=True).stdout.splitlines()[0]


def build(source: Path, module: bool = False) -> Path:
    """cobc -x (or -m) a source into the cache; returns the executable or module."""
    digest = hashlib.sha256(source.name.encode() + source.read_bytes() + _version().encode()
                            + (b"m" if module else b"x")).hexdigest()[:20]
    out_dir = CACHE / digest
    target = out_dir / (source.stem + (".so" if module else ""))
    if target.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="build-", dir=CACHE))
    out = tmp / target.name
    mode = "-m" if module else "-x"
    copy_dir = source.parent / "copy"
    includes = ["-I", str(copy_dir)] if copy_dir.is_dir() else []
    proc = subprocess.run(["cobc", mode, *includes, "-o", str(out), str(source)],
                          capture_output=True, text=True, cwd=tmp)
    if proc.returncode != 0:
        raise RuntimeError(f"cobc failed on {source}:\n{proc.stderr}")
    try:
        tmp.rename(out_dir)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another worker won the race
    return target


def _try_build(source: Path, module: bool) -> Path | RuntimeError:
    try:
        return build(source, module)
    except RuntimeError as exc:
        return exc


def build_all(sources: list[Path], module: bool = False) -> dict[Path, Path | RuntimeError]:
    """Build in parallel; a failed build is returned (raised by the test that needs it)."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        built = pool.map(lambda s: _try_build(s, module), sources)
        return dict(zip(sources, built, strict=True))


@dataclass
class Outcome:
    stdout: bytes
    code: int
    files: dict[str, bytes]


def indexed_kind(path: Path) -> str | None:
    """"fakees" for a fakees indexed data file, "bdb" for a Berkeley DB file (GnuCOBOL's
    indexed files: the primary key's and each alternate key's), else None, by content."""
    if not path.is_file():
        return None
    with path.open("rb") as f:
        head = f.read(DAT_HEADER)
    if head[12:16] in _BDB_BTREE_MAGIC:
        return "bdb"
    try:
        check_data_header(head)
    except FormatError:
        return None
    return "fakees"


def snapshot(directory: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """The other files a run left behind, name to bytes: everything but indexed files
    (told by content, see ``indexed_kind``; their records are compared by
    ``tests.cobol.indexed_records``, since the on-disk formats differ by design), fakees'
    index and journal files (.idx, .jnl) and compiled programs (.so, .gnt)."""
    out = {}
    for path in sorted(directory.iterdir()):
        if path.is_file() and not path.name.endswith(skip) and path.suffix not in (
                ".idx", ".jnl", ".so", ".gnt") and indexed_kind(path) is None:
            out[path.name] = path.read_bytes()
    return out


def run_gnucobol(executable: Path, cwd: Path, env: dict[str, str] | None = None,
                 stdin: bytes = b"", module_dirs: tuple[Path, ...] = ()) -> Outcome:
    full_env = dict(os.environ, **(env or {}))
    if module_dirs:
        full_env["COB_LIBRARY_PATH"] = ":".join(str(d) for d in module_dirs)
    proc = subprocess.run([str(executable)], cwd=cwd, env=full_env, input=stdin,
                          capture_output=True, timeout=60)
    return Outcome(proc.stdout, proc.returncode, {})
