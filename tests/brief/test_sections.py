"""The brief's sections reproduce the library's figures and cite a dataset for each."""

from __future__ import annotations

import pytest

from powerscope.brief.sections import (
    EXTRA_SOURCES,
    SECTIONS,
    Brief,
    BriefContext,
    Fact,
    Note,
    Section,
    build_brief,
    claims_section,
    technology_section,
)
from powerscope.errors import SpecError, UnknownEntityError


@pytest.fixture
def kor(kor_brief: Brief) -> Brief:
    return kor_brief


def test_sections_in_registry_order(kor: Brief) -> None:
    assert [s.id for s in kor.sections] == [
        "summary",
        "technology",
        "military",
        "arms",
        "alignment",
        "dynamics",
        "claims",
    ]
    assert len(SECTIONS) == 7


def test_summary_headlines_match_the_published_figures(kor: Brief) -> None:
    data = kor.section("summary").data
    assert data["ceti_rank"] == 5  # docs/ceti.md: overall 5th
    assert data["gfp_rank"] == 5  # docs/military.md: GFP 5th of 145
    assert data["milex_rank"] == 11  # SIPRI 2024, constant 2023 US$
    assert data["arms"]["rank"] == 10 and round(data["arms"]["share"], 2) == 2.18  # 2020-2024
    assert data["partners"] == ["JPN", "AUS", "FRA"]  # docs/alignment.md
    values = {f.label: f.value for f in kor.section("summary").facts}
    assert values["Technology (Belfer CETI 2025)"].startswith("5th of 26, score 20.0")
    assert "US$48.5 bn" in values["Military spending (SIPRI)"]


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


def test_military_measures_and_gfp_drivers(kor: Brief) -> None:
    data = kor.section("military").data
    assert (data["gfp_rank"], data["milex_rank"], data["cinc_rank"], data["open_rank"]) == (
        5,
        11,
        8,
        5,
    )
    assert data["gfp_drivers"][0] == "submarines"  # docs/military.md: what puts Korea 5th
    chart = kor.section("military").charts[0]
    years = list(chart.x)
    assert years[-1] == 2024 and len(years) == 15
    assert "constant 2023" in chart.y_label
    assert abs(chart.series["constant 2023 US$ bn"][-1] - 48.47) < 0.01  # type: ignore[operator]


def test_arms_periods_change_and_clients(kor: Brief) -> None:
    data = kor.section("arms").data
    assert set(data["periods"]) == {"2015-2019", "2020-2024"}
    assert data["periods"]["2020-2024"]["rank"] == 10
    assert data["periods"]["2015-2019"]["rank"] == 9
    first, last = data["periods"]["2015-2019"]["tiv"], data["periods"]["2020-2024"]["tiv"]
    assert abs(data["change"] - (last - first) / first * 100) < 1e-9
    assert data["clients"][:2] == ["POL", "PHL"]  # docs/arms.md: Poland 46%, Philippines 14%
    annual = kor.section("arms").charts[0]
    assert annual.x[-1] == 2024 and max(v or 0.0 for v in annual.series["TIV (millions)"]) > 500


def test_alignment_partners_and_un_agreement(kor: Brief) -> None:
    data = kor.section("alignment").data
    assert data["partners"][:3] == ["JPN", "AUS", "FRA"]
    agreement = data["un_agreement_latest"]
    # docs/alignment.md: in 2019 agreement with Japan 80%, China 50%, the US 41%
    assert round(agreement["Japan"]) == 80 and round(agreement["China"]) == 50
    assert round(agreement["United States"]) == 41
    chart = kor.section("alignment").charts[0]
    assert set(chart.series) == {"United States", "China", "Japan", "Russia"}
    assert chart.x[0] == 1991 and chart.x[-1] == 2019
    intervals = [row[3] for row in kor.section("alignment").tables[0].rows]
    assert intervals[0] == "1-1"  # Japan, 1st in every run


def test_dynamic_outlook(kor: Brief) -> None:
    section = kor.section("dynamics")
    data = section.data
    assert data["backtest_better"] >= 5  # of 8 series, as in docs/dynamics.md
    talent = data["talent_articles_2050"]
    assert talent["effect_p05"] >= 0 and 0 < talent["effect_median"] < 5
    assert data["baseline_mode"] == "balancing"
    captions = [t.caption for t in section.tables]
    assert any("Baseline projection" in c for c in captions)
    assert any("Policy scenarios" in c for c in captions)
    assert {"wdi", "sipri_milex", "sipri_arms"} <= set(section.cited())
    assert "powerscope dynamics loops KOR" in section.commands


def test_claims_concerning_the_country(kor: Brief) -> None:
    verdicts = kor.section("claims").data["verdicts"]
    assert len(verdicts) == 14
    assert verdicts["gfp-5th"] == "confirmed"
    assert verdicts["sipri-change-2025-edition"] == "differs"
    table = kor.section("claims").tables[0]
    assert table.row_sources is not None
    assert all("powerscope_claims" in row for row in table.row_sources)
    by_claim = dict(zip((r[0] for r in table.rows), table.row_sources, strict=True))
    gfp_claim = next(k for k in by_claim if "Global Firepower" in k)
    assert "gfp" in by_claim[gfp_claim]


def test_every_citation_resolves_to_a_numbered_source(kor: Brief) -> None:
    numbers = [e.number for e in kor.sources]
    assert numbers == list(range(1, len(numbers) + 1))
    ids = {e.id for e in kor.sources}
    for section in kor.sections:
        assert set(section.cited()) <= ids, section.id
        for fact in section.facts:
            assert fact.sources, f"{section.id}: {fact.label} has no source"
    for entry in kor.sources:
        assert entry.publisher and entry.title and entry.edition and entry.licence
        if entry.id not in EXTRA_SOURCES:
            assert entry.url.startswith("http") and "sha256" in entry.note
    assert {"belfer_ceti", "gfp", "sipri_milex", "sipri_arms", "unvotes", "cow_nmc"} <= ids
    assert kor.number("belfer_ceti") == 1  # cited first, numbered first


def test_unknown_country_is_an_error() -> None:
    with pytest.raises(UnknownEntityError, match="Narnia"):
        build_brief("Narnia")


def test_an_aggregate_is_not_a_country() -> None:
    with pytest.raises(SpecError, match="not a present-day country"):
        build_brief("World")


def test_a_country_outside_the_ceti_gets_a_note() -> None:
    brief = build_brief("Norway", sections=[technology_section, claims_section])
    tech = brief.section("technology")
    assert not tech.tables and "does not cover Norway" in tech.notes[0].text
    assert "None of the claims" in brief.section("claims").notes[0].text
    assert [e.id for e in brief.sources] == ["belfer_ceti"]


def test_a_new_section_joins_through_the_registry() -> None:
    def outlook(ctx: BriefContext) -> Section:
        section = Section("dynamics", "Dynamic outlook")
        section.facts.append(Fact("Spending", "rising", ("sipri_milex",)))
        section.notes.append(Note(f"A note on {ctx.name}.", ("gfp",)))
        return section

    brief = build_brief("KOR", sections=[outlook])
    assert [s.id for s in brief.sections] == ["dynamics"]
    assert [e.id for e in brief.sources] == ["sipri_milex", "gfp"]
    assert brief.sections[0].notes[0].text == "A note on South Korea."


def test_runs_must_be_positive() -> None:
    with pytest.raises(SpecError, match="runs"):
        build_brief("KOR", runs=0, sections=[])
