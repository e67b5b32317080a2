"""Calibration: the Bayesian regressions, recovery of known parameters, and bad windows."""

from __future__ import annotations

import numpy as np
import pytest

from powerscope.dynamics.calibrate import bayes_regression, calibrate_history, draw_parameters
from powerscope.errors import DataFormatError, PeriodError


def test_bayes_regression_recovers_and_shrinks() -> None:
    rng = np.random.default_rng(0)
    x = np.column_stack([np.ones(200), rng.normal(size=200)])
    y = x @ np.array([1.0, 2.0]) + rng.normal(0, 0.1, 200)
    mean, cov, sigma, r2 = bayes_regression(x, y, np.zeros(2), np.array([100.0, 100.0]))
    np.testing.assert_allclose(mean, [1.0, 2.0], atol=0.03)
    assert sigma == pytest.approx(0.1, rel=0.15) and r2 > 0.99
    assert np.all(np.diag(cov) < 1e-3)
    # A tight prior holds the slope near its prior mean against few data.
    tight, *_ = bayes_regression(x[:5], y[:5], np.array([0.0, 0.5]), np.array([100.0, 1e-4]))
    assert tight[1] == pytest.approx(0.5, abs=1e-3)


def test_calibration_recovers_the_generating_parameters(synthetic, truth) -> None:
    cal = calibrate_history(synthetic, (1996, 2023))
    central = cal.central()
    for name, tolerance in [
        ("researcher_rd_elasticity", 0.15),
        ("articles_researcher_elasticity", 0.25),
        ("patents_researcher_elasticity", 0.25),
        ("hightech_output_elasticity", 0.3),
        ("labour_elasticity", 0.1),
        ("milex_target", 0.1),
    ]:
        assert central[name] == pytest.approx(truth[name], abs=tolerance), name
    # The structural growth equation is exact in the synthetic data: R² near 1.
    assert cal.equations["growth"].r2 > 0.95
    assert cal.initial["Y"] == pytest.approx(synthetic.frame.loc[2023, "gdp"])


def test_draws_vary_and_stay_in_range(korea) -> None:
    draws = draw_parameters(korea, 500, np.random.default_rng(1))
    assert draws["knowledge_elasticity"].std() > 0
    assert (draws["knowledge_depreciation"] >= 0.10).all()
    assert (draws["knowledge_depreciation"] <= 0.20).all()
    assert (draws["recruit_retention"] <= 1).all()
    central = korea.central()
    assert np.median(draws["convergence"]) == pytest.approx(central["convergence"], abs=0.002)


def test_korea_calibration_is_plausible(korea) -> None:
    c = korea.central()
    assert 0.0 < c["knowledge_elasticity"] < 0.3
    assert 4.5 < c["rd_target"] < 6.5  # Korea spent 4.9% of GDP on R&D in 2022-2023
    assert 2.0 < c["milex_target"] < 3.5
    assert korea.fit == (1996, 2023) and korea.start == 2023
    assert korea.equations["researchers"].r2 > 0.9


def test_short_or_late_windows_are_refused(synthetic) -> None:
    with pytest.raises(DataFormatError, match="too short"):
        calibrate_history(synthetic, (2010, 2014))
    with pytest.raises(PeriodError, match="fit window 1996-2030 is outside") as info:
        calibrate_history(synthetic, (1996, 2030))
    assert info.value.parameter == "fit" and "which cover" in str(info.value)
    with pytest.raises(PeriodError, match="fit window 1900-2014 is outside"):
        calibrate_history(synthetic, (1900, 2014))


def test_country_without_rd_data_is_refused() -> None:
    from powerscope.dynamics.calibrate import calibrate

    with pytest.raises(DataFormatError, match="R&D intensity|researchers"):
        calibrate("SOM")


def test_a_survey_gap_at_the_end_is_carried_forward(synthetic) -> None:
    from dataclasses import replace

    frame = synthetic.frame.copy()
    frame.loc[2022:2023, "researchers"] = float("nan")
    cal = calibrate_history(replace(synthetic, frame=frame), (1996, 2023))
    assert cal.initial["H"] == pytest.approx(frame.loc[2021, "researchers"])
    assert "researchers: the 2021 value is carried forward to 2023" in cal.notes


def test_a_stale_series_names_its_last_year() -> None:
    from powerscope.dynamics.calibrate import calibrate

    with pytest.raises(
        DataFormatError, match=r"no 2014 value for researchers \(last: 2010\)"
    ) as info:
        calibrate("AUS", (1996, 2014))
    assert "2010 or earlier" in (info.value.fix or "")
