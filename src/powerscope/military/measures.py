"""Military strength on four measures, side by side.

- ``gfp``: Global Firepower's PowerIndex, the edition in the store (lower is stronger; GFP's
  own rank).
- ``milex``: SIPRI military expenditure, constant 2023 US$ millions, for a year (default: the
  latest in the data); also share of GDP and per capita in a profile.
- ``cinc``: the Correlates of War Composite Index of National Capability (a country's share of
  the world's military expenditure, personnel, iron and steel, energy, population and urban
  population; Singer, Bremer & Stuckey 1972), for a year (default: the latest in the data).
- ``open``: powerscope's open military-capability index (``indices/military.yaml``).

Every table has ``code, name, value, rank`` (rank 1 = strongest) and carries the
:class:`~powerscope.data.catalog.Citation` of each dataset it is read from (edition and data
years as the store has them); ``source`` is text made from those citations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from powerscope.data.catalog import Citation, cite_all
from powerscope.data.store import Store, open_store
from powerscope.errors import NotFoundError, PeriodError

MEASURES = ("gfp", "milex", "cinc", "open")
#: The catalog id of the dataset each measure read from one dataset is ranked on (the open
#: index cites the datasets its spec names).
DATASETS = {"gfp": "gfp", "milex": "sipri_milex", "cinc": "cow_nmc"}
#: What each measure's value is.
WHAT = {
    "gfp": "PowerIndex, lower is stronger",
    "milex": "military expenditure, constant 2023 US$ millions",
    "cinc": "CINC (Singer, Bremer & Stuckey 1972), share of the world total",
    "open": "powerscope open military-capability index (indices/military.yaml), 0-100",
}


@dataclass
class Ranking:
    """One measure's ranking: ``code, name, value, rank``, with its year, unit and the
    citations of the datasets it is read from (``source``: their text)."""

    measure: str
    year: int | None
    table: pd.DataFrame
    source: str
    unit: str
    citations: tuple[Citation, ...] = ()


def _ranking(
    measure: str, year: int | None, table: pd.DataFrame, unit: str, citations: tuple[Citation, ...]
) -> Ranking:
    source = f"{WHAT[measure]}. Source: {cite_all(citations)}"
    return Ranking(measure, year, table, source, unit, citations)


def citations(store: Store | None = None) -> tuple[Citation, ...]:
    """The citations of every dataset the four measures are read from."""
    store = store or open_store()
    return tuple(store.citation(d) for d in DATASETS.values())


def _names(codes: pd.Series, store: Store) -> list[str]:
    entities = store.table("entities", columns=["code", "name"]).set_index("code")["name"]
    return [str(entities.get(c, c)) for c in codes]


def _finish(frame: pd.DataFrame, store: Store, ascending: bool) -> pd.DataFrame:
    frame = frame.dropna(subset=["value"]).copy()
    frame["code"] = frame["code"].astype(str)
    frame["rank"] = frame["value"].rank(ascending=ascending, method="min").astype(int)
    frame = frame.sort_values(["rank", "code"]).reset_index(drop=True)
    frame.insert(1, "name", _names(frame["code"], store))
    return frame[["code", "name", "value", "rank"]]


def rank(measure: str, year: int | None = None, *, store: Store | None = None) -> Ranking:
    """Rank every country on one measure (see module doc)."""
    store = store or open_store()
    if measure == "gfp":
        gfp = store.citation(DATASETS["gfp"])
        edition = gfp.years[1] if gfp.years else None
        if year is not None and year != edition:
            raise PeriodError(
                f"the Global Firepower data are the {gfp.edition} edition, not {year}",
                parameter="year",
                fix=f"omit the year (or give {edition})",
            )
        index = store.table("gfp_index", columns=["code", "pwr_index"])
        table = _finish(index.rename(columns={"pwr_index": "value"}), store, ascending=True)
        return _ranking("gfp", edition, table, "PowerIndex (lower is stronger)", (gfp,))
    yearly = {
        "milex": ("sipri_milex", "milex_const2023_usd_m", "SIPRI military expenditure",
                  "constant 2023 US$ millions"),
        "cinc": ("cow_nmc", "cinc", "COW national material capabilities",
                 "share of world capabilities"),
    }  # fmt: skip
    if measure in yearly:
        name, column, what, unit = yearly[measure]
        data = store.table(name, columns=["code", "year", column])
        year = int(data["year"].max()) if year is None else year
        _check_year(year, data["year"], what)
        rows = data[data["year"] == year].rename(columns={column: "value"})
        table = _finish(rows[["code", "value"]], store, ascending=False)
        return _ranking(measure, year, table, unit, (store.citation(DATASETS[measure]),))
    if measure == "open":
        from powerscope.index import load_spec
        from powerscope.index.service import compute_index

        result = compute_index(load_spec("military"), store=store)
        frame = pd.DataFrame({"code": result.codes, "value": result.values[:, 0]})
        table = _finish(frame, store, ascending=False)
        years = [c.years[1] for c in result.citations if c.years]
        return _ranking(
            "open", max(years) if years else None, table, "index score, 0-100", result.citations
        )
    raise NotFoundError(
        f"unknown measure {measure!r}", parameter="measure", fix=f"use one of {', '.join(MEASURES)}"
    )


def _check_year(year: int, years: pd.Series, what: str) -> None:
    if year not in set(years.astype(int)):
        raise PeriodError(
            f"{what} has no data for {year}",
            parameter="year",
            fix=f"use a year from {int(years.min())} to {int(years.max())}",
        )


def side_by_side(store: Store | None = None) -> pd.DataFrame:
    """Each country's rank on GFP, SIPRI spending, CINC and the open index, with
    ``open_minus_gfp``, its open-index rank minus its GFP rank (positive: the open index places
    it lower, i.e. weaker, than GFP does; negative: higher)."""
    store = store or open_store()
    merged: pd.DataFrame | None = None
    for measure in MEASURES:
        part = rank(measure, store=store).table[["code", "name", "rank"]]
        part = part.rename(columns={"rank": f"{measure}_rank"})
        merged = part if merged is None else merged.merge(part, on=["code", "name"], how="outer")
    assert merged is not None
    merged = merged[merged["gfp_rank"].notna()].copy()
    merged["open_minus_gfp"] = merged["open_rank"] - merged["gfp_rank"]
    for col in [c for c in merged.columns if c.endswith("_rank") or c == "open_minus_gfp"]:
        merged[col] = merged[col].astype("Int64")
    return merged.sort_values("gfp_rank").reset_index(drop=True)


def movers(store: Store | None = None, n: int = 10) -> pd.DataFrame:
    """The countries whose open-index rank differs most from their GFP rank, and why: the
    open index's domain in which the country ranks farthest from its GFP rank."""
    from powerscope.index import load_spec
    from powerscope.index.service import compute_index

    store = store or open_store()
    table = side_by_side(store)
    table = table[table["open_rank"].notna()]
    result = compute_index(load_spec("military"), store=store)
    domains = result.children_of()
    reasons = []
    for row in table.itertuples():
        gaps = {d: int(row.gfp_rank) - (result.rank(row.code, d) or 0) for d in domains}
        # the domain that moves the country the way its open-index rank moved: for a country
        # the open index places higher (negative gap), the domain it ranks best in vs GFP
        sign = -np.sign(row.open_minus_gfp) or 1
        domain = max(gaps, key=lambda d: sign * gaps[d])
        reasons.append(f"{domain}: rank {result.rank(row.code, domain)} vs GFP {row.gfp_rank}")
    table["why"] = reasons
    order = table["open_minus_gfp"].abs().sort_values(ascending=False, kind="stable").index
    return table.loc[order].head(n).reset_index(drop=True)


def profile(code: str, *, store: Store | None = None, years: int = 10) -> dict[str, Any]:
    """One country on every measure, with SIPRI spending and CINC over time."""
    store = store or open_store()
    out: dict[str, Any] = {"code": code, "measures": {}}
    for measure in MEASURES:
        ranking = rank(measure, store=store)
        row = ranking.table[ranking.table["code"] == code]
        out["measures"][measure] = {
            "value": None if row.empty else float(row["value"].iloc[0]),
            "rank": None if row.empty else int(row["rank"].iloc[0]),
            "of": len(ranking.table),
            "year": ranking.year,
            "unit": ranking.unit,
            "source": ranking.source,
            "citations": [c.to_dict() for c in ranking.citations],
        }
    milex = store.table("sipri_milex")
    mine = milex[milex["code"].astype(str) == code].sort_values("year").tail(years)
    out["milex_trend"] = [
        {
            "year": int(r.year),
            "constant_2023_usd_m": _num(r.milex_const2023_usd_m),
            "share_of_gdp_pct": _num(r.milex_share_gdp * 100),
            "per_capita_usd": _num(r.milex_per_capita_usd),
        }
        for r in mine.itertuples()
    ]
    nmc = store.table("cow_nmc", columns=["code", "year", "cinc"])
    cinc = nmc[nmc["code"].astype(str) == code].sort_values("year").tail(years)
    out["cinc_trend"] = [{"year": int(r.year), "cinc": _num(r.cinc)} for r in cinc.itertuples()]
    return out


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
