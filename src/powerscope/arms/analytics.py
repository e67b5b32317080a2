"""Market shares, ranks, trends, clients and pending orders from annual SIPRI deliveries.

Following SIPRI's own practice (SIPRI Fact Sheets, "Trends in international arms transfers"),
figures are given for five-year periods, because annual deliveries fluctuate: a party's share is
its TIV in the period as a percentage of all transfers in the period (every supplier or
recipient, including non-state actors, organisations and unknown parties), and ranks are by TIV
(1 = largest; ties share the best rank). Change between periods is ``(b - a) / a x 100``.

Every function takes the annual deliveries of :func:`powerscope.arms.transfers.annualise`
(``deal_id, supplier_code, recipient_code, year, tiv``; TIV in millions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from powerscope.errors import PeriodError, SpecError

Period = tuple[int, int]


def parse_period(text: str) -> Period:
    """``"2017-2021"`` (also ``"2017-21"`` and SIPRI's en-dash form) to ``(2017, 2021)``."""
    match = re.fullmatch(r"\s*(\d{4})\s*[-\u2013:]\s*(\d{2}|\d{4})\s*", str(text))
    if not match:
        raise PeriodError(
            f"cannot read period {text!r}",
            parameter="period",
            fix="write it as START-END, e.g. 2017-2021",
        )
    start = int(match.group(1))
    end_text = match.group(2)
    end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
    if end < start:
        raise PeriodError(
            f"period {text!r} ends before it starts", parameter="period", fix="e.g. 2017-2021"
        )
    return start, end


def _column(by: str) -> str:
    if by not in ("supplier", "recipient"):
        raise SpecError(f"'by' must be supplier or recipient, not {by!r}")
    return f"{by}_code"


def check_period(deliveries: pd.DataFrame, period: Period) -> None:
    """Refuse a period with a year outside the data's years (a table titled 2021-2026 on data
    that end in 2024 would misstate what it covers): the error names the available years."""
    if deliveries.empty:
        return
    first, last = int(deliveries["year"].min()), int(deliveries["year"].max())
    if period[0] < first or period[1] > last:
        raise SpecError(
            f"period {period[0]}-{period[1]} is outside the data, which cover {first}-{last}",
            parameter="period",
            fix=f"choose years from {first} to {last}, e.g. {max(first, last - 4)}-{last}",
        )


def _within(deliveries: pd.DataFrame, period: Period) -> pd.DataFrame:
    check_period(deliveries, period)
    return deliveries[(deliveries["year"] >= period[0]) & (deliveries["year"] <= period[1])]


def shares(deliveries: pd.DataFrame, period: Period, *, by: str = "supplier") -> pd.DataFrame:
    """TIV, share of the world total (%) and rank of every supplier (or recipient) in a period.

    Returns
    -------
    pandas.DataFrame
        ``code, tiv, share, rank`` sorted by rank; ``share`` in percent.
    """
    column = _column(by)
    window = _within(deliveries, period)
    total = float(window["tiv"].sum())
    tiv = window.groupby(column)["tiv"].sum()
    tiv = tiv[tiv > 0].sort_values(ascending=False)
    frame = pd.DataFrame({"code": tiv.index.astype(str), "tiv": tiv.to_numpy()})
    frame["share"] = frame["tiv"] / total * 100.0 if total > 0 else np.nan
    frame["rank"] = frame["tiv"].rank(ascending=False, method="min").astype(int)
    return frame.reset_index(drop=True)


def compare_periods(
    deliveries: pd.DataFrame, periods: Sequence[Period], *, by: str = "supplier"
) -> pd.DataFrame:
    """Shares and ranks in several periods side by side, with the change in TIV between the
    first and the last (%).

    Returns
    -------
    pandas.DataFrame
        ``code``, then for each period ``tiv <p>``, ``share <p>``, ``rank <p>``, and ``change``
        (percent, first to last period; NaN when the first is 0).
    """
    if len(periods) < 2:
        raise SpecError("compare needs at least two periods", fix="e.g. 2012-2016,2017-2021")
    merged: pd.DataFrame | None = None
    labels = [f"{a}-{b}" for a, b in periods]
    for period, label in zip(periods, labels, strict=True):
        part = shares(deliveries, period, by=by).rename(
            columns={"tiv": f"tiv {label}", "share": f"share {label}", "rank": f"rank {label}"}
        )
        merged = part if merged is None else merged.merge(part, on="code", how="outer")
    assert merged is not None
    first, last = merged[f"tiv {labels[0]}"], merged[f"tiv {labels[-1]}"]
    with np.errstate(invalid="ignore", divide="ignore"):
        merged["change"] = np.where(first > 0, (last.fillna(0) - first) / first * 100.0, np.nan)
    for label in labels:
        merged[f"rank {label}"] = merged[f"rank {label}"].astype("Int64")
    return merged.sort_values(f"rank {labels[-1]}", na_position="last").reset_index(drop=True)


def rolling(
    deliveries: pd.DataFrame, *, width: int = 5, by: str = "supplier", start: int | None = None
) -> pd.DataFrame:
    """Every ``width``-year window (ending each year): TIV, share and rank of every party.

    Computed at once for all parties and windows from cumulative annual sums.

    Returns
    -------
    pandas.DataFrame
        Long table ``code, end, period, tiv, share, rank`` for parties with TIV > 0.
    """
    column = _column(by)
    first = int(deliveries["year"].min()) if start is None else start
    last = int(deliveries["year"].max())
    years = np.arange(first, last + 1)
    table = deliveries.pivot_table(
        index=column, columns="year", values="tiv", aggfunc="sum", fill_value=0.0
    ).reindex(columns=years, fill_value=0.0)
    values = table.to_numpy()
    cumulative = np.concatenate([np.zeros((len(values), 1)), np.cumsum(values, axis=1)], axis=1)
    ends = np.arange(width - 1, len(years))
    window = cumulative[:, ends + 1] - cumulative[:, ends + 1 - width]  # parties x windows
    totals = window.sum(axis=0)
    ranks = _rank_columns(window)
    codes = np.repeat(table.index.astype(str).to_numpy(), len(ends))
    end_years = np.tile(years[ends], len(table))
    frame = pd.DataFrame(
        {
            "code": codes,
            "end": end_years,
            "tiv": window.reshape(-1),
            "share": (window / np.where(totals > 0, totals, np.nan)).reshape(-1) * 100.0,
            "rank": ranks.reshape(-1),
        }
    )
    frame = frame[frame["tiv"] > 0].copy()
    frame["period"] = (frame["end"] - width + 1).astype(str) + "-" + frame["end"].astype(str)
    frame["rank"] = frame["rank"].astype(int)
    return frame[["code", "end", "period", "tiv", "share", "rank"]].reset_index(drop=True)


def _rank_columns(values: np.ndarray) -> np.ndarray:
    """Rank each column descending (1 = largest), ties at the best rank."""
    order = np.sort(-values, axis=0)
    ranks = np.empty(values.shape)
    for j in range(values.shape[1]):
        ranks[:, j] = np.searchsorted(order[:, j], -values[:, j], side="left") + 1
    return ranks


def clients(deliveries: pd.DataFrame, supplier: str, period: Period) -> pd.DataFrame:
    """A supplier's recipients in a period: ``code, tiv, share`` (% of the supplier's exports)."""
    window = _within(deliveries, period)
    mine = window[window["supplier_code"] == supplier]
    return _breakdown(mine.groupby("recipient_code")["tiv"].sum(), "code")


def _breakdown(tiv: pd.Series, label: str) -> pd.DataFrame:
    """``label, tiv, share`` (% of the total), largest first, parts with TIV > 0 only."""
    tiv = tiv[tiv > 0].sort_values(ascending=False)
    total = float(tiv.sum())
    return pd.DataFrame(
        {
            label: tiv.index.astype(str),
            "tiv": tiv.to_numpy(dtype=float),
            "share": tiv.to_numpy(dtype=float) / total * 100 if total > 0 else [],
        }
    )


def concentration(client_shares: pd.Series) -> float:
    """Herfindahl-Hirschman index of a supplier's client shares (percent): 0-10,000."""
    return float((client_shares.astype(float) ** 2).sum())


def by_category(
    deliveries: pd.DataFrame,
    register: pd.DataFrame,
    party: str,
    period: Period,
    *,
    by: str = "supplier",
) -> pd.DataFrame:
    """A party's TIV by SIPRI weapon category in a period: ``category, tiv, share``."""
    from powerscope.arms.categories import categorise

    column = _column(by)
    window = _within(deliveries, period)
    mine = window[window[column] == party]
    descriptions = register.set_index("deal_id")["description"]
    category = categorise(descriptions.reindex(mine["deal_id"]).astype(str).reset_index(drop=True))
    return _breakdown(mine["tiv"].groupby(category.to_numpy()).sum(), "category")


def by_region(
    deliveries: pd.DataFrame, party: str, period: Period, *, by: str = "supplier"
) -> pd.DataFrame:
    """Where a supplier's arms go (or where a recipient's come from), by world region."""
    from powerscope.countries import region_of

    column = _column(by)
    other = "recipient_code" if by == "supplier" else "supplier_code"
    window = _within(deliveries, period)
    mine = window[window[column] == party]
    regions = mine[other].map(lambda c: region_of(str(c)))
    return _breakdown(mine["tiv"].groupby(regions.to_numpy()).sum(), "region")


def by_group(
    deliveries: pd.DataFrame,
    party: str,
    period: Period,
    *,
    by: str = "supplier",
    groups: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """A supplier's exports to (or a recipient's imports from) each country group: ``group,
    tiv, share`` (% of the party's total; groups overlap, so shares do not add up to 100)."""
    from powerscope.countries import GROUPS, members

    column = _column(by)
    other = "recipient_code" if by == "supplier" else "supplier_code"
    window = _within(deliveries, period)
    mine = window[window[column] == party]
    total = float(mine["tiv"].sum())
    rows = []
    for name in groups or GROUPS:
        tiv = float(mine.loc[mine[other].isin(members(name)), "tiv"].sum())
        rows.append(
            {"group": name, "tiv": tiv, "share": tiv / total * 100 if total > 0 else np.nan}
        )
    return pd.DataFrame(rows).sort_values("tiv", ascending=False).reset_index(drop=True)


def pending(register: pd.DataFrame, supplier: str, *, as_of: int | None = None) -> pd.DataFrame:
    """Ordered but not (fully) delivered: the undelivered units and TIV of a supplier's deals.

    A deal is pending when fewer units were delivered than ordered (missing deliveries count as
    0). ``tiv_pending = tiv_order - tiv_delivered`` (millions), never below 0.
    """
    mine = register[register["supplier_code"] == supplier].copy()
    if as_of is not None:
        mine = mine[mine["order_year"] <= as_of]
    ordered = mine["number_ordered"].astype("Float64")
    delivered = mine["number_delivered"].astype("Float64").fillna(0)
    open_deal = ordered.notna() & (delivered < ordered)
    mine = mine[open_deal.fillna(False).to_numpy(dtype=bool)]
    out = pd.DataFrame(
        {
            "deal_id": mine["deal_id"].to_numpy(),
            "recipient_code": mine["recipient_code"].astype(str).to_numpy(),
            "order_year": mine["order_year"].to_numpy(),
            "designation": mine["designation"].astype(str).to_numpy(),
            "description": mine["description"].astype(str).to_numpy(),
            "ordered": mine["number_ordered"].to_numpy(),
            "delivered": mine["number_delivered"].fillna(0).to_numpy(),
            "tiv_pending": np.clip(
                mine["tiv_order"].fillna(0).to_numpy(float)
                - mine["tiv_delivered"].fillna(0).to_numpy(float),
                0,
                None,
            ),
        }
    )
    return out.sort_values("tiv_pending", ascending=False).reset_index(drop=True)


@dataclass
class EditionComparison:
    """A period's shares computed from two data editions."""

    table: pd.DataFrame  # code, share/rank per edition, difference
    editions: tuple[str, str]


def compare_editions(
    a: pd.DataFrame,
    b: pd.DataFrame,
    period: Period,
    labels: tuple[str, str],
    *,
    by: str = "supplier",
) -> EditionComparison:
    """Shares and ranks of one period in two editions of the data (SIPRI revises its history
    every March): ``code, share <a>, rank <a>, share <b>, rank <b>, difference`` (points)."""
    left = shares(a, period, by=by)[["code", "share", "rank"]]
    right = shares(b, period, by=by)[["code", "share", "rank"]]
    table = left.merge(right, on="code", how="outer", suffixes=(f" {labels[0]}", f" {labels[1]}"))
    table["difference"] = table[f"share {labels[1]}"] - table[f"share {labels[0]}"]
    for label in labels:
        table[f"rank {label}"] = table[f"rank {label}"].astype("Int64")
    return EditionComparison(
        table.sort_values(f"rank {labels[1]}", na_position="last").reset_index(drop=True), labels
    )


def tiv_table_deliveries(tiv_table: pd.DataFrame) -> pd.DataFrame:
    """SIPRI's TIV tables in the shape of annual deliveries (for edition comparisons)."""
    out = tiv_table[["supplier_code", "recipient_code", "year", "tiv"]].copy()
    out.insert(0, "deal_id", -1)
    return out
