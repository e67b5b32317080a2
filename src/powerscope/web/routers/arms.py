"""``/api/arms/...``: SIPRI arms transfers, the largest exporters, annual trends and a
country's exports profile (:mod:`powerscope.arms`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from powerscope.errors import SpecError
from powerscope.web import models
from powerscope.web.common import CSV_TOO, ERRORS, CountryCode, Fmt, State, Top, country_code
from powerscope.web.state import AppState
from powerscope.web.tables import csv_filename, json_response, plain, table

router = APIRouter()

#: the period of a country's profile in GET /api/countries/{code}
PROFILE_PERIOD = (2020, 2024)
EXPORTER_COLUMNS = ["code", "name", "tiv", "share", "rank"]


def profile_of(state: AppState, code: str, span: tuple[int, int]) -> dict[str, Any]:
    """A country's arms exports profile over ``span`` (cached)."""
    from powerscope.arms.service import profile

    key = ("arms-profile", code, span)
    made = state.cached(key, lambda: plain(profile(state.arms(), code, f"{span[0]}-{span[1]}")))
    return dict(made)


@router.get(
    "/api/arms/exporters",
    summary="Largest arms exporters in a period",
    response_model=models.ExportersOut,
    responses=CSV_TOO,
)
def arms_exporters(
    state: State,
    period: Annotated[
        str, Query(max_length=20, description="Years START-END, e.g. 2017-2021.")
    ] = "2020-2024",
    top: Top = 25,
    fmt: Fmt = "json",
) -> Response:
    """Each supplier's arms exports in the period (SIPRI TIV, millions), its share of the
    world total (%) and rank."""
    from powerscope.arms.analytics import parse_period, shares
    from powerscope.arms.service import names

    span = parse_period(period)
    data = state.arms()
    frame = shares(data.deliveries, span)
    frame = frame.head(top) if top else frame
    frame.insert(1, "name", names(frame["code"]))
    rows = plain(frame[EXPORTER_COLUMNS].to_dict(orient="records"))
    label = f"{span[0]}-{span[1]}"
    payload = {"period": label, "unit": "TIV (SIPRI trend-indicator value, millions); share "
               "in percent of the world total", "edition": data.edition,
               "source": data.source, "ranking": rows}  # fmt: skip
    return table(rows, payload, fmt, csv_filename("arms-exporters", label), EXPORTER_COLUMNS)


@router.get(
    "/api/arms/trend",
    summary="Annual arms exports of some countries",
    response_model=models.TrendOut,
    responses=ERRORS,
)
def arms_trend(
    state: State,
    codes: Annotated[
        str, Query(max_length=300, description="Country codes or names, comma-separated.")
    ] = "KOR",
    start: Annotated[int, Query(ge=1950, le=2100, description="First year.")] = 1990,
    end: Annotated[int, Query(ge=1950, le=2100, description="Last year.")] = 2024,
) -> Response:
    """Each country's arms exports by year (SIPRI TIV, millions)."""
    from powerscope.countries import name_of

    if end < start:
        raise SpecError(
            f"end {end} is before start {start}", parameter="end", fix="e.g. start=1990&end=2024"
        )
    wanted = [c.strip() for c in codes.split(",") if c.strip()]
    if not wanted or len(wanted) > 30:
        raise SpecError("give 1 to 30 country codes", parameter="codes", fix="e.g. codes=KOR,CHN")
    resolved = [country_code(c, field="codes", where="codes") for c in wanted]
    data = state.arms()
    annual = state.annual_exports()
    first = max(start, int(data.deliveries["year"].min()))
    last = min(end, int(data.deliveries["year"].max()))
    years = list(range(first, last + 1))
    series = []
    for code in dict.fromkeys(resolved):
        mine = annual[annual["code"] == code]
        tiv = dict(zip(mine["end"].astype(int), mine["tiv"].astype(float), strict=True))
        series.append({"code": code, "name": name_of(code), "years": years,
                       "tiv": [tiv.get(y, 0.0) for y in years]})  # fmt: skip
    return json_response({"unit": "TIV (SIPRI trend-indicator value, millions) per year",
                          "edition": data.edition, "source": data.source, "series": series})  # fmt: skip


@router.get(
    "/api/arms/{code}",
    summary="A country's arms exports profile",
    response_model=models.ProfileOut,
    responses=ERRORS,
)
def arms_profile(
    state: State,
    code: CountryCode,
    period: Annotated[
        str, Query(max_length=20, description="Period for clients and categories.")
    ] = "2020-2024",
) -> Response:
    """Five-year shares and ranks over time, clients with shares (and their concentration),
    weapon categories, regions and pending orders."""
    from powerscope.arms.analytics import parse_period

    resolved = country_code(code)
    return json_response(profile_of(state, resolved, parse_period(period)))
