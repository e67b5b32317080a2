"""How often can *any* forecast beat both naive forecasts? Ceilings for the backtests' goal.

A forecast beats both naive forecasts on a case (one series of one country from one forecast
origin) when its error over the test years is lower than the last value's and the drift's
(:mod:`powerscope.dynamics.backtest`). Every forecast that grows the last fit-year value at a
fraction ``a`` of the drift's log growth,

    y(T + h) = y(T) * exp(a * g * h),   with g the drift's growth,

is one of a *trend family*: ``a = 0`` is the last value, ``a = 1`` the drift, ``0 < a < 1`` the
damped and shrunk trends a forecaster tries next (Gardner & McKenzie 1985, *Management
Science* 31(10); Hyndman & Athanasopoulos 2021, *FPP3*, 8.2), ``a > 1`` an accelerating trend
and ``a < 0`` a reversal. Scoring the whole family against the test years, with hindsight, says
how high the share of cases beaten can go:

- **between**: the share of cases where some forecast between the two naive ones (``0 <= a <=
  1``) beats both. No damping, shrinkage or average of the naive forecasts can do better than
  this, even choosing ``a`` case by case after the fact;
- where the truth lies: *between* the two naive paths, *beyond the drift* (growth sped up) or
  *beyond the last value* (the series turned), by the best ``a`` over ``-1 <= a <= 2``;
- hindsight choices of one method (the model, AutoETS, or one ``a``) per series, and per series
  and country, chosen on the very cases they are scored on: upper bounds for any selection or
  combination rule (Fildes & Petropoulos 2015, *IJF* 31(3)), which must choose before the test.

All errors are those of the backtests (MAPE %, arms exports on three-year sums).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from powerscope.dynamics.backtest import SERIES, data_end, score
from powerscope.dynamics.forecasts import damped_drift, drift, last_value
from powerscope.dynamics.history import History

PHIS = tuple(round(p, 2) for p in np.arange(0.05, 0.951, 0.05))
ALPHAS = tuple(float(round(a, 1)) + 0.0 for a in np.linspace(-1.0, 2.0, 31))  # no "-0"
BETWEEN = (0.0, 1.0)


def scaled_trend(last: np.ndarray, trend: np.ndarray, alpha: float) -> np.ndarray:
    """The last value grown at ``alpha`` times the drift's log growth, year by year.

    ``last`` and ``trend`` are the last-value and drift paths over the same years (same unit as
    the series); ``alpha = 0`` returns ``last``, ``alpha = 1`` returns ``trend``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(last != 0, trend / last, np.nan)
        return np.asarray(last * np.power(ratio, alpha), dtype=float)


def family_errors(
    history: History,
    origin: int,
    *,
    end: int | None = None,
    alphas: tuple[float, ...] = ALPHAS,
) -> pd.DataFrame:
    """Errors of the trend family for every series of ``history`` from ``origin``.

    One row per series with test data and both naive forecasts: ``series``, ``origin``,
    ``last_value_error``, ``baseline_error`` (drift), ``between_oracle_error`` (the best path
    that stays between the two naive ones in every year, chosen with hindsight) and one column
    ``a=<alpha>`` per member and ``phi=<phi>`` per damped drift (MAPE %, scored as in the
    backtests over ``origin + 1`` to ``end``, default the data's last year).
    """
    last = end if end is not None else data_end(history)
    years = np.arange(origin + 1, last + 1)
    frame = history.frame
    rows: list[dict[str, Any]] = []
    for series in SERIES:
        actual = frame[series].reindex(years).to_numpy(dtype=float)
        if not np.isfinite(actual).any():
            continue
        lv = last_value(frame[series], origin, years)
        dr = drift(frame[series], origin, years)
        errors = {"last_value_error": score(actual, lv, series)}
        errors["baseline_error"] = score(actual, dr, series)
        if not all(np.isfinite(v) for v in errors.values()):
            continue
        row: dict[str, Any] = {"series": series, "origin": origin, **errors}
        # the best forecast that stays between the two naive paths in every year, whatever its
        # form (horizon by horizon the truth, clipped to the band between them): no forecast
        # between them does better, so its error bounds every damped trend or combination
        low, high = np.fmin(lv, dr), np.fmax(lv, dr)
        row["between_oracle_error"] = score(actual, np.clip(actual, low, high), series)
        for alpha in alphas:
            row[f"a={alpha:g}"] = score(actual, scaled_trend(lv, dr, alpha), series)
        for phi in PHIS:
            row[f"phi={phi:g}"] = score(
                actual, damped_drift(frame[series], origin, years, phi), series
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _alpha_columns(cases: pd.DataFrame) -> dict[str, float]:
    return {c: float(c[2:]) for c in cases.columns if c.startswith("a=")}


def ceilings(cases: pd.DataFrame) -> dict[str, Any]:
    """Shares of cases that forecasts of each kind beat both naive forecasts on, with hindsight.

    ``cases``: one row per case with ``code``, ``origin``, ``series``, ``model_error``,
    ``ets_error``, ``last_value_error``, ``baseline_error`` and the ``a=`` columns of
    :func:`family_errors`, optionally ``use`` (the forecast the backtests recommend for the
    series, chosen on these cases) and ``use_before`` (the one recommended at the origin by
    :func:`recommended_at`; None where no earlier origin exists). Shares are of all cases
    (0-1).
    """
    if cases.empty:
        raise ValueError("no backtest cases to score")
    alpha = _alpha_columns(cases)
    naive = cases[["last_value_error", "baseline_error"]].min(axis=1)
    damped = [c for c in cases.columns if c.startswith("phi=")]
    beats = pd.DataFrame(
        {c: cases[c].lt(naive) for c in ["model_error", "ets_error", *alpha, *damped]},
        index=cases.index,
    )
    inside = [c for c, a in alpha.items() if BETWEEN[0] <= a <= BETWEEN[1]]
    family = cases[list(alpha)]
    best_alpha = family.idxmin(axis=1).map(alpha)
    where = np.select(
        [best_alpha.between(*BETWEEN), best_alpha > BETWEEN[1]],
        ["between", "beyond the drift"],
        "beyond the last value",
    )
    n = len(cases)
    methods = ["model_error", "ets_error", *alpha, *damped]

    def hindsight(keys: list[str], columns: list[str]) -> float:
        wins = beats[columns].groupby([cases[k] for k in keys]).sum()
        return float(wins.max(axis=1).sum() / n)

    by_where = pd.Series(where, index=cases.index)
    out: dict[str, Any] = {
        "cases": n,
        "model": float(beats["model_error"].mean()),
        "ets": float(beats["ets_error"].mean()),
        "best_fixed_alpha": {
            "alpha": alpha[beats[list(alpha)].mean().idxmax()],
            "share": float(beats[list(alpha)].mean().max()),
        },
        "between_any_alpha": float(beats[inside].any(axis=1).mean()),
        **_optional_ceilings(cases, naive, beats[inside]),
        "where_the_truth_lies": {
            k: {
                "cases": int((by_where == k).sum()),
                "model_beats_naive": int(beats["model_error"][by_where == k].sum()),
            }
            for k in ("between", "beyond the drift", "beyond the last value")
        },
        "per_case_best_of_model_and_ets": float((beats["model_error"] | beats["ets_error"]).mean()),
        "hindsight_per_series": hindsight(["series"], methods),
        "hindsight_per_series_and_country": hindsight(["series", "code"], methods),
        "hindsight_per_series_and_country_model_or_ets": hindsight(
            ["series", "code"], ["model_error", "ets_error"]
        ),
        "cross_validated_per_series": _held_out(cases, naive, beats, ["series"], methods),
        "cross_validated_per_series_and_country": _held_out(
            cases, naive, beats, ["series", "code"], methods
        ),
        "between_any_alpha_by_origin": {
            str(o): float(beats.loc[cases["origin"] == o, inside].any(axis=1).mean())
            for o in sorted(cases["origin"].unique())
        },
    }
    if "use_before" in cases:
        # the recommendation a forecaster had at the origin: from the earlier origins'
        # backtests scored on the years up to this origin only (no hindsight)
        known = cases["use_before"].notna()
        chosen = known & (cases["use_before"] == "model")
        error_of = {
            "model": "model_error",
            "ets": "ets_error",
            "last_value": "last_value_error",
            "drift": "baseline_error",
        }
        recommended = pd.Series(
            [
                bool(cases.at[i, error_of[u]] < naive[i]) if isinstance(u, str) else False
                for i, u in cases["use_before"].items()
            ],
            index=cases.index,
        )
        out["recommended_before_the_origin"] = {
            "cases": int(known.sum()),
            "model_recommended": int(chosen.sum()),
            "model_beats_naive_where_recommended": int(beats.loc[chosen, "model_error"].sum()),
            "recommended_beats_naive": int(recommended[known].sum()),
        }
    if "use" in cases:
        # where the backtests recommend the model for the series (chosen on these same cases)
        chosen = cases["use"] == "model"
        out["model_where_recommended"] = {
            "cases": int(chosen.sum()),
            "model_beats_naive": int(beats.loc[chosen, "model_error"].sum()),
        }
    return out


def recommended_at(
    code: str,
    origin: int,
    earlier: tuple[int, ...],
    *,
    runs: int = 300,
    seed: int = 1,
    store: Any = None,
) -> dict[str, str]:
    """The forecast the backtests would have recommended for each series *at* ``origin``:
    from the ``earlier`` origins' backtests scored on the years up to ``origin`` only
    (:func:`powerscope.dynamics.backtest.backtest_origins` with ``last=origin``), so nothing
    after the origin is used. ``{series: "model" | "ets" | "last_value" | "drift"}``."""
    from powerscope.dynamics.backtest import backtest_origins

    report = backtest_origins(code, earlier, last=origin, runs=runs, seed=seed, store=store)
    return {s["name"]: s["use"] for s in report["series"] if s.get("use")}


def _optional_ceilings(
    cases: pd.DataFrame, naive: pd.Series, between: pd.DataFrame
) -> dict[str, float]:
    """The damped drifts' ceiling (any ``phi`` case by case), with the constant fractions, and
    the bound of any path between the naive forecasts, where the cases have those columns."""
    out: dict[str, float] = {}
    damped = [c for c in cases.columns if c.startswith("phi=")]
    if damped:
        won = cases[damped].lt(naive, axis=0)
        out["damped_any_phi"] = float(won.any(axis=1).mean())
        out["smooth_trends_any"] = float((won.any(axis=1) | between.any(axis=1)).mean())
    if "between_oracle_error" in cases:
        out["between_any_path"] = float(cases["between_oracle_error"].lt(naive).mean())
    return out


def _held_out(
    cases: pd.DataFrame,
    naive: pd.Series,
    beats: pd.DataFrame,
    keys: list[str],
    methods: list[str],
) -> float:
    """Share of cases beaten by the method chosen on the *other* origins of the same group.

    For each case the method (the model, AutoETS or one ``a``) with the lowest mean error
    relative to the better naive forecast over the group's other origins is chosen, then scored
    on the case: leave-one-origin-out selection (Fildes & Petropoulos 2015). Still generous,
    since the other origins' test years overlap this one's.
    """
    ratio = cases[methods].div(naive, axis=0)
    wins = 0
    for origin in cases["origin"].unique():
        held = cases["origin"] == origin
        choice = ratio[~held].groupby([cases.loc[~held, k] for k in keys]).mean().idxmin(axis=1)
        for index in cases.index[held]:
            key = tuple(cases.loc[index, k] for k in keys)
            method = choice.get(key if len(keys) > 1 else key[0])
            wins += bool(method is not None and beats.loc[index, method])
    return float(wins / len(cases))


__all__ = ["ALPHAS", "PHIS", "ceilings", "family_errors", "recommended_at", "scaled_trend"]
