"""The CETI rebuilt from its pillar scores reproduces the Belfer Center's published figures."""

from __future__ import annotations

import pandas as pd
import pytest

from powerscope.data.store import SnapshotStore
from powerscope.index import ROOT, load_spec
from powerscope.index.service import compute_index, country_profile

# Published CETI 2025 scores (Belfer Center, June 2025; as reported, e.g., by the Chosun Biz and
# MK coverage of the release): overall and AI.
PUBLISHED_OVERALL = {
    "USA": 84.3, "CHN": 65.6, "EUROPE": 41.0, "JPN": 23.8, "KOR": 20.0, "IND": 15.2,
}  # fmt: skip
PUBLISHED_AI = {"USA": 90.8, "CHN": 58.0, "KOR": 14.1}
KOREA_SECTOR_RANKS = {"Semiconductors": 5, "AI": 9, "Biotechnology": 10, "Quantum": 12, "Space": 13}
EQUAL = {"Semiconductors": 0.2, "AI": 0.2, "Biotechnology": 0.2, "Space": 0.2, "Quantum": 0.2}


@pytest.fixture(scope="module")
def ceti():  # type: ignore[no-untyped-def]
    return compute_index(load_spec("ceti"), store=SnapshotStore())


@pytest.mark.parametrize(("code", "score"), PUBLISHED_OVERALL.items())
def test_overall_scores_reproduced_within_005(ceti, code: str, score: float) -> None:  # type: ignore[no-untyped-def]
    assert ceti.scores.at[code, ROOT] == pytest.approx(score, abs=0.05)


@pytest.mark.parametrize(("code", "score"), PUBLISHED_AI.items())
def test_ai_scores_reproduced_within_005(ceti, code: str, score: float) -> None:  # type: ignore[no-untyped-def]
    assert ceti.scores.at[code, "AI"] == pytest.approx(score, abs=0.05)


def test_korea_sector_ranks_as_published(ceti) -> None:  # type: ignore[no-untyped-def]
    assert {s: int(ceti.ranks.at["KOR", s]) for s in KOREA_SECTOR_RANKS} == KOREA_SECTOR_RANKS


def test_korea_fifth_with_europe_fourth_without(ceti) -> None:  # type: ignore[no-untyped-def]
    assert ceti.ranks.at["KOR", ROOT] == 5
    assert ceti.ranks_excluding_aggregates.at["KOR", ROOT] == 4
    assert ceti.units.at["EUROPE", "is_aggregate"]
    assert pd.isna(ceti.ranks_excluding_aggregates.at["EUROPE", ROOT])


def test_excluding_aggregates_removes_europe_from_the_ranking() -> None:
    result = compute_index(load_spec("ceti"), exclude_aggregates=True, store=SnapshotStore())
    assert "EUROPE" not in result.scores.index
    assert result.ranks.at["KOR", ROOT] == 4


def test_equal_sector_weights_put_uk_and_germany_above_korea(ceti) -> None:  # type: ignore[no-untyped-def]
    default = ceti.ranks[ROOT]
    assert default["KOR"] < default["GBR"] and default["KOR"] < default["DEU"]
    equal = compute_index(load_spec("ceti"), weights=EQUAL, store=SnapshotStore()).ranks[ROOT]
    assert equal["GBR"] < equal["KOR"] and equal["DEU"] < equal["KOR"]


def test_contributions_add_up_to_the_score(ceti) -> None:  # type: ignore[no-untyped-def]
    c = ceti.contributions
    top = c[c["parent"] == ROOT].groupby("code")["contribution"].sum()
    assert (top - ceti.scores[ROOT]).abs().max() < 1e-9
    semis = c[(c["parent"] == "Semiconductors") & (c["code"] == "KOR")]["contribution"].sum()
    assert semis == pytest.approx(ceti.scores.at["KOR", "Semiconductors"])


def test_korea_profile(ceti) -> None:  # type: ignore[no-untyped-def]
    profile = country_profile(ceti, "Korea, Rep.")
    assert profile["code"] == "KOR"
    assert profile["index"]["rank"] == 5 and profile["index"]["rank_excluding_aggregates"] == 4
    assert profile["strongest"] == "Semiconductors" and profile["weakest"] == "Space"
    semis = next(s for s in profile["sectors"] if s["name"] == "Semiconductors")
    assert semis["contribution"] == pytest.approx(0.35 * semis["score"])
    assert "Belfer" in profile["source"]


def test_spec_weights_equal_the_dashboard_defaults() -> None:
    from support import require_shared

    defaults = pd.read_csv(require_shared("belfer_ceti", "ceti_default_weights.csv"))
    spec = load_spec("ceti")
    for row in defaults.itertuples():
        key = row.sector if row.level == "sector" else f"{row.sector}/{row.pillar}"
        assert spec.weights()[spec.find(key)] == pytest.approx(row.weight), key


def test_geometric_mean_warns_of_zeros_unless_rescaled() -> None:
    from powerscope.errors import SpecError

    spec = load_spec("ceti")
    raw = compute_index(spec, aggregation="geometric", store=SnapshotStore())
    assert raw.scores.at["CHN", ROOT] == 0  # a pillar score of 0 zeroes China's Space sector
    assert "rescale" in raw.method["warnings"][0]
    rescaled = compute_index(spec, aggregation="geometric", rescale=(1, 100), store=SnapshotStore())
    assert "warnings" not in rescaled.method and rescaled.method["rescale"] == [1, 100]
    assert rescaled.rank("CHN") == 2 and rescaled.rank("KOR") == 6
    assert rescaled.scores[ROOT].min() >= 1 and rescaled.scores[ROOT].max() <= 100
    with pytest.raises(SpecError, match="not 0 <= low < high"):
        compute_index(spec, rescale=(100, 1), store=SnapshotStore())
