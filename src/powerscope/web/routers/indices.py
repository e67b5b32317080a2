"""``/api/indices/...``: the composite indices (the CETI and others, uploaded specs too), their
trees, re-weighted computations, rankings and rank uncertainty."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi import Path as PathParam
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from powerscope.errors import (
    NotFoundError,
    PowerscopeError,
    SpecError,
    UnknownEntityError,
    WeightsError,
)
from powerscope.index.engine import ROOT
from powerscope.index.weights import RENORMALISE_DEFAULT
from powerscope.web import models
from powerscope.web.common import (
    COPELAND_MAX_UNITS,
    CSV_TOO,
    ERRORS,
    Fmt,
    State,
    about,
)
from powerscope.web.state import AppState, LoadedIndex, compute_payload
from powerscope.web.tables import csv_filename, json_response, table

router = APIRouter()

IndexName = Annotated[
    str,
    PathParam(
        description="Index name: ceti, military, partners or an uploaded spec's id "
        "(GET /api/indices).",
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
    ),
]
Focal = Annotated[
    str | None,
    Query(
        max_length=64,
        description="The focal country of the 'partners' index (default KOR); ignored by the "
        "other indices.",
    ),
]
WeightsText = Annotated[
    str | None,
    Query(
        max_length=2000,
        description="Weights as NODE=W pairs separated by commas, the grammar of the CLI's "
        f"--weights, e.g. '{models.WEIGHTS_STRING}' (NODE:W works too); nodes not named "
        "keep their default weight.",
    ),
]
Renormalise = Annotated[
    bool,
    Query(
        description="Rescale each group of weights to sum to 1. Default false, as in the "
        "library and the CLI: a group that does not sum to 1 is refused with 422."
    ),
]
RANKING_COLUMNS = ["rank", "code", "name", "is_aggregate", "score", "rank_excluding_aggregates"]
UNCERTAINTY_COLUMNS = ["code", "name", "nominal", "median", "p05", "p95", "mean",
                       "nominal_score", "mean_score"]  # fmt: skip
TREND_COLUMNS = ["code", "name", "year", "score", "rank", "median_rank", "q05_rank", "q95_rank"]
MOVER_COLUMNS = ["code", "name", "score_first", "score_last", "score_change", "rank_first",
                 "rank_last", "rank_change", "top_measure", "top_measure_change"]  # fmt: skip
BAND_COLUMNS = ["change_q05", "change_q95", "share_up"]
Year = Annotated[
    int | None,
    Query(
        ge=1000,
        le=9999,
        description="The year of a panel index (default: its last); a snapshot index has no "
        "years and refuses one with 422.",
    ),
]


def panel_filename(name: str, what: str, payload: dict[str, Any]) -> str:
    """The CSV attachment name of a panel result: ``power-trend.csv``, or
    ``power-trend-custom-weights.csv`` when it was computed with custom weights."""
    label = ("custom-weights",) if payload.get("custom_weights") else ()
    return csv_filename(name, what, *label)


def load_index(state: AppState, name: str, focal: str | None = None) -> LoadedIndex:
    """The index ``name`` bound to its data; errors name the request field at fault."""
    with about("name", NotFoundError), about("focal", UnknownEntityError):
        return state.index(name, focal)


def tree_of(loaded: LoadedIndex) -> dict[str, Any]:
    """An index's nodes (path, label, parent, level, weight, ...) and its units, best first."""
    spec = loaded.spec
    nodes = [
        {
            "path": path,
            "id": node.id,
            "label": node.name or node.id,
            "parent": path.rsplit("/", 1)[0] if "/" in path else ROOT,
            "level": path.count("/") + 1,
            "weight": node.weight,
            "direction": node.direction,
            "indicator": node.indicator,
            "is_leaf": node.is_leaf,
        }
        for path, node in spec.walk()
    ]
    order = {c: i for i, c in enumerate(loaded.default.codes[i] for i in loaded.default.order())}
    units = sorted(loaded.units.items(), key=lambda kv: (order.get(kv[0], 1 << 30), kv[1][0]))
    return {
        **loaded.describe(),
        "normalise": spec.normalise,
        "aggregate": spec.aggregate,
        "scale": spec.scale,
        "nodes": nodes,
        "units": [{"code": c, "name": n, "is_aggregate": a} for c, (n, a) in units],
    }


def ranking_rows(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """A computation's ranking with each top-level component's score and contribution."""
    rows = []
    for entry in payload["ranking"]:
        row = dict(entry)
        for kid in payload["children"]:
            row[f"{kid} score"] = payload["node_scores"][entry["code"]][kid]
            row[f"{kid} contribution"] = payload["contributions"][entry["code"]][kid]
        rows.append(row)
    return rows


def evaluate(state: AppState, name: str, request: models.ComputeRequest) -> dict[str, Any]:
    """The index ``name`` computed for a request (loading it first if needed)."""
    return evaluate_loaded(load_index(state, name, request.focal), request)


def evaluate_loaded(loaded: LoadedIndex, request: models.ComputeRequest) -> dict[str, Any]:
    """A loaded index computed for a request's weights and methods."""
    if request.aggregation == "copeland" and len(loaded.units) > COPELAND_MAX_UNITS:
        raise SpecError(
            f"Copeland aggregation of {len(loaded.units)} units is refused here",
            parameter="aggregation",
            fix=f"use another aggregation (Copeland compares every pair; at most {COPELAND_MAX_UNITS} units)",
        )
    try:
        result = loaded.evaluate(
            request.overrides,
            renormalise=request.renormalise,
            normalisation=request.normalisation,
            aggregation=request.aggregation,
            exclude_aggregates=request.exclude_aggregates,
            rescale=request.rescale,
            year=request.year,
        )
    except (TypeError, ValueError, ArithmeticError) as exc:
        if not loaded.built:
            raise
        # an uploaded index's own data steps refused their parameters
        raise SpecError(
            f"index {loaded.name!r} cannot be built with these choices: {exc}",
            where=f"index {loaded.name}",
            fix="check the spec's steps and the data",
        ) from None
    return compute_payload(loaded, result)


@router.get("/api/indices", summary="The indices", response_model=models.IndicesOut)
def indices(state: State) -> Response:
    """The built-in indices (ceti, military, partners) and uploaded specs."""
    out = []
    for name in state.index_names():
        try:
            out.append(state.index(name).describe())
        except PowerscopeError as exc:  # an uploaded spec whose data went away
            out.append({"name": name, "title": name, "source": "", "error": exc.message})
    return json_response({"indices": out})


@router.get(
    "/api/indices/{name}",
    summary="An index's tree, default weights and units",
    response_model=models.IndexTreeOut,
    responses=ERRORS,
)
def index_tree(state: State, name: IndexName, focal: Focal = None) -> Response:
    """Every node of the index (path, label, parent, level, default weight) and every unit
    it ranks (code, name, aggregate or not)."""
    return json_response(tree_of(load_index(state, name, focal)))


@router.post(
    "/api/indices/{name}/compute",
    summary="Compute an index with your weights",
    response_model=models.ComputeOut,
    responses=ERRORS,
)
async def index_compute(
    state: State,
    name: IndexName,
    request: Annotated[models.ComputeRequest | None, Body()] = None,
) -> Response:
    """Scores and ranks of every unit, each top-level component's score and its contribution
    (points of the total) for the weights and methods given; weights not named keep their
    defaults. Weights are a {node: weight} object or the CLI's --weights string (e.g.
    'AI=0.3,Space=0.1'); method.weights echoes every node's weight as applied. Impossible
    weights (unreadable, negative, non-finite, unknown node, a group summing to 0, or without
    renormalise a group not summing to 1) are refused with 422."""
    request = request or models.ComputeRequest()
    loaded = state.peek_index(name, request.focal)
    if loaded is not None and not loaded.built:  # in memory: sub-millisecond, no thread hop
        return json_response(evaluate_loaded(loaded, request), clean=False)
    return json_response(await run_in_threadpool(evaluate, state, name, request))


@router.get(
    "/api/indices/{name}/ranking",
    summary="An index's ranking as a table",
    response_model=models.RankingOut,
    responses=CSV_TOO,
)
def index_ranking(
    state: State,
    name: IndexName,
    fmt: Fmt = "json",
    weights: WeightsText = None,
    renormalise: Renormalise = RENORMALISE_DEFAULT,
    aggregation: Annotated[
        models.Aggregation | None, Query(description="Override the spec's aggregation.")
    ] = None,
    normalisation: Annotated[
        models.Normalisation | None, Query(description="Override the spec's normalisation.")
    ] = None,
    exclude_aggregates: Annotated[
        bool, Query(description="Drop aggregates (e.g. Europe) before ranking.")
    ] = False,
    focal: Focal = None,
) -> Response:
    """The ranking of POST .../compute as rows: rank, code, name, score, rank excluding
    aggregates, and each top-level component's score and contribution."""
    request = models.ComputeRequest(
        weights=weights,
        renormalise=renormalise,
        aggregation=aggregation,
        normalisation=normalisation,
        exclude_aggregates=exclude_aggregates,
        focal=focal,
    )
    payload = evaluate(state, name, request)
    rows = ranking_rows(payload)
    body = {k: payload[k] for k in ("name", "title", "edition", "source", "citations", "method")}
    columns = RANKING_COLUMNS + [
        c for kid in payload["children"] for c in (f"{kid} score", f"{kid} contribution")
    ]
    return table(rows, {**body, "ranking": rows}, fmt, csv_filename(name, "ranking"), columns)


@router.get(
    "/api/indices/{name}/uncertainty",
    summary="Rank uncertainty of an index",
    response_model=models.UncertaintyOut,
    responses=CSV_TOO,
)
def index_uncertainty(
    state: State,
    name: IndexName,
    runs: Annotated[int, Query(ge=100, le=20000, description="Monte Carlo runs.")] = 1000,
    seed: Annotated[
        int, Query(ge=0, le=2**32 - 1, description="Random seed (same seed, same result).")
    ] = 1,
    fmt: Fmt = "json",
    focal: Focal = None,
    year: Year = None,
) -> Response:
    """Nominal, median and 5th-95th percentile ranks (1 = best) of every unit over many
    builds varying the index's documented assumptions (docs/robustness.md); a panel index's
    ``year`` (default its last; docs/panel.md)."""
    with about("name", NotFoundError), about("focal", UnknownEntityError):
        payload = state.uncertainty(name, focal, runs, seed, year)
    filename = csv_filename(name, "uncertainty")
    return table(payload["countries"], payload, fmt, filename, UNCERTAINTY_COLUMNS)


@router.get(
    "/api/indices/{name}/trend",
    summary="Scores, ranks and rank bands of units by year (a panel index)",
    response_model=models.IndexTrendOut,
    responses=CSV_TOO,
)
def index_trend(
    state: State,
    name: IndexName,
    codes: Annotated[
        str,
        Query(
            min_length=1,
            max_length=400,
            description="Units by code (or country name), separated by commas, e.g. KOR,CHN.",
        ),
    ],
    first: Annotated[
        int | None,
        Query(
            alias="from", ge=1000, le=9999, description="First year (default: the panel's first)."
        ),
    ] = None,
    last: Annotated[
        int | None,
        Query(alias="to", ge=1000, le=9999, description="Last year (default: the panel's last)."),
    ] = None,
    runs: Annotated[
        int, Query(ge=0, le=20000, description="Monte Carlo runs for the rank band (0: none).")
    ] = 200,
    seed: Annotated[
        int, Query(ge=0, le=2**32 - 1, description="Random seed (same seed, same result).")
    ] = 1,
    weights: WeightsText = None,
    renormalise: Renormalise = RENORMALISE_DEFAULT,
    fmt: Fmt = "json",
) -> Response:
    """One row per unit and year: score, rank, and the median and 5th-95th percentile rank
    over runs varying the index's documented assumptions, the same runs for every year
    (docs/panel.md). With ``weights`` (the grammar of the CLI's --weights), all of it is for
    those weights: ``custom_weights`` is then true, ``weights`` echoes every node's weight as
    applied, and the CSV is named ``...-trend-custom-weights.csv``. Impossible weights
    (unreadable, negative, non-finite, unknown node, a group summing to 0, or without
    renormalise a group not summing to 1) and a snapshot index (no years) are refused with
    422."""
    wanted = tuple(c.strip() for c in codes.split(",") if c.strip())
    if not wanted:
        raise SpecError("no unit given", parameter="codes", fix="give codes, e.g. KOR,CHN")
    overrides = models.parse_weights(weights)
    with about("name", NotFoundError), about("weights", WeightsError):
        payload = state.trend(name, wanted, first, last, runs, seed, overrides, renormalise)
    filename = panel_filename(name, "trend", payload)
    return table(payload["rows"], payload, fmt, filename, TREND_COLUMNS)


@router.get(
    "/api/indices/{name}/compare-years",
    summary="Movers between two years (a panel index)",
    response_model=models.CompareYearsOut,
    responses=CSV_TOO,
)
def index_compare_years(
    state: State,
    name: IndexName,
    first: Annotated[int, Query(alias="from", ge=1000, le=9999, description="First year.")],
    last: Annotated[int, Query(alias="to", ge=1000, le=9999, description="Last year.")],
    weights: WeightsText = None,
    renormalise: Renormalise = RENORMALISE_DEFAULT,
    runs: Annotated[
        int,
        Query(
            ge=0,
            le=20000,
            description="Monte Carlo runs for the band of each rank change (0: none).",
        ),
    ] = 0,
    seed: Annotated[
        int, Query(ge=0, le=2**32 - 1, description="Random seed (same seed, same result).")
    ] = 1,
    fmt: Fmt = "json",
) -> Response:
    """Every unit's score and rank in both years, the changes, and the measure (top-level
    component) whose contribution to the score changed the most; the largest rank moves
    first. With ``runs``, how robust each move is: ``change_q05``-``change_q95``, the
    5th-95th percentile of the rank change over the runs of the rank bands (the same runs as
    .../trend with the same seed), and ``share_up``, the share of runs in which the unit
    climbed (a heavy computation: 429 when all slots are busy). With ``weights`` (the grammar of the CLI's --weights), all of it is for those
    weights: ``custom_weights`` is then true, ``weights`` echoes every node's weight as
    applied, and the CSV is named ``...-compare-years-custom-weights.csv``. Impossible weights
    (as for .../trend) and a snapshot index (no years) are refused with 422."""
    overrides = models.parse_weights(weights)
    with about("name", NotFoundError), about("weights", WeightsError):
        payload = state.compare_years(name, first, last, overrides, renormalise, runs, seed)
    rows = [{k: v for k, v in r.items() if k != "measures"} for r in payload["rows"]]
    filename = panel_filename(name, "compare-years", payload)
    columns = MOVER_COLUMNS if not runs else [*MOVER_COLUMNS[:8], *BAND_COLUMNS, *MOVER_COLUMNS[8:]]
    return table(rows, payload, fmt, filename, columns)
