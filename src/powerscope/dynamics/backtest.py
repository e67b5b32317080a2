"""Backtest: calibrate on one window, project the next from the model, score against the data.

The model's point forecast is its central run (posterior-mean parameters) started from the last
fit year's state, with nothing from the test years (population and labour force follow their
fit-window trend unless ``demography="wpp"``). Its bands are those of the ensemble: parameter
draws only (``coverage_90``), and with year-by-year shocks too (``coverage_90_noise``, the
forecast band). The median over runs is not the point forecast: it moves with the width of the
parameter draws through the nonlinear equations, and the central run does not.
The naive baseline is trend extrapolation: each series continues from its last fit-year value
at its mean log growth over the last ten fit years (Hyndman & Athanasopoulos 2021,
Forecasting: Principles and Practice, 3rd ed., section 5.2, "drift"). Errors are mean absolute
percentage errors over the test years with data; arms exports, which are lumpy, are scored on
three-year sums. Coverage is the share of test values inside the model's 90% band: with
parameter uncertainty only (``coverage_90``) and with year-by-year shocks too
(``coverage_90_noise``, see :mod:`powerscope.dynamics.ensemble`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from powerscope.data.store import Store, open_store
from powerscope.dynamics.calibrate import PANEL, calibrate_history, calibrate_panel, check_window
from powerscope.dynamics.cite import citations, finite
from powerscope.dynamics.demography import attach_demography
from powerscope.dynamics.ensemble import central_run, run_ensemble
from powerscope.dynamics.forecasts import drift, ets, last_value
from powerscope.dynamics.history import SERIES_UNITS, History, load_history
from powerscope.dynamics.scenario import BASELINE
from powerscope.errors import PeriodError, SpecError

SERIES = (
    "gdp",
    "rd_intensity",
    "researchers",
    "articles",
    "patents",
    "hightech_exports",
    "milex",
    "arms_exports",
)
SUMMED = {"arms_exports": 3}


def mape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean absolute percentage error (%) over the pairs where the actual value is non-zero."""
    ok = np.isfinite(actual) & np.isfinite(predicted) & (actual != 0)
    if not ok.any():
        return float("nan")
    return float(100.0 * np.mean(np.abs(predicted[ok] / actual[ok] - 1.0)))


def score(actual: np.ndarray, predicted: np.ndarray, series: str) -> float:
    """A forecast's error on ``series`` as the backtests score it: MAPE (%) over the test years,
    on three-year sums for lumpy series (arms exports)."""
    span = SUMMED.get(series)
    if span:
        a = pd.Series(actual).rolling(span).sum().to_numpy()
        p = pd.Series(predicted).rolling(span).sum().to_numpy()
        return mape(a, p)
    return mape(actual, predicted)


FORECASTS = ("model", "last_value", "drift", "ets")
ERROR_FIELD = {
    "model": "model_error",
    "last_value": "last_value_error",
    "drift": "baseline_error",
    "ets": "ets_error",
}
LABELS = {
    "model": "the model",
    "last_value": "the last value",
    "drift": "the drift (trend)",
    "ets": "exponential smoothing (AutoETS)",
}
ORIGINS = (2005, 2010, 2014)
DEMOGRAPHY = {
    "trend": "labour force and population continue their last 10 fit years' growth (what was "
    "knowable at the origin)",
    "wpp": "labour force and population grow as in UN WPP 2022 (estimates made after the test "
    "years: hindsight)",
}
FIT_START = 1996


def _better(a: float, b: float) -> bool | None:
    return bool(a < b) if np.isfinite(a) and np.isfinite(b) else None


def backtest(
    code: str,
    fit: tuple[int, int] = (1996, 2014),
    test: tuple[int, int] = (2015, 2023),
    *,
    runs: int = 1000,
    seed: int = 1,
    store: Store | None = None,
    history: History | None = None,
    pooled: bool = False,
    demography: str = "trend",
) -> dict[str, Any]:
    """Errors of the model and of the naive forecasts for every series, fit then test window.

    With ``pooled`` the growth and elasticity coefficients get empirical-Bayes priors pooled
    over :data:`~powerscope.dynamics.calibrate.PANEL` on the same fit window
    (:func:`~powerscope.dynamics.calibrate.pooled_priors`); off by default because it did
    not forecast better (docs/dynamics.md).

    ``demography``: ``"trend"`` (default) continues the fit window's last ten years of
    labour-force and population growth, all that was knowable at the origin; ``"wpp"`` uses the
    UN's WPP 2022 estimates for the test years, known only after the fact, to measure what
    knowing the demography is worth (:mod:`powerscope.dynamics.demography`).

    For each series: the model's error (median of the ensemble), the drift's
    (``baseline_error``), the last value's and AutoETS's (:mod:`powerscope.dynamics.forecasts`),
    all fitted on ``fit`` only, as mean absolute percentage errors (%) over the test years with
    data; ``model_beats_naive`` says whether the model beats both naive forecasts; coverage is
    the share of test values inside the model's 90% band.
    """
    if test[0] != fit[1] + 1 or test[1] < test[0]:
        raise PeriodError(
            f"test window {test[0]}-{test[1]} must start the year after the fit window ({fit[1]})",
            parameter="test",
            fix=f"use e.g. the fit window {fit[0]}-{fit[1]} with the test window "
            f"{fit[1] + 1}-{fit[1] + 9}",
        )
    store = store or open_store()
    history = history or load_history(code, store)
    check_window(history, test, "test")
    priors = panel_priors(fit, store) if pooled else None
    calibration = calibrate_history(history, fit, priors)
    if demography not in DEMOGRAPHY:
        raise SpecError(
            f"unknown demography {demography!r}",
            parameter="demography",
            fix="use " + " or ".join(DEMOGRAPHY),
        )
    if demography == "wpp":
        attach_demography(calibration, store)
    ensemble = run_ensemble(calibration, last=test[1], runs=runs, seed=seed)
    noisy = run_ensemble(calibration, last=test[1], runs=runs, seed=seed, noise=True)
    central = central_run(calibration, BASELINE, test[1])
    years = np.arange(test[0], test[1] + 1)
    index = np.searchsorted(ensemble.years, years)
    observed = history.frame
    rows: list[dict[str, Any]] = []
    for series in SERIES:
        actual = observed[series].reindex(years).to_numpy(dtype=float)
        band = ensemble.band(series)[index]
        median = central[series][index, 0]
        has = np.isfinite(actual)
        covered = has & (actual >= band[:, 0]) & (actual <= band[:, 2])
        wide = noisy.band(series)[index]
        covered_noise = has & (actual >= wide[:, 0]) & (actual <= wide[:, 2])
        ets_path, ets_model = ets(observed[series], fit, years)
        errors = {
            "model": score(actual, median, series),
            "drift": score(actual, drift(observed[series], fit[1], years), series),
            "last_value": score(actual, last_value(observed[series], fit[1], years), series),
            "ets": score(actual, ets_path, series),
        }
        naive = min(errors["drift"], errors["last_value"])
        scored = {k: v for k, v in errors.items() if np.isfinite(v)}
        rows.append(
            {
                "name": series,
                "unit": SERIES_UNITS[series],
                "metric": "MAPE (%)" + (" of 3-year sums" if series in SUMMED else ""),
                **{ERROR_FIELD[k]: v for k, v in errors.items()},
                "ets_model": ets_model,
                "model_better": _better(errors["model"], errors["drift"]),
                "model_beats_naive": _better(errors["model"], naive),
                "ets_beats_naive": _better(errors["ets"], naive),
                "best": min(scored, key=lambda k: scored[k]) if scored else None,
                "coverage_90": float(covered.sum() / has.sum()) if has.any() else None,
                "coverage_90_noise": float(covered_noise.sum() / has.sum()) if has.any() else None,
                "test_years": f"{int(years[has][0])}-{int(years[has][-1])}" if has.any() else "",
                "n": int(has.sum()),
                "source": history.sources.get(series, "wdi"),
            }
        )
    report: dict[str, Any] = {
        "code": calibration.code,
        "name": calibration.name,
        "fit": list(fit),
        "test": list(test),
        "runs": runs,
        "seed": seed,
        "baseline": "trend extrapolation (drift over the last 10 fit years)",
        "demography": DEMOGRAPHY[demography],
        "benchmarks": {
            "baseline_error": "drift: the last fit-year value at the last 10 fit years' log growth",
            "last_value_error": "random walk: the last fit-year value",
            "ets_error": "AutoETS: exponential smoothing chosen by AICc (Hyndman et al. 2008)",
        },
        "series": rows,
    }
    report["sources"] = citations({str(row["name"]): str(row["source"]) for row in rows}, store)
    return finite(report)


_PANEL_PRIORS: dict[tuple[int, int, int], dict[str, tuple[float, float]]] = {}


def panel_priors(fit: tuple[int, int], store: Store) -> dict[str, tuple[float, float]]:
    """Pooled priors over :data:`~powerscope.dynamics.calibrate.PANEL` for ``fit`` (kept per
    store and window: 16 calibrations each)."""
    key = (id(store), *fit)
    if key not in _PANEL_PRIORS:
        histories = {code: load_history(code, store) for code in PANEL}
        _PANEL_PRIORS[key] = calibrate_panel(histories, fit)[1]
    return _PANEL_PRIORS[key]


def data_end(history: History) -> int:
    """The last year with observed GDP: the end of every backtest's test window by default."""
    return int(history.frame["gdp"].last_valid_index())


def backtest_origins(
    code: str,
    origins: tuple[int, ...] = ORIGINS,
    *,
    start: int = FIT_START,
    last: int | None = None,
    runs: int = 1000,
    seed: int = 1,
    store: Store | None = None,
    pooled: bool = False,
    demography: str = "trend",
) -> dict[str, Any]:
    """Backtests from several forecast origins (rolling origin, Tashman 2000, *IJF* 16(4)).

    For each origin T the model and the benchmarks are fitted on ``start``-T and scored on
    T+1 to ``last`` (default: the data's last year). ``series`` sums up each series over the
    origins: mean errors and coverage, how often the model and ETS beat both naive forecasts,
    and ``use``, the forecast with the lowest mean error over the origins: the one powerscope
    recommends for that series.
    """
    store = store or open_store()
    history = load_history(code, store)
    end = last if last is not None else data_end(history)
    if not origins:
        raise PeriodError(
            "no forecast origin given", parameter="origins", fix="e.g. 2005,2010,2014"
        )
    reports = []
    for origin in sorted(origins):
        if origin >= end:
            raise PeriodError(
                f"origin {origin} leaves no test years before {end}",
                parameter="origins",
                fix=f"give origins before {end}, e.g. 2005,2010,2014",
            )
        reports.append(
            backtest(
                code,
                (start, origin),
                (origin + 1, end),
                runs=runs,
                seed=seed,
                store=store,
                history=history,
                pooled=pooled,
                demography=demography,
            )
        )
    series = [_combine(name, reports) for name in SERIES]
    cases = [s for r in reports for s in r["series"] if s["model_beats_naive"] is not None]
    values = sum(s["n"] for r in reports for s in r["series"])
    inside = sum((s["coverage_90"] or 0) * s["n"] for r in reports for s in r["series"])
    inside_noise = sum((s["coverage_90_noise"] or 0) * s["n"] for r in reports for s in r["series"])
    first = reports[0]
    return finite(
        {
            "code": first["code"],
            "name": first["name"],
            "start": start,
            "origins": [int(o) for o in sorted(origins)],
            "last": end,
            "runs": runs,
            "seed": seed,
            "benchmarks": first["benchmarks"],
            "demography": first["demography"],
            "series": series,
            "summary": {
                "cases": len(cases),
                "model_beats_naive": sum(bool(s["model_beats_naive"]) for s in cases),
                "ets_beats_naive": sum(bool(s["ets_beats_naive"]) for s in cases),
                "test_values": values,
                "coverage_90": inside / values if values else None,
                "coverage_90_noise": inside_noise / values if values else None,
            },
            "by_origin": {str(r["fit"][1]): _origin_summary(r) for r in reports},
            "backtests": [{k: v for k, v in r.items() if k != "sources"} for r in reports],
            "sources": first["sources"],
        }
    )


def _origin_summary(report: dict[str, Any]) -> dict[str, Any]:
    """One origin's counts and coverage over its series."""
    rows = [s for s in report["series"] if s["model_beats_naive"] is not None]
    values = sum(s["n"] for s in report["series"])
    return {
        "test": report["test"],
        "cases": len(rows),
        "model_beats_naive": sum(bool(s["model_beats_naive"]) for s in rows),
        "ets_beats_naive": sum(bool(s["ets_beats_naive"]) for s in rows),
        "coverage_90": sum((s["coverage_90"] or 0.0) * s["n"] for s in report["series"]) / values
        if values
        else None,
        "coverage_90_noise": sum((s["coverage_90_noise"] or 0.0) * s["n"] for s in report["series"])
        / values
        if values
        else None,
    }


def _combine(name: str, reports: list[dict[str, Any]]) -> dict[str, Any]:
    rows = [next(s for s in r["series"] if s["name"] == name) for r in reports]
    rows = [s for s in rows if s["n"]]
    out: dict[str, Any] = {"name": name, "unit": SERIES_UNITS[name], "origins": len(rows)}
    if rows:
        out["metric"] = rows[0]["metric"]
    means: dict[str, float] = {}
    for method, field_name in ERROR_FIELD.items():
        values = [s[field_name] for s in rows if s[field_name] is not None]
        means[method] = float(np.mean(values)) if values else float("nan")
        out[field_name] = means[method]
    out["model_beats_naive"] = sum(bool(s["model_beats_naive"]) for s in rows)
    out["ets_beats_naive"] = sum(bool(s["ets_beats_naive"]) for s in rows)
    n = sum(s["n"] for s in rows)
    out["coverage_90"] = sum(s["coverage_90"] * s["n"] for s in rows) / n if n else None
    out["coverage_90_noise"] = sum(s["coverage_90_noise"] * s["n"] for s in rows) / n if n else None
    scored = {k: v for k, v in means.items() if np.isfinite(v)}
    use = min(scored, key=lambda k: scored[k]) if scored else None
    out["use"] = use
    out["use_error"] = scored[use] if use else None
    if use is None:
        out["advice"] = "no test data"
    elif use == "model":
        out["advice"] = "the model: the lowest mean error over the origins"
    else:
        model = scored.get("model", float("nan"))
        out["advice"] = (
            f"the model does not beat {LABELS[use]} on this series ({model:.1f}% against "
            f"{scored[use]:.1f}% mean error): use {LABELS[use]} for it"
        )
    return out


def summarise(reports: list[dict[str, Any]], *, detail: bool = False) -> dict[str, Any]:
    """Pool :func:`backtest_origins` reports of several countries: per country, per series and
    overall, the share of series-country-origin cases where the model beats both naive
    forecasts (last value and drift), where AutoETS does, and the coverage of the 90% bands."""
    cases = [
        (r["code"], {**s, "origin": b["fit"][1]})
        for r in reports
        for b in r["backtests"]
        for s in b["series"]
        if s["model_beats_naive"] is not None
    ]

    def tally(rows: list[dict[str, Any]]) -> dict[str, Any]:
        n = len(rows)
        values = sum(s["n"] for s in rows)
        out: dict[str, Any] = {
            "cases": n,
            "model_beats_naive": sum(bool(s["model_beats_naive"]) for s in rows),
            "ets_beats_naive": sum(bool(s["ets_beats_naive"]) for s in rows),
            "model_beats_ets": sum(
                bool(s["ets_error"] is not None and s["model_error"] < s["ets_error"]) for s in rows
            ),
            "test_values": values,
        }
        for key in ("model_beats_naive", "ets_beats_naive", "model_beats_ets"):
            out[key + "_share"] = out[key] / n if n else None
        for key in ("coverage_90", "coverage_90_noise"):
            inside = sum((s[key] or 0.0) * s["n"] for s in rows)
            out[key] = inside / values if values else None
        errors = {}
        for k, f in ERROR_FIELD.items():
            values = [s[f] for s in rows if s[f] is not None]
            errors[k] = float(np.median(values)) if values else float("nan")
        out["median_error"] = errors
        return out

    overall = tally([s for _, s in cases])
    by_country = {r["code"]: tally([s for c, s in cases if c == r["code"]]) for r in reports}
    by_series = {name: tally([s for _, s in cases if s["name"] == name]) for name in SERIES}
    origins = sorted({int(s["origin"]) for _, s in cases})
    by_origin = {str(o): tally([s for _, s in cases if s["origin"] == o]) for o in origins}
    result: dict[str, Any] = {
        "countries": [r["code"] for r in reports],
        "origins": reports[0]["origins"] if reports else [],
        "overall": overall,
        "by_series": by_series,
        "by_origin": by_origin,
        "by_country": by_country,
    }
    if detail:
        result["detail"] = [{"code": r["code"], "series": r["series"]} for r in reports]
    return finite(result)
