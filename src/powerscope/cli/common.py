"""What the CLI's commands share: output formats, the console, atomic file output."""

from __future__ import annotations

import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Any


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    # markup off: names and citations from the data may contain [brackets]; when the output
    # is not a terminal (a log, a pipe) tables get room instead of rich's 80-column default
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 160
    return Console(stderr=stderr, soft_wrap=True, markup=False, width=width)


def write_output(text: str, output: Path | None) -> None:
    """Print, or write ``output`` atomically (a temporary file renamed into place)."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cell(value: Any) -> str:
    if value is None or value != value:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def print_table(table: Any, output: Path | None = None) -> None:
    """Show a rich table, or write it as plain text to ``output`` (atomically)."""
    if output is None:
        console().print(table)
        return
    from rich.console import Console

    with open(os.devnull, "w") as sink:
        recorder = Console(record=True, width=200, markup=False, file=sink)
        recorder.print(table)
    write_output(recorder.export_text(), output)
