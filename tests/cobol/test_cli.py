"""cob and cobrun as the product's scripts run them: real processes from $COBDIR/bin."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from fakees.cobdir import Cobdir

REPO = Path(__file__).resolve().parents[2]
COBOL = REPO / "cobol"


def run(cobdir: Cobdir, cwd: Path, *argv: str, env: dict[str, str] | None = None,
        ) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, PATH=f"{cobdir.bin}:{os.environ['PATH']}", **(env or {}))
    return subprocess.run([str(cobdir.bin / argv[0]), *argv[1:]], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=120)


def test_cob_and_cobrun_the_project_counter(cobdir: Cobdir, tmp_path: Path) -> None:
    env = {"dd_CNTFILE": "counter.dat"}
    for name in ("cblcount", "initcnt"):
        done = run(cobdir, tmp_path, "cob", "-u", str(COBOL / f"{name}.cbl"))
        assert done.returncode == 0, done.stderr
        assert (tmp_path / f"{name}.gnt").read_bytes().startswith(b"FAKEES-GNT 1\n")
    done = run(cobdir, tmp_path, "cobrun", "initcnt", env=env)
    assert done.returncode == 0 and "counter file created" in done.stdout
    assert (tmp_path / "counter.dat").exists() and (tmp_path / "counter.dat.idx").exists()
    # two separate processes call the service through the API: the count carries on
    script = (
        "import sys\n"
        "from fakees.cobol import load_program\n"
        "prog = load_program('cblcount.gnt')\n"
        "for _ in range(3):\n"
        "    args = [bytearray(20), bytearray(10), bytearray(20), bytearray(10)]\n"
        "    assert prog.call(args) == 0\n"
        "    print(args[3].decode(), args[1].decode().strip(), args[0].decode())\n"
    )
    seen = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, text=True,
                              capture_output=True, env=dict(os.environ, **env), timeout=120)
        assert done.returncode == 0, done.stderr
        seen += done.stdout.split("\n")[:-1]
    assert [line[:20] for line in seen] == [f"{n:010d} CBLCOUNT " for n in range(6)]
    stamps = [line[20:] for line in seen]  # 20 characters, as the report's client prints them
    assert all(re.fullmatch(r"\d\d/\d\d/\d\d \d\d:\d\d:\d\d\.\d\d", s) for s in stamps), stamps


def test_cob_reports_errors_with_position_and_exit_code(cobdir: Cobdir, tmp_path: Path) -> None:
    bad = tmp_path / "bad.cbl"
    bad.write_text("       IDENTIFICATION DIVISION.\n       PROGRAM-ID. BAD.\n"
                   "       PROCEDURE DIVISION.\n           MOVE 1 TO NOWHERE.\n")
    done = run(cobdir, tmp_path, "cob", "-u", "bad.cbl")
    assert done.returncode != 0
    assert done.stderr.startswith("bad.cbl:4:22: error: 'NOWHERE' is not defined")
    assert not (tmp_path / "bad.gnt").exists()


def test_cobrun_exit_code_and_output(cobdir: Cobdir, tmp_path: Path) -> None:
    (tmp_path / "rc.cbl").write_text(
        "       IDENTIFICATION DIVISION.\n       PROGRAM-ID. RC.\n"
        "       PROCEDURE DIVISION.\n           DISPLAY \"hello\"\n"
        "           MOVE 7 TO RETURN-CODE\n           ACCEPT ARGS FROM COMMAND-LINE\n"
        "           DISPLAY \"[\" ARGS \"]\"\n           STOP RUN.\n")
    text = (tmp_path / "rc.cbl").read_text().replace(
        "       PROCEDURE DIVISION.\n", "       DATA DIVISION.\n       WORKING-STORAGE SECTION.\n"
        "       01 ARGS PIC X(12).\n       PROCEDURE DIVISION.\n")
    (tmp_path / "rc.cbl").write_text(text)
    assert run(cobdir, tmp_path, "cob", "-u", "rc.cbl").returncode == 0
    done = run(cobdir, tmp_path, "cobrun", "rc", "one", "two")
    assert (done.returncode, done.stdout) == (7, "hello\n[one two     ]\n")


def test_cobrun_rejects_foreign_and_missing_programs(cobdir: Cobdir, tmp_path: Path) -> None:
    (tmp_path / "evil.gnt").write_bytes(b'FAKEES-GNT 1\n{"program":{"_t":"Popen"}}')
    done = run(cobdir, tmp_path, "cobrun", "evil.gnt")
    assert done.returncode != 0 and "unknown node type 'Popen'" in done.stderr
    (tmp_path / "old.gnt").write_bytes(b"FAKEES-GNT 99\n{}")
    done = run(cobdir, tmp_path, "cobrun", "old.gnt")
    assert done.returncode != 0 and "format version 99" in done.stderr
    (tmp_path / "typed.gnt").write_bytes(
        b'FAKEES-GNT 1\n{"program":{"_t":"Program","program_id":"X","source":"x",'
        b'"paragraphs":"not a list"}}')
    done = run(cobdir, tmp_path, "cobrun", "typed.gnt")
    assert done.returncode != 0 and "damaged .gnt" in done.stderr
    assert "Traceback" not in done.stderr
    done = run(cobdir, tmp_path, "cobrun", "NOPROG")
    assert done.returncode != 0
    assert "173     Called program file not found in drive/directory" in done.stderr


def test_report_steps_compile_and_initialise_the_seed_file(cobdir: Cobdir, tmp_path: Path,
                                                           seed: Path) -> None:
    """As the report does: cob -u both programs, cobrun initfile1 with APPFILE01 mapped."""
    for name in ("cblapp01", "initfile1"):
        done = run(cobdir, tmp_path, "cob", "-u", str(seed / "cobol" / f"{name}.cbl"))
        assert done.returncode == 0, done.stderr
    done = run(cobdir, tmp_path, "cobrun", "initfile1", env={"dd_APPFILE01": "APPFILE01"})
    assert done.returncode == 0, done.stderr
    kinds = subprocess.run(["file", "APPFILE01", "APPFILE01.idx"], cwd=tmp_path, text=True,
                           capture_output=True, check=True).stdout
    assert "Micro Focus File with Header (DAT)" in kinds
    assert "Micro Focus Index File (IDX)" in kinds


FREE_SOURCE = ('IDENTIFICATION DIVISION.\nPROGRAM-ID. FR.\nPROCEDURE DIVISION.\n'
               '    DISPLAY "free format ok" *> a free-format comment\n    STOP RUN.\n')


def test_cob_free_format_options(cobdir: Cobdir, tmp_path: Path) -> None:
    (tmp_path / "fr.cbl").write_text(FREE_SOURCE)
    done = run(cobdir, tmp_path, "cob", "-u", "fr.cbl")
    assert done.returncode != 0 and not (tmp_path / "fr.gnt").exists()
    assert done.stderr.startswith("fr.cbl:1:1: error: IDENTIFICATION starts in column 1")
    assert "hint: this looks like free-format source: compile it with cob -free" in done.stderr
    for options in (["-free"], ["-C", "SOURCEFORMAT(FREE)"], ["-C", "sourceformat(free)"]):
        (tmp_path / "fr.gnt").unlink(missing_ok=True)
        done = run(cobdir, tmp_path, "cob", "-u", *options, "fr.cbl")
        assert done.returncode == 0, (options, done.stderr)
        done = run(cobdir, tmp_path, "cobrun", "fr")
        assert (done.returncode, done.stdout) == (0, "free format ok\n"), options


def test_cob_missing_source(cobdir: Cobdir, tmp_path: Path) -> None:
    done = run(cobdir, tmp_path, "cob", "-u", "nosuch.cbl")
    assert done.returncode != 0
    assert done.stderr.startswith("nosuch.cbl: error: cannot read source: No such file")
