"""The research part of a brief: the country's articles, world share and rank (all S&E and
AI-related), the fields where it gains or loses against China, and its working-age population
to 2050; each sentence computed from the library and citing its dataset."""

from __future__ import annotations

import pytest

from powerscope.brief.sections import BriefContext
from powerscope.brief.sections.research import research_part
from powerscope.data.store import SnapshotStore
from powerscope.demography import working_age
from powerscope.research import ai_articles, articles, compare_fields


@pytest.fixture(scope="module")
def store() -> SnapshotStore:
    return SnapshotStore()


def test_korea_research_output_and_population(store: SnapshotStore) -> None:
    section = research_part(BriefContext("KOR", runs=10, seed=1, store=store))
    assert (section.id, section.title) == ("research", "Research output")
    research, population = section.notes
    assert research.sources == ("ncses_sei2024",) and population.sources == ("wpp2022",)
    assert research.text.startswith(
        "In 2022 South Korea published 76,936 S&E articles (fractional counts), 2.3% of the "
        "world's, 9th among countries (13th in 2003;"
    )
    ai = ai_articles(["KOR"], store=store).latest("KOR")
    assert f"in AI-related articles (whole counts) {ai['articles']:,.0f}, " in research.text
    assert f"{ai['share']:.1f}% of the world's, {ai['rank']}th." in research.text
    gap = compare_fields("KOR", "CHN", store=store)
    assert gap.gaining() == []  # so the sentence says Korea lost ground in every field
    assert "South Korea's articles per article of China fell in all 16 fields" in research.text
    assert f"most in {gap.losing()[0]}" in research.text
    assert population.text == (
        "South Korea's working-age population (ages 15-64) is projected to fall from 37.0 "
        "million in 2021 to 24.0 million in 2050 (-35%; UN medium-variant projection)."
    )
    assert section.data["rival"] == "CHN" and section.data["losing"] == gap.losing()
    assert section.data["working_age"]["percent"] == pytest.approx(
        working_age("KOR", store=store).change(2021, 2050)["percent"]
    )
    (table,) = section.tables
    assert len(table.rows) == 16 and table.sources == ("ncses_sei2024",)
    assert [f.sources for f in section.facts] == [("ncses_sei2024",), ("ncses_sei2024",),
                                                  ("wpp2022",)]  # fmt: skip
    assert section.cited() == ["ncses_sei2024", "wpp2022"]
    assert any(c.endswith("--by-field") for c in section.commands)


def test_china_is_compared_with_the_united_states(store: SnapshotStore) -> None:
    section = research_part(BriefContext("CHN", runs=10, seed=1, store=store))
    assert section.data["rival"] == "USA"
    text = section.notes[0].text
    gap = compare_fields("CHN", "USA", store=store)
    assert f"China gains in {len(gap.gaining())} of 16 fields" in text
    assert section.data["all_se"] == articles(["CHN"], store=store).latest("CHN")


def test_a_country_without_research_data_says_so(store: SnapshotStore) -> None:
    # Macao is in the UN's population data but not in NCSES's tables
    section = research_part(BriefContext("MAC", runs=10, seed=1, store=store))
    assert section.notes[0].text.startswith("Research output is not available: no NCSES")
    assert section.notes[-1].sources == ("wpp2022",)
    assert not section.tables
