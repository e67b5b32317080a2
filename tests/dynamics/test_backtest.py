"""The backtest: error metrics, the naive baseline, and South Korea's and China's scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from powerscope.dynamics.backtest import SERIES, backtest, drift, mape
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
