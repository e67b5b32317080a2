"""``/api/arms/...``: SIPRI arms transfers, the largest exporters, annual trends and a
country's exports profile (:mod:`powerscope.arms`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from powerscope.errors import SpecError
from powerscope.web import models
from powerscope.web.common import CSV_TOO, ERRORS, CountryCode, Fmt, State, Top, country_code
from powerscope.web.state import AppState
from powerscope.web.tables import csv_filename, json_response, plain, table

if TYPE_CHECKING:
    from powerscope.arms.service import ArmsData

router = APIRouter()

EXPORTER_COLUMNS = ["code", "name", "tiv", "share", "rank"]
Period = Annotated[
    str | None,
    Query(
        max_length=20,
        description="Years START-END, e.g. 2017-2021 (default: the last five years of data).",
    ),
]


def citations_of(data: ArmsData) -> list[dict[str, Any]]:
    """The SIPRI data's citations (edition and data years), as every arms answer carries them."""
    return [c.to_dict() for c in data.citations]


def span_of(data: ArmsData, period: str | None) -> tuple[int, int]:
    """The years of ``period``, or the last five years of data
    (:func:`powerscope.arms.service.latest_period`) when it is None."""
    from powerscope.arms.analytics import parse_period
    from powerscope.arms.service import latest_period

    return latest_period(data) if period is None else parse_period(period)


def profile_of(state: AppState, code: str, period: str | None) -> dict[str, Any]:
    """A country's arms exports profile over ``period`` (default: the last five years of
    data), cached."""
    from powerscope.arms.service import profile

    span = span_of(state.arms(), period)
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
    period: Period = None,
    top: Top = 25,
    fmt: Fmt = "json",
) -> Response:
    """Each supplier's arms exports in the period (SIPRI TIV, millions), its share of the
    world total (%) and rank; ``period`` says the years used, ``citations`` the data's edition
    and years."""
    from powerscope.arms.analytics import shares
    from powerscope.arms.service import names

    data = state.arms()
    span = span_of(data, period)
    frame = shares(data.deliveries, span)
    frame = frame.head(top) if top else frame
    frame.insert(1, "name", names(frame["code"]))
    rows = plain(frame[EXPORTER_COLUMNS].to_dict(orient="records"))
    label = f"{span[0]}-{span[1]}"
    payload = {"period": label, "unit": "TIV (SIPRI trend-indicator value, millions); share "
               "in percent of the world total", "edition": data.edition,
               "source": data.source, "citations": citations_of(data),
               "ranking": rows}  # fmt: skip
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
    end: Annotated[
        int | None, Query(ge=1950, le=2100, description="Last year (default: the last of data).")
    ] = None,
) -> Response:
    """Each country's arms exports by year (SIPRI TIV, millions), with the data's
    ``citations``."""
    from powerscope.countries import name_of

    data = state.arms()
    last_of_data = int(data.deliveries["year"].max())
    end = last_of_data if end is None else end
    if end < start:
        raise SpecError(
            f"end {end} is before start {start}",
            parameter="end",
            fix=f"e.g. start=1990&end={last_of_data}",
        )
    wanted = [c.strip() for c in codes.split(",") if c.strip()]
    if not wanted or len(wanted) > 30:
        raise SpecError("give 1 to 30 country codes", parameter="codes", fix="e.g. codes=KOR,CHN")
    resolved = [country_code(c, field="codes", where="codes") for c in wanted]
    annual = state.annual_exports()
    first = max(start, int(data.deliveries["year"].min()))
    last = min(end, last_of_data)
    years = list(range(first, last + 1))
    series = []
    for code in dict.fromkeys(resolved):
        mine = annual[annual["code"] == code]
        tiv = dict(zip(mine["end"].astype(int), mine["tiv"].astype(float), strict=True))
        series.append({"code": code, "name": name_of(code), "years": years,
                       "tiv": [tiv.get(y, 0.0) for y in years]})  # fmt: skip
    return json_response({"unit": "TIV (SIPRI trend-indicator value, millions) per year",
                          "edition": data.edition, "source": data.source,
                          "citations": citations_of(data), "series": series})  # fmt: skip


@router.get(
    "/api/arms/{code}",
    summary="A country's arms exports profile",
    response_model=models.ProfileOut,
    responses=ERRORS,
)
def arms_profile(
    state: State,
    code: CountryCode,
    period: Period = None,
) -> Response:
    """Five-year shares and ranks over time, clients with shares (and their concentration),
    weapon categories, regions and pending orders in ``period`` (default: the last five years
    of data; the answer says which), with the data's ``citations``."""
    resolved = country_code(code)
    return json_response(profile_of(state, resolved, period))
