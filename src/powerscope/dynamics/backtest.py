"""Backtest: calibrate on one window, project the next from the model, score against the data.

The model's projection is the median of an ensemble started from the last fit year's state,
with nothing from the test years (population and labour force follow their fit-window trend).
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
from powerscope.dynamics.calibrate import TREND_YEARS, calibrate_history, check_window
from powerscope.dynamics.cite import citations, finite
from powerscope.dynamics.ensemble import run_ensemble
from powerscope.dynamics.history import SERIES_UNITS, load_history
from powerscope.errors import PeriodError

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


def drift(history: pd.Series, fit_end: int, years: np.ndarray) -> np.ndarray:
    """Trend extrapolation from the last fit-year value at the last ten years' log growth."""
    window = history.loc[fit_end - TREND_YEARS : fit_end].dropna()
    window = window[window > 0]
    if len(window) < 2:
        return np.full(len(years), np.nan)
    growth = np.log(window.iloc[-1] / window.iloc[0]) / float(window.index[-1] - window.index[0])
    last_year = int(window.index[-1])
    return float(window.iloc[-1]) * np.exp(growth * (years - last_year))


def _score(actual: np.ndarray, predicted: np.ndarray, series: str) -> float:
    span = SUMMED.get(series)
    if span:
        a = pd.Series(actual).rolling(span).sum().to_numpy()
        p = pd.Series(predicted).rolling(span).sum().to_numpy()
        return mape(a, p)
    return mape(actual, predicted)


def backtest(
    code: str,
    fit: tuple[int, int] = (1996, 2014),
    test: tuple[int, int] = (2015, 2023),
    *,
    runs: int = 1000,
    seed: int = 1,
    store: Store | None = None,
) -> dict[str, Any]:
    """Errors of the model and of the naive baseline for every series, fit then test window."""
    if test[0] != fit[1] + 1 or test[1] < test[0]:
        raise PeriodError(
            f"test window {test[0]}-{test[1]} must start the year after the fit window ({fit[1]})",
            parameter="test",
            fix=f"use e.g. the fit window {fit[0]}-{fit[1]} with the test window "
            f"{fit[1] + 1}-{fit[1] + 9}",
        )
    store = store or open_store()
    history = load_history(code, store)
    check_window(history, test, "test")
    calibration = calibrate_history(history, fit)
    ensemble = run_ensemble(calibration, last=test[1], runs=runs, seed=seed)
    noisy = run_ensemble(calibration, last=test[1], runs=runs, seed=seed, noise=True)
    years = np.arange(test[0], test[1] + 1)
    index = np.searchsorted(ensemble.years, years)
    observed = history.frame
    rows: list[dict[str, Any]] = []
    for series in SERIES:
        actual = observed[series].reindex(years).to_numpy(dtype=float)
        band = ensemble.band(series)[index]
        median = band[:, 1]
        naive = drift(observed[series], fit[1], years)
        last = np.full(len(years), float(observed[series].loc[: fit[1]].dropna().iloc[-1]))
        has = np.isfinite(actual)
        covered = has & (actual >= band[:, 0]) & (actual <= band[:, 2])
        wide = noisy.band(series)[index]
        covered_noise = has & (actual >= wide[:, 0]) & (actual <= wide[:, 2])
        model_error = _score(actual, median, series)
        baseline_error = _score(actual, naive, series)
        rows.append(
            {
                "name": series,
                "unit": SERIES_UNITS[series],
                "metric": "MAPE (%)" + (" of 3-year sums" if series in SUMMED else ""),
                "model_error": model_error,
                "baseline_error": baseline_error,
                "last_value_error": _score(actual, last, series),
                "model_better": bool(model_error < baseline_error)
                if np.isfinite(model_error) and np.isfinite(baseline_error)
                else None,
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
        "series": rows,
    }
    report["sources"] = citations({str(row["name"]): str(row["source"]) for row in rows}, store)
    return finite(report)
