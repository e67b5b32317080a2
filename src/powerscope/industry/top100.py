"""A country's arms industry in the SIPRI Top 100: its companies, their arms revenue and ranks,
and the country's total by year, as plain functions over the ``top100_companies`` table
(:mod:`powerscope.data.sources.sipri_top100`).

Definitions (SIPRI Arms Industry Database, Top 100 arms-producing and military services
companies, retrieved December 2023):

- **arms revenue**: a company's revenue from sales of military goods and services to military
  customers, US$ million at current prices and exchange rates (``arms_revenue``); at constant
  2022 prices in ``arms_revenue_constant``.
- a **country's companies** are those SIPRI lists under it: the country where the company's
  ownership and control are located (its headquarters), not where it produces. Trans-European
  companies (Airbus, MBDA, KNDS) are the entity ``EUR-TRANS`` and count for no single country.
- a country's **share of the Top 100** in a year is its companies' arms revenue as a percentage
  of the arms revenue of that year's 100 companies (the sum of the ranking, so that the shares
  of all countries add up to 100%; SIPRI's published total differs from it in 2021 only).
- **rank**: SIPRI's rank by arms revenue (1 = largest).

Chinese companies are in the ranking from 2015 only (SIPRI: data deemed reliable from then), so
a share of the Top 100 before 2015 is a share of a Top 100 without China.
"""

from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd

from powerscope.errors import NotFoundError, PeriodError

#: the company columns a result shows, in order
ROW_COLUMNS = (
    "company", "code", "year", "rank", "previous_rank", "arms_revenue", "total_revenue",
    "arms_share",
)  # fmt: skip
#: the columns of a country's summary by year
SUMMARY_COLUMNS = (
    "year", "companies", "arms_revenue", "arms_revenue_constant", "share_top100", "largest",
    "largest_rank",
)  # fmt: skip


def _key(name: str) -> str:
    return re.sub(r"[\W_]+", "", str(name).casefold())


def data_years(companies: pd.DataFrame) -> tuple[int, int]:
    """The first and last year of the rankings (``(2002, 2022)``)."""
    years = companies["year"].astype(int)
    return int(years.min()), int(years.max())


def check_years(companies: pd.DataFrame, years: tuple[int, int] | None) -> tuple[int, int]:
    """``years`` (default: every year of the rankings), refused when they leave the data.

    Raises
    ------
    PeriodError
        A first year after the last, or a year outside the rankings' years (named).
    """
    first, last = data_years(companies)
    if years is None:
        return first, last
    start, end = int(years[0]), int(years[1])
    if end < start:
        raise PeriodError(
            f"years {start}-{end} end before they start", parameter="years", fix="first <= last"
        )
    if start < first or end > last:
        raise PeriodError(
            f"years {start}-{end} are outside the SIPRI Top 100, which covers {first}-{last}",
            parameter="years",
            fix=f"choose years from {first} to {last}",
        )
    return start, end


def _window(companies: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    year = companies["year"].astype(int)
    return companies[(year >= years[0]) & (year <= years[1])]


def find_companies(companies: pd.DataFrame, name: str, code: str | None = None) -> list[str]:
    """The companies a name designates: the one spelled so (ignoring case, punctuation and
    spaces), else every company whose name contains it (``"Hanwha"``: Hanwha Aerospace,
    Hanwha Corp., Hanwha Techwin); with ``code``, only that country's.

    Raises
    ------
    NotFoundError
        No company so named (the closest names listed, by :mod:`difflib`), or only companies
        of another country than ``code`` (named, with their country).
    """
    names = pd.unique(companies["company"].astype(str))
    keys = {n: _key(n) for n in names}
    wanted = _key(name)
    if not wanted:
        raise NotFoundError("an empty company name", parameter="company", fix="e.g. Hanwha")
    exact = [n for n, k in keys.items() if k == wanted]
    found = exact or sorted(n for n, k in keys.items() if wanted in k)
    if not found:
        close = difflib.get_close_matches(str(name), list(names), n=5, cutoff=0.5)
        # a misspelt first word ("Hanwa"): every company whose first word is close to it
        word = str(name).split()[0].casefold() if str(name).split() else ""
        for candidate in sorted(names):
            first = candidate.split()[0].casefold()
            if difflib.SequenceMatcher(None, word, first).ratio() >= 0.8:
                close.append(candidate)
        close = list(dict.fromkeys(close))[:6]
        raise NotFoundError(
            f"no company {name!r} in the SIPRI Top 100 (closest: "
            f"{', '.join(close) if close else 'none'})",
            parameter="company",
            fix="give a company's name as SIPRI lists it, or a part of it (e.g. Hanwha)",
        )
    if code is None:
        return found
    of = companies[companies["company"].astype(str).isin(found)]
    mine = sorted(set(of.loc[of["code"].astype(str) == code, "company"].astype(str)))
    if not mine:
        from powerscope.countries import name_of

        elsewhere = of.drop_duplicates("company")
        listed = ", ".join(
            f"{r.company} ({name_of(str(r.code))}, {r.code})" for r in elsewhere.itertuples()
        )
        raise NotFoundError(
            f"{name!r} is not a company of {name_of(code)} ({code}) in the SIPRI Top 100: {listed}",
            parameter="company",
            fix="ask for the company's own country, e.g. " + str(elsewhere["code"].iloc[0]),
        )
    return mine


def company_rows(
    companies: pd.DataFrame,
    code: str,
    years: tuple[int, int],
    names: list[str] | None = None,
) -> pd.DataFrame:
    """A country's companies in the Top 100, one row per company and year.

    Returns
    -------
    pandas.DataFrame
        :data:`ROW_COLUMNS`, sorted by year then rank: ``arms_revenue`` and ``total_revenue``
        in US$ million (current), ``arms_share`` in % of the company's total revenue,
        ``previous_rank`` <NA> when the company was not in the previous year's Top 100.
    """
    window = _window(companies, years)
    mine = window[window["code"].astype(str) == code]
    if names is not None:
        mine = mine[mine["company"].astype(str).isin(names)]
    out = mine.sort_values(["year", "rank"], kind="stable").loc[:, list(ROW_COLUMNS)]
    out = out.astype({"company": str, "code": str})
    return out.reset_index(drop=True)


def country_by_year(companies: pd.DataFrame, code: str, years: tuple[int, int]) -> pd.DataFrame:
    """A country's Top 100 companies summed by year, every year of ``years`` (none: zeros).

    Returns
    -------
    pandas.DataFrame
        :data:`SUMMARY_COLUMNS`: ``companies`` (count), ``arms_revenue`` (US$ million,
        current), ``arms_revenue_constant`` (US$ million, constant 2022 prices),
        ``share_top100`` (% of the arms revenue of the year's 100 companies), ``largest`` (the
        country's largest company that year, None without one) and ``largest_rank``.
    """
    window = _window(companies, years)
    year = window["year"].astype(int)
    total = window.groupby(year)["arms_revenue"].sum()
    mine = window[window["code"].astype(str) == code]
    span = pd.Index(range(years[0], years[1] + 1), name="year")
    mine_year = mine["year"].astype(int)
    count = mine.groupby(mine_year).size().reindex(span, fill_value=0)
    revenue = mine.groupby(mine_year)["arms_revenue"].sum().reindex(span, fill_value=0.0)
    constant = mine.groupby(mine_year)["arms_revenue_constant"].sum().reindex(span, fill_value=0.0)
    top = mine.sort_values("rank", kind="stable").drop_duplicates("year")
    top = top.set_index(top["year"].astype(int)).reindex(span)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = revenue / total.reindex(span) * 100.0
    return pd.DataFrame(
        {
            "year": span.to_numpy(),
            "companies": count.to_numpy(dtype=int),
            "arms_revenue": revenue.to_numpy(dtype=float),
            "arms_revenue_constant": constant.to_numpy(dtype=float),
            "share_top100": share.to_numpy(dtype=float),
            "largest": [None if pd.isna(v) else str(v) for v in top["company"]],
            "largest_rank": pd.array(top["rank"].to_numpy(), dtype="Int16"),
        }
    )


def present_years(companies: pd.DataFrame, code: str) -> list[int]:
    """The years in which a country has at least one company in the Top 100."""
    mine = companies[companies["code"].astype(str) == code]
    return sorted({int(y) for y in mine["year"]})


def exports_by_year(deliveries: pd.DataFrame, code: str, years: tuple[int, int]) -> pd.Series:
    """A country's arms exports by year: SIPRI TIV delivered (millions; a volume index, not
    money), from the annual deliveries of :func:`powerscope.arms.transfers.annualise`; 0 in a
    year without deliveries.

    Returns
    -------
    pandas.Series
        TIV (millions) indexed by every year of ``years``.
    """
    span = pd.Index(range(years[0], years[1] + 1), name="year")
    mine = deliveries[deliveries["supplier_code"].astype(str) == code]
    tiv = mine.groupby(mine["year"].astype(int))["tiv"].sum()
    return tiv.reindex(span, fill_value=0.0).astype(float).rename("tiv_exports")


def indexed(values: pd.Series) -> pd.Series:
    """``values`` as an index, their average over the period = 100 (NaN throughout when the
    average is 0 or missing). The period's average, not its first year, is the base: a first
    year without exports (South Korea, 2002) would leave no index at all."""
    base = float(values.mean()) if len(values) else float("nan")
    if not np.isfinite(base) or base == 0:
        return pd.Series(np.nan, index=values.index)
    return values / base * 100.0


def change(values: pd.Series, first: int, last: int) -> float | None:
    """Change from ``first`` to ``last`` in %, None when ``first`` is 0 or missing."""
    a, b = values.get(first), values.get(last)
    if a is None or b is None or not np.isfinite(a) or not np.isfinite(b) or a == 0:
        return None
    return float((b - a) / a * 100.0)
