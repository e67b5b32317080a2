"""The country profile: every part with its figures and the data behind them."""

from __future__ import annotations

import json

import pytest

from powerscope.data.catalog import Citation
from powerscope.data.store import SnapshotStore
from powerscope.errors import UnknownEntityError
from powerscope.profile import (
    AlignmentPart,
    ArmsPart,
    CountryProfile,
    MilitaryPart,
    TechnologyPart,
    Unavailable,
    citations_of,
    country_profile,
)
from support import next_edition_store


@pytest.fixture(scope="module")
def kor() -> CountryProfile:
    return country_profile("South Korea", store=SnapshotStore())


def test_korea_has_its_ceti_rank_and_strengths(kor: CountryProfile) -> None:
    tech = kor.technology
    assert isinstance(tech, TechnologyPart)
    assert (kor.code, tech.index, tech.rank, tech.of) == ("KOR", "ceti", 5, 26)
    assert (tech.rank_excluding_aggregates, tech.of_countries) == (4, 25)
    assert round(tech.score, 1) == 20.0
    assert [s.rank for s in tech.sectors] == [5, 9, 10, 13, 12]
    assert (
        tech.strongest == "Semiconductors" and tech.sectors[0].strongest == "Chip Design and Tools"
    )


def test_every_part_carries_the_citations_of_its_datasets(kor: CountryProfile) -> None:
    store = SnapshotStore()
    expected = {
        "technology": {"belfer_ceti"},
        "military": {"gfp", "sipri_milex", "cow_nmc"},
        "arms": {"sipri_arms"},
        "alignment": {"unvotes", "unvotes_undl", "atop", "democracy", "cow_igo", "cow_trade",
                      "desta", "lowy_gdi",
                      "powerscope_institutions"},
    }  # fmt: skip
    for name, part in kor.parts().items():
        assert part.available, name
        assert all(isinstance(c, Citation) for c in part.citations), name
        cited = {c.dataset: c for c in part.citations}
        assert set(cited) == expected[name], name
        for dataset in expected[name]:
            assert cited[dataset] == store.citation(dataset), dataset  # the store's, not a copy
    assert kor.technology.citations[0].years == (2025, 2025)
    assert kor.arms.citations[0].years == (1950, 2024)
    assert {k: [c.dataset for c in m.citations] for k, m in kor.military.measures.items()} == {
        "gfp": ["gfp"], "milex": ["sipri_milex"], "cinc": ["cow_nmc"],
        "open": ["gfp", "sipri_milex"],
    }  # fmt: skip
    assert [c.dataset for c in citations_of(kor)][:2] == ["belfer_ceti", "gfp"]


def test_a_new_edition_in_the_store_is_what_the_profile_cites() -> None:
    profile = country_profile("KOR", store=next_edition_store(), partners=1)
    assert isinstance(profile.military, MilitaryPart)
    gfp = profile.military.measures["gfp"]
    assert gfp.year == 2027 and gfp.citations[0].edition == "2027"
    assert "edition 2027" in gfp.source and "2026" not in gfp.source
    payload = profile.to_dict()["military"]
    assert payload["citations"][0]["short"] == "Global Firepower 2027"


def test_military_arms_and_alignment_figures(kor: CountryProfile) -> None:
    assert isinstance(kor.military, MilitaryPart)
    assert kor.military.measures["gfp"].rank == 5 and kor.military.measures["milex"].rank == 11
    assert kor.military.milex_trend[-1]["year"] == 2024
    assert isinstance(kor.arms, ArmsPart)
    assert (kor.arms.period, kor.arms.previous_period) == ("2020-2024", "2015-2019")
    assert kor.arms.current is not None and kor.arms.current.rank == 10
    assert round(kor.arms.current.share, 2) == 2.18
    assert [c.code for c in kor.arms.clients[:2]] == ["POL", "PHL"] and len(kor.arms.clients) == 5
    assert isinstance(kor.alignment, AlignmentPart)
    assert [p.code for p in kor.alignment.partners[:3]] == ["AUS", "JPN", "FRA"]
    assert len(kor.alignment.partners) == 10
    agreement = {a.code: a.agreement for a in kor.alignment.agreement}
    from powerscope.alignment.agreement import agreement_with, load
    from powerscope.alignment.service import last_vote_year

    last = last_vote_year(SnapshotStore())
    assert kor.alignment.agreement_year == last
    votes = load(SnapshotStore())
    expected = agreement_with("KOR", votes.votes, votes.calls, year=last).set_index("partner")
    for code in ("JPN", "USA"):
        assert agreement[code] == pytest.approx(expected.loc[code, "percent_agreement"])


def test_to_dict_is_json_with_the_web_api_shape(kor: CountryProfile) -> None:
    payload = json.loads(json.dumps(kor.to_dict()))
    assert list(payload) == ["code", "name", "technology", "military", "arms", "alignment"]
    tech = payload["technology"]
    assert tech["available"] is True and tech["index"]["rank"] == 5
    assert tech["citations"] == [kor.technology.citations[0].to_dict()]
    assert tech["citations"][0]["years"] == [2025, 2025]
    assert "Critical and Emerging Technologies Index" in tech["citations"][0]["text"]
    assert payload["military"]["measures"]["gfp"]["rank"] == 5
    assert {"period", "current", "previous", "clients", "pending_tiv", "edition", "source"} <= set(
        payload["arms"]
    )
    assert payload["arms"]["previous"]["period"] == "2015-2019"
    partner = payload["alignment"]["partners"][0]
    assert {"rank", "code", "name", "score"} <= set(partner) and partner["code"] == "AUS"
    assert payload["alignment"]["years"]["alliance"] == 2018


def test_a_country_outside_the_ceti_has_the_other_parts() -> None:
    norway = country_profile("NOR", store=SnapshotStore())
    assert isinstance(norway.technology, Unavailable)
    assert "Norway is not covered by the CETI" in norway.technology.reason
    assert norway.military.available and norway.arms.available and norway.alignment.available
    assert norway.to_dict()["technology"] == {
        "available": False,
        "reason": norway.technology.reason,
    }


def test_each_part_is_reported_as_soon_as_it_is_computed() -> None:
    seen: list[tuple[str, object]] = []
    norway = country_profile(
        "NOR", store=SnapshotStore(), on_part=lambda name, part: seen.append((name, part))
    )
    assert [name for name, _ in seen] == ["technology", "military", "arms", "alignment"]
    assert [part for _, part in seen] == list(norway.parts().values())
    assert isinstance(seen[0][1], Unavailable)  # an unavailable part is reported too


def test_an_unknown_country_is_an_error_naming_it() -> None:
    with pytest.raises(UnknownEntityError, match="Atlantis"):
        country_profile("Atlantis", store=SnapshotStore())


def test_rank_intervals_with_runs() -> None:
    profile = country_profile("KOR", store=SnapshotStore(), runs=50, seed=1, partners=3)
    assert isinstance(profile.alignment, AlignmentPart)
    first = profile.alignment.partners[0]
    assert len(profile.alignment.partners) == 3
    assert first.q05_rank is not None and first.q05_rank <= first.rank <= (first.q95_rank or 0)
