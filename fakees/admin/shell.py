"""`fakees shell`: an interactive administration shell for the sandbox.

    fakees shell [--host HOST] [--port PORT] [-c "COMMAND; COMMAND"]

Reads go to MFDS's JSON API; start and stop run `$COBDIR/bin/casstart` and
`casstop` on this machine, as an operator at the node would, so no password
is needed for them. Line editing, history (kept in ~/.fakees_shell_history)
and tab completion of commands and server names come from gnureadline.
Every failure prints one precise line and the shell carries on; with `-c` the
exit status is that of the last command (0 ok, 1 failed).
"""

from __future__ import annotations

import argparse
import cmd
import contextlib
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fakees.cobdir import Cobdir
from fakees.mfds.client import MfdsClient, MfdsDown, MfdsError, mfds_port
from fakees.mfds.mdump import format_server, format_server_list

try:  # cmd.Cmd imports "readline"; make it GNU readline's full-featured twin
    import gnureadline as readline

    sys.modules.setdefault("readline", readline)
except ImportError:  # pragma: no cover - gnureadline is a dependency; stdlib fallback
    import readline

HISTORY_FILE = "~/.fakees_shell_history"
HISTORY_LENGTH = 1000
LOGS = ("current", "previous")


class ShellError(Exception):
    """A command that could not be done; the message says why."""


class AdminShell(cmd.Cmd):
    intro = ("fakees administration shell. Type help for commands, Tab completes, "
             "Ctrl-D leaves.")

    def __init__(self, client: MfdsClient, cobdir: Cobdir | None,
                 out: Any = None) -> None:
        super().__init__(stdout=out or sys.stdout)
        self.client = client
        self.cobdir = cobdir
        self.prompt = f"mfds {client.host}:{client.port}> "
        self.failed = False

    # -- plumbing --------------------------------------------------------------

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def onecmd(self, line: str) -> bool:
        self.failed = False
        try:
            return bool(super().onecmd(line))
        except ShellError as exc:
            self.say(f"error: {exc}")
        except MfdsDown as exc:
            self.say(f"error: {exc} (is mfds running?)")
        except MfdsError as exc:
            self.say(f"error: {exc}")
        self.failed = True
        return False

    def emptyline(self) -> bool:
        return False

    def default(self, line: str) -> bool:
        raise ShellError(f"unknown command {line.split()[0]!r}: type help for the list")

    def server_names(self) -> list[str]:
        try:
            return [server["name"] for server in self.client.list_servers()]
        except (MfdsDown, MfdsError):
            return []

    def complete_server(self, text: str, line: str, begidx: int, endidx: int) -> list[str]:
        if len(line[:begidx].split()) > 1:
            return []  # only the first argument is a server name
        return [name for name in self.server_names() if name.startswith(text)]

    def _region_path(self, name: str, *rest: str) -> str:
        return "/".join([self.client.regions, quote(name, safe=""),
                         *(quote(r, safe="") for r in rest)])

    def _run(self, command: str, name: str) -> None:
        if self.cobdir is None:
            raise ShellError(f"{command} needs COBDIR: source the environment file first")
        env = {**os.environ, "COBDIR": str(self.cobdir.root), "CCITCP2_PORT": str(self.client.port)}
        result = subprocess.run([str(self.cobdir.bin / command), f"/r{name}"], env=env,
                                capture_output=True, text=True, timeout=120)
        for line in (result.stdout + result.stderr).splitlines():
            self.say(line)
        if result.returncode:
            raise ShellError(f"{command} /r{name} failed (exit {result.returncode})")

    @staticmethod
    def _args(arg: str, usage: str, low: int, high: int) -> list[str]:
        try:
            words = shlex.split(arg)
        except ValueError as exc:
            raise ShellError(f"{exc}; usage: {usage}") from None
        if not low <= len(words) <= high:
            raise ShellError(f"usage: {usage}")
        return words

    # -- commands --------------------------------------------------------------

    def do_list(self, arg: str) -> None:
        """list: every server with its status, listener endpoint and SEPs"""
        self._args(arg, "list", 0, 0)
        servers = self.client.list_servers()
        self.say(f"{'SERVER':<12} {'STATUS':<15} {'SEPS':>4}  LISTENER")
        for server in servers:
            endpoints = ", ".join(f"{listener['endpoint']} ({listener['status']})"
                                  for comms in server["comms"] for listener in comms["listeners"])
            self.say(f"{server['name']:<12} {server['status']:<15} {server['seps']:>4}  "
                     f"{endpoints}")

    def do_start(self, arg: str) -> None:
        """start SERVER: start a region (casstart /rSERVER) and wait until it is Started"""
        (name,) = self._args(arg, "start SERVER", 1, 1)
        self.client.get_server(name)  # unknown names fail here, precisely
        self._run("casstart", name)
        self.say(f"{name}: {self.client.get_server(name)['status']}")

    def do_stop(self, arg: str) -> None:
        """stop SERVER: ask a region to stop (casstop /rSERVER)"""
        (name,) = self._args(arg, "stop SERVER", 1, 1)
        self.client.get_server(name)
        self._run("casstop", name)

    def do_dump(self, arg: str) -> None:
        """dump [SERVER]: mdump text of the server list, or of one server"""
        words = self._args(arg, "dump [SERVER]", 0, 1)
        if words:
            self.stdout.write(format_server(self.client.get_server(words[0])))
        else:
            self.stdout.write(format_server_list(self.client.list_servers()))

    def do_tail(self, arg: str) -> None:
        """tail SERVER [current|previous] [LINES]: the end of a region's console log"""
        usage = "tail SERVER [current|previous] [LINES]"
        words = self._args(arg, usage, 1, 3)
        name, which, count = words[0], "current", 20
        for word in words[1:]:
            if word in LOGS:
                which = word
            elif word.isdigit() and 0 < int(word) <= 100000:
                count = int(word)
            else:
                raise ShellError(f"{word!r} is neither current, previous nor a line count; "
                                 f"usage: {usage}")
        log = self.client.request("GET", self._region_path(name, "logs", which))
        self.say(f"==> {name} {log['file']} <==")
        for line in log["lines"][-count:]:
            self.say(line)

    def do_journal(self, arg: str) -> None:
        """journal [LINES]: the last MFDS journal events (default 20)"""
        words = self._args(arg, "journal [LINES]", 0, 1)
        if words and not words[0].isdigit():
            raise ShellError(f"{words[0]!r} is not a line count; usage: journal [LINES]")
        for line in self.client.journal()[-int(words[0] if words else 20):]:
            self.say(line)

    def do_call(self, arg: str) -> None:
        """call SERVER SERVICE.OPERATION [ARG...]: call a service on the server's listener
        (ARGs as for `fakees call`, e.g. out:string in:long=5)"""
        words = self._args(arg, "call SERVER SERVICE.OPERATION [ARG...]", 2, 64)
        call_main = binp_call()
        if call_main is None:
            raise ShellError("calling services is not available: fakees.binp is not installed")
        server = self.client.get_server(words[0])
        host, port = listener_address(server)
        try:
            code = call_main([words[1], *words[2:], "--host", host, "--port", str(port)])
        except SystemExit as exc:  # argparse refused the arguments; it printed why
            code = exc.code if isinstance(exc.code, int) else 2
        if code:
            raise ShellError(f"call {words[1]} on {words[0]} failed (exit {code})")

    def do_quit(self, arg: str) -> bool:
        """quit: leave the shell (also exit, Ctrl-D)"""
        return True

    do_exit = do_quit

    def do_EOF(self, arg: str) -> bool:
        self.say()
        return True

    complete_start = complete_stop = complete_dump = complete_tail = complete_server
    complete_call = complete_server


def binp_call() -> Callable[[list[str]], int] | None:
    try:
        from fakees.binp.cli import main as call_main
    except ImportError:
        return None
    return call_main


def listener_address(server: dict[str, Any]) -> tuple[str, int]:
    """Where the server's Web Services listener answers (actual endpoint when Started)."""
    for comms in server["comms"]:
        for listener in comms["listeners"]:
            endpoint = listener["actual_endpoint"] or listener["endpoint"]
            _, _, rest = endpoint.partition(":")
            address, _, port = rest.rpartition(":")
            if listener["status"] == "Started" and port.isdigit():
                return ("127.0.0.1" if address in ("*", "") else address.strip("[]")), int(port)
    raise ShellError(f"server {server['name']} has no Started listener to call "
                     f"(status {server['status']}): start it first")


def load_history(path: Path) -> None:
    readline.set_history_length(HISTORY_LENGTH)
    with contextlib.suppress(OSError):
        readline.read_history_file(str(path))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fakees shell", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="MFDS host (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None,
                        help="MFDS port (default CCITCP2_PORT, else 86)")
    parser.add_argument("-c", dest="commands", metavar="COMMANDS",
                        help="run these ';'-separated commands and exit")
    args = parser.parse_args(argv)
    client = MfdsClient(args.host, args.port or mfds_port())
    cobdir = Cobdir(Path(os.environ["COBDIR"])) if os.environ.get("COBDIR") else None
    shell = AdminShell(client, cobdir)
    if args.commands is not None:
        for line in args.commands.split(";"):
            shell.onecmd(line.strip())
        return 1 if shell.failed else 0
    history = Path(os.path.expanduser(HISTORY_FILE))
    load_history(history)
    readline.set_completer_delims(" \t")
    try:
        shell.cmdloop()
    except KeyboardInterrupt:
        shell.say("^C")
    finally:
        try:
            readline.write_history_file(str(history))
        except OSError as exc:
            print(f"fakees shell: history not saved: {exc.strerror}", file=sys.stderr)
    return 0
