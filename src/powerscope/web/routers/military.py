"""``/api/military/...``: military strength rankings and a country's military profile
(:mod:`powerscope.military.measures`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from powerscope.military.measures import MEASURES, WHAT
from powerscope.web import models
from powerscope.web.common import CSV_TOO, ERRORS, CountryCode, Fmt, State, Top, country_code
from powerscope.web.state import AppState
from powerscope.web.tables import csv_filename, json_response, plain, table

router = APIRouter()

#: each measure and what its value is, as the library says it (the editions are in the answers'
#: ``citations``, read from the store)
MEASURE_HELP = "; ".join(f"{m} ({WHAT[m]})" for m in MEASURES) + "."
Measure = Annotated[Literal["gfp", "milex", "cinc", "open"], Query(description=MEASURE_HELP)]
Year = Annotated[int | None, Query(ge=1816, le=2100, description="Year (default: the latest).")]


def military_of(state: AppState, code: str) -> dict[str, Any]:
    """A country's military profile (cached): every measure, with its name, and the
    ``citations`` of every measure's datasets (each once)."""
    from powerscope.countries import name_of
    from powerscope.military.measures import profile

    report = state.cached(("military-profile", code), lambda: profile(code, store=state.store))
    cited = {c["dataset"]: c for m in report["measures"].values() for c in m["citations"]}
    return {**report, "name": name_of(code), "citations": list(cited.values())}


@router.get(
    "/api/military/rank",
    summary="Military strength ranking",
    response_model=models.MilitaryRankOut,
    responses=CSV_TOO,
)
def military_rank(
    state: State, measure: Measure = "gfp", year: Year = None, top: Top = 0, fmt: Fmt = "json"
) -> Response:
    """Every country ranked on one measure (rank 1 = strongest), with the measure's unit,
    source and ``citations`` (edition and data years of each dataset read)."""
    from powerscope.military.measures import rank

    key = ("military", measure, year)
    ranking = state.cached(key, lambda: rank(measure, year, store=state.store))
    frame = ranking.table.head(top) if top else ranking.table
    rows = plain(frame.to_dict(orient="records"))
    payload = {"measure": measure, "year": ranking.year, "unit": ranking.unit,
               "source": ranking.source,
               "citations": [c.to_dict() for c in ranking.citations], "ranking": rows}  # fmt: skip
    return table(rows, payload, fmt, csv_filename("military", measure, str(ranking.year)),
                 ["code", "name", "value", "rank"])  # fmt: skip


@router.get(
    "/api/military/{code}",
    summary="A country's military profile",
    response_model=models.ProfileOut,
    responses=ERRORS,
)
def military_profile(state: State, code: CountryCode) -> Response:
    """A country on every military measure (value, rank, year, unit, source, citations), with
    SIPRI spending and CINC over the last ten years."""
    return json_response(military_of(state, country_code(code)))
