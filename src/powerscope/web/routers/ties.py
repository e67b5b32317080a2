"""``/api/alignment/{code}/ties``: ties beyond the West, by region and against peers
(:mod:`powerscope.alignment.ties`)."""

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
        "'JPN,AUS,TUR,IND' (at most 12).",
    ),
]
From = Annotated[
    int | None,
    Query(ge=1900, le=2100, alias="from", description="First year of UN votes (default 2000)."),
]
To = Annotated[
    int | None,
    Query(
        ge=1900, le=2100, alias="to", description="Last year of UN votes (default: the last one)."
    ),
]


class TiesRegion(models.Open):
    id: str
    name: str
    members: int
    thin: list[str]


class TiesOut(models.Open):
    focal: str
    peers: list[str]
    years: list[int]
    source: str
    regions: list[TiesRegion]


def ties_of(
    state: AppState, code: str, peers: list[str], years: tuple[int, int] | None
) -> dict[str, Any]:
    """The ties of ``code`` (and ``peers``) with each region, cached; as
    :meth:`powerscope.alignment.ties.Ties.to_dict`, with the flat table as ``rows``."""
    from powerscope.alignment.ties import ties

    def make() -> dict[str, Any]:
        result = ties(code, state.store, peers=peers, years=years)
        frame = result.frame()
        return dict(plain({**result.to_dict(), "rows": frame.to_dict(orient="records"),
                           "columns": list(frame.columns)}))  # fmt: skip

    return dict(state.cached(("ties", code, tuple(peers), years), make))


@router.get(
    "/api/alignment/{code}/ties",
    summary="Ties beyond the West: embassies, agreements, forums and UN votes by region",
    response_model=TiesOut,
    responses=CSV_TOO,
)
def country_ties(
    state: State,
    code: CountryCode,
    peers: Peers = None,
    start: From = None,
    end: To = None,
    fmt: Fmt = "json",
) -> Response:
    """For each region (Central Asia, ASEAN, South Asia, the Gulf, Africa, Latin America, the
    Pacific, the Indian Ocean rim) and the G77: the country's embassies (by Lowy GDI edition),
    trade agreements in force (DESTA), shared regional forums (the curated institutional list)
    and mean UN General Assembly vote agreement with the members (by year, and over the last
    five years); with ``peers``, ``thin`` lists the measures below the peers' median. CSV: one
    row per country and region. ``citations``: every dataset and list read."""
    resolved = country_code(code)
    listed = peer_codes(peers, exclude=resolved)
    years = None
    if start is not None or end is not None:
        from powerscope.alignment.service import last_vote_year
        from powerscope.alignment.ties import FIRST_YEAR

        first = FIRST_YEAR if start is None else start
        last = (
            state.cached("last-vote-year", lambda: last_vote_year(state.store))
            if end is None
            else end
        )
        if last < first:
            raise PeriodError(
                f"period {first}-{last} ends before it starts",
                parameter="from",
                fix="give from <= to",
            )
        years = (first, last)
    payload = ties_of(state, resolved, listed, years)
    rows, columns = payload.pop("rows"), payload.pop("columns")
    return table(rows, payload, fmt, csv_filename(resolved, "ties"), columns)
