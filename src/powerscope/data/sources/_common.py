"""Helpers shared by the readers."""

from __future__ import annotations

from pathlib import Path


def where(path: Path | str, row: int | None = None, column: str | None = None) -> str:
    """Where a problem is, for an error message: ``file.csv row 12, column 'value'``.

    Rows count the header as row 1, as a spreadsheet does.
    """
    text = path.name if isinstance(path, Path) else path
    if row is not None:
        text += f" row {row}"
    if column is not None:
        text += f", column {column!r}" if row is not None else f" column {column!r}"
    return text
