"""Like-minded partners: transparent components, re-weighting, evidence, named partners."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from powerscope.alignment.partners import (
    COMPONENTS,
    alliance_leaves,
    load_institutions,
    parse_years,
    partner_data,
    theil_sen,
    trend_slopes,
)
from powerscope.alignment.service import last_vote_year, like_minded, named_partner_ranks
from powerscope.data.store import SnapshotStore
from powerscope.errors import DataFormatError, PeriodError, UnknownEntityError, WeightsError


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
    assert last == 2025
    assert korea["years"]["un_votes"] == f"{last - 4}-{last}"
    assert korea["years"]["un_trend"] == f"{last - 9}-{last}"
    # every component carries its data years
    assert set(COMPONENTS) <= set(korea["years"])
    assert korea["years"]["alliance"] == 2018 and korea["years"]["trade"] == 2014


def test_named_like_minded_rank_high(korea) -> None:  # type: ignore[no-untyped-def]
    named = named_partner_ranks(korea).set_index("code")
    assert {"USA", "JPN", "AUS", "NZL", "DEU", "FRA"} <= set(named.index)
    assert named.loc["JPN", "rank"] <= 5 and named.loc["AUS", "rank"] <= 5
    ranks = {p["code"]: p["rank"] for p in korea["partners"]}
    assert ranks["JPN"] < ranks["CHN"] and ranks["USA"] < ranks["PRK"]
    # docs/alignment.md: the measured ranks of the default index
    assert [p["code"] for p in korea["partners"][:3]] == ["AUS", "JPN", "FRA"]
    assert (ranks["USA"], ranks["CHN"], ranks["RUS"], ranks["PRK"]) == (6, 72, 117, 189)


def test_alliance_evidence(korea) -> None:  # type: ignore[no-untyped-def]
    partners = {p["code"]: p for p in korea["partners"]}
    evidence = {c: p["evidence"] for c, p in partners.items()}
    # the 1953 mutual defence treaty: ATOP codes defence, consultation and non-aggression
    assert evidence["USA"]["alliance"] == "defence pact, consultation pact, non-aggression pact"
    assert partners["USA"]["components"]["alliance"] == 100.0
    # ATOP records only non-aggression obligations with China and North Korea: no evidence of
    # like-mindedness, so their alliance score is 0 by default
    for code in ("CHN", "PRK", "JPN", "RUS"):
        assert evidence[code]["alliance"] == "non-aggression pact"
        assert partners[code]["components"]["alliance"] == 0.0
    assert [c for c, p in partners.items() if p["components"]["alliance"] == 100.0] == ["USA"]
    assert evidence["CUB"]["alliance"] == "none"
    assert "NATO-IP4" in evidence["AUS"]["institutions"]
    assert "do not name the treaties" in korea["notes"]["alliance"]


def test_alliance_obligations_reweight_with_the_weights_grammar() -> None:
    # the scoring before the split: defence 1, any other obligation 0.5
    old = {"alliance/defence": 0.5, "alliance/consultation": 0.0, "nonaggression": 0.5}
    report = like_minded("KOR", weights=old, store=SnapshotStore())
    alliance = {p["code"]: p["components"]["alliance"] for p in report["partners"]}
    assert alliance["USA"] == 100.0 and alliance["PRK"] == 50.0 and alliance["CHN"] == 50.0
    assert alliance["CUB"] == 0.0
    assert report["weights"]["alliance/nonaggression"] == 0.5
    with pytest.raises(WeightsError, match="children of 'alliance' sum to 1.5"):
        like_minded("KOR", weights={"nonaggression": 0.5}, store=SnapshotStore())


def test_alliance_leaves_are_cumulative() -> None:
    flags = pd.DataFrame(
        {
            "defense": [True, False, False, False, False],
            "offense": [False, True, False, False, False],
            "neutral": [False, False, True, False, False],
            "consul": [True, False, False, False, False],
            "nonagg": [True, False, False, True, False],
        }
    )
    leaves = alliance_leaves(flags)
    assert leaves["alliance_defence"].tolist() == [1, 1, 0, 0, 0]
    assert leaves["alliance_consultation"].tolist() == [1, 1, 1, 0, 0]
    assert leaves["alliance_nonaggression"].tolist() == [1, 1, 1, 1, 0]


def test_agreement_trend(korea) -> None:  # type: ignore[no-untyped-def]
    evidence = {p["code"]: p["evidence"] for p in korea["partners"]}
    usa = evidence["USA"]["un_by_year"]
    assert sorted(usa) == list(range(2016, 2026))
    assert usa[2025] < 20 < usa[2024]  # 2025: the US voted against most of the Assembly
    labels = {e["un_trend"] for e in evidence.values()}
    assert {"converging", "drifting apart", "steady"} <= labels
    for e in evidence.values():
        slope = e["un_trend_pp_per_year"]
        if slope is not None and slope >= 1.0:
            assert e["un_trend"] == "converging"
    assert evidence["AUS"]["un_trend"] == "converging"
    assert evidence["RUS"]["un_trend"] == "drifting apart"


def test_theil_sen_resists_one_unusual_year() -> None:
    years = np.arange(2016, 2026, dtype=float)
    values = 50 + 2.0 * (years - 2016)
    assert theil_sen(years, values) == pytest.approx(2.0)
    values[-1] = 0.0  # one outlier
    assert theil_sen(years, values) == pytest.approx(2.0)
    frame = pd.DataFrame({"code": ["A"] * 10 + ["B"] * 2, "year": [*years, 2024, 2025],
                          "percent": [*(80 - years + 2016), 50, 60]})  # fmt: skip
    slopes = trend_slopes(frame)
    assert slopes.loc["A", "trend"] == "drifting apart" and slopes.loc["A", "slope"] == -1.0
    assert np.isnan(slopes.loc["B", "slope"]) and slopes.loc["B", "trend"] == ""


def test_vote_window() -> None:
    assert parse_years("2021-2025") == (2021, 2025) and parse_years("2019") == (2019, 2019)
    with pytest.raises(PeriodError, match="cannot read the years"):
        parse_years("last five")
    with pytest.raises(PeriodError, match="end before they start"):
        parse_years("2025-2021")
    report = like_minded("KOR", years=(2015, 2019), trend_years=5, store=SnapshotStore())
    assert report["years"]["un_votes"] == "2015-2019"
    assert report["years"]["un_trend"] == "2015-2019"
    with pytest.raises(PeriodError, match="the votes cover 1946-2025") as caught:
        like_minded("KOR", years=(2021, 2030), store=SnapshotStore())
    assert caught.value.parameter == "years"
    with pytest.raises(PeriodError, match="1946-2025"):
        like_minded("KOR", years=(1900, 1950), store=SnapshotStore())


def test_trade_agreements_and_embassies(korea) -> None:  # type: ignore[no-untyped-def]
    assert korea["years"]["trade_agreements"] == 2020 and korea["years"]["embassies"] == 2023
    assert {"desta", "lowy_gdi"} <= {c["dataset"] for c in korea["citations"]}
    partners = {p["code"]: p for p in korea["partners"]}
    evidence = {c: p["evidence"] for c, p in partners.items()}
    assert evidence["CHL"]["trade_agreements"] == 3  # PTN, GSTP and the 2004 FTA
    assert "Chile Korea (2004)" in evidence["CHL"]["trade_agreement_titles"]
    assert evidence["JPN"]["trade_agreements"] == 0  # no agreement in force in 2020
    assert evidence["USA"]["embassy"] == "both ways"
    assert partners["USA"]["components"]["embassies"] == 100.0
    assert evidence["PRK"]["embassy"] == "neither"
    assert partners["PRK"]["components"]["embassies"] == 0.0
    assert set(evidence["USA"]["embassies_by_edition"]) == {2016, 2017, 2021, 2023}
    # a partner that is not one of Lowy's reporting countries: its side is missing, not zero,
    # and the component is the focal country's side alone
    outside = [c for c, e in evidence.items() if "not a Lowy reporting country" in e["embassy"]]
    assert outside
    for code in outside:
        focal_side = "keeps an embassy there" in evidence[code]["embassy"]
        assert partners[code]["components"]["embassies"] == (100.0 if focal_side else 0.0)


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
        "embassies": 0.0,
        "trade_agreements": 0.0,
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
