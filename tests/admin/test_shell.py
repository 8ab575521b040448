"""`fakees shell` driven through a pseudo-terminal, like a person at a keyboard.

Tab completes commands and server names (GNU readline), Ctrl-P recalls history
from the previous session, and the commands act on a real mfds32 and a real
region: list, dump, start, tail, call, stop.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.mfds.harness import client, start_mfds
from tests.region.conftest import RegionHarness, wait_for

FAKEES = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "fakees"
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r")


class Terminal:
    """A child on the slave side of a pty; `expect` polls its output with a deadline."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True)
        os.close(slave)
        self.seen = b""

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def expect(self, pattern: str, timeout: float = 60.0) -> str:
        """Wait until `pattern` shows in the (escape-free) output since the last expect."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            clean = ANSI.sub(b"", self.seen).decode("utf-8", "replace")
            found = regex.search(clean)
            if found:
                rest = clean[found.end():]
                self.seen = rest.encode()
                return clean[:found.end()]
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"no {pattern!r} in shell output: {clean[-2000:]!r}")
            ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:  # the child closed the terminal
                    pytest.fail(f"shell ended before {pattern!r}: {clean[-2000:]!r}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        os.close(self.master)


@pytest.fixture
def shell_env(es_env, tmp_path, reaper):
    start_mfds(es_env, reaper)
    home = tmp_path / "home"
    home.mkdir()
    inputrc = tmp_path / "inputrc"
    inputrc.write_text("set enable-bracketed-paste off\nset bell-style none\n")
    return {**es_env, "HOME": str(home), "TERM": "vt100", "INPUTRC": str(inputrc)}


@pytest.fixture
def terminals():
    opened: list[Terminal] = []

    def open_terminal(env: dict[str, str]) -> Terminal:
        terminal = Terminal([str(FAKEES), "shell"], env)
        opened.append(terminal)
        return terminal

    yield open_terminal
    for terminal in opened:
        terminal.close()


def test_shell_completion_history_and_region_control(shell_env, terminals) -> None:
    mfds = client(shell_env)
    mfds.add_server("ESSRV01", listener_endpoint=f"tcp:127.0.0.1:{free_port()}")
    harness = RegionHarness(shell_env)
    try:
        term = terminals(shell_env)
        prompt = r"mfds 127\.0\.0\.1:\d+> "
        term.expect(prompt)
        term.send("li\t\n")  # command completion
        out = term.expect(prompt)
        assert "list" in out and re.search(r"ESDEMO\s+Stopped", out) and "ESSRV01" in out
        term.send("dump ESS\t\n")  # server name completion
        out = term.expect(prompt)
        assert "dump ESSRV01" in out and "mfServerStatus: Stopped" in out
        term.send("start NOSUCH\n")
        assert "error: unknown server 'NOSUCH'" in term.expect(prompt)
        term.send("frobnicate\n")
        assert "unknown command 'frobnicate'" in term.expect(prompt)
        term.send("start ESSRV01\n")
        out = term.expect(prompt, timeout=90)
        harness.note_pids()
        assert "ESSRV01: Started" in out
        term.send("tail ESSRV01 50\n")
        assert "CASCD0002I Region ESSRV01 started" in term.expect(prompt)
        term.send("call ESSRV01 echo.echo inout:string=hello\n")
        assert "hello" in term.expect(prompt, timeout=30)
        term.send("stop ESSRV01\n")
        term.expect(prompt)
        wait_for(lambda: mfds.get_server("ESSRV01")["status"] == "Stopped", 30, "stopped")
        term.send("quit\n")
        assert term.process.wait(timeout=10) == 0
        history = Path(shell_env["HOME"], ".fakees_shell_history").read_text()
        assert "start ESSRV01" in history

        again = terminals(shell_env)
        again.expect(prompt)
        again.send("\x10" * 4 + "\n")  # Ctrl-P (Up) past quit, stop, call: "tail ESSRV01 50"
        # (readline redraws the prompt while recalling, so wait for the output itself)
        assert "tail ESSRV01 50" in again.expect("CASCD0002I Region ESSRV01 started")
        again.expect(prompt)  # the command is over and readline reads again
        again.send("\x04")  # Ctrl-D leaves
        assert again.process.wait(timeout=10) == 0
    finally:
        harness.kill_all()


def test_shell_one_shot_commands_and_mfds_down(es_env, reaper) -> None:
    start_mfds(es_env, reaper)
    ok = subprocess.run([str(FAKEES), "shell", "-c", "list; dump"], env=es_env,
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "Server ESDEMO" in ok.stdout
    bad = subprocess.run([str(FAKEES), "shell", "-c", "tail ESDEMO previous"], env=es_env,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "has no console.bak yet" in bad.stdout
    down = subprocess.run([str(FAKEES), "shell", "--port", str(free_port()), "-c", "list"],
                          env=es_env, capture_output=True, text=True, timeout=60)
    assert down.returncode == 1 and "does not answer" in down.stdout
    assert "(is mfds running?)" in down.stdout
