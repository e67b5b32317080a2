"""What the CLI's commands share: output formats, the console, atomic file output."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

from powerscope.files import write_atomic


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
    write_atomic(output, text)


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


LEFT_ALIGNED = (
    "code", "name", "factor", "why", "assumption", "category", "region", "recipient", "group",
    "id", "verdict", "edition", "partner", "other", "institutions",
)  # fmt: skip


def json_default(value: Any) -> Any:
    """JSON for numpy scalars and anything else printable."""
    return value.item() if hasattr(value, "item") else str(value)


def records(frame: Any) -> list[dict[str, Any]]:
    """A frame's rows as JSON-ready dicts (NaN as None)."""
    return [
        {k: (None if v is None or v != v else v) for k, v in rec.items()}
        for rec in frame.to_dict(orient="records")
    ]


def number(value: Any) -> str:
    """A table cell: small numbers with 4 significant digits, others with one decimal."""
    if isinstance(value, float) and value == value and abs(value) < 1:
        return f"{value:.4g}"
    return cell(value)


def emit(
    frame: Any,
    payload: dict[str, Any],
    fmt: Format,
    output: Path | None,
    *,
    title: str = "",
    caption: str = "",
) -> None:
    """Write a result as JSON (the payload), CSV (the frame) or a table (the frame)."""
    import json

    if fmt is Format.json:
        write_output(json.dumps(payload, indent=1, default=json_default), output)
        return
    if fmt is Format.csv:
        write_output(frame.to_csv(index=False), output)
        return
    from rich.table import Table

    table = Table(title=title, caption=caption, caption_justify="left")
    for col in frame.columns:
        table.add_column(str(col), justify="left" if col in LEFT_ALIGNED else "right")
    for rec in frame.to_dict(orient="records"):
        table.add_row(*[number(v) for v in rec.values()])
    print_table(table, output)


def parse_weights(text: str | None) -> dict[str, float]:
    """Parse ``'Semiconductors=0.2,AI=0.2'`` (or ``AI:0.2``) into ``{node: weight}``: the
    library's grammar (:func:`powerscope.index.weights.parse_weights`), errors naming --weights."""
    from powerscope.index.weights import parse_weights as parse

    return parse(text, parameter="--weights")
