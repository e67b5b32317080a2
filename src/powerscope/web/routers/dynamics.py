"""The dynamic model in the HTTP API (``/api/dynamics/...``): a thin shell over
:mod:`powerscope.dynamics.service`.

Calibrations (about a second each) are computed once per (country, fit window) and kept; runs,
loop readings, backtests and comparisons are cached per request. Each is computed by a
module-level ``*_report`` function sent to the app's worker processes
(:meth:`powerscope.web.state.AppState.dynamics_task`) with plain arguments. Scenarios are named (shipped
with powerscope, or saved by the operator's token holders with ``POST /api/dynamics/scenarios``)
or written inline in a run's body; every one is validated by
:func:`powerscope.dynamics.scenario.parse_scenario` before anything runs or is stored. Costs are
bounded: at most 20,000 runs, projections to 2100 at the latest, six countries in a comparison.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from powerscope.data.store import Store
from powerscope.dynamics.cite import citations
from powerscope.dynamics.service import (
    DEFAULT_FIT,
    backtest_origins_report,
    backtest_report,
    calibration_report,
    compare_report,
    loops_report,
    parameter_table,
    parse_years,
    scenario_list,
    scenario_report,
)
from powerscope.errors import DataFormatError, PeriodError, SpecError
from powerscope.web import models
from powerscope.web.common import (
    CSV_TOO,
    ERRORS,
    CountryCode,
    Fmt,
    State,
    about,
    country_code,
    require_token,
    write_errors,
)
from powerscope.web.state import AppState
from powerscope.web.tables import csv_filename, json_response, table
from powerscope.web.uploads import MAX_SCENARIO_BYTES, check_scenario, public, sanitise_filename

#: the most ensemble runs one request may ask for
MAX_RUNS = 20_000
#: the most runs per country in a comparison (each country is calibrated and run)
MAX_COMPARE_RUNS = 5_000
#: the most countries in one comparison
MAX_COMPARE = 6
#: the last year a projection may reach
LAST_YEAR = 2100
#: the first year a fit window may start (the model's series start in 1990)
FIRST_FIT_YEAR = 1960
#: the most forecast origins in one multi-origin backtest
MAX_ORIGINS = 6
#: the single-window backtest's windows when neither ``fit`` nor ``test`` is given
BACKTEST_FIT, BACKTEST_TEST = "1996-2014", "2015-2023"

router = APIRouter()

SCENARIO_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
YEARS_PATTERN = r"^\d{4}-\d{4}$"

BACKTEST_COLUMNS = ["name", "metric", "model_error", "last_value_error", "baseline_error",
                    "ets_error", "ets_model", "model_beats_naive", "best", "coverage_90",
                    "coverage_90_noise", "test_years"]  # fmt: skip
ORIGINS_COLUMNS = ["name", "unit", "metric", "origins", "model_error", "last_value_error",
                   "baseline_error", "ets_error", "model_beats_naive", "ets_beats_naive",
                   "coverage_90", "coverage_90_noise", "use", "use_error", "advice"]  # fmt: skip
RUN_COLUMNS = ["output", "unit", "year", "p05", "median", "p95", "effect_p05", "effect_median",
               "effect_p95"]  # fmt: skip
LOOP_COLUMNS = ["year", "mode", "dominant_loop", "knowledge_growth", "gdp_growth",
                "reinforcing_impact", "balancing_impact", "R1_knowledge", "R2_knowledge",
                "R3_knowledge", "R4_knowledge", "B1_knowledge", "B2_knowledge"]  # fmt: skip
CALIBRATION_COLUMNS = ["parameter", "value", "sd", "unit", "kind", "equation", "r2", "n",
                       "years", "prior_mean", "prior_sd", "meaning", "reference"]  # fmt: skip
PARAMETER_COLUMNS = ["name", "kind", "unit", "low", "high", "default", "plausible", "prior",
                     "meaning", "reference"]  # fmt: skip

ScenarioQuery = Annotated[
    str,
    Query(
        min_length=1,
        max_length=64,
        pattern=SCENARIO_PATTERN,
        description="A shipped or saved scenario's name (GET /api/dynamics/scenarios), e.g. "
        "baseline, thousand-talents, rd-boost.",
    ),
]
YearsQuery = Annotated[
    str,
    Query(
        max_length=9,
        pattern=YEARS_PATTERN,
        description=f"Projection years FIRST-LAST, after the calibration's last year and at "
        f"most {LAST_YEAR}, e.g. 2025-2050.",
    ),
]
FitQuery = Annotated[
    str,
    Query(
        max_length=9,
        pattern=YEARS_PATTERN,
        description="Calibration (fit) window FIRST-LAST, inclusive, e.g. 1996-2023.",
    ),
]
BacktestFitQuery = Annotated[
    str | None,
    Query(
        max_length=9,
        pattern=YEARS_PATTERN,
        description=f"Calibration (fit) window FIRST-LAST, inclusive (default {BACKTEST_FIT}); "
        "not with origins.",
    ),
]
BacktestTestQuery = Annotated[
    str | None,
    Query(
        max_length=9,
        pattern=YEARS_PATTERN,
        description=f"Test window FIRST-LAST, starting the year after the fit window (default "
        f"{BACKTEST_TEST}); not with origins.",
    ),
]
OriginsQuery = Annotated[
    str | None,
    Query(
        max_length=40,
        description=f"Forecast origins (last fit years), comma-separated, e.g. 2005,2010,2014 "
        f"(at most {MAX_ORIGINS}): a backtest from each, fitted from 1996 and scored to the "
        "data's last year. Not with fit or test.",
    ),
]
Seed = Annotated[
    int, Query(ge=0, le=2**32 - 1, description="Random seed (same seed, same result).")
]

SCENARIO_UPLOAD_ERRORS = write_errors(
    disabled="Writes are disabled (no token configured).",
    conflict="The name is a shipped scenario's.",
    too_large="Larger than 64 KB.",
    kinds="A file that is not .yaml, .yml or .json.",
)
_SCENARIO_BODY = {
    "requestBody": {
        "required": True,
        "description": "The scenario: YAML or JSON as the body (Content-Type application/yaml, "
        "text/yaml, text/plain or application/json), or a file in a multipart form (field "
        "'file', *.yaml, *.yml or *.json).",
        "content": {
            "application/json": {
                "schema": {"type": "object", "additionalProperties": True},
                "example": {
                    "name": "my-programme",
                    "title": "500 recruits a year",
                    "set": {"recruits": {"value": 500, "from": 2026, "to": 2035}},
                },
            },
            "application/yaml": {"schema": {"type": "string"}},
            "text/plain": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


def cited(report: dict[str, Any], store: Store) -> dict[str, Any]:
    """The report with ``source`` (its ``sources`` as one citation string) and ``citations``
    (each dataset of ``sources`` as the store cites it: edition and data years)."""
    sources = report.get("sources", {})
    citations = [store.citation(str(dataset)).to_dict() for dataset in sources]
    return {**report, "source": "; ".join(sources.values()), "citations": citations}


def projection_years(text: str, parameter: str = "years") -> tuple[int, int]:
    """A projection window FIRST-LAST, refused beyond :data:`LAST_YEAR`."""
    first, last = parse_years(text, parameter)
    if last > LAST_YEAR:
        raise PeriodError(
            f"projection to {last} is refused here",
            parameter=parameter,
            fix=f"end the projection in {LAST_YEAR} or earlier, e.g. 2025-2050",
        )
    return first, last


def fit_years(text: str, parameter: str = "fit") -> tuple[int, int]:
    """A calibration window FIRST-LAST within the years the model's data can cover."""
    first, last = parse_years(text, parameter)
    if first < FIRST_FIT_YEAR or last > LAST_YEAR:
        raise PeriodError(
            f"window {first}-{last} is outside the years of data",
            parameter=parameter,
            fix="use years with World Bank data, e.g. 1996-2023",
        )
    return first, last


def run_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """A run's bands as a long table: one row per output and year."""
    return [
        {"output": s["name"], "unit": s["unit"], "year": year,
         **{k: s[k][i] for k in RUN_COLUMNS[3:]}}
        for s in report["series"]
        for i, year in enumerate(report["years"])
    ]  # fmt: skip


def scenario_of(state: AppState, choice: str | dict[str, Any]) -> tuple[Any, Any]:
    """A named or inline scenario and its cache key; errors name the field 'scenario'."""
    with about("scenario", SpecError):
        return state.scenario(choice, where="scenario")


def run_of(
    state: AppState,
    code: str,
    choice: str | dict[str, Any],
    years: tuple[int, int],
    runs: int,
    seed: int,
    noise: bool = False,
) -> dict[str, Any]:
    """A scenario run for ``code`` (cached per request; computed by :func:`run_report` in a
    worker process)."""
    key, _ = scenario_of(state, choice)  # an invalid scenario is refused before a slot is taken
    return state.dynamics_task(("run", code, key, years, runs, seed, noise), run_report,
                               code, choice, years, runs, seed, noise)  # fmt: skip


def run_report(
    state: AppState,
    code: str,
    choice: str | dict[str, Any],
    years: tuple[int, int],
    runs: int,
    seed: int,
    noise: bool,
) -> dict[str, Any]:
    """A scenario run for ``code``, cited (a heavy task: :meth:`AppState.dynamics_task`)."""
    _, scenario = scenario_of(state, choice)
    calibration = state.calibration(code, DEFAULT_FIT)
    report = scenario_report(code, scenario, years=years, runs=runs, seed=seed,
                             calibration=calibration, noise=noise, store=state.store)  # fmt: skip
    return cited(report, state.store)


def loops_of(state: AppState, code: str, choice: str, last: int) -> dict[str, Any]:
    """The feedback loops' readings for ``code`` to ``last`` (cached; computed by
    :func:`loops_of_report` in a worker process)."""
    key, _ = scenario_of(state, choice)
    return state.dynamics_task(("loops", code, key, last), loops_of_report, code, choice, last)


def loops_of_report(state: AppState, code: str, choice: str, last: int) -> dict[str, Any]:
    """The feedback loops' readings for ``code`` to ``last``, cited (a heavy task)."""
    _, scenario = scenario_of(state, choice)
    calibration = state.calibration(code, DEFAULT_FIT)
    if last <= calibration.start + 1:
        raise PeriodError(
            f"last year {last} is not after the calibration's last year ({calibration.start})",
            parameter="last",
            fix=f"use {calibration.start + 2} or later, e.g. 2050",
        )
    report = loops_report(code, scenario, last=last, calibration=calibration,
                          store=state.store)  # fmt: skip
    return cited({**report, "sources": citations(calibration, state.store)}, state.store)


def scenario_rows(state: AppState) -> list[dict[str, Any]]:
    """The shipped scenarios, then the saved ones (a saved name a shipped one took is hidden)."""
    rows = [{**row, "kind": "shipped"} for row in scenario_list()]
    shipped = {row["name"] for row in rows}
    for name, record in sorted(state.saved_scenarios().items()):
        if name in shipped:  # saved before a shipped scenario of that name existed
            continue
        rows.append({"name": name, "title": str(record.get("title") or ""),
                     "description": str(record.get("description") or ""), "kind": "saved",
                     "id": record["id"], "created": record.get("created")})  # fmt: skip
    return rows


def compare_codes(codes: str) -> list[str]:
    """2 to :data:`MAX_COMPARE` distinct countries from a comma-separated list."""
    wanted = list(dict.fromkeys(c.strip() for c in codes.split(",") if c.strip()))
    if not 2 <= len(wanted) <= MAX_COMPARE:
        raise SpecError(
            f"{len(wanted)} countries given",
            parameter="codes",
            fix=f"give 2 to {MAX_COMPARE} country codes, e.g. codes=KOR,CHN",
        )
    resolved = list(dict.fromkeys(country_code(c, field="codes", where="codes") for c in wanted))
    if len(resolved) < 2:
        raise SpecError("the codes name one country", parameter="codes", fix="e.g. KOR,CHN")
    return resolved


def compare_of_report(
    state: AppState,
    codes: list[str],
    choice: str,
    years: tuple[int, int],
    runs: int,
    seed: int,
) -> dict[str, Any]:
    """Countries side by side under one scenario, cited (a heavy task)."""
    _, chosen = scenario_of(state, choice)
    sources: dict[str, str] = {}
    calibrations = {}
    for code in codes:  # calibrates (and checks) every country first, each once
        calibrations[code] = state.calibration(code, DEFAULT_FIT)
        sources.update(citations(calibrations[code], state.store))
    report = compare_report(codes, chosen, years=years, runs=runs, seed=seed,
                            calibrations=calibrations, store=state.store)  # fmt: skip
    return cited({**report, "sources": sources}, state.store)


def calibration_of_report(state: AppState, code: str, fit: tuple[int, int]) -> dict[str, Any]:
    """The calibration report of ``code`` on ``fit``, cited (a heavy task)."""
    return cited(calibration_report(code, fit, store=state.store), state.store)


def backtest_of_report(
    state: AppState,
    code: str,
    fit: tuple[int, int],
    test: tuple[int, int],
    runs: int,
    seed: int,
) -> dict[str, Any]:
    """The backtest of ``code``, cited (a heavy task)."""
    report = backtest_report(code, fit, test, runs=runs, seed=seed, store=state.store)
    return cited(report, state.store)


def origin_years(text: str, fit: str | None = None, test: str | None = None) -> tuple[int, ...]:
    """Forecast origins from a comma-separated list of years ('2005,2010,2014'), distinct and
    in order; anything else, or origins with a ``fit`` or ``test`` window, is refused naming
    ``origins``."""
    if fit is not None or test is not None:
        given = ", ".join(n for n, v in (("fit", fit), ("test", test)) if v is not None)
        raise SpecError(
            f"origins and {given} given together",
            parameter="origins",
            fix="give either origins (several forecast origins, e.g. 2005,2010,2014) or fit "
            "and test (one window, e.g. fit=1996-2014&test=2015-2023)",
        )
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts or not all(part.isdigit() and len(part) == 4 for part in parts):
        raise PeriodError(
            f"{text!r} is not a list of years",
            parameter="origins",
            fix="give years separated by commas, e.g. origins=2005,2010,2014",
        )
    years = tuple(sorted({int(part) for part in parts}))
    if len(years) > MAX_ORIGINS:
        raise PeriodError(
            f"{len(years)} origins given",
            parameter="origins",
            fix=f"give at most {MAX_ORIGINS} origins, e.g. 2005,2010,2014",
        )
    outside = [year for year in years if not FIRST_FIT_YEAR <= year <= LAST_YEAR]
    if outside:
        raise PeriodError(
            f"origin {outside[0]} is outside the years of data",
            parameter="origins",
            fix="use years with World Bank data, e.g. 2005,2010,2014",
        )
    return years


def backtest_origins_of_report(
    state: AppState, code: str, origins: tuple[int, ...], runs: int, seed: int
) -> dict[str, Any]:
    """The backtests of ``code`` from several forecast origins, cited (a heavy task). An
    origin the data cannot serve (no test years after it, a fit or test window outside the
    data, a fit window too short) is refused naming ``origins``."""
    try:
        report = backtest_origins_report(code, origins, runs=runs, seed=seed, store=state.store)
    except (SpecError, DataFormatError) as exc:  # the windows an origin makes: from 1996, after it
        if exc.parameter not in ("fit", "test"):
            raise
        raise PeriodError(
            f"origins {','.join(map(str, origins))}: {exc.what}",
            parameter="origins",
            fix="give origins with data before and after them, e.g. 2005,2010,2014",
        ) from None
    return cited(report, state.store)


@router.get(
    "/api/dynamics/scenarios",
    summary="Scenarios of the dynamic model",
    response_model=models.DynScenariosOut,
    responses=CSV_TOO,
)
def dynamics_scenarios(state: State, fmt: Fmt = "json") -> Response:
    """The scenarios shipped with powerscope (baseline, rd-boost, thousand-talents, ...)
    and those saved with POST /api/dynamics/scenarios: name, title, description, kind."""
    rows = scenario_rows(state)
    return table(rows, {"scenarios": rows}, fmt, csv_filename("dynamics-scenarios"),
                 ["name", "kind", "title", "description", "id", "created"])  # fmt: skip


@router.get(
    "/api/dynamics/parameters",
    summary="Parameters of the dynamic model",
    response_model=models.DynParametersOut,
    responses=CSV_TOO,
)
def dynamics_parameters(fmt: Fmt = "json") -> Response:
    """Every parameter a scenario can change or the calibration estimates: kind (lever,
    calibrated, literature), unit, meaningful range (low-high), default, plausible range,
    prior, meaning and reference."""
    rows = parameter_table()
    return table(rows, {"parameters": rows}, fmt, csv_filename("dynamics-parameters"),
                 PARAMETER_COLUMNS)  # fmt: skip


@router.get(
    "/api/dynamics/compare",
    summary="Countries side by side under one scenario",
    response_model=models.DynCompareOut,
    responses=CSV_TOO,
)
def dynamics_compare(
    state: State,
    codes: Annotated[
        str,
        Query(
            max_length=300,
            description=f"2 to {MAX_COMPARE} country codes or names, comma-separated.",
        ),
    ] = "KOR,CHN",
    scenario: ScenarioQuery = "baseline",
    years: YearsQuery = "2025-2050",
    runs: Annotated[
        int,
        Query(ge=1, le=MAX_COMPARE_RUNS, description="Ensemble runs per country, 1-5000."),
    ] = 500,
    seed: Seed = 1,
    fmt: Fmt = "json",
) -> Response:
    """Each country's projection in the last year (median and 5th-95th percentiles of GDP,
    R&D intensity, researchers, articles, military spending, arms exports), its dominant
    loop and mode (virtuous, vicious, balancing)."""
    resolved = compare_codes(codes)
    span = projection_years(years)
    key, _ = scenario_of(state, scenario)
    report = state.dynamics_task(("compare", tuple(resolved), key, span, runs, seed),
                                 compare_of_report, resolved, scenario, span, runs, seed)  # fmt: skip
    rows = report["countries"]
    return table(rows, report, fmt, csv_filename("dynamics-compare", report["scenario"]),
                 list(rows[0]) if rows else ["code"])  # fmt: skip


@router.get(
    "/api/dynamics/{code}/calibration",
    summary="The dynamic model calibrated for a country",
    response_model=models.DynCalibrationOut,
    responses=CSV_TOO,
)
def dynamics_calibration(
    state: State, code: CountryCode, fit: FitQuery = "1996-2023", fmt: Fmt = "json"
) -> Response:
    """Every parameter (value and standard deviation, unit, equation, fit R², prior,
    meaning, reference), the equations' fits, the initial state and the sources. With
    format=csv: the parameters."""
    resolved = country_code(code)
    span = fit_years(fit)
    report = state.dynamics_task(("calibration-report", resolved, span), calibration_of_report,
                                 resolved, span)  # fmt: skip
    name = csv_filename(resolved, "dynamics-calibration", fit)
    return table(report["parameters"], report, fmt, name, CALIBRATION_COLUMNS)


@router.get(
    "/api/dynamics/{code}/backtest",
    summary="Backtest of the dynamic model for a country",
    response_model=models.DynBacktestOut | models.DynBacktestOriginsOut,
    responses=CSV_TOO,
)
def dynamics_backtest(
    state: State,
    code: CountryCode,
    fit: BacktestFitQuery = None,
    test: BacktestTestQuery = None,
    origins: OriginsQuery = None,
    runs: Annotated[int, Query(ge=1, le=MAX_RUNS, description="Ensemble runs, 1-20000.")] = 1000,
    seed: Seed = 1,
    fmt: Fmt = "json",
) -> Response:
    """Calibrated on the fit window, projected over the test window, scored against the
    data: for each of 8 series the model's error, the last value's, the naive trend's
    (drift, ``baseline_error``) and exponential smoothing's (AutoETS, ``ets_error``), all
    mean absolute percentage errors; whether the model beats both naive forecasts; the
    forecast with the lowest error (``best``); and the share of test values inside the
    model's 90% band (parameters only, and with year-by-year shocks).

    With ``origins``: one backtest from each origin (rolling origin), summed up per series
    over the origins (mean errors, how many origins the model and ETS beat both naive
    forecasts, coverage, ``use``: the forecast powerscope recommends for the series, and
    ``advice``), a ``summary`` over all series-origin cases, ``by_origin`` and the
    per-origin reports (``backtests``). With format=csv: one row per series."""
    resolved = country_code(code)
    if origins is not None:
        chosen = origin_years(origins, fit=fit, test=test)
        report = state.dynamics_task(("backtest-origins", resolved, chosen, runs, seed),
                                     backtest_origins_of_report, resolved, chosen, runs, seed)  # fmt: skip
        name = csv_filename(resolved, "dynamics-backtest", "origins", *map(str, chosen))
        return table(report["series"], report, fmt, name, ORIGINS_COLUMNS)
    fit, test = fit or BACKTEST_FIT, test or BACKTEST_TEST
    fit_span, test_span = fit_years(fit), fit_years(test, "test")
    report = state.dynamics_task(("backtest", resolved, fit_span, test_span, runs, seed),
                                 backtest_of_report, resolved, fit_span, test_span, runs, seed)  # fmt: skip
    name = csv_filename(resolved, "dynamics-backtest", fit, test)
    return table(report["series"], report, fmt, name, BACKTEST_COLUMNS)


@router.post(
    "/api/dynamics/{code}/run",
    summary="Run a scenario for a country",
    response_model=models.DynRunOut,
    responses=ERRORS,
)
def dynamics_run_post(
    state: State, code: CountryCode, request: Annotated[models.RunRequest | None, Body()] = None
) -> Response:
    """The scenario's projection of every output (GDP, R&D intensity, researchers,
    recruits, articles, patents, high-tech exports, knowledge, military spending and
    capital, defence industry, arms exports) with 5th, 50th and 95th percentiles over the
    runs, its effect against the baseline in % (run by run) and the last year's headline
    figures. The scenario is a name or written inline; invalid ones are refused with 422."""
    request = request or models.RunRequest()
    resolved = country_code(code)
    span = projection_years(request.years)
    report = run_of(state, resolved, request.scenario, span, request.runs, request.seed,
                    noise=request.noise)  # fmt: skip
    return json_response(report, clean=False)


@router.get(
    "/api/dynamics/{code}/run",
    summary="Run a named scenario for a country",
    response_model=models.DynRunOut,
    responses=CSV_TOO,
)
def dynamics_run_get(
    state: State,
    code: CountryCode,
    scenario: ScenarioQuery = "baseline",
    years: YearsQuery = "2025-2050",
    runs: Annotated[int, Query(ge=1, le=MAX_RUNS, description="Ensemble runs, 1-20000.")] = 2000,
    seed: Seed = 1,
    noise: Annotated[
        bool, Query(description="Add year-by-year shocks (bands for levels).")
    ] = False,
    fmt: Fmt = "json",
) -> Response:
    """As POST .../run for a shipped or saved scenario. With format=csv a long table: one
    row per output and year (output, unit, year, p05, median, p95, effect_p05,
    effect_median, effect_p95; effects in % against the baseline)."""
    resolved = country_code(code)
    span = projection_years(years)
    report = run_of(state, resolved, scenario, span, runs, seed, noise=noise)
    if fmt == "csv":
        name = csv_filename(resolved, "dynamics", scenario, years)
        return table(run_rows(report), report, fmt, name, RUN_COLUMNS)
    return json_response(report, clean=False)


@router.get(
    "/api/dynamics/{code}/loops",
    summary="Which feedback loop dominates, year by year",
    response_model=models.DynLoopsOut,
    responses=CSV_TOO,
)
def dynamics_loops(
    state: State,
    code: CountryCode,
    scenario: ScenarioQuery = "baseline",
    last: Annotated[int, Query(ge=2000, le=LAST_YEAR, description="Last projection year.")] = 2050,
    fmt: Fmt = "json",
) -> Response:
    """Each loop's impact on knowledge and GDP growth (percentage points a year; the loop
    switched off in turn), the dominant loop and the mode of each year (virtuous, vicious,
    balancing), a summary of the modes, and the observed history read the same way."""
    resolved = country_code(code)
    report = loops_of(state, resolved, scenario, last)
    name = csv_filename(resolved, "dynamics-loops", scenario)
    return table(report["years"], report, fmt, name, LOOP_COLUMNS)


@router.post(
    "/api/dynamics/scenarios",
    summary="Save a scenario",
    status_code=201,
    response_model=models.DynSavedOut,
    responses=SCENARIO_UPLOAD_ERRORS,
    dependencies=[Depends(require_token)],
    openapi_extra=_SCENARIO_BODY,
)
async def save_scenario(state: State, request: Request) -> Response:
    """A scenario in the YAML shape of docs/dynamics.md (name, title, description, set,
    add, scale, uncertain), as YAML or JSON. It is validated (known parameters, values in
    their meaningful ranges, a safe name that is not a shipped scenario's) before it is
    stored; it can then be run by name. Saving a name again replaces it (the newest
    wins; the newest 10 versions of a name are kept, older ones deleted)."""
    content, label, json_body = await scenario_body(request)
    reserved = [row["name"] for row in scenario_list()]
    scenario, stored = check_scenario(content, label, reserved, json_body=json_body)
    fields = {"name": scenario.name, "title": scenario.title,
              "description": scenario.description.strip(), "file": label}  # fmt: skip
    record = await run_in_threadpool(state.uploads.save, "scenarios", label, stored, fields)
    return json_response(public(record), status_code=201)


async def scenario_body(request: Request) -> tuple[bytes, str, bool]:
    """The scenario's bytes, a label for messages, and whether it is JSON."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=4)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise SpecError(
                "no file in the form",
                where="multipart field 'file'",
                parameter="file",
                fix="send the scenario as the form field 'file' (a .yaml or .json file)",
            )
        label = sanitise_filename(upload.filename, "scenarios")
        content = await upload.read(MAX_SCENARIO_BYTES + 1)
        return content, label, label.endswith(".json")
    content = await request.body()
    return content, "request body", kind == "application/json" or kind.endswith("+json")
