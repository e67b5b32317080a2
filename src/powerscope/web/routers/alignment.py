"""``/api/alignment/...``: like-minded partners and UN-vote agreement
(:mod:`powerscope.alignment`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from powerscope.errors import PeriodError
from powerscope.web import models
from powerscope.web.common import (
    CSV_TOO,
    CountryCode,
    Fmt,
    State,
    Top,
    WeightsQuery,
    country_code,
    parse_weights,
)
from powerscope.web.state import AppState
from powerscope.web.tables import csv_filename, plain, table

router = APIRouter()

Runs = Annotated[
    int, Query(ge=0, le=5000, description="Uncertainty runs for rank intervals (0: none).")
]
Seed = Annotated[int, Query(ge=0, le=2**32 - 1, description="Random seed.")]
Year = Annotated[
    int | None,
    Query(ge=1946, le=2100, description="Year of UN votes (default: the last full session)."),
]


VoteYears = Annotated[
    str | None,
    Query(
        description="Years of UN votes for the agreement, FIRST-LAST (e.g. 2021-2025); default: "
        "the last five full years of votes."
    ),
]


def partners_of(
    state: AppState,
    code: str,
    runs: int,
    seed: int,
    weights: dict[str, float],
    years: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """The 'partners' index for ``code`` (cached): every country, its score, rank interval,
    components and evidence, every component's data years and the UN agreement trend."""
    key = ("partners", code, runs, seed, tuple(sorted(weights.items())), years)
    if runs:  # Monte Carlo rank intervals: a heavy computation, limited like uncertainty
        return dict(state.heavy_task("uncertainty", key, partners_report, code, runs, seed,
                                     weights, years))  # fmt: skip
    return dict(state.cached(key, lambda: partners_report(state, code, runs, seed, weights,
                                                          years)))  # fmt: skip


def partners_report(
    state: AppState,
    code: str,
    runs: int,
    seed: int,
    weights: dict[str, float],
    years: tuple[int, int] | None,
) -> dict[str, Any]:
    """The body of the partners answer (with ``runs``, a heavy task:
    :meth:`AppState.heavy_task`)."""
    from powerscope.alignment.service import like_minded

    report = like_minded(code, weights=weights or None, renormalise=True, runs=runs, seed=seed,
                         years=years, store=state.store)  # fmt: skip
    rows = [
        {
            "rank": p["rank"],
            "code": p["code"],
            "name": p["name"],
            "score": p["score"],
            "median": p.get("median_rank"),
            "p05": p.get("q05_rank"),
            "p95": p.get("q95_rank"),
            "named_like_minded": p["named_like_minded"],
            "components": p["components"],
            "evidence": p["evidence"],
        }
        for p in report["partners"]
    ]
    return plain({**report, "partners": rows, "runs": runs, "seed": seed})


def agreement_of(state: AppState, code: str, year: int | None) -> dict[str, Any]:
    """UN-vote agreement of ``code`` with every other country in ``year`` (default: the last
    full session of votes, :func:`powerscope.alignment.service.last_vote_year`), cached, with
    the votes' citation."""
    from powerscope.alignment.agreement import agreement_with
    from powerscope.alignment.service import last_vote_year, votes_citations
    from powerscope.countries import name_of
    from powerscope.data.catalog import cite_all

    data = state.unvotes()
    first, last = int(data.calls["year"].min()), int(data.calls["year"].max())
    year = (
        state.cached("last-vote-year", lambda: last_vote_year(state.store))
        if year is None
        else year
    )
    if year > last or year < first:
        raise PeriodError(
            f"no UN votes in {year}", parameter="year", fix=f"use a year from {first} to {last}"
        )

    def make() -> dict[str, Any]:
        citations = votes_citations(state.store)
        frame = agreement_with(code, data.votes, data.calls, data.issues, year=year)
        rows = []
        for rec in frame.to_dict(orient="records"):
            partner = str(rec.pop("partner"))
            rows.append({"code": partner, "name": name_of(partner),
                         "agreement": rec.get("percent_agreement"), **rec})  # fmt: skip
        return plain({"code": code, "name": name_of(code), "year": year,
                      "selection": frame.attrs.get("selection"),
                      "roll_calls": frame.attrs.get("roll_calls"),
                      "measures": "agreement: share of roll calls voted alike (0-1)",
                      "source": cite_all(citations),
                      "citations": [c.to_dict() for c in citations],
                      "agreement": rows})  # fmt: skip

    return dict(state.cached(("agreement", code, year), make))


@router.get(
    "/api/alignment/{code}/partners",
    summary="Like-minded partners of a country",
    response_model=models.PartnersOut,
    responses=CSV_TOO,
)
def partners(
    state: State,
    code: CountryCode,
    top: Top = 20,
    runs: Runs = 1000,
    seed: Seed = 1,
    weights: WeightsQuery = None,
    years: VoteYears = None,
    fmt: Fmt = "json",
) -> Response:
    """Every country ranked by like-mindedness with the focal country (the 'partners'
    index: UN votes, alliance obligations, democracy, institutions, IGOs, trade), with each
    component, its evidence (the ATOP obligations in words, the UN agreement by year and its
    trend in percentage points per year), and median and 5th-95th percentile ranks; ``years``:
    every component's data years; ``citations``: every dataset the index reads, with its
    edition and data years. Alliance obligations re-weight as
    ``alliance/defence``, ``alliance/consultation``, ``alliance/nonaggression``."""
    from powerscope.alignment.partners import parse_years

    resolved = country_code(code)
    window = parse_years(years) if years else None
    report = partners_of(state, resolved, runs, seed, parse_weights(weights), window)
    rows = report["partners"][:top] if top else report["partners"]
    components = list(rows[0]["components"]) if rows else []
    flat = [{**{k: v for k, v in r.items() if k not in ("components", "evidence")},
             **r["components"], "un_trend_pp_per_year": r["evidence"].get("un_trend_pp_per_year"),
             "un_trend": r["evidence"].get("un_trend"),
             "alliance_obligations": r["evidence"].get("alliance")} for r in rows]  # fmt: skip
    columns = ["rank", "code", "name", "score", "median", "p05", "p95", "named_like_minded",
               *components, "un_trend_pp_per_year", "un_trend", "alliance_obligations"]  # fmt: skip
    payload = {**report, "partners": rows}
    return table(flat, payload, fmt, csv_filename(resolved, "partners"), columns)


@router.get(
    "/api/alignment/{code}/agreement",
    summary="UN vote agreement of a country with every other",
    response_model=models.AgreementOut,
    responses=CSV_TOO,
)
def agreement(
    state: State, code: CountryCode, year: Year = None, top: Top = 0, fmt: Fmt = "json"
) -> Response:
    """Agreement in UN General Assembly roll calls (share of votes alike, 0-1) and
    chance-corrected measures (Signorino-Ritter S, Cohen's kappa, Scott's pi), with the
    votes' ``citations`` (edition and data years)."""
    resolved = country_code(code)
    payload = agreement_of(state, resolved, year)
    rows = payload["agreement"][:top] if top else payload["agreement"]
    columns = list(rows[0]) if rows else ["code", "name", "agreement"]
    name = csv_filename(resolved, "agreement", str(payload["year"]))
    return table(rows, {**payload, "agreement": rows}, fmt, name, columns)
