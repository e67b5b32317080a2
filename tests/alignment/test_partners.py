"""Like-minded partners: transparent components, re-weighting, evidence, named partners."""

from __future__ import annotations

from pathlib import Path

import pytest

from powerscope.alignment.partners import COMPONENTS, load_institutions, partner_data
from powerscope.alignment.service import last_vote_year, like_minded, named_partner_ranks
from powerscope.data.store import SnapshotStore
from powerscope.errors import DataFormatError, UnknownEntityError, WeightsError


@pytest.fixture(scope="module")
def korea():  # type: ignore[no-untyped-def]
    return like_minded("KOR", runs=200, store=SnapshotStore())


def test_every_component_and_its_evidence(korea) -> None:  # type: ignore[no-untyped-def]
    first = korea["partners"][0]
    assert set(first["components"]) == set(COMPONENTS)
    assert {
        "un_agreement_pct",
        "alliance",
        "shared_igos",
        "polyarchy",
        "trade_share_pct",
        "institutions",
    } <= set(first["evidence"])
    last = last_vote_year(SnapshotStore())
    assert korea["years"]["un_votes"] == f"{last - 4}-{last}"


def test_named_like_minded_rank_high(korea) -> None:  # type: ignore[no-untyped-def]
    named = named_partner_ranks(korea).set_index("code")
    assert {"USA", "JPN", "AUS", "NZL", "DEU", "FRA"} <= set(named.index)
    assert named.loc["JPN", "rank"] <= 5 and named.loc["AUS", "rank"] <= 5
    ranks = {p["code"]: p["rank"] for p in korea["partners"]}
    assert ranks["JPN"] < ranks["CHN"] and ranks["USA"] < ranks["PRK"]


def test_alliance_evidence(korea) -> None:  # type: ignore[no-untyped-def]
    evidence = {p["code"]: p["evidence"] for p in korea["partners"]}
    assert evidence["USA"]["alliance"] == 1.0  # the 1953 mutual defence treaty
    # ATOP records non-aggression obligations (0.5) with China and North Korea (both, like South
    # Korea, parties to ASEAN's Treaty of Amity and Cooperation); only the US is a defence ally
    assert evidence["CHN"]["alliance"] == 0.5 and evidence["PRK"]["alliance"] == 0.5
    assert [c for c, e in evidence.items() if e["alliance"] == 1.0] == ["USA"]
    assert evidence["CUB"]["alliance"] == 0.0
    assert "NATO-IP4" in evidence["AUS"]["institutions"]


def test_intervals(korea) -> None:  # type: ignore[no-untyped-def]
    for p in korea["partners"][:10]:
        assert p["q05_rank"] <= p["median_rank"] <= p["q95_rank"]
    assert korea["uncertainty"]["failed_runs"] == 0


def test_reweighting_moves_the_us_up() -> None:
    weights = {
        "un_votes": 0.0,
        "alliance": 0.6,
        "democracy": 0.1,
        "institutions": 0.1,
        "shared_igos": 0.1,
        "trade": 0.1,
    }
    report = like_minded("KOR", weights=weights, store=SnapshotStore())
    assert report["partners"][0]["code"] == "USA"


def test_bad_weights() -> None:
    with pytest.raises(WeightsError, match="unknown node 'votes'"):
        like_minded("KOR", weights={"votes": 1.0}, store=SnapshotStore())


def test_user_institutions_file(tmp_path: Path) -> None:
    path = tmp_path / "ties.yaml"
    path.write_text(
        "MINE:\n  name: A forum\n  source: my notes\n  members: [KOR, Chile, 'Viet Nam']\n"
    )
    ties = load_institutions(path)
    assert ties["MINE"]["members"] == ["KOR", "CHL", "VNM"]
    data = partner_data("KOR", SnapshotStore(), institutions=path)
    evidence = data.evidence.set_index("code")
    assert evidence.loc["CHL", "institutions"] == "MINE"


def test_bad_institutions_files(tmp_path: Path) -> None:
    unsourced = tmp_path / "a.yaml"
    unsourced.write_text("X:\n  members: [KOR]\n")
    with pytest.raises(DataFormatError, match="needs 'members' and 'source'"):
        load_institutions(unsourced)
    unknown = tmp_path / "b.yaml"
    unknown.write_text("X:\n  source: s\n  members: [KOR, Atlantis]\n")
    with pytest.raises(UnknownEntityError, match="Atlantis"):
        load_institutions(unknown)


def test_shipped_institutions_are_cited() -> None:
    ties = load_institutions()
    assert len(ties["FEALAC"]["members"]) == 36
    assert set(ties["KOR-GCC-FTA"]["members"]) == {"KOR", "BHR", "KWT", "OMN", "QAT", "SAU", "ARE"}
    assert all(entry["source"] for entry in ties.values())
