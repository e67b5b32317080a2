"""The backtest: error metrics, the naive baseline, and South Korea's and China's scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from powerscope.dynamics.backtest import SERIES, backtest, drift, mape, summarise
from powerscope.errors import SpecError


def test_mape_and_drift() -> None:
    assert mape(np.array([100.0, 200.0, 0.0]), np.array([110.0, 180.0, 5.0])) == pytest.approx(10.0)
    assert np.isnan(mape(np.array([np.nan]), np.array([1.0])))
    history = pd.Series(100 * np.exp(0.05 * np.arange(11)), index=range(2004, 2015))
    np.testing.assert_allclose(drift(history, 2014, np.array([2015, 2016])),
                               100 * np.exp(0.05 * np.array([11, 12])))  # fmt: skip


@pytest.mark.parametrize("code", ["KOR", "CHN"])
def test_backtest_reports_every_series_against_the_baseline(code: str) -> None:
    report = backtest(code, runs=200)
    assert [s["name"] for s in report["series"]] == list(SERIES)
    for s in report["series"]:
        assert {"name", "metric", "model_error", "baseline_error"} <= set(s)
    better = [s["model_better"] for s in report["series"] if s["model_better"] is not None]
    assert sum(better) >= 5  # the model beats trend extrapolation on most series
    gdp = next(s for s in report["series"] if s["name"] == "gdp")
    assert gdp["model_error"] < 10 and gdp["n"] == 9
    covered = [(s["coverage_90"], s["coverage_90_noise"]) for s in report["series"] if s["n"]]
    assert sum(n for _, n in covered) >= sum(p for p, _ in covered)  # shocks widen the bands


def test_backtest_windows_must_touch() -> None:
    with pytest.raises(SpecError, match="must start the year after"):
        backtest("KOR", (1996, 2014), (2016, 2023))


def test_an_unknown_demography_is_refused_naming_the_choices() -> None:
    with pytest.raises(SpecError, match="unknown demography") as info:
        backtest("KOR", runs=10, demography="census")
    assert info.value.parameter == "demography" and "trend or wpp" in info.value.fix


def test_hindsight_demography_changes_only_what_labour_drives() -> None:
    trend = backtest("KOR", runs=50, demography="trend")
    wpp = backtest("KOR", runs=50, demography="wpp")
    assert "knowable at the origin" in trend["demography"] and "hindsight" in wpp["demography"]
    by_name = lambda report: {s["name"]: s for s in report["series"]}  # noqa: E731
    t, w = by_name(trend), by_name(wpp)
    assert t["gdp"]["model_error"] != w["gdp"]["model_error"]
    # the benchmarks never see the demography
    for name in SERIES:
        assert t[name]["last_value_error"] == w[name]["last_value_error"]
        assert t[name]["ets_error"] == w[name]["ets_error"]


def test_summary_counts_cases_where_a_forecast_beats_both_naive_ones() -> None:
    def row(name: str, model: float, last: float, drift_: float, ets_: float) -> dict:
        naive = min(last, drift_)
        return {"name": name, "n": 4, "model_error": model, "last_value_error": last,
                "baseline_error": drift_, "ets_error": ets_, "model_beats_naive": model < naive,
                "ets_beats_naive": ets_ < naive, "coverage_90": 0.5, "coverage_90_noise": 1.0}  # fmt: skip

    reports = [
        {"code": "AAA", "origins": [2005, 2010], "backtests": [
            {"fit": [1996, 2005], "series": [row("gdp", 1, 2, 3, 4), row("articles", 5, 2, 3, 1)]},
            {"fit": [1996, 2010], "series": [row("gdp", 3, 2, 4, 1)]},
        ]},
    ]  # fmt: skip
    out = summarise(reports)
    assert out["overall"]["cases"] == 3 and out["overall"]["model_beats_naive"] == 1
    assert out["overall"]["ets_beats_naive"] == 2
    assert out["overall"]["coverage_90_noise"] == 1.0
    assert (
        out["by_origin"]["2005"]["cases"] == 2
        and out["by_origin"]["2010"]["model_beats_naive"] == 0
    )
    assert out["by_series"]["gdp"]["model_beats_naive"] == 1
