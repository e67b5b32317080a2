"""``/api/industry/{code}``: a country's defence industry in the SIPRI Top 100, against peers,
with its arms exports (SIPRI TIV) beside it (:mod:`powerscope.industry`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from powerscope.errors import PeriodError
from powerscope.web import models
from powerscope.web.common import CSV_TOO, CountryCode, Fmt, State, country_code, peer_codes
from powerscope.web.state import AppState
from powerscope.web.tables import csv_filename, plain, table

router = APIRouter()


Peers = Annotated[
    str | None,
    Query(
        max_length=300,
        description="Peers to compare with, codes or names separated by commas, e.g. "
        "'JPN,DEU,ISR' (at most 12).",
    ),
]
Company = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=100,
        description="Only the country's companies with this name or a part of it, e.g. Hanwha.",
    ),
]
From = Annotated[
    int | None, Query(ge=1900, le=2100, alias="from", description="First year (from 2002).")
]
To = Annotated[int | None, Query(ge=1900, le=2100, alias="to", description="Last year (to 2022).")]


class IndustryYear(models.Open):
    year: int
    companies: int
    arms_revenue: float
    share_top100: float | None
    tiv_exports: float | None


class IndustryCompany(models.Open):
    company: str
    code: str
    year: int
    rank: int
    arms_revenue: float


class IndustryOut(models.Open):
    code: str
    name: str
    years: list[int]
    peers: list[str]
    rows: list[IndustryCompany]
    by_year: list[IndustryYear]
    source: str


def industry_of(
    state: AppState,
    code: str,
    peers: list[str],
    company: str | None,
    years: tuple[int, int] | None,
) -> dict[str, Any]:
    """The industry of ``code`` (and ``peers``), cached: as
    :meth:`powerscope.industry.IndustryProfile.to_dict`."""
    from powerscope.industry import industry, load

    def make() -> dict[str, Any]:
        data = state.cached("top100", lambda: load(state.store))
        result = industry(
            code, peers=peers, company=company, years=years, data=data, arms=state.arms()
        )
        return dict(plain(result.to_dict()))

    return dict(state.cached(("industry", code, tuple(peers), company, years), make))


@router.get(
    "/api/industry/{code}",
    summary="Defence industry: a country's SIPRI Top 100 companies, with its arms exports",
    response_model=IndustryOut,
    responses=CSV_TOO,
)
def country_industry(
    state: State,
    code: CountryCode,
    peers: Peers = None,
    company: Company = None,
    start: From = None,
    end: To = None,
    fmt: Fmt = "json",
) -> Response:
    """The country's companies in the SIPRI Top 100 arms-producing and military services
    companies (``rows``: company, year, rank, arms revenue and total revenue in US$ million at
    current prices, arms share of revenue in %), its summary by year (``by_year``: companies,
    arms revenue, share of the Top 100 in %, the largest company and its rank) with its arms
    exports beside it (``tiv_exports``: SIPRI TIV, a volume index, not money; each series also
    as an index on its own period average), each peer's summary (``peers_by_year``) and the
    comparison in the last year. Years 2002-2022. CSV: one row per company and year.
    ``citations``: the Top 100 and the arms transfers, with editions and data years."""
    resolved = country_code(code)
    listed = peer_codes(peers, exclude=resolved)
    years = None
    if start is not None or end is not None:
        from powerscope.industry import load
        from powerscope.industry.top100 import data_years

        first, last = data_years(state.cached("top100", lambda: load(state.store)).companies)
        years = (first if start is None else start, last if end is None else end)
        for value, field in ((start, "from"), (end, "to")):
            if value is not None and not first <= value <= last:
                raise PeriodError(
                    f"year {value} is outside the SIPRI Top 100, which covers {first}-{last}",
                    parameter=field,
                    fix=f"choose years from {first} to {last}",
                )
        if years[1] < years[0]:
            raise PeriodError(
                f"period {years[0]}-{years[1]} ends before it starts",
                parameter="from",
                fix="give from <= to",
            )
    from powerscope.industry.top100 import ROW_COLUMNS

    payload = industry_of(state, resolved, listed, company, years)
    return table(
        payload["rows"], payload, fmt, csv_filename(resolved, "industry"), list(ROW_COLUMNS)
    )
