"""The technology section: CETI ranks, their robustness, the gap to China; a country outside
the CETI gets a note."""

from __future__ import annotations

from powerscope.brief.sections import Brief, build_brief, claims_section, technology_section


def test_technology_ranks_robustness_and_china_gap(kor: Brief) -> None:
    data = kor.section("technology").data
    assert data["rank"] == 5 and data["rank_excluding_aggregates"] == 4
    assert {k: v["rank"] for k, v in data["sectors"].items()} == {
        "Semiconductors": 5,
        "AI": 9,
        "Biotechnology": 10,
        "Space": 13,
        "Quantum": 12,
    }
    assert abs(data["score"] - 20.007) < 0.001
    # docs/robustness.md: nominal 5, median 6, interval 5-7 (Europe counted); 4, 5, 4-6 without
    counted = data["uncertainty"]["Europe counted"]
    assert (counted["nominal"], counted["median"], counted["q05"], counted["q95"]) == (5, 6, 5, 7)
    excluded = data["uncertainty"]["aggregates excluded"]
    assert (excluded["nominal"], excluded["q05"], excluded["q95"]) == (4, 4, 6)
    assert data["rival"] == "CHN"
    assert all(gap < 0 for gap in data["gap"].values())  # below China in every sector
    assert abs(data["gap"]["Overall"] - (20.007 - 65.556)) < 0.01
    notes = " ".join(t.note for t in kor.section("technology").tables)
    assert "± 25%" in notes and "geometric" in notes  # the assumptions varied are stated


def test_a_country_outside_the_ceti_gets_a_note() -> None:
    brief = build_brief("Norway", sections=[technology_section, claims_section])
    tech = brief.section("technology")
    assert not tech.tables and "does not cover Norway" in tech.notes[0].text
    assert "None of the claims" in brief.section("claims").notes[0].text
    assert [e.id for e in brief.sources] == ["belfer_ceti"]
