"""Helpers shared by the readers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from powerscope import errors
from powerscope.errors import DataFormatError


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


def check_columns(path: Path, required: tuple[str, ...]) -> None:
    """Raise DataFormatError when the header of ``path`` lacks a required column."""
    try:
        header = pd.read_csv(path, nrows=0)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataFormatError(
            f"cannot read CSV file: {exc}", where=str(path), fix="check the file is a CSV"
        ) from exc
    require_columns(list(header.columns), required, path)


def require_columns(
    columns: list[Any], required: tuple[str, ...], path: Path, what: str = "file"
) -> None:
    """Raise DataFormatError naming the required columns missing from ``columns`` (those a
    table read from ``path`` has), what it has, and what it needs."""
    errors.require_columns(
        columns, required, where(path), f"the {what} needs the columns {', '.join(required)}"
    )
