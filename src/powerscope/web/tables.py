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
_FORMULA_START = ("=", "+", "@", "\t", "\r")


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


def _cell(value: Any) -> Any:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, str) and value.startswith(_FORMULA_START):
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
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
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
