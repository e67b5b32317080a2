"""``/api/talent/{code}``: a country's migration of researchers by year, against peers, with
its main partners and in both bibliographic sources (:mod:`powerscope.talent`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from powerscope.errors import NotFoundError
from powerscope.web import models
from powerscope.web.common import CSV_TOO, CountryCode, Fmt, State, about, country_code, peer_codes
from powerscope.web.state import AppState
from powerscope.web.tables import csv_filename, plain, table

router = APIRouter()


Peers = Annotated[
    str | None,
    Query(
        max_length=300,
        description="Peers to compare with, codes or names separated by commas, e.g. "
        "'JPN,CHN,USA' (at most 12).",
    ),
]
Release = Annotated[
    str,
    Query(
        max_length=40,
        description="The release: scopus_2024 (default) or openalex_2023.",
    ),
]
From = Annotated[
    int | None,
    Query(ge=1900, le=2100, alias="from", description="First year (default: the release's first)."),
]
To = Annotated[
    int | None,
    Query(ge=1900, le=2100, alias="to", description="Last year (default: the release's last)."),
]
Partners = Annotated[int, Query(ge=0, le=50, description="How many main partners (0-50).")]


class TalentRow(models.Open):
    code: str
    year: int
    inflow: int
    outflow: int
    net: int
    rate: float | None
    researchers: int | None
    provisional: bool


class TalentOut(models.Open):
    code: str
    release: str
    years: list[int]
    provisional_years: list[int]
    source: str
    rows: list[TalentRow]


def talent_of(
    state: AppState,
    code: str,
    peers: list[str],
    release: str,
    years: tuple[int, int] | None,
    partners: int,
) -> dict[str, Any]:
    """:meth:`powerscope.talent.TalentFlows.to_dict`, with the CSV table as ``table`` and
    ``columns``; cached."""
    from powerscope.talent import talent_flows

    def make() -> dict[str, Any]:
        result = talent_flows(
            code, peers=peers, release=release, years=years, partners=partners, store=state.store
        )
        frame = result.frame()
        return dict(plain({**result.to_dict(), "table": frame.to_dict(orient="records"),
                           "columns": list(frame.columns)}))  # fmt: skip

    return dict(state.cached(("talent", code, tuple(peers), release, years, partners), make))


@router.get(
    "/api/talent/{code}",
    summary="Researcher migration: in, out and net by year, peers, main partners, two sources",
    response_model=TalentOut,
    responses=CSV_TOO,
)
def country_talent(
    state: State,
    code: CountryCode,
    peers: Peers = None,
    release: Release = "scopus_2024",
    start: From = None,
    end: To = None,
    partners: Partners = 5,
    fmt: Fmt = "json",
) -> Response:
    """A country's researchers moving in and out by year (``rows``: ``inflow``, ``outflow``,
    ``net``, ``rate`` per 1,000 researchers, ``researchers``, ``provisional``), its peers
    (``peer_rows``, ``summary``), its main partners with moves each way (``flows``), and its
    net migration in Scopus and OpenAlex side by side (``sources``); MPIDR Scholarly Migration
    Database. Provisional years (after the release's last reliable year) are flagged. CSV: one
    row per country and year."""
    from powerscope.talent.migration import check_release, migration_span

    resolved = country_code(code)
    listed = peer_codes(peers, exclude=resolved)
    years = None
    if start is not None or end is not None:
        check_release(release, country_file=True)
        first, last = state.cached(
            ("talent-span", release), lambda: migration_span(state.store, release)
        )
        years = (first if start is None else start, last if end is None else end)
    with about("code", NotFoundError):  # the one country the library may not find
        payload = talent_of(state, resolved, listed, release, years, partners)
    rows, columns = payload.pop("table"), payload.pop("columns")
    return table(rows, payload, fmt, csv_filename(resolved, "talent"), columns)
