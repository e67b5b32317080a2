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


def test_korean_ageing_slows_growth(korea) -> None:
    ens = run_ensemble(korea, load_scenario("korea-ageing"), last=2050, runs=300, seed=1)
    effect = ens.band("gdp", effect=True)[-1]
    assert effect[2] < -10  # every plausible run loses more than a tenth of 2050 GDP
    years = list(ens.years)
    gdp = ens.band("gdp")[:, 1]
    growth = (gdp[years.index(2050)] / gdp[years.index(2025)]) ** (1 / 25) - 1
    assert 0.005 < growth < 0.025  # 1.6% a year (the baseline: 2.9%)


def test_random_walk_shocks_widen_with_the_horizon(korea) -> None:
    noisy = run_ensemble(korea, last=2050, runs=400, seed=3, noise=True)
    band = noisy.band("articles")
    width = np.log(band[:, 2] / band[:, 0])
    years = list(noisy.years)
    # persistent deviations: the band in 2045 is much wider than two years out
    assert width[years.index(2045)] > 2.0 * width[years.index(2025)]
    assert 0.0 <= korea.equations["growth"].rho <= 0.9
