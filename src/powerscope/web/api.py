"""powerscope's HTTP API (FastAPI): a thin shell over the library's service functions.

``create_app()`` builds the application: the JSON API under ``/api`` (see ``docs/api.md``), the
dashboard at ``/`` and its files under ``/static``. Every figure carries its source; every error
is ``{"error": {"what", "where", "fix"}}``; every table answers ``?format=csv`` too. Data are
loaded on first use and kept (:mod:`powerscope.web.state`); writes (uploads) need the
operator's bearer token (:mod:`powerscope.web.uploads`). The dynamic model's endpoints are in
:mod:`powerscope.web.dynamics`.
"""

from __future__ import annotations

import hmac
import os
import re
from collections.abc import Awaitable, Callable, MutableMapping
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Body, Depends, FastAPI, File, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles

from powerscope import __version__
from powerscope.data.store import Store, home, open_store
from powerscope.errors import PowerscopeError, SpecError, WeightsError
from powerscope.index.engine import ROOT
from powerscope.web import models
from powerscope.web.errors import (
    TooLargeError,
    UnauthorizedError,
    WritesDisabledError,
    error_body,
    status_of,
)
from powerscope.web.state import AppState, LoadedIndex, compute_payload, resolve_country
from powerscope.web.tables import csv_filename, json_response, plain, table
from powerscope.web.uploads import MAX_UPLOAD_BYTES, UploadStore, check_csv, public
from powerscope.web.uploads import sanitise_filename as _sanitise

STATIC_DIR = Path(__file__).resolve().parent / "static"
#: aggregation by Copeland outranking compares every pair of units; beyond this many it is refused
COPELAND_MAX_UNITS = 1000
_SOURCE_VOTES = (
    "UN General Assembly voting data, Erik Voeten, Anton Strezhnev and Michael Bailey, Harvard "
    "Dataverse, hdl:1902.1/12379"
)

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": models.ErrorOut, "description": "Unknown index, country or resource."},
    422: {"model": models.ErrorOut, "description": "Invalid input: what, where and how to fix."},
}
CSV_TOO: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    200: {
        "description": "JSON, or with format=csv a CSV attachment.",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    },
}

Fmt = Annotated[
    Literal["json", "csv"],
    Query(alias="format", description="json (default) or csv (a text/csv attachment)."),
]
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
CountryCode = Annotated[
    str,
    PathParam(
        description="Country ISO3 code or name, e.g. KOR or South Korea.",
        min_length=1,
        max_length=64,
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
WeightsQuery = Annotated[
    str | None,
    Query(
        max_length=2000,
        description="Weights as NODE:W pairs separated by commas, e.g. 'Semiconductors:2,AI:1' "
        "(NODE=W works too); groups are rescaled to sum to 1.",
    ),
]
Top = Annotated[int, Query(ge=0, le=1000, description="How many rows (0 = all).")]


def parse_weights(text: str | None, where: str = "weights") -> dict[str, float]:
    """``'Semiconductors:2,AI:1'`` (or with '=') to ``{node: weight}``."""
    out: dict[str, float] = {}
    for piece in (text or "").split(","):
        if not piece.strip():
            continue
        match = re.fullmatch(r"\s*([^:=]*?)\s*[:=]\s*(.*?)\s*", piece)
        if match is None or not match.group(1):
            raise WeightsError(
                f"cannot read weight {piece.strip()!r}",
                where=where,
                fix="write NODE:WEIGHT pairs separated by commas, e.g. 'Semiconductors:2,AI:1'",
            )
        key, value = match.groups()
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise WeightsError(
                f"weight of {key.strip()!r} is not a number: {value.strip()!r}",
                where=where,
                fix="give a number >= 0",
            ) from None
    return out


#: POST bodies under these paths are read in full by :class:`UploadLimit` (size-checked)
LIMITED_PATHS = ("/api/uploads", "/api/dynamics/")


class UploadLimit:
    """Refuse (413) upload (and dynamics) request bodies over the limit before they are
    parsed."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.limit = max_bytes + 64 * 1024  # room for the multipart framing

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not scope["path"].startswith(LIMITED_PATHS)
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body, replayed = b"".join(chunks), False

        async def replay() -> MutableMapping[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Any, receive: Any, send: Any) -> None:
        response = json_response(
            error_body(
                f"upload larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
                where="request body",
                fix="upload a smaller file",
            ),
            status_code=413,
        )
        await response(scope, receive, send)


def _token_from_env() -> str | None:
    return os.environ.get("POWERSCOPE_API_TOKEN") or None


def create_app(
    store: Store | None = None,
    token: str | None = None,
    upload_dir: Path | str | None = None,
) -> FastAPI:
    """The powerscope web application.

    Parameters
    ----------
    store:
        Where data are read (default: :func:`powerscope.data.store.open_store`, the warehouse or
        the embedded snapshot).
    token:
        The bearer token that allows uploads (default: ``$POWERSCOPE_API_TOKEN``); without one,
        uploads are disabled (403).
    upload_dir:
        Where uploads are stored (default: ``$POWERSCOPE_UPLOAD_DIR``, else
        ``$POWERSCOPE_HOME/uploads``).
    """
    store = store or open_store()
    upload_dir = upload_dir or os.environ.get("POWERSCOPE_UPLOAD_DIR") or home() / "uploads"
    uploads = UploadStore(Path(upload_dir))
    state = AppState(store, uploads)
    token = token if token is not None else _token_from_env()
    app = FastAPI(
        title="powerscope API",
        version=__version__,
        description="National power and alignment, recomputed from the publishers' data: "
        "composite indices (the CETI and others) with every weight changeable, SIPRI arms "
        "transfers, military strength, UN-vote alignment and like-minded partners, a dynamic "
        "model of science, economy and defence run under policy scenarios, and the debate's "
        "claims checked. Every figure carries its source and edition.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.powerscope = state
    app.state.token = token or None
    app.add_middleware(UploadLimit, max_bytes=uploads.max_bytes)
    _add_error_handlers(app)
    _add_read_routes(app, state)
    _add_upload_routes(app, state)
    from powerscope.web.dynamics import add_dynamics_routes

    add_dynamics_routes(app, state)
    _add_static(app)
    return app


# -- errors ---------------------------------------------------------------------------------


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PowerscopeError)
    async def _powerscope_error(request: Request, exc: PowerscopeError) -> Response:
        status = status_of(exc)
        response = json_response(error_body(exc.what, exc.where, exc.fix), status_code=status)
        if status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = list(exc.errors())[:5]
        places = [".".join(str(p) for p in e.get("loc", ())) for e in problems]
        what = "; ".join(
            f"{p}: {e.get('msg', 'invalid')}" for p, e in zip(places, problems, strict=True)
        )
        return json_response(
            error_body(
                what or "invalid request",
                where=", ".join(places) or request.url.path,
                fix="see the parameter's description in GET /openapi.json",
            ),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        status, fix = exc.status_code, None
        if status in (404, 405):
            fix = "GET /openapi.json lists the endpoints"
        elif status == 400:  # a body that cannot be parsed: invalid input like any other
            status, fix = 422, "send JSON (or multipart/form-data for uploads) as documented"
        return json_response(
            error_body(str(exc.detail), where=request.url.path, fix=fix),
            status_code=status,
            headers=exc.headers,
        )


# -- reads ----------------------------------------------------------------------------------


def _index_tree(loaded: LoadedIndex) -> dict[str, Any]:
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


def _ranking_rows(payload: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for entry in payload["ranking"]:
        row = dict(entry)
        for kid in payload["children"]:
            row[f"{kid} score"] = payload["node_scores"][entry["code"]][kid]
            row[f"{kid} contribution"] = payload["contributions"][entry["code"]][kid]
        rows.append(row)
    return rows


def _evaluate(state: AppState, name: str, request: models.ComputeRequest) -> dict[str, Any]:
    loaded = state.index(name, request.focal)
    return _evaluate_loaded(loaded, request)


def _evaluate_loaded(loaded: LoadedIndex, request: models.ComputeRequest) -> dict[str, Any]:
    if request.aggregation == "copeland" and len(loaded.units) > COPELAND_MAX_UNITS:
        raise SpecError(
            f"Copeland aggregation of {len(loaded.units)} units is refused here",
            where="aggregation",
            fix=f"use another aggregation (Copeland compares every pair; at most {COPELAND_MAX_UNITS} units)",
        )
    try:
        result = loaded.evaluate(
            request.weights,
            renormalise=request.renormalise,
            normalisation=request.normalisation,
            aggregation=request.aggregation,
            exclude_aggregates=request.exclude_aggregates,
            rescale=request.rescale,
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


def _add_read_routes(app: FastAPI, state: AppState) -> None:
    store = state.store

    @app.get("/api/health", summary="Service status", response_model=models.HealthOut)
    def health() -> Response:
        """Whether the service runs, its version, and where its data are read from."""
        return json_response(
            {"status": "ok", "version": __version__, "store": f"{store.kind}: {store.location}"}
        )

    @app.get(
        "/api/datasets",
        summary="Datasets and their provenance",
        response_model=models.DatasetsOut,
        responses=CSV_TOO,
    )
    def datasets(fmt: Fmt = "json") -> Response:
        """Every dataset in use: publisher, title, edition, licence, citation, URL, rows per
        table and the sha256 of each file read."""
        rows = state.datasets()
        columns = ["id", "title", "publisher", "edition", "licence", "citation", "url", "rows",
                   "tables", "files", "sha256"]  # fmt: skip
        return table(rows, {"store": f"{store.kind}: {store.location}", "datasets": rows}, fmt,
                     csv_filename("datasets"), columns)  # fmt: skip

    @app.get("/api/indices", summary="The indices", response_model=models.IndicesOut)
    def indices() -> Response:
        """The built-in indices (ceti, military, partners) and uploaded specs."""
        out = []
        for name in state.index_names():
            try:
                out.append(state.index(name).describe())
            except PowerscopeError as exc:  # an uploaded spec whose data went away
                out.append({"name": name, "title": name, "source": "", "error": exc.message})
        return json_response({"indices": out})

    @app.get(
        "/api/indices/{name}",
        summary="An index's tree, default weights and units",
        response_model=models.IndexTreeOut,
        responses=ERRORS,
    )
    def index_tree(name: IndexName, focal: Focal = None) -> Response:
        """Every node of the index (path, label, parent, level, default weight) and every unit
        it ranks (code, name, aggregate or not)."""
        return json_response(_index_tree(state.index(name, focal)))

    @app.post(
        "/api/indices/{name}/compute",
        summary="Compute an index with your weights",
        response_model=models.ComputeOut,
        responses=ERRORS,
    )
    async def index_compute(
        name: IndexName,
        request: Annotated[models.ComputeRequest | None, Body()] = None,
    ) -> Response:
        """Scores and ranks of every unit, each top-level component's score and its contribution
        (points of the total) for the weights and methods given; weights not named keep their
        defaults. Impossible weights (negative, non-finite, unknown node, a group summing to 0)
        are refused with 422."""
        request = request or models.ComputeRequest()
        loaded = state.peek_index(name, request.focal)
        if loaded is not None and not loaded.built:  # in memory: sub-millisecond, no thread hop
            return json_response(_evaluate_loaded(loaded, request), clean=False)
        return json_response(await run_in_threadpool(_evaluate, state, name, request))

    @app.get(
        "/api/indices/{name}/ranking",
        summary="An index's ranking as a table",
        response_model=models.RankingOut,
        responses=CSV_TOO,
    )
    def index_ranking(
        name: IndexName,
        fmt: Fmt = "json",
        weights: WeightsQuery = None,
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
            weights=parse_weights(weights) or None,
            aggregation=aggregation,
            normalisation=normalisation,
            exclude_aggregates=exclude_aggregates,
            focal=focal,
        )
        payload = _evaluate(state, name, request)
        rows = _ranking_rows(payload)
        body = {k: payload[k] for k in ("name", "title", "edition", "source", "method")}
        columns = ["rank", "code", "name", "is_aggregate", "score", "rank_excluding_aggregates"]
        columns += [
            c for kid in payload["children"] for c in (f"{kid} score", f"{kid} contribution")
        ]
        return table(rows, {**body, "ranking": rows}, fmt, csv_filename(name, "ranking"), columns)

    @app.get(
        "/api/indices/{name}/uncertainty",
        summary="Rank uncertainty of an index",
        response_model=models.UncertaintyOut,
        responses=CSV_TOO,
    )
    def index_uncertainty(
        name: IndexName,
        runs: Annotated[int, Query(ge=100, le=20000, description="Monte Carlo runs.")] = 1000,
        seed: Annotated[
            int, Query(ge=0, le=2**32 - 1, description="Random seed (same seed, same result).")
        ] = 1,
        fmt: Fmt = "json",
        focal: Focal = None,
    ) -> Response:
        """Nominal, median and 5th-95th percentile ranks (1 = best) of every unit over many
        builds varying the index's documented assumptions (docs/robustness.md)."""
        payload = state.uncertainty(name, focal, runs, seed)
        columns = ["code", "name", "nominal", "median", "p05", "p95", "mean", "nominal_score",
                   "mean_score"]  # fmt: skip
        return table(payload["countries"], payload, fmt, csv_filename(name, "uncertainty"), columns)

    @app.get(
        "/api/countries/{code}",
        summary="A country's profile",
        response_model=models.CountryOut,
        responses=ERRORS,
    )
    def country(code: CountryCode) -> Response:
        """A country on the CETI (score, rank, sectors), on four military measures, as an arms
        exporter and in alignment (its closest partners). A part without data says why."""
        resolved = resolve_country(code, where="country code")
        return json_response(state.cached(("country", resolved), lambda: _country(state, resolved)))

    @app.get(
        "/api/military/rank",
        summary="Military strength ranking",
        response_model=models.MilitaryRankOut,
        responses=CSV_TOO,
    )
    def military_rank(
        measure: Annotated[
            Literal["gfp", "milex", "cinc", "open"],
            Query(
                description="gfp (Global Firepower 2026), milex (SIPRI spending), cinc (COW "
                "CINC) or open (powerscope's open index)."
            ),
        ] = "gfp",
        year: Annotated[
            int | None, Query(ge=1816, le=2100, description="Year (default: the latest).")
        ] = None,
        top: Top = 0,
        fmt: Fmt = "json",
    ) -> Response:
        """Every country ranked on one measure (rank 1 = strongest), with the measure's unit
        and source."""
        from powerscope.military.measures import rank

        ranking = state.cached(
            ("military", measure, year), lambda: rank(measure, year, store=store)
        )
        frame = ranking.table.head(top) if top else ranking.table
        rows = plain(frame.to_dict(orient="records"))
        payload = {"measure": measure, "year": ranking.year, "unit": ranking.unit,
                   "source": ranking.source, "ranking": rows}  # fmt: skip
        return table(rows, payload, fmt, csv_filename("military", measure, str(ranking.year)),
                     ["code", "name", "value", "rank"])  # fmt: skip

    @app.get(
        "/api/military/{code}",
        summary="A country's military profile",
        response_model=models.ProfileOut,
        responses=ERRORS,
    )
    def military_profile(code: CountryCode) -> Response:
        """A country on every military measure (value, rank, year, unit, source), with SIPRI
        spending and CINC over the last ten years."""
        resolved = resolve_country(code, where="country code")
        return json_response(_military(state, resolved))

    @app.get(
        "/api/arms/exporters",
        summary="Largest arms exporters in a period",
        response_model=models.ExportersOut,
        responses=CSV_TOO,
    )
    def arms_exporters(
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
        rows = plain(frame[["code", "name", "tiv", "share", "rank"]].to_dict(orient="records"))
        label = f"{span[0]}-{span[1]}"
        payload = {"period": label, "unit": "TIV (SIPRI trend-indicator value, millions); share "
                   "in percent of the world total", "edition": data.edition,
                   "source": data.source, "ranking": rows}  # fmt: skip
        return table(rows, payload, fmt, csv_filename("arms-exporters", label),
                     ["code", "name", "tiv", "share", "rank"])  # fmt: skip

    @app.get(
        "/api/arms/trend",
        summary="Annual arms exports of some countries",
        response_model=models.TrendOut,
        responses=ERRORS,
    )
    def arms_trend(
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
                f"end {end} is before start {start}", where="end", fix="e.g. start=1990&end=2024"
            )
        wanted = [c.strip() for c in codes.split(",") if c.strip()]
        if not wanted or len(wanted) > 30:
            raise SpecError("give 1 to 30 country codes", where="codes", fix="e.g. codes=KOR,CHN")
        resolved = [resolve_country(c, where="codes") for c in wanted]
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

    @app.get(
        "/api/arms/{code}",
        summary="A country's arms exports profile",
        response_model=models.ProfileOut,
        responses=ERRORS,
    )
    def arms_profile(
        code: CountryCode,
        period: Annotated[
            str, Query(max_length=20, description="Period for clients and categories.")
        ] = "2020-2024",
    ) -> Response:
        """Five-year shares and ranks over time, clients with shares (and their concentration),
        weapon categories, regions and pending orders."""
        from powerscope.arms.analytics import parse_period

        resolved = resolve_country(code, where="country code")
        span = parse_period(period)
        return json_response(_arms_profile(state, resolved, span))

    @app.get(
        "/api/alignment/{code}/partners",
        summary="Like-minded partners of a country",
        response_model=models.PartnersOut,
        responses=CSV_TOO,
    )
    def partners(
        code: CountryCode,
        top: Top = 20,
        runs: Annotated[
            int, Query(ge=0, le=5000, description="Uncertainty runs for rank intervals (0: none).")
        ] = 1000,
        seed: Annotated[int, Query(ge=0, le=2**32 - 1, description="Random seed.")] = 1,
        weights: WeightsQuery = None,
        fmt: Fmt = "json",
    ) -> Response:
        """Every country ranked by like-mindedness with the focal country (the 'partners'
        index: UN votes, alliances, democracy, institutions, IGOs, trade), with each component,
        its evidence, and median and 5th-95th percentile ranks."""
        resolved = resolve_country(code, where="country code")
        parsed = parse_weights(weights)
        report = _partners(state, resolved, runs, seed, parsed)
        rows = report["partners"][:top] if top else report["partners"]
        payload = {**report, "partners": rows}
        flat = [{**{k: v for k, v in r.items() if k not in ("components", "evidence")},
                 **r["components"]} for r in rows]  # fmt: skip
        columns = ["rank", "code", "name", "score", "median", "p05", "p95", "named_like_minded",
                   *report["weights"]]  # fmt: skip
        return table(flat, payload, fmt, csv_filename(resolved, "partners"), columns)

    @app.get(
        "/api/alignment/{code}/agreement",
        summary="UN vote agreement of a country with every other",
        response_model=models.AgreementOut,
        responses=CSV_TOO,
    )
    def agreement(
        code: CountryCode,
        year: Annotated[
            int | None, Query(ge=1946, le=2100, description="Year of UN votes (default: the last).")
        ] = None,
        top: Top = 0,
        fmt: Fmt = "json",
    ) -> Response:
        """Agreement in UN General Assembly roll calls (share of votes alike, 0-1) and
        chance-corrected measures (Signorino-Ritter S, Cohen's kappa, Scott's pi)."""
        resolved = resolve_country(code, where="country code")
        payload = _agreement(state, resolved, year)
        rows = payload["agreement"][:top] if top else payload["agreement"]
        columns = list(rows[0]) if rows else ["code", "name", "agreement"]
        return table(rows, {**payload, "agreement": rows}, fmt,
                     csv_filename(resolved, "agreement", str(payload["year"])), columns)  # fmt: skip

    @app.get(
        "/api/claims",
        summary="The debate's claims, checked",
        response_model=models.ClaimsOut,
        responses=CSV_TOO,
    )
    def claims(fmt: Fmt = "json") -> Response:
        """Each shipped claim: statement, verdict (confirmed, differs, cannot check), the stated
        and the computed value, and the data edition."""
        rows = state.claims()
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
        payload = {"source": "powerscope claim checker (powerscope/claims.yaml)",
                   "counts": counts, "claims": rows}  # fmt: skip
        return table(rows, payload, fmt, csv_filename("claims"),
                     ["id", "statement", "verdict", "stated", "computed", "edition", "note"])  # fmt: skip


def _section(make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """One part of a country profile; a part without data says why instead of failing."""
    try:
        return {"available": True, **make()}
    except PowerscopeError as exc:
        return {"available": False, "reason": exc.message}


def _military(state: AppState, code: str) -> dict[str, Any]:
    from powerscope.countries import name_of
    from powerscope.military.measures import profile

    report = state.cached(("military-profile", code), lambda: profile(code, store=state.store))
    return {**report, "name": name_of(code)}


def _arms_profile(state: AppState, code: str, span: tuple[int, int]) -> dict[str, Any]:
    from powerscope.arms.service import profile

    key = ("arms-profile", code, span)
    made = state.cached(key, lambda: plain(profile(state.arms(), code, f"{span[0]}-{span[1]}")))
    return dict(made)


def _partners(
    state: AppState, code: str, runs: int, seed: int, weights: dict[str, float]
) -> dict[str, Any]:
    from powerscope.alignment.service import like_minded

    def make() -> dict[str, Any]:
        report = like_minded(code, weights=weights or None, renormalise=True, runs=runs, seed=seed,
                             store=state.store)  # fmt: skip
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

    key = ("partners", code, runs, seed, tuple(sorted(weights.items())))
    return dict(state.cached(key, make))


def _agreement(state: AppState, code: str, year: int | None) -> dict[str, Any]:
    from powerscope.alignment.agreement import agreement_with
    from powerscope.countries import name_of

    data = state.unvotes()
    last = int(data.calls["year"].max())
    year = last if year is None else year
    if year > last or year < int(data.calls["year"].min()):
        raise SpecError(
            f"no UN votes in {year}",
            where="year",
            fix=f"use a year from {int(data.calls['year'].min())} to {last}",
        )

    def make() -> dict[str, Any]:
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
                      "source": _SOURCE_VOTES, "agreement": rows})  # fmt: skip

    return dict(state.cached(("agreement", code, year), make))


def _country(state: AppState, code: str) -> dict[str, Any]:
    from powerscope.countries import name_of
    from powerscope.index.service import country_profile

    def technology() -> dict[str, Any]:
        ceti = state.index("ceti").default
        if not ceti.has(code):
            raise SpecError(f"{name_of(code)} is not covered by the CETI",
                            fix="the CETI covers: " + ", ".join(sorted(ceti.codes)))  # fmt: skip
        return plain(country_profile(ceti, code))

    def arms() -> dict[str, Any]:
        report = _arms_profile(state, code, (2020, 2024))
        trend = {row["period"]: row for row in report["trend"]}
        return {
            "period": report["period"],
            "current": trend.get(report["period"]),
            "previous": trend.get("2015-2019"),
            "clients": report["clients"][:5],
            "pending_tiv": report["pending_tiv"],
            "edition": report["edition"],
            "source": report["source"],
        }

    def alignment() -> dict[str, Any]:
        report = _partners(state, code, 0, 1, {})
        return {
            "partners": [
                {k: p[k] for k in ("rank", "code", "name", "score")}
                for p in report["partners"][:10]
            ],
            "years": report["years"],
            "source": report["source"],
        }

    return {
        "code": code,
        "name": name_of(code),
        "technology": _section(technology),
        "military": _section(lambda: _military(state, code)),
        "arms": _section(arms),
        "alignment": _section(alignment),
    }


# -- uploads --------------------------------------------------------------------------------

_bearer = HTTPBearer(auto_error=False, description="The operator's API token (uploads only).")


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Allow a write only with the operator's token (compared in constant time)."""
    token: str | None = request.app.state.token
    if not token:
        raise WritesDisabledError(
            "uploads are disabled: this server has no API token",
            where="server configuration",
            fix="the operator sets POWERSCOPE_API_TOKEN or runs 'powerscope serve --token-file FILE'",
        )
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
        raise UnauthorizedError(
            "missing or wrong API token",
            where="Authorization header",
            fix="send 'Authorization: Bearer <token>' with the operator's token",
        )


UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    401: {"model": models.ErrorOut, "description": "Missing or wrong token."},
    403: {"model": models.ErrorOut, "description": "Uploads are disabled (no token configured)."},
    409: {"model": models.ErrorOut, "description": "The spec would shadow a built-in index."},
    413: {"model": models.ErrorOut, "description": "Larger than 5 MB."},
    415: {"model": models.ErrorOut, "description": "Not a .csv (datasets) or .yaml (specs)."},
}


Upload = Annotated[UploadFile, File(description="The file (multipart/form-data field 'file').")]


async def _read_upload(file: UploadFile, limit: int) -> bytes:
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise TooLargeError(
            f"upload larger than {limit // (1024 * 1024)} MB",
            where=f"file {file.filename!r}",
            fix="upload a smaller file",
        )
    return content


def _add_upload_routes(app: FastAPI, state: AppState) -> None:
    uploads = state.uploads

    @app.post(
        "/api/uploads/datasets",
        summary="Upload a dataset (CSV)",
        status_code=201,
        response_model=models.UploadOut,
        responses=UPLOAD_ERRORS,
        dependencies=[Depends(require_token)],
    )
    async def upload_dataset(file: Upload) -> Response:
        """A CSV with a header, a 'code' (or 'uCode') column and numeric indicator columns, for
        an uploaded spec's 'data_file'. Checked before it is stored; never written to the
        warehouse."""
        name = _sanitise(file.filename, "datasets")
        content = await _read_upload(file, uploads.max_bytes)
        info = check_csv(content, name)
        record = await run_in_threadpool(
            uploads.save, "datasets", name, content,
            {"columns": info["columns"], "rows": info["rows"], "numeric": info["numeric"]},
        )  # fmt: skip
        return json_response(public(record), status_code=201)

    @app.post(
        "/api/uploads/specs",
        summary="Upload an index spec (YAML)",
        status_code=201,
        response_model=models.UploadOut,
        responses=UPLOAD_ERRORS,
        dependencies=[Depends(require_token)],
    )
    async def upload_spec(file: Upload) -> Response:
        """An index spec in powerscope's YAML (see powerscope/indices/ceti.yaml) on a warehouse
        'table' or an uploaded dataset ('data_file': its id or file name). It is parsed,
        validated and computed once before it is stored; it then appears in GET /api/indices."""
        name = _sanitise(file.filename, "specs")
        content = await _read_upload(file, uploads.max_bytes)
        record = await run_in_threadpool(_store_spec, state, name, content)
        return json_response(public(record), status_code=201)

    @app.get(
        "/api/uploads",
        summary="The uploads",
        response_model=models.UploadsOut,
        responses=CSV_TOO,
    )
    def list_uploads(fmt: Fmt = "json") -> Response:
        """Every uploaded dataset and spec: id, kind, file name, size, sha256, time."""
        rows = [public(r) for r in uploads.records()]
        return table(rows, {"uploads": rows}, fmt, csv_filename("uploads"),
                     ["id", "kind", "name", "bytes", "sha256", "created", "index"])  # fmt: skip


def _store_spec(state: AppState, name: str, content: bytes) -> dict[str, Any]:
    from powerscope.index.service import compute_index

    spec, fields = state.uploads.check_spec(content, name, reserved=state.builtin_names())
    units = None
    if spec.extra.get("data_file"):
        units = state.uploads.record("datasets", str(fields["data_file"]))["rows"]
    uses_copeland = spec.aggregate == "copeland" or any(
        n.aggregate == "copeland" for _, n in spec.walk()
    )
    if uses_copeland and (units is None or units > COPELAND_MAX_UNITS):
        raise SpecError(
            "Copeland aggregation is accepted for uploaded data of at most "
            f"{COPELAND_MAX_UNITS} units",
            where=name,
            fix="use another aggregation",
        )
    try:
        compute_index(spec, store=state.store)
    except PowerscopeError as exc:
        raise SpecError(f"the spec cannot be computed: {exc.message}", where=name,
                        fix=exc.fix or "check its data and steps") from None  # fmt: skip
    except (TypeError, ValueError, ArithmeticError, KeyError) as exc:
        raise SpecError(f"the spec cannot be computed: {exc}", where=name,
                        fix="check its data and steps") from None  # fmt: skip
    return state.uploads.save("specs", name, content, fields)


# -- static dashboard ------------------------------------------------------------------------


def _plotly_js() -> Path | None:
    found = find_spec("plotly")
    if found is None or not found.submodule_search_locations:
        return None
    path = Path(next(iter(found.submodule_search_locations))) / "package_data" / "plotly.min.js"
    return path if path.is_file() else None


def _add_static(app: FastAPI) -> None:
    plotly = _plotly_js()

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        if plotly is None:
            raise StarletteHTTPException(404, "plotly is not installed")
        # 4.8 MB that only changes with the plotly package: let browsers keep it for a day
        return FileResponse(
            plotly, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
        )

    @app.get("/", include_in_schema=False)
    def dashboard() -> Response:
        index = STATIC_DIR / "index.html"
        if not index.is_file():
            return HTMLResponse("<!doctype html><title>powerscope</title><p>powerscope API: "
                                "<a href='/openapi.json'>/openapi.json</a></p>")  # fmt: skip
        return FileResponse(index, media_type="text/html")

    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
