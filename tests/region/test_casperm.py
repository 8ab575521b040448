"""casperm: the report's dialogue, its flag form, and refusals that change nothing."""

from __future__ import annotations

import os
import select
import stat
import subprocess

from fakees.cobdir import Cobdir


def casperm(env: dict[str, str], *argv: str, answers: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([f"{env['COBDIR']}/bin/casperm", *argv], input=answers, env=env,
                          capture_output=True, text=True, timeout=60)


def test_dialogue_as_in_the_report(es_env, cobdir: Cobdir, tmp_path):
    target = tmp_path / "u01" / "mfcobol" / "es"
    result = casperm(es_env, answers=f"\ny\nroot\n{target}\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("Enter 'q' to quit") < out.index("syslog daemon (y/n)?") \
        < out.index("administrator:") < out.index("Environment variables cannot be used") \
        < out.index("Setting file permissions. Please wait...")
    assert cobdir.read_cas_cfg() == {"USESYSCON": "Y", "AUTHPGMS": "", "CASROOT": str(target)}
    assert cobdir.casroot() == target
    mode = target.stat().st_mode
    assert stat.S_ISDIR(mode) and stat.S_IMODE(mode) == 0o2775


def test_wrong_answers_are_asked_again(es_env, cobdir: Cobdir, tmp_path):
    result = casperm(es_env, answers=f"\nmaybe\nn\nno such user\nnosuchuser42\nroot\n"
                                     f"relative/dir\n$HOME/x\n{tmp_path}/es\n")
    assert result.returncode == 0, result.stderr
    assert "please answer y or n, not 'maybe'" in result.stderr
    assert "'no such user' is not an alphanumeric user ID" in result.stderr
    assert "user 'nosuchuser42' does not exist on this system" in result.stderr
    assert "'relative/dir' is not an absolute path name" in result.stderr
    assert "environment variables and ~ cannot be used" in result.stderr
    assert cobdir.read_cas_cfg()["USESYSCON"] == "N"
    assert cobdir.casroot() == tmp_path / "es"


def test_default_directory_is_offered(es_env, cobdir: Cobdir):
    before = cobdir.cas_cfg.read_text()
    result = casperm(es_env, answers="q\n")
    assert result.returncode == 1 and "nothing was changed" in result.stderr
    result = casperm(es_env, "--syslog", "y", answers="\nroot\n")  # input ends at the directory
    assert result.returncode == 1
    assert "Press RETURN to copy them to /var/mfcobol/es" in result.stdout
    assert cobdir.cas_cfg.read_text() == before


def test_flag_form_is_non_interactive(es_env, cobdir: Cobdir, tmp_path):
    result = casperm(es_env, "--syslog", "n", "--admin", "root", "--casroot", str(tmp_path / "r"))
    assert result.returncode == 0, result.stderr
    assert "syslog" not in result.stdout
    assert cobdir.read_cas_cfg()["CASROOT"] == str(tmp_path / "r")


def test_bad_flags_and_unwritable_directory_change_nothing(es_env, cobdir: Cobdir, tmp_path):
    before = cobdir.cas_cfg.read_text()
    result = casperm(es_env, "--syslog", "perhaps", "--admin", "root", "--casroot", "/x")
    assert result.returncode == 2 and "please answer y or n" in result.stderr
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = casperm(es_env, "--syslog", "y", "--admin", "root", "--casroot", str(blocker))
    assert result.returncode == 2 and "exists and is not a directory" in result.stderr
    result = casperm(es_env, "--syslog", "y", "--admin", "root", "--casroot",
                     str(blocker / "sub"))
    assert result.returncode == 1
    assert f"cannot set up {blocker}/sub: Not a directory" in result.stderr
    assert cobdir.cas_cfg.read_text() == before


def test_on_a_terminal_with_line_editing(es_env, cobdir: Cobdir, tmp_path):
    """On a tty casperm reads through gnureadline: Ctrl-A moves to the start of the line
    (the kernel's cooked mode alone would pass it on as a character)."""
    master, slave = os.openpty()
    proc = subprocess.Popen([f"{es_env['COBDIR']}/bin/casperm"], stdin=slave, stdout=slave,
                            stderr=slave, env={**es_env, "TERM": "dumb"})
    os.close(slave)
    output = b""
    try:
        for answer in (b"\r", b"y\r", b"oot\x01r\r", f"{tmp_path}/tty\r".encode()):
            while not output.rstrip().endswith((b":", b"?")):
                ready, _, _ = select.select([master], [], [], 30)
                assert ready, output
                output += os.read(master, 4096)
            output = b""
            os.write(master, answer)
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
    assert cobdir.read_cas_cfg()["CASROOT"] == f"{tmp_path}/tty"
