"""Field by field: is a country gaining or losing against another in research output?

For a country A, another country B and each field of NCSES's tables (all S&E, the 14 fields
and AI-related articles), over a period ``first``-``last`` within 2003-2022:

``share_first``, ``share_last``, ``share_change``
    A's share of the world's articles (%) in the first and last year, and the change
    (percentage points); ``other_share_first``, ``other_share_last``, ``other_share_change``
    the same for B.
``ratio_first``, ``ratio_last``
    A's articles per article of B (A / B) in the first and last year.
``ratio_trend``
    The trend of the ratio, in % a year: the slope of a least-squares line through
    ``log(A / B)`` over every year of the period, as ``exp(slope) - 1``. It uses every year,
    so one unusual first or last year does not decide it.
``verdict``
    ``gaining`` when the trend is above +:data:`HOLDING` % a year, ``losing`` below
    -:data:`HOLDING`, otherwise ``holding``.

Rows are sorted by ``ratio_trend``, A's strongest gains first. Fractional counts by default
(whole on request); AI-related articles are whole counts in either case (NCSES publishes no
fractional counts of them), marked in ``count_type``. A field where one of the two countries
is not tabulated (Puerto Rico has no AI-related counts) is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from powerscope.data.catalog import Citation
from powerscope.data.store import open_store
from powerscope.errors import SpecError
from powerscope.research.articles import (
    AI_FIELD,
    DATASET,
    WORLD,
    check_period,
    check_present,
    count_type_for,
    fields,
    load,
    resolve_codes,
)

if TYPE_CHECKING:
    from powerscope.data.store import Store

#: a ratio trend within +/- this many % a year is "holding"
HOLDING = 0.5


@dataclass(frozen=True)
class FieldComparison:
    """Country ``code`` against ``other``, field by field (see the module doc for the
    columns of ``table``)."""

    code: str
    other: str
    count_type: str
    years: tuple[int, int]
    table: pd.DataFrame
    citation: Citation

    def source(self) -> str:
        """The source line."""
        return f"Source: {self.citation.text()}"

    def gaining(self) -> list[str]:
        """The fields where the country gains against the other, strongest first."""
        return list(self.table.loc[self.table["verdict"] == "gaining", "field"])

    def losing(self) -> list[str]:
        """The fields where the country loses against the other, strongest loss first."""
        rows = self.table[self.table["verdict"] == "losing"]
        return list(rows.sort_values("ratio_trend")["field"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the two countries, the period, one row per field, and the citation."""
        from powerscope.countries import name_of

        def number(value: Any) -> Any:
            if isinstance(value, np.integer):
                return int(value)
            if isinstance(value, float | np.floating):
                return None if np.isnan(value) else float(value)
            return value

        return {
            "code": self.code,
            "name": name_of(self.code),
            "other": self.other,
            "other_name": name_of(self.other),
            "count_type": self.count_type,
            "years": list(self.years),
            "holding": HOLDING,
            "measures": {
                "share": "% of the world's articles in the field",
                "share_change": "percentage points, last year minus first",
                "ratio": f"articles of {self.code} per article of {self.other}",
                "ratio_trend": "trend of the ratio, % a year (log-linear fit over the period)",
                "verdict": f"gaining / losing: trend above / below +/-{HOLDING}% a year",
            },
            "rows": [
                {k: number(v) for k, v in rec.items()} for rec in self.table.to_dict("records")
            ],
            "gaining": self.gaining(),
            "losing": self.losing(),
            "source": self.source(),
            "citation": self.citation.to_dict(),
        }


def ratio_trend(years: np.ndarray, ratio: np.ndarray) -> float:
    """The trend of a ratio in % a year: ``exp(b) - 1`` for the least-squares slope ``b`` of
    ``log(ratio)`` on the year (NaN with fewer than two positive values)."""
    keep = np.isfinite(ratio) & (ratio > 0)
    if keep.sum() < 2:
        return float("nan")
    slope = np.polyfit(years[keep].astype(float), np.log(ratio[keep]), 1)[0]
    return float(np.expm1(slope) * 100.0)


def _verdict(trend: float) -> str:
    if np.isnan(trend):
        return "n/a"
    if trend > HOLDING:
        return "gaining"
    return "losing" if trend < -HOLDING else "holding"


def compare_fields(
    code: str,
    other: str,
    *,
    count: str | None = None,
    first: int | None = None,
    last: int | None = None,
    store: Store | None = None,
) -> FieldComparison:
    """Country ``code`` against ``other`` in each field (see the module doc).

    Parameters
    ----------
    code, other:
        Two countries' names or codes.
    count:
        ``fractional`` (the default) or ``whole``; AI-related rows are whole counts always.
    first, last:
        The period, within 2003-2022 (default: all of it); at least two years.
    store:
        The data store (default: the warehouse, or the embedded snapshot).

    Raises
    ------
    UnknownEntityError, NotFoundError
        An unknown country, or one absent from the tables.
    PeriodError
        A year outside 2003-2022.
    SpecError
        The same country twice, a one-year period or an unknown count type.
    """
    start, end = check_period(first, last)
    if end == start:
        raise SpecError(
            f"a comparison needs a period of two years or more, not {start} alone",
            parameter="first",
            fix="give a first year before the last",
        )
    resolved = resolve_codes([code, other], parameter="codes")
    if len(resolved) < 2:
        raise SpecError(
            f"{resolved[0]} compared with itself",
            parameter="codes",
            fix="give two different countries, e.g. KOR and CHN",
        )
    a, b = resolved
    data = store or open_store()
    frame = load(data)
    kind = count_type_for("", count)
    names = fields(frame=frame)
    inside = (frame["year"] >= start) & (frame["year"] <= end)
    small = frame[inside & frame["code"].isin([a, b, WORLD])]
    small = small.assign(
        field=small["field"].astype(str).to_numpy(),
        count_type=small["count_type"].astype(str).to_numpy(),
        code=small["code"].astype(str).to_numpy(),
    )
    wanted = np.where(small["field"] == AI_FIELD, count_type_for(AI_FIELD, None), kind)
    small = small[small["count_type"].to_numpy() == wanted]
    wide = small.pivot_table(
        index=["field", "year"], columns="code", values="articles", aggfunc="first"
    )
    check_present(small, [a, b], "codes")
    rows = []
    for name in names:
        part = wide.loc[name].sort_index() if name in wide.index.get_level_values(0) else None
        if part is None or part.reindex(columns=[a, b]).isna().any().any():
            continue  # a country absent from one table (Puerto Rico: no AI-related counts)
        world, own, them = part[WORLD], part[a], part[b]
        share, other_share = own / world * 100.0, them / world * 100.0
        ratio = (own / them).replace([np.inf, -np.inf], np.nan)
        trend = ratio_trend(ratio.index.to_numpy(), ratio.to_numpy(dtype=float))
        rows.append(
            {
                "field": name,
                "count_type": kind if name != AI_FIELD else count_type_for(AI_FIELD, None),
                "share_first": float(share.loc[start]),
                "share_last": float(share.loc[end]),
                "share_change": float(share.loc[end] - share.loc[start]),
                "other_share_first": float(other_share.loc[start]),
                "other_share_last": float(other_share.loc[end]),
                "other_share_change": float(other_share.loc[end] - other_share.loc[start]),
                "ratio_first": float(ratio.loc[start]),
                "ratio_last": float(ratio.loc[end]),
                "ratio_trend": trend,
                "verdict": _verdict(trend),
            }
        )
    table = pd.DataFrame(rows).sort_values("ratio_trend", ascending=False, na_position="last")
    return FieldComparison(
        code=a,
        other=b,
        count_type=kind,
        years=(start, end),
        table=table.reset_index(drop=True),
        citation=data.citation(DATASET),
    )
