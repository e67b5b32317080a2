"""Helpers of the attack tests: the command line run as a user runs it, and bad files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from powerscope.cli.main import app, handle_error


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the command line in this process as its entry point does; return the exit code and
    stderr (an error the CLI does not turn into a message escapes as the exception)."""
    capsys.readouterr()
    try:
        app(list(args), standalone_mode=False)
        code = 0
    except Exception as exc:
        code = handle_error(exc)
    return code, capsys.readouterr().err


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a child process, stopped after ``timeout`` seconds
    (a command that would hang fails the test instead of hanging it)."""
    return subprocess.run(
        [sys.executable, "-m", "powerscope.cli.main", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def bad_file(folder: Path, kind: str, name: str = "bad.csv") -> Path:
    """A file (or what stands in its place) of one kind of bad input, at ``folder/name``."""
    path = folder / name
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 4)
    elif kind == "nul":
        path.write_bytes(b"node,weight\nAI,\x000.5\n")
    elif kind == "latin-1":
        path.write_bytes("node,weight\nÉconomie,0.5\n".encode("latin-1"))
    elif kind == "folder":
        path.mkdir()
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        raise ValueError(kind)
    return path


#: each bad kind and the words of its refusal
REFUSALS = {
    "empty": "is empty",
    "binary": "is not UTF-8 text",
    "nul": "is a binary file (it holds NUL bytes)",
    "latin-1": "is not UTF-8 text",
    "folder": "is a folder, not a file",
    "dev-zero": "is not a regular file",
    "fifo": "is not a regular file",
}


def alias_bomb() -> str:
    """A 'billion laughs' YAML under 1 KB: nine levels of nine aliases (9**9 leaves)."""
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        name, previous = chr(ord("a") + i), chr(ord("a") + i - 1)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    return "\n".join(lines) + "\n"
