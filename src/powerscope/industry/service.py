"""A country's defence industry as the shells ask for it: its Top 100 companies and totals by
year, its peers, and its arms exports (SIPRI TIV) beside them, loaded from the store and cited.

Arms revenue (SIPRI Arms Industry Database) is money: US$ million at current prices. Arms
exports (SIPRI Arms Transfers Database) are in TIV, SIPRI's trend-indicator value: a volume
index of transfers of major conventional weapons, not money. The two are shown side by side, each
in its own unit and as an index (its average over the period = 100), never added or divided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from powerscope.data.catalog import Citation
from powerscope.data.store import Store
from powerscope.errors import NotFoundError, PowerscopeError, UnknownEntityError
from powerscope.industry.top100 import (
    change,
    check_years,
    company_rows,
    country_by_year,
    exports_by_year,
    find_companies,
    indexed,
    present_years,
)

if TYPE_CHECKING:
    from powerscope.arms.service import ArmsData

#: peers a country is compared with when none are chosen (the brief, the dashboard): industrial
#: middle powers with arms industries of their own
DEFAULT_PEERS = ("JPN", "DEU", "ISR")
#: the catalog ids of the two datasets
TOP100_DATASET = "sipri_top100"
ARMS_DATASET = "sipri_arms"
#: what each figure of a country's summary is, in its unit
UNITS: dict[str, str] = {
    "arms_revenue": "US$ million, current prices: the arms revenue of the country's companies "
    "in the SIPRI Top 100",
    "arms_revenue_constant": "US$ million, constant 2022 prices",
    "share_top100": "% of the arms revenue of the year's Top 100 companies",
    "companies": "number of the country's companies in the Top 100",
    "tiv_exports": "SIPRI TIV, millions: the volume of major arms delivered abroad (a volume "
    "index, not money)",
    "arms_revenue_index": "arms revenue (current US$) as an index, its average over the period "
    "= 100",
    "tiv_exports_index": "arms exports (TIV) as an index, their average over the period = 100",
}


@dataclass
class Top100Data:
    """The Top 100 tables (company names and codes as text) and their citation."""

    companies: pd.DataFrame
    totals: pd.DataFrame
    citation: Citation


def load(store: Store | None = None) -> Top100Data:
    """Read ``top100_companies`` and ``top100_totals`` from the store (default: the warehouse,
    else the embedded snapshot)."""
    from powerscope.data.store import open_store

    store = store or open_store()
    companies = store.table("top100_companies")
    companies = companies.astype({"company": str, "code": str})
    return Top100Data(companies, store.table("top100_totals"), store.citation(TOP100_DATASET))


@dataclass
class IndustryProfile:
    """A country's companies in the SIPRI Top 100 (and its peers'), by year, with its arms
    exports beside them.

    ``rows``: the country's companies (:data:`powerscope.industry.top100.ROW_COLUMNS`), only
    those matching ``company`` when asked. ``by_year``: for each country (the focal one first,
    then the peers) and year, the summary of :func:`~powerscope.industry.top100.
    country_by_year` plus ``tiv_exports`` (TIV, millions; NaN when SIPRI records no export by
    the country at all) and the two indexes of :data:`UNITS`.
    """

    code: str
    name: str
    peers: list[str]
    years: tuple[int, int]
    rows: pd.DataFrame
    by_year: pd.DataFrame
    company: str | None
    companies: list[str]
    china_included: dict[int, bool]
    constant_base_year: int | None
    citations: list[Citation]
    notes: list[str] = field(default_factory=list)

    def source(self) -> str:
        """The source line: the Top 100 and, when exports are shown, the arms transfers."""
        from powerscope.data.catalog import cite_all

        return f"Source: {cite_all(self.citations)}"

    def summary(self, code: str | None = None) -> pd.DataFrame:
        """One country's rows of :attr:`by_year` (default: the focal country's)."""
        mine = self.by_year[self.by_year["code"] == (code or self.code)]
        return mine.drop(columns="code").reset_index(drop=True)

    def comparison(self) -> pd.DataFrame:
        """The focal country and its peers in the last year of the period, with the change of
        arms revenue (current US$) and of arms exports (TIV) since the first year (%)."""
        from powerscope.countries import name_of

        first, last = self.years
        out = []
        for code in [self.code, *self.peers]:
            mine = self.summary(code).set_index("year")
            latest = mine.loc[last]
            out.append(
                {
                    "code": code,
                    "name": name_of(code),
                    "companies": int(latest["companies"]),
                    "arms_revenue": float(latest["arms_revenue"]),
                    "share_top100": float(latest["share_top100"]),
                    "largest": latest["largest"],
                    "largest_rank": None
                    if pd.isna(latest["largest_rank"])
                    else int(latest["largest_rank"]),
                    "arms_revenue_change": change(mine["arms_revenue"], first, last),
                    "tiv_exports": _number(latest["tiv_exports"]),
                    "tiv_exports_change": change(mine["tiv_exports"], first, last),
                }
            )
        return pd.DataFrame(out)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``rows`` (the companies), ``by_year`` (the country's summary with its
        exports beside it), ``peers`` (each peer's summary by year), ``comparison``, units,
        notes and the citations (each dataset's edition and data years)."""
        from powerscope.countries import name_of

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [{k: _number(v) for k, v in r.items()} for r in frame.to_dict("records")]

        return {
            "code": self.code,
            "name": self.name,
            "years": list(self.years),
            "index_base": "average of the period = 100",
            "constant_base_year": self.constant_base_year,
            "company": self.company,
            "companies": self.companies,
            "peers": self.peers,
            "rows": records(self.rows),
            "by_year": records(self.summary()),
            "peers_by_year": {
                p: {"name": name_of(p), "by_year": records(self.summary(p))} for p in self.peers
            },
            "comparison": records(self.comparison()),
            "china_included": {str(y): v for y, v in self.china_included.items()},
            "units": UNITS,
            "notes": self.notes,
            "source": self.source(),
            "citations": [c.to_dict() for c in self.citations],
        }


def _number(value: Any) -> Any:
    """A plain Python value: numpy scalars unwrapped, NaN and <NA> as None."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _countries_with_companies(companies: pd.DataFrame, years: tuple[int, int]) -> str:
    year = companies["year"].astype(int)
    window = companies[(year >= years[0]) & (year <= years[1])]
    counts = window.groupby("code").size().sort_values(ascending=False)
    return ", ".join(str(c) for c in counts.index)


def _require_companies(
    companies: pd.DataFrame, code: str, years: tuple[int, int], parameter: str | None
) -> None:
    """A NotFoundError when ``code`` has no company in the Top 100 in ``years``."""
    from powerscope.countries import name_of

    present = present_years(companies, code)
    inside = [y for y in present if years[0] <= y <= years[1]]
    if inside:
        return
    if not present:
        when = ""
    elif len(present) <= 6:
        when = f"; it has in {', '.join(map(str, present))}"
    else:
        when = f"; it has in {len(present)} years between {present[0]} and {present[-1]}"
    raise NotFoundError(
        f"{name_of(code)} ({code}) has no company in the SIPRI Top 100 in "
        f"{years[0]}-{years[1]}{when}",
        parameter=parameter,
        where=None if parameter else "country argument",
        fix="countries with companies in these years: "
        + _countries_with_companies(companies, years),
    )


def industry(
    country: str,
    store: Store | None = None,
    *,
    peers: Sequence[str] = (),
    company: str | None = None,
    years: tuple[int, int] | None = None,
    data: Top100Data | None = None,
    arms: ArmsData | None = None,
) -> IndustryProfile:
    """A country's defence industry in the SIPRI Top 100, against ``peers``, with its arms
    exports (SIPRI TIV) beside it.

    Parameters
    ----------
    country, peers:
        Countries (codes or names); ``"Trans-European"`` (``EUR-TRANS``) for Airbus, MBDA...
    store:
        The data store (default: the warehouse, else the embedded snapshot).
    company:
        Only the country's companies with this name (or a part of it, e.g. ``"Hanwha"``).
    years:
        ``(first, last)``, within the rankings' years (2002-2022); default all.
    data, arms:
        The Top 100 tables and the arms-transfer data when already loaded
        (:func:`load`, :func:`powerscope.arms.service.load`).

    Raises
    ------
    UnknownEntityError
        A country or peer that names nothing.
    NotFoundError
        A country or peer without a company in the Top 100 in ``years``, or an unknown company
        (the closest names listed).
    PeriodError
        Years outside the rankings' years (the range named).
    """
    from powerscope.countries import name_of, resolve, resolve_many

    code = resolve(country, where="country argument")
    try:
        listed = resolve_many(list(peers))
    except UnknownEntityError as exc:
        raise UnknownEntityError(exc.unresolved, fix=exc.fix, parameter="peers") from None
    peer_codes = list(dict.fromkeys(p for p in listed if p != code))
    if data is None:
        from powerscope.data.store import open_store

        store = store or open_store()
        data = load(store)
    companies = data.companies
    span = check_years(companies, years)
    _require_companies(companies, code, span, None)
    for peer in peer_codes:
        _require_companies(companies, peer, span, "peers")
    names = find_companies(companies, company, code) if company else None
    rows = company_rows(companies, code, span, names)
    citations = [data.citation]
    notes: list[str] = []
    deliveries: pd.DataFrame | None = None
    try:
        if arms is None:
            from powerscope.arms.service import load as load_arms
            from powerscope.data.store import open_store

            arms = load_arms(store or open_store())
        # the members' deliveries only: one pass over the whole table
        members = arms.deliveries["supplier_code"].isin([code, *peer_codes])
        deliveries = arms.deliveries[members]
        citations.extend(arms.citations)
    except PowerscopeError as exc:
        notes.append(f"arms exports (SIPRI TIV) are not available: {exc.what}")
    suppliers = set(deliveries["supplier_code"].astype(str)) if deliveries is not None else set()
    frames = []
    for member in [code, *peer_codes]:
        summary = country_by_year(companies, member, span)
        if deliveries is not None and member in suppliers:
            tiv = exports_by_year(deliveries, member, span)
            summary["tiv_exports"] = tiv.to_numpy()
        else:
            summary["tiv_exports"] = np.nan
            if deliveries is not None:
                notes.append(
                    f"SIPRI's arms transfers record no exports by {name_of(member)} as a "
                    "supplier of its own"
                )
        by = summary.set_index("year")
        summary["arms_revenue_index"] = indexed(by["arms_revenue"]).to_numpy()
        summary["tiv_exports_index"] = indexed(by["tiv_exports"]).to_numpy()
        frames.append(summary.assign(code=member))
    by_year = pd.concat(frames, ignore_index=True)
    totals = data.totals.set_index(data.totals["year"].astype(int))
    inside = totals.loc[span[0] : span[1]]
    china = {int(y): bool(v) for y, v in inside["china_included"].items()}
    excluded = [y for y, v in china.items() if not v]
    if excluded:
        notes.append(
            f"Chinese companies are not in the Top 100 in {min(excluded)}-{max(excluded)} "
            "(SIPRI includes them from 2015): shares of those years are of a Top 100 without "
            "China"
        )
    base = inside["constant_base_year"].dropna()
    return IndustryProfile(
        code=code,
        name=name_of(code),
        peers=peer_codes,
        years=span,
        rows=rows,
        by_year=by_year,
        company=company,
        companies=sorted(set(rows["company"])),
        china_included=china,
        constant_base_year=int(base.iloc[0]) if len(base) else None,
        citations=citations,
        notes=notes,
    )
