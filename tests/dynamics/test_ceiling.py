"""Ceilings for the backtests' goal: the trend family, where the truth lies, hindsight choices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from powerscope.dynamics.backtest import FORECASTS, SERIES
from powerscope.dynamics.ceiling import ceilings, family_errors, recommended_at, scaled_trend
from powerscope.dynamics.history import load_history


def test_the_trend_family_runs_from_the_last_value_through_the_drift() -> None:
    last = np.array([100.0, 100.0])
    trend = np.array([110.0, 121.0])
    np.testing.assert_allclose(scaled_trend(last, trend, 0.0), last)
    np.testing.assert_allclose(scaled_trend(last, trend, 1.0), trend)
    np.testing.assert_allclose(scaled_trend(last, trend, 0.5), [100 * 1.1**0.5, 110.0])
    np.testing.assert_allclose(scaled_trend(last, trend, 2.0), [121.0, 146.41])
    np.testing.assert_allclose(scaled_trend(last, trend, -1.0), [100 / 1.1, 100 / 1.21])
    assert np.isnan(scaled_trend(np.array([0.0]), np.array([1.0]), 0.5)).all()


def test_family_errors_contain_both_naive_forecasts() -> None:
    errors = family_errors(load_history("KOR"), 2014)
    assert set(errors["series"]) <= set(SERIES) and len(errors) >= 7
    np.testing.assert_allclose(errors["a=0"], errors["last_value_error"])
    np.testing.assert_allclose(errors["a=1"], errors["baseline_error"])
    assert (errors["origin"] == 2014).all()
    assert errors.filter(like="a=").shape[1] == 31 and errors.filter(like="phi=").shape[1] == 19
    # the best path between the naive forecasts, year by year, is no worse than either of them
    yearly = errors[errors["series"] != "arms_exports"]  # (arms exports: three-year sums)
    assert (yearly["between_oracle_error"] <= yearly["last_value_error"] + 1e-12).all()
    assert (yearly["between_oracle_error"] <= yearly["baseline_error"] + 1e-12).all()


def _cases() -> pd.DataFrame:
    # three origins of one series: the truth between the naive paths, beyond the drift, and
    # beyond the last value (the family's best member at a = 0.5, 1.5 and -0.5)
    rows = [
        (2005, 8.0, 11.0, 10.0, 12.0, 15.0, 5.0, 20.0),
        (2010, 12.0, 9.0, 20.0, 10.0, 25.0, 14.0, 6.0),
        (2014, 9.0, 7.0, 8.0, 15.0, 4.0, 11.0, 20.0),
    ]
    columns = ["origin", "model_error", "ets_error", "last_value_error", "baseline_error",
               "a=-0.5", "a=0.5", "a=1.5"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    frame["a=0"] = frame["last_value_error"]
    frame["a=1"] = frame["baseline_error"]
    return frame.assign(code="AAA", series="gdp")


def test_ceilings_count_what_each_kind_of_forecast_can_beat() -> None:
    out = ceilings(_cases())
    assert out["cases"] == 3
    assert out["model"] == pytest.approx(1 / 3) and out["ets"] == pytest.approx(2 / 3)
    # only the first case can be won from between the naive forecasts
    assert out["between_any_alpha"] == pytest.approx(1 / 3)
    where = out["where_the_truth_lies"]
    assert {k: v["cases"] for k, v in where.items()} == {
        "between": 1,
        "beyond the drift": 1,
        "beyond the last value": 1,
    }
    assert where["between"]["model_beats_naive"] == 1
    assert out["per_case_best_of_model_and_ets"] == 1.0
    # ETS wins two of the three with hindsight ...
    assert out["hindsight_per_series"] == pytest.approx(2 / 3)
    # ... but chosen on the other origins, every choice misses the held-out one
    assert out["cross_validated_per_series_and_country"] == 0.0
    assert out["between_any_alpha_by_origin"] == {"2005": 1.0, "2010": 0.0, "2014": 0.0}
    assert "model_where_recommended" not in out
    recommended = ceilings(_cases().assign(use=["model", "model", "ets"]))
    assert recommended["model_where_recommended"] == {"cases": 2, "model_beats_naive": 1}
    # recommended at the origin (None: no earlier origin to choose from)
    before = ceilings(_cases().assign(use_before=["model", None, "ets"]))
    assert before["recommended_before_the_origin"] == {
        "cases": 2,
        "model_recommended": 1,
        "model_beats_naive_where_recommended": 1,
        "recommended_beats_naive": 2,
    }


def test_ceilings_need_cases() -> None:
    with pytest.raises(ValueError, match="no backtest cases"):
        ceilings(pd.DataFrame())


def test_the_recommendation_at_an_origin_uses_nothing_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dataclasses

    from powerscope.dynamics import backtest

    at_2010 = recommended_at("KOR", 2010, (2005,), runs=50)
    assert set(at_2010) <= set(SERIES) and len(at_2010) >= 7
    assert set(at_2010.values()) <= set(FORECASTS)
    later = backtest.backtest_origins("KOR", (2005,), last=2014, runs=50)
    # whatever happened after 2010, the recommendation at 2010 is the same
    real = backtest.load_history

    def rewritten(code: str, store: object = None) -> object:
        history = real(code, store)  # type: ignore[arg-type]
        frame = history.frame.copy()
        frame.loc[frame.index > 2010] *= 3.0
        return dataclasses.replace(history, frame=frame)

    monkeypatch.setattr(backtest, "load_history", rewritten)
    assert recommended_at("KOR", 2010, (2005,), runs=50) == at_2010
    # (the rewrite is seen by a window reaching past 2010)
    changed = backtest.backtest_origins("KOR", (2005,), last=2014, runs=50)
    assert changed["series"][0]["model_error"] != later["series"][0]["model_error"]
