"""What the CLI's commands share: output formats, the console, atomic file output."""

from __future__ import annotations

import math
import os
import re
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


#: below this, a float is rounding noise (e.g. -2.22e-14 for a difference of equal sums): 0
NOISE = 1e-9
_QUANTILE = re.compile(
    r"^(?:(?P<pre>[qp])(?P<q1>\d{2})_(?P<what>\w+)|(?P<base>\w+)_[qp](?P<q2>\d{2})|[qp](?P<q3>\d{2}))$"
)
_WORDS = {"r2": "R²", "sd": "sd", "tiv": "TIV", "gfp": "GFP", "cinc": "CINC", "milex": "milex"}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def header(name: Any) -> str:
    """A readable column header: ``q05_rank`` -> ``rank 5th pct``, ``effect_p95`` -> ``effect
    95th pct``, ``open_minus_gfp`` -> ``open minus GFP``."""
    text = str(name)
    match = _QUANTILE.match(text)
    if match:
        what = match.group("what") or match.group("base")
        q = int(match.group("q1") or match.group("q2") or match.group("q3"))
        return f"{header(what)} {_ordinal(q)} pct" if what else f"{_ordinal(q)} pct"
    return " ".join(_WORDS.get(word, word) for word in re.split(r"[_ ]", text))


def _is_rank(name: Any) -> bool:
    text = str(name).lower()
    return (
        text in ("rank", "of", "n", "year") or "rank" in text.split("_") or text.startswith("rank ")
    )


def _missing(value: Any) -> bool:
    """None, NaN, pandas' NA or NaT."""
    import pandas as pd

    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _places(value: float) -> int:
    """The decimals ``value`` needs to be shown exactly (at most six)."""
    for places in range(6):
        if abs(round(value, places) - value) <= 1e-9 * max(1.0, abs(value)):
            return places
    return 6


def _decimals(numbers: list[float], rank: bool) -> int:
    """One number of decimals for a column: none for whole numbers (ranks, counts), one for
    non-whole ranks (a mean rank), else enough for three significant digits of the column's
    smallest value (at most four decimals), never more than the values have."""
    needed = max(_places(v) for v in numbers)
    if needed == 0:
        return 0
    if rank:
        return 1
    smallest = min((abs(v) for v in numbers if v != 0), default=1.0)
    return min(needed, 4, max(0, 2 - math.floor(math.log10(smallest))))


def column_cells(name: Any, values: list[Any], decimals: int | None = None) -> list[str]:
    """A column's table cells, formatted alike: ranks and counts as integers, other numbers with
    one number of decimals for the whole column (``decimals`` when given: for a table whose rows
    are in different units), rounding noise as 0, missing values empty."""
    cleaned: list[Any] = [
        None
        if _missing(v)
        else 0.0
        if _finite(v) and abs(v) < NOISE
        else (v.item() if hasattr(v, "item") else v)
        for v in values
    ]
    numbers = [float(v) for v in cleaned if _finite(v)]
    if not numbers or len(numbers) < sum(v is not None for v in cleaned):
        # text, or numbers mixed with text or ranges (a claim's stated value): cell by cell
        return [cell(v) for v in cleaned]
    places = _decimals(numbers, _is_rank(name))
    if decimals is not None and places > 0 and not _is_rank(name):
        places = decimals
    out = []
    for v in cleaned:
        if _finite(v):
            text = f"{float(v):.{places}f}"
            out.append(text[1:] if text.startswith("-") and float(text) == 0 else text)
        else:
            out.append(cell(v))
    return out


def emit(
    frame: Any,
    payload: dict[str, Any],
    fmt: Format,
    output: Path | None,
    *,
    title: str = "",
    caption: str = "",
    decimals: int | None = None,
) -> None:
    """Write a result as JSON (the payload), CSV (the frame) or a table (the frame; ``decimals``
    fixes the decimals of every non-whole number column, see :func:`column_cells`)."""
    import json

    if fmt is Format.json:
        write_output(json.dumps(payload, indent=1, default=json_default), output)
        return
    if fmt is Format.csv:
        write_output(frame.to_csv(index=False), output)
        return
    from rich.table import Table

    table = Table(title=title, caption=caption, caption_justify="left")
    columns = [column_cells(col, frame[col].tolist(), decimals) for col in frame.columns]
    for col in frame.columns:
        text = col in LEFT_ALIGNED or not any(_finite(v) for v in frame[col].tolist())
        table.add_column(header(col), justify="left" if text else "right")
    for row in zip(*columns, strict=True):
        table.add_row(*row)
    print_table(table, output)


def parse_weights(text: str | None) -> dict[str, float]:
    """Parse ``'Semiconductors=0.2,AI=0.2'`` (or ``AI:0.2``) into ``{node: weight}``: the
    library's grammar (:func:`powerscope.index.weights.parse_weights`); errors name the
    ``weights`` parameter, which the CLI prints as --weights."""
    from powerscope.index.weights import parse_weights as parse

    return parse(text, parameter="weights")
