"""The forecasts a forecaster tries first, to measure the dynamic model against.

Three benchmarks, each fitted to the fit window only:

- ``last_value``: the random walk, every future year equal to the last observed value
  (Hyndman & Athanasopoulos 2021, *Forecasting: Principles and Practice*, 3rd ed., section 5.2,
  "naive method");
- ``drift``: the last observed value continued at the mean log growth of the last ten fit years
  (the same section's "drift method", on the log scale);
- ``ets``: exponential smoothing in state-space form with the model chosen by AICc among the
  additive- and multiplicative-error models with no trend, an additive trend, a damped additive
  trend, a multiplicative trend and a damped multiplicative trend (Hyndman, Koehler, Ord &
  Snyder 2008, *Forecasting with Exponential Smoothing*; FPP3 ch. 8, "ETS"), fitted by
  statsmodels' ``ETSModel`` (maximum likelihood). Seasonal terms do not apply to annual data.

Every function takes the observed series (indexed by year), the last fit year and the years to
forecast, and returns one value per year (NaN where it cannot forecast).
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from powerscope import cache
from powerscope.cache import code_digest, key_of

TREND_YEARS = 10
# ETS candidates: (error, trend, damped). Multiplicative errors and trends need positive data.
ETS_CANDIDATES = (
    ("add", None, False),
    ("add", "add", False),
    ("add", "add", True),
    ("mul", None, False),
    ("mul", "add", False),
    ("mul", "add", True),
    ("add", "mul", False),
    ("mul", "mul", True),
)
# Free parameters of each trend form (smoothing weights, damping, initial states) plus sigma.
_K = {(None, False): 3, ("add", False): 5, ("add", True): 6, ("mul", False): 5, ("mul", True): 6}


def last_value(history: pd.Series, fit_end: int, years: np.ndarray) -> np.ndarray:
    """The random walk: the last value observed up to ``fit_end`` for every year."""
    known = history.loc[:fit_end].dropna()
    value = float(known.iloc[-1]) if len(known) else np.nan
    return np.full(len(years), value)


def drift_parameters(history: pd.Series, fit_end: int) -> tuple[float, float, int] | None:
    """The drift's start and pace: the last positive value up to ``fit_end``, the mean log
    growth a year over the last ten fit years, and the year of that value (None: fewer than two
    positive values in the window)."""
    window = history.loc[fit_end - TREND_YEARS : fit_end].dropna()
    window = window[window > 0]
    if len(window) < 2:
        return None
    growth = np.log(window.iloc[-1] / window.iloc[0]) / float(window.index[-1] - window.index[0])
    return float(window.iloc[-1]), float(growth), int(window.index[-1])


def drift(history: pd.Series, fit_end: int, years: np.ndarray) -> np.ndarray:
    """Trend extrapolation from the last fit-year value at the last ten years' log growth."""
    found = drift_parameters(history, fit_end)
    if found is None:
        return np.full(len(years), np.nan)
    value, growth, last_year = found
    return value * np.exp(growth * (years - last_year))


def damped_drift(history: pd.Series, fit_end: int, years: np.ndarray, phi: float) -> np.ndarray:
    """The drift damped by ``phi`` (0-1): the growth of the h-th year ahead is ``phi**h``
    times the drift's, so the path levels off at ``phi / (1 - phi)`` years of growth (Gardner &
    McKenzie 1985, *Management Science* 31(10); FPP3 8.2). ``phi = 1`` is the drift."""
    found = drift_parameters(history, fit_end)
    if found is None:
        return np.full(len(years), np.nan)
    value, growth, last_year = found
    h = np.asarray(years, dtype=float) - last_year
    if phi >= 1.0:
        return value * np.exp(growth * h)
    return value * np.exp(growth * phi * (1.0 - phi**h) / (1.0 - phi))


def _label(error: str, trend: str | None, damped: bool) -> str:
    t = "N" if trend is None else ("A" if trend == "add" else "M") + ("d" if damped else "")
    return f"ETS({error[0].upper()},{t},N)"


@lru_cache(maxsize=1)
def _ets_code() -> str:
    """The digest of this module and the libraries that fit ETS (part of every cache key)."""
    return code_digest((Path(__file__),), ("statsmodels", "scipy", "numpy"))


@lru_cache(maxsize=4096)
def _ets_fit(values: tuple[float, ...], horizon: int) -> tuple[tuple[float, ...], str]:
    """The AICc-best ETS forecast of ``values`` over ``horizon`` steps and its label: kept in
    this process and in powerscope's cache (:mod:`powerscope.cache`), since fitting the eight
    candidates takes about 50 ms a series and a backtest fits hundreds."""
    key = key_of(_ets_code(), repr(values), str(horizon))
    found = cache.read("ets", key)
    if isinstance(found, list) and len(found) == 2 and len(found[0]) == horizon:
        return tuple(float(v) for v in found[0]), str(found[1])
    path, label = _ets_select(values, horizon)
    cache.write("ets", key, [list(path), label])
    return path, label


def _ets_select(values: tuple[float, ...], horizon: int) -> tuple[tuple[float, ...], str]:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = np.asarray(values, dtype=float)
    positive = bool((y > 0).all())
    best: tuple[float, np.ndarray, str] | None = None
    for error, trend, damped in ETS_CANDIDATES:
        if (error == "mul" or trend == "mul") and not positive:
            continue
        if len(y) <= _K[(trend, damped)] + 1:  # AICc needs n > k + 1
            continue
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                fit = ETSModel(y, error=error, trend=trend, damped_trend=damped).fit(
                    disp=False, maxiter=200
                )
                forecast = np.asarray(fit.forecast(horizon), dtype=float)
        except (ValueError, np.linalg.LinAlgError):
            continue
        aicc = float(fit.aicc)
        if np.isfinite(aicc) and np.isfinite(forecast).all() and (best is None or aicc < best[0]):
            best = (aicc, forecast, _label(error, trend, damped))
    if best is None:
        return tuple([float(y[-1])] * horizon), "last value (no ETS model fits)"
    return tuple(float(v) for v in best[1]), best[2]


def ets(history: pd.Series, fit: tuple[int, int], years: np.ndarray) -> tuple[np.ndarray, str]:
    """AutoETS forecast for ``years`` from the fit window ``fit`` and the chosen model's label.

    Gaps inside the window are interpolated; the forecast starts after the last observed year
    of the window (a survey that ended early is forecast over the gap too).
    """
    window = history.loc[fit[0] : fit[1]]
    known = window.dropna()
    if len(known) < 3:
        return np.full(len(years), np.nan), "too few observations"
    span = window.loc[known.index[0] : known.index[-1]].interpolate(limit_area="inside")
    last_year = int(known.index[-1])
    steps = np.asarray(years, dtype=int) - last_year
    horizon = int(steps.max())
    path, label = _ets_fit(tuple(float(v) for v in span.to_numpy()), horizon)
    out = np.full(len(years), np.nan)
    ok = steps >= 1
    out[ok] = np.asarray(path)[steps[ok] - 1]
    return out, label


__all__ = ["ETS_CANDIDATES", "damped_drift", "drift", "drift_parameters", "ets", "last_value"]
