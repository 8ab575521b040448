"""Compile-time and run-time errors with the positions and numbers users expect.

Compile errors read ``file:line:col: message`` followed by the offending source
line and a hint, like a C compiler; run-time errors carry Micro Focus run-time
system (RTS) error numbers so scripts and people recognise them.
"""

from __future__ import annotations

from dataclasses import dataclass

# Micro Focus RTS error numbers used by fakees (text as the product prints it).
RTS_MESSAGES: dict[int, str] = {
    13: "File not found",
    30: "Permanent error",
    14: "Too many files open simultaneously",
    37: "File access denied",
    39: "File not compatible",
    41: "Corrupt index file",
    42: "Attempt to write on broken pipe",
    65: "File locked",
    68: "Record locked",
    114: "Attempt to access item beyond bounds of memory",
    121: "Record key sequence error",
    122: "Duplicate record key",
    123: "Record not found",
    141: "File already open",
    142: "File not open",
    143: "REWRITE/DELETE in sequential mode not preceded by successful READ",
    144: "Boundary violation",
    146: "No current record defined for sequential read",
    147: "Wrong open mode or access mode for READ/START",
    148: "Wrong open mode or access mode for WRITE",
    149: "Wrong open mode or access mode for REWRITE/DELETE",
    153: "Subscript out of range",
    157: "Not enough program memory: object file too large to load",
    161: "Illegal intermediate code",
    163: "Illegal character in numeric field",
    173: "Called program file not found in drive/directory",
    181: "Invalid parameter error",
    188: "File name too large",
    198: "Load failure",
}


@dataclass
class Position:
    """Where a token came from (after COPY expansion, the copybook's own file)."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        if self.line <= 0:  # the file as a whole (cannot be read, say)
            return self.file
        return f"{self.file}:{self.line}:{self.col}"


class CobolSyntaxError(Exception):
    """A compile-time error: position, message, the offending source text and a hint."""

    def __init__(self, pos: Position, message: str, text: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message
        self.text = text
        self.hint = hint

    def render(self) -> str:
        lines = [f"{self.pos}: error: {self.message}"]
        source_line = _source_line(self.pos)
        if source_line is not None:
            lines.append(f"    {source_line.rstrip()}")
            lines.append("    " + " " * max(self.pos.col - 1, 0) + "^")
        elif self.text:
            lines.append(f"    {self.text}")
        for k, hint in enumerate(self.hint.splitlines()):
            lines.append(("hint: " if k == 0 else "      ") + hint)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


def _source_line(pos: Position) -> str | None:
    try:
        with open(pos.file, encoding="latin-1") as handle:
            for number, line in enumerate(handle, 1):
                if number == pos.line:
                    return line.expandtabs(8)
    except OSError:
        return None
    return None


class CobolRuntimeError(Exception):
    """A run-time system error with its Micro Focus error number, program and source line."""

    def __init__(self, code: int, detail: str = "", program: str = "", line: int = 0,
                 file: str = "", status: str = "") -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail
        self.program = program
        self.line = line
        self.file = file  # the data file of an I/O error
        self.status = status  # its file status, e.g. "9/065"

    def render(self) -> str:
        """The product's layout: action error, file, error code line, number and text."""
        if self.status:
            action, name, code = "I/O", self.file, self.status
        elif self.code == 173:
            action, name, code = "Load", self.detail.strip("'") or self.program, str(self.code)
        else:
            action, name, code = "Execution", self.program, str(self.code)
        text = RTS_MESSAGES.get(self.code, "Run-time error")
        detail = f" ({self.detail})" if self.detail and self.code != 173 else ""
        where = f"\nin program {self.program}, line {self.line}" if self.line else ""
        return (
            f"{action} error : file '{name}'\n"
            f"error code: {code}, pc=0, call=1, seg=0\n"
            f"{self.code:03d}     {text}{detail}{where}"
        )

    def __str__(self) -> str:
        return self.render()


class StopRun(Exception):
    """STOP RUN: ends the run unit with a return code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code
