"""Ensembles: ordered bands, reproducible seeds, effects measured run by run."""

from __future__ import annotations

import numpy as np
import pytest

from powerscope.dynamics.ensemble import run_ensemble
from powerscope.dynamics.model import SHOCKS
from powerscope.dynamics.scenario import load_scenario
from powerscope.errors import SpecError


def test_bands_are_ordered_and_seeded(korea) -> None:
    a = run_ensemble(korea, last=2050, runs=300, seed=7)
    b = run_ensemble(korea, last=2050, runs=300, seed=7)
    band = a.band("gdp")
    assert band.shape == (28, 3)
    assert np.all(band[:, 0] <= band[:, 1]) and np.all(band[:, 1] <= band[:, 2])
    assert band[-1, 2] > band[-1, 0]  # parameter uncertainty widens the band
    np.testing.assert_array_equal(band, b.band("gdp"))
    assert np.all(a.band("gdp", effect=True) == 0)  # the baseline against itself


def test_talent_programme_raises_science_output(korea) -> None:
    ens = run_ensemble(korea, load_scenario("thousand-talents"), last=2050, runs=500, seed=1)
    i = list(ens.years).index(2036)
    effect = ens.band("articles", effect=True)[i]
    assert effect[0] > 0  # every plausible run gains articles
    assert effect[1] < 5  # but by a few percent at most: 8,000 recruits vs ~490,000 researchers
    cut = run_ensemble(korea, load_scenario("cuts"), last=2050, runs=500, seed=1)
    assert cut.band("knowledge", effect=True)[-1, 2] < 0


def test_bad_runs_and_years(korea) -> None:
    with pytest.raises(SpecError, match="runs=0"):
        run_ensemble(korea, runs=0)
    with pytest.raises(SpecError, match="do not follow the calibration"):
        run_ensemble(korea, last=2020)


def test_noise_widens_level_bands_but_not_effects_much(korea) -> None:
    quiet = run_ensemble(korea, load_scenario("rd-boost"), last=2040, runs=400, seed=3)
    noisy = run_ensemble(korea, load_scenario("rd-boost"), last=2040, runs=400, seed=3, noise=True)
    width = lambda band: band[-1, 2] - band[-1, 0]  # noqa: E731
    assert width(noisy.band("gdp")) > 1.2 * width(quiet.band("gdp"))
    assert sorted(korea.shock_sd()) == sorted(SHOCKS)
    # the same shocks hit scenario and baseline, so the effect's median barely moves
    assert noisy.band("knowledge", effect=True)[-1, 1] == pytest.approx(
        quiet.band("knowledge", effect=True)[-1, 1], rel=0.25
    )


def test_the_baseline_ages_korea_with_the_un_projection(korea) -> None:
    """The baseline's labour force follows WPP 2022's 15-64 population (the retired
    korea-ageing scenario): Korean growth 2025-2050 well below its past trend's."""
    from powerscope.dynamics.calibrate import calibrate

    trend = calibrate("KOR", demography=False)
    assert set(korea.paths) == {"labour_growth", "population_growth"}
    assert korea.paths["labour_growth"].loc[2025:2050].mean() < -0.01  # shrinking working age
    assert korea.sources["working_age"] == "wpp2022"

    def growth(cal) -> float:
        ens = run_ensemble(cal, last=2050, runs=300, seed=1)
        years = list(ens.years)
        gdp = ens.band("gdp")[:, 1]
        return float((gdp[years.index(2050)] / gdp[years.index(2025)]) ** (1 / 25) - 1)

    aged, past = growth(korea), growth(trend)
    assert 0.003 < aged < 0.018 and past > aged + 0.01  # about 1% a year against 2.9%


def test_random_walk_shocks_widen_with_the_horizon(korea) -> None:
    noisy = run_ensemble(korea, last=2050, runs=400, seed=3, noise=True)
    band = noisy.band("articles")
    width = np.log(band[:, 2] / band[:, 0])
    years = list(noisy.years)
    # persistent deviations: the band in 2045 is much wider than two years out
    assert width[years.index(2045)] > 2.0 * width[years.index(2025)]
    assert 0.0 <= korea.equations["growth"].rho <= 0.9
