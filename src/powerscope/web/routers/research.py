"""``/api/research``: research articles by country and field, and a field-by-field comparison of
two countries (:mod:`powerscope.research`; NSF NCSES, Science and Engineering Indicators)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from powerscope.errors import PowerscopeError, SpecError
from powerscope.web import models
from powerscope.web.common import CSV_TOO, Fmt, State, country_code
from powerscope.web.tables import csv_filename, plain, table

router = APIRouter()

#: at most this many countries in one request
MAX_CODES = 12
#: the library's parameters as the API names them
API_NAMES = {"first": "from", "last": "to"}

Codes = Annotated[
    str,
    Query(
        min_length=1,
        max_length=300,
        description="Countries, codes or names separated by commas, e.g. 'KOR,CHN,USA,JPN' (at "
        "most 12; WLD for the world, EUU for the EU-27).",
    ),
]
Field = Annotated[
    str,
    Query(
        max_length=100,
        description="Field of science, e.g. 'computer and information sciences' or "
        "'AI-related' (case-insensitive; default all S&E fields).",
    ),
]
Count = Annotated[
    str | None,
    Query(
        max_length=20,
        description="fractional (default) or whole; AI-related articles are whole counts only.",
    ),
]
From = Annotated[
    int | None, Query(ge=1900, le=2100, alias="from", description="First year (2003-2022).")
]
To = Annotated[int | None, Query(ge=1900, le=2100, alias="to", description="Last year.")]


class ResearchRow(models.Open):
    code: str
    year: int
    articles: float
    share: float
    rank: int


class ResearchOut(models.Open):
    codes: list[str]
    field: str
    count_type: str
    years: list[int]
    rows: list[ResearchRow]
    fields: list[str]
    source: str


class FieldRow(models.Open):
    field: str
    share_first: float
    share_last: float
    ratio_trend: float | None
    verdict: str


class ByFieldOut(models.Open):
    code: str
    other: str
    years: list[int]
    rows: list[FieldRow]
    source: str


def _codes(text: str) -> list[str]:
    listed = [c.strip() for c in text.split(",") if c.strip()]
    if not listed or len(listed) > MAX_CODES:
        raise SpecError(
            f"{len(listed)} countries given",
            parameter="codes",
            fix=f"give 1 to {MAX_CODES} countries separated by commas, e.g. KOR,CHN",
        )
    codes = [country_code(c, field="codes", where="codes") for c in listed]
    return list(dict.fromkeys(codes))


def _named(make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``make()``, with the library's period parameters named as the API's (from, to)."""
    try:
        return make()
    except PowerscopeError as exc:
        if exc.parameter in API_NAMES:
            exc.parameter = API_NAMES[exc.parameter]
        raise


@router.get(
    "/api/research",
    summary="Research articles of countries in a field: counts, world share, rank, growth",
    response_model=ResearchOut,
    responses=CSV_TOO,
)
def research_articles(
    state: State,
    codes: Codes,
    field: Field = "all S&E fields",
    count: Count = None,
    start: From = None,
    end: To = None,
    fmt: Fmt = "json",
) -> Response:
    """S&E articles of each country by year (fractional counts by default: each article
    shared between its authors' countries), its share of the world's articles (%) and its rank
    among countries; ``growth``: the compound annual growth rate over the period; ``fields``:
    the field names. CSV: one row per country and year. ``citation``: NSF NCSES's Science and
    Engineering Indicators (source data Elsevier Scopus), with its edition and data years."""
    listed = _codes(codes)

    def make() -> dict[str, Any]:
        from powerscope.research import articles, fields

        result = articles(
            listed, field=field, count=count, first=start, last=end, store=state.store
        )
        return dict(plain({**result.to_dict(), "fields": fields(state.store)}))

    key = ("research", tuple(listed), field.strip().lower(), count, start, end)
    payload = state.cached(key, lambda: _named(make))
    name = str(payload["field"]).replace(" ", "-")
    return table(
        payload["rows"],
        payload,
        fmt,
        csv_filename("research", name, payload["count_type"]),
        ["code", "name", "year", "articles", "share", "rank"],
    )


@router.get(
    "/api/research/by-field",
    summary="Field by field: is a country gaining or losing against another?",
    response_model=ByFieldOut,
    responses=CSV_TOO,
)
def research_by_field(
    state: State,
    codes: Codes,
    count: Count = None,
    start: From = None,
    end: To = None,
    fmt: Fmt = "json",
) -> Response:
    """For two countries A,B (``codes=KOR,CHN``) and every field: each one's share of the
    world's articles in the first and last year, the change, A's articles per article of B in
    both years, the trend of that ratio (% a year, a log-linear fit over the period) and the
    verdict (gaining, holding, losing), sorted by the trend. CSV: one row per field."""
    listed = _codes(codes)
    if len(listed) != 2:
        raise SpecError(
            f"{len(listed)} different countries given",
            parameter="codes",
            fix="give two countries, e.g. codes=KOR,CHN",
        )

    def make() -> dict[str, Any]:
        from powerscope.research import compare_fields

        result = compare_fields(
            listed[0], listed[1], count=count, first=start, last=end, store=state.store
        )
        return dict(plain(result.to_dict()))

    payload = state.cached(("research-by-field", *listed, count, start, end), lambda: _named(make))
    return table(payload["rows"], payload, fmt, csv_filename(*listed, "research-by-field"))
