"""The naive and statistical forecasts the model is measured against."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from powerscope.dynamics.forecasts import damped_drift, drift, ets, last_value

YEARS = np.arange(2015, 2021)


def test_last_value_carries_the_last_observation_over_a_gap() -> None:
    history = pd.Series([1.0, 2.0, 3.0, np.nan], index=range(2011, 2015))
    np.testing.assert_array_equal(last_value(history, 2014, YEARS), np.full(len(YEARS), 3.0))


def test_drift_continues_the_log_growth() -> None:
    history = pd.Series(100 * np.exp(0.05 * np.arange(11)), index=range(2004, 2015))
    np.testing.assert_allclose(drift(history, 2014, YEARS), 100 * np.exp(0.05 * (YEARS - 2004)))


def test_a_damped_drift_levels_off_between_the_last_value_and_the_drift() -> None:
    history = pd.Series(100 * np.exp(0.1 * np.arange(11)), index=range(2004, 2015))
    years = np.arange(2015, 2041)
    full = drift(history, 2014, years)
    np.testing.assert_allclose(damped_drift(history, 2014, years, 1.0), full)
    half = damped_drift(history, 2014, years, 0.5)
    last = history.iloc[-1]
    # year h grows by 0.1 * 0.5**h: 0.05 the first year, 0.025 the next, at most 0.1 in all
    np.testing.assert_allclose(half[:2], last * np.exp([0.05, 0.075]))
    assert (half >= last).all() and (half <= full).all()
    assert half[-1] == pytest.approx(last * np.exp(0.1), rel=1e-6)
    assert np.isnan(damped_drift(history.iloc[:1], 2004, years, 0.5)).all()


def test_ets_follows_a_clean_trend_and_names_its_model() -> None:
    history = pd.Series(50.0 + 4.0 * np.arange(19), index=range(1996, 2015))
    path, label = ets(history, (1996, 2014), YEARS)
    assert label.startswith("ETS(") and ",N)" in label  # no seasonality in annual data
    np.testing.assert_allclose(path, 50.0 + 4.0 * (YEARS - 1996), rtol=0.02)


def test_ets_levels_off_a_flat_noisy_series() -> None:
    rng = np.random.default_rng(4)
    history = pd.Series(200.0 + rng.normal(0, 1.0, 19), index=range(1996, 2015))
    path, _ = ets(history, (1996, 2014), YEARS)
    assert path == pytest.approx(np.full(len(YEARS), 200.0), rel=0.03)


def test_ets_ignores_the_test_years_and_needs_three_values() -> None:
    history = pd.Series(np.arange(1.0, 30.0), index=range(1996, 2025))
    cut = history.copy()
    cut.loc[2015:] = 1e6  # test years must not change the forecast
    np.testing.assert_allclose(
        ets(history, (1996, 2014), YEARS)[0], ets(cut, (1996, 2014), YEARS)[0]
    )
    short = pd.Series([1.0, 2.0], index=[2013, 2014])
    assert np.isnan(ets(short, (1996, 2014), YEARS)[0]).all()
