"""Arms-transfer figures as the shells ask for them: data loaded from the store, and cited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from powerscope.arms.transfers import annualise
from powerscope.data.store import Store, open_store


@dataclass
class ArmsData:
    """The register, its annual deliveries and SIPRI's own TIV tables, with their editions."""

    register: pd.DataFrame
    deliveries: pd.DataFrame
    tiv_table: pd.DataFrame
    edition: str
    tiv_edition: str
    source: str


def load(store: Store | None = None, *, fit: bool = True) -> ArmsData:
    """Read the SIPRI tables from the store and annualise the register (see transfers)."""
    store = store or open_store()
    register = store.table("sipri_trade_register")
    tiv_table = store.table("sipri_tiv")
    for frame in (register, tiv_table):
        for col in ("supplier_code", "recipient_code"):
            frame[col] = frame[col].astype(str)
    deliveries = annualise(register, tiv_table if fit else None)
    record = store.dataset("sipri_arms") or {}
    edition = str(record.get("edition", "unknown edition"))
    citation = str(record.get("citation", "SIPRI Arms Transfers Database"))
    return ArmsData(
        register, deliveries, tiv_table, edition, "2022 (TIV tables, 1950-2021)",
        f"Source: {citation} [edition {edition}]",
    )  # fmt: skip


def names(codes: Any) -> list[str]:
    """Display names of codes."""
    from powerscope.countries import name_of

    return [name_of(str(c)) for c in codes]


def profile(data: ArmsData, code: str, period: str = "2020-2024") -> dict[str, Any]:
    """A country's arms exports: five-year shares and ranks over time, its clients (with their
    concentration), weapon categories and regions in ``period``, and its pending orders."""
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

    span = parse_period(period)
    trend = rolling(data.deliveries, width=5, by="supplier", start=1950)
    mine = trend[trend["code"] == code]
    client_table = clients(data.deliveries, code, span)
    open_orders = pending(data.register, code)
    return {
        "code": code,
        "name": name_of(code),
        "period": f"{span[0]}-{span[1]}",
        "edition": data.edition,
        "source": data.source,
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
