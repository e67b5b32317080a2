"""The simulator: stock-flow accounting, vectorisation over runs, levers and loop cuts."""

from __future__ import annotations

import numpy as np
import pytest

from powerscope.dynamics.model import LINKS, simulate

YEARS = np.arange(2023, 2054)


def test_knowledge_is_a_perpetual_inventory_of_rd(truth, initial_state) -> None:
    run = simulate(truth, initial_state, YEARS, runs=1)
    k, spend = run["knowledge"][:, 0], run["rd_spending"][:, 0]
    # Without recruits or spillovers knowledge investment equals R&D spending.
    np.testing.assert_allclose(k[1:], (1 - truth["knowledge_depreciation"]) * k[:-1] + spend[:-1])
    gdp = run["gdp"][:, 0]
    milex = run["milex"][:, 0]
    np.testing.assert_allclose(milex, run["milex_share"][:, 0] / 100 * gdp)


def test_goal_seeking_converges_to_targets(truth, initial_state) -> None:
    run = simulate(truth, initial_state, YEARS, runs=1)
    civil = truth["rd_target"] - truth["defence_rd_share"] * truth["milex_target_ref"]
    defence_rd = truth["defence_rd_share"] * truth["milex_target"]
    assert run["rd_intensity"][-1, 0] == pytest.approx(civil + defence_rd, rel=0.01)
    assert run["milex_share"][-1, 0] == pytest.approx(truth["milex_target"], rel=0.01)
    assert run["rd_intensity"][0, 0] < run["rd_intensity"][-1, 0]  # rises from 2% towards 4%


def test_runs_are_independent_columns(truth, initial_state) -> None:
    params = dict(truth)
    params["knowledge_elasticity"] = np.array([0.05, 0.10, 0.20])
    together = simulate(params, initial_state, YEARS)
    for j, value in enumerate([0.05, 0.10, 0.20]):
        alone = simulate({**truth, "knowledge_elasticity": value}, initial_state, YEARS, runs=1)
        np.testing.assert_allclose(together["gdp"][:, j], alone["gdp"][:, 0])
    assert together["gdp"][-1, 0] < together["gdp"][-1, 1] < together["gdp"][-1, 2]


def test_recruits_add_researchers_with_retention_and_raise_knowledge(truth, initial_state) -> None:
    base = simulate(truth, initial_state, YEARS, runs=1)
    recruits = np.where((YEARS >= 2026) & (YEARS <= 2035), 1000.0, 0.0)[:, None]
    params = {**truth, "recruits": recruits, "retention_income_elasticity": 0.0}
    run = simulate(params, initial_state, YEARS, runs=1)
    stock = run["recruited"][:, 0]
    i = list(YEARS).index(2036)
    expected = sum(1.0 * truth["recruit_retention"] ** k for k in range(10))
    assert stock[i] == pytest.approx(expected)  # thousand recruits after ten cohorts
    assert stock[-1] < stock[i]  # they leave after the programme ends
    assert (run["knowledge"][1:, 0] >= base["knowledge"][1:, 0]).all()
    assert run["articles"][i, 0] > base["articles"][i, 0]


def test_higher_rd_target_raises_knowledge_and_gdp(truth, initial_state) -> None:
    base = simulate(truth, initial_state, YEARS, runs=1)
    boost = simulate({**truth, "rd_target": truth["rd_target"] + 1}, initial_state, YEARS, runs=1)
    assert boost["knowledge"][-1, 0] > 1.1 * base["knowledge"][-1, 0]
    assert boost["gdp"][-1, 0] > base["gdp"][-1, 0]


@pytest.mark.parametrize("link", LINKS)
def test_every_cut_changes_nothing_in_the_start_year(truth, initial_state, link: str) -> None:
    full = simulate(truth, initial_state, YEARS, runs=1)
    cut = simulate(truth, initial_state, YEARS, cuts=frozenset({link}), runs=1)
    assert full["gdp"][1, 0] == pytest.approx(cut["gdp"][1, 0])
    if link in ("economy_to_rd", "obsolescence", "catch_up"):
        assert not np.allclose(full["knowledge"][-1], cut["knowledge"][-1])


def test_economy_to_rd_cut_slows_knowledge_in_a_growing_economy(truth, initial_state) -> None:
    full = simulate(truth, initial_state, YEARS, runs=1)
    cut = simulate(truth, initial_state, YEARS, cuts=frozenset({"economy_to_rd"}), runs=1)
    assert cut["knowledge"][-1, 0] < full["knowledge"][-1, 0]


def test_shocks_enter_where_documented(truth, initial_state) -> None:
    base = simulate(truth, initial_state, YEARS, runs=1)
    zero = {name: np.zeros((len(YEARS), 1)) for name in ("growth", "rd", "articles")}
    np.testing.assert_array_equal(simulate(truth, initial_state, YEARS, runs=1, shocks=zero)["gdp"], base["gdp"])  # fmt: skip
    growth = np.zeros((len(YEARS), 1))
    growth[0] = 0.01  # one year of 1 log point more growth
    shocked = simulate(truth, initial_state, YEARS, runs=1, shocks={"growth": growth})
    assert shocked["gdp"][1, 0] == pytest.approx(base["gdp"][1, 0] * np.exp(0.01))
    noise = np.full((len(YEARS), 1), 0.1)
    observed = simulate(truth, initial_state, YEARS, runs=1, shocks={"articles": noise})
    np.testing.assert_allclose(observed["articles"], base["articles"] * np.exp(0.1))
    np.testing.assert_array_equal(observed["knowledge"], base["knowledge"])  # no feedback
