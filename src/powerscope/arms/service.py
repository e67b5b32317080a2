"""Arms-transfer figures as the shells ask for them: data loaded from the store, and cited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from powerscope.arms.transfers import annualise
from powerscope.data.catalog import Citation
from powerscope.data.sources.sipri import TIV_EDITION
from powerscope.data.store import Store, open_store


@dataclass
class ArmsData:
    """The register, its annual deliveries and SIPRI's own TIV tables, with their editions.

    ``citations`` are the datasets read; ``edition`` and ``source`` are text made from them.
    """

    register: pd.DataFrame
    deliveries: pd.DataFrame
    tiv_table: pd.DataFrame
    edition: str
    tiv_edition: str
    source: str
    citations: tuple[Citation, ...] = ()


def load(store: Store | None = None, *, fit: bool = True) -> ArmsData:
    """Read the SIPRI tables from the store and annualise the register (see transfers)."""
    store = store or open_store()
    register = store.table("sipri_trade_register")
    tiv_table = store.table("sipri_tiv")
    for frame in (register, tiv_table):
        for col in ("supplier_code", "recipient_code"):
            frame[col] = frame[col].astype(str)
    deliveries = _annualised(register, tiv_table if fit else None)
    citation = store.citation("sipri_arms")
    years = pd.to_numeric(tiv_table["year"], errors="coerce").dropna()
    tiv_years = f"{int(years.min())}-{int(years.max())}" if len(years) else "no years"
    return ArmsData(
        register, deliveries, tiv_table, citation.edition,
        f"{TIV_EDITION} (TIV tables, {tiv_years})",
        f"Source: {citation.text()}", (citation,),
    )  # fmt: skip


def _annualised(register: pd.DataFrame, tiv_table: pd.DataFrame | None) -> pd.DataFrame:
    """:func:`~powerscope.arms.transfers.annualise`, kept in powerscope's cache
    (:mod:`powerscope.cache`) by the tables' contents and the code that fits them: the fit
    takes a quarter of a second and every brief, profile and ranking needs it."""
    from pathlib import Path

    from powerscope import cache
    from powerscope.arms import transfers

    parts: list[str | bytes] = [
        cache.code_digest((Path(transfers.__file__),), ("pandas", "numpy")),
        cache.frame_digest(register),
        cache.frame_digest(tiv_table) if tiv_table is not None else b"even split",
    ]
    key = cache.key_of(*parts)
    found = cache.read_frame("arms", key)
    if found is not None:
        return found
    deliveries = annualise(register, tiv_table)
    cache.write_frame("arms", key, deliveries)
    return deliveries


def names(codes: Any) -> list[str]:
    """Display names of codes."""
    from powerscope.countries import name_of

    return [name_of(str(c)) for c in codes]


def latest_period(data: ArmsData, width: int = 5) -> tuple[int, int]:
    """The last ``width`` years with deliveries in the data (``(2020, 2024)`` for a register
    whose deliveries end in 2024)."""
    last = int(data.deliveries["year"].max())
    return last - width + 1, last


def previous_period(period: str) -> str:
    """The window of the same width just before ``period``: ``"2020-2024"`` -> ``"2015-2019"``."""
    from powerscope.arms.analytics import parse_period

    start, end = parse_period(period)
    width = end - start + 1
    return f"{start - width}-{end - width}"


def profile(data: ArmsData, code: str, period: str | None = None) -> dict[str, Any]:
    """A country's arms exports: five-year shares and ranks over time, its clients (with their
    concentration), weapon categories and regions in ``period`` (default: the last five years
    of data, :func:`latest_period`), and its pending orders. ``previous_period`` names the
    window of the same width before ``period``, to look up in ``trend``."""
    from powerscope.arms.analytics import (
        by_category,
        by_group,
        by_region,
        clients,
        concentration,
        parse_period,
        pending,
        rolling,
    )
    from powerscope.countries import name_of

    if period is None:
        first, last = latest_period(data)
        period = f"{first}-{last}"
    span = parse_period(period)
    trend = rolling(data.deliveries, width=5, by="supplier", start=1950)
    mine = trend[trend["code"] == code]
    client_table = clients(data.deliveries, code, span)
    open_orders = pending(data.register, code)
    return {
        "code": code,
        "name": name_of(code),
        "period": f"{span[0]}-{span[1]}",
        "previous_period": previous_period(f"{span[0]}-{span[1]}"),
        "edition": data.edition,
        "source": data.source,
        "citations": [c.to_dict() for c in data.citations],
        "trend": [
            {"period": r.period, "tiv": float(r.tiv), "share": float(r.share), "rank": int(r.rank)}
            for r in mine.itertuples()
        ],
        "clients": [
            {"code": r.code, "name": name_of(r.code), "tiv": float(r.tiv), "share": float(r.share)}
            for r in client_table.itertuples()
        ],
        "client_concentration_hhi": concentration(client_table["share"])
        if len(client_table)
        else None,
        "categories": by_category(data.deliveries, data.register, code, span).to_dict(
            orient="records"
        ),
        "regions": by_region(data.deliveries, code, span).to_dict(orient="records"),
        "groups": by_group(data.deliveries, code, span).to_dict(orient="records"),
        "pending": [
            {
                "recipient": name_of(r.recipient_code),
                "order_year": int(r.order_year),
                "designation": r.designation,
                "ordered": int(r.ordered),
                "delivered": int(r.delivered),
                "tiv_pending": float(r.tiv_pending),
            }
            for r in open_orders.itertuples()
        ],
        "pending_tiv": float(open_orders["tiv_pending"].sum()),
    }
