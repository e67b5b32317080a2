"""JSON and CSV responses: plain numbers (NaN as null), tables as CSV attachments."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson
from starlette.responses import Response

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
#: the first characters that make a spreadsheet read a cell as a formula (OWASP's list)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: a plain decimal number written as text: a spreadsheet reads it as a number, never a formula
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def plain(value: Any) -> Any:
    """A JSON-ready copy: numpy scalars as Python numbers, NaN and infinities as None."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if hasattr(value, "item") and not hasattr(value, "__len__"):  # numpy scalar
        return plain(value.item())
    if hasattr(value, "tolist"):  # numpy array
        return plain(value.tolist())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing values
        return None
    return str(value)


class JSONBody(Response):
    """A compact JSON response written by orjson (several times faster than the standard
    library on the re-weighting hot path); NaN and infinities become null."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def json_response(
    payload: Any,
    status_code: int = 200,
    *,
    clean: bool = True,
    headers: Mapping[str, str] | None = None,
) -> JSONBody:
    """``payload`` as JSON; ``clean=False`` when it is known to be JSON-ready already."""
    return JSONBody(plain(payload) if clean else payload, status_code=status_code, headers=headers)


def safe_cell(value: Any) -> Any:
    """A value as a CSV cell that no spreadsheet runs as a formula (CSV injection, OWASP).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    ``'`` (shown by spreadsheets as text, the formula inert). Numbers stay numbers: a negative
    score or change (a float or int, or text that is only a plain decimal number such as
    ``-3.5``) is data that no spreadsheet evaluates, so it is written as it is. Missing values
    are empty cells; lists and mappings are written as JSON (and checked like any text).
    """
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, separators=(",", ":"))
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value  # never a spreadsheet formula
    return value


def csv_filename(*parts: str) -> str:
    """A safe attachment name such as ``ceti-ranking.csv``."""
    stem = "-".join(_UNSAFE_FILENAME.sub("_", p).strip("._-") or "table" for p in parts)
    return f"{stem[:120]}.csv"


def csv_response(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str], filename: str
) -> Response:
    """A table as ``text/csv`` with a header row and a Content-Disposition attachment name.

    Nested values (lists, mappings) are written as JSON; missing values as empty cells.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return Response(
        buffer.getvalue(),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def table(
    rows: Sequence[Mapping[str, Any]],
    payload: Mapping[str, Any],
    fmt: str,
    filename: str,
    columns: Sequence[str] | None = None,
) -> Response:
    """The payload as JSON, or its table (``rows``) as CSV when ``fmt`` is ``csv``."""
    if fmt == "csv":
        cols = list(columns) if columns is not None else (list(rows[0]) if rows else ["code"])
        return csv_response(rows, cols, filename)
    return json_response(payload)
