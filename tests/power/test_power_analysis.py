"""What moves a state's rank in the open power index: history, drivers, peers, weights."""

from __future__ import annotations

import pytest

from powerscope.data.store import SnapshotStore
from powerscope.errors import NotFoundError
from powerscope.index.panel import PanelResult
from powerscope.power.analysis import (
    measure_ranks,
    peer_gaps,
    power_result,
    rank_drivers,
    rank_history,
)


@pytest.fixture(scope="module")
def result() -> PanelResult:
    return power_result(SnapshotStore())


def test_korea_has_a_rank_in_every_year(result: PanelResult) -> None:
    history = rank_history(result, "KOR")
    assert list(history["year"]) == list(range(2000, 2025))
    assert history["rank"].between(1, 195).all()
    assert "Military capability" in history.columns


def test_drivers_add_up_to_the_change_of_the_score(result: PanelResult) -> None:
    drivers = rank_drivers(result, "KOR", 2000, 2024)
    history = rank_history(result, "KOR").set_index("year")
    change = history.loc[2024, "score"] - history.loc[2000, "score"]
    assert drivers["contribution_change"].sum() == pytest.approx(change, abs=1e-6)
    assert len(drivers) == 8


def test_peer_gaps_are_score_differences(result: PanelResult) -> None:
    gaps = peer_gaps(result, "KOR", ["JPN", "CHN"], 2024).set_index("peer")
    one = result.for_year(2024)
    assert gaps.loc["CHN", "gap"] == pytest.approx(one.score("KOR") - one.score("CHN"))
    assert gaps.loc["CHN", "gap"] < 0


def test_measure_ranks_rank_every_state(result: PanelResult) -> None:
    ranks = measure_ranks(result, 2023)
    assert len(ranks) >= 150 and ranks["rank"].min() == 1
    assert ranks.loc["USA", "Military capability rank"] == 1


def test_an_unknown_state_is_named(result: PanelResult) -> None:
    with pytest.raises(NotFoundError, match="XXX"):
        rank_history(result, "XXX")


def test_a_measure_missing_for_a_state_is_left_out_of_its_peer_gaps(result: PanelResult) -> None:
    # the World Bank does not report Taiwan: no economic capability, no resilience
    scores = result.for_year(2024).scores
    assert scores.loc["TWN", ["Economic capability", "Resilience"]].isna().all()
    gaps = peer_gaps(result, "TWN", ["JPN", "CHN"], 2024)
    assert not set(gaps["largest_measure"]) & {"Economic capability", "Resilience"}
    drivers = rank_drivers(result, "TWN", 2000, 2024)
    assert (
        drivers.loc["Economic capability", "rank_last"]
        != drivers.loc["Economic capability", "rank_last"]
    )
