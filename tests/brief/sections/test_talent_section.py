"""The talent part of the self-reliance section: findings computed from the data, the peers and
partners tables, the chart, provisional years named, every figure citing the database."""

from __future__ import annotations

import re

import pytest

from powerscope.brief.sections import SECTIONS, BriefContext
from powerscope.brief.sections.talent import talent_part
from powerscope.data.store import SnapshotStore
from powerscope.talent import talent_flows


@pytest.fixture(scope="module")
def kor():  # type: ignore[no-untyped-def]
    return talent_part(BriefContext("KOR", runs=10, seed=1, store=SnapshotStore()))


def test_findings_follow_the_library(kor) -> None:  # type: ignore[no-untyped-def]
    expected = talent_flows("KOR", peers=["JPN", "CHN", "USA"], store=SnapshotStore())
    assert (kor.id, kor.title) == ("talent", "Talent flows")
    assert kor.data["net"] == -375 and kor.data["year"] == 2021
    assert kor.data["provisional"] == [2022, 2023] and kor.data["reliable_end"] == 2021
    assert kor.data["partners"] == list(expected.partners["partner"])
    facts = {f.label: f for f in kor.facts}
    first = facts["Net migration of researchers, 2021"]
    assert first.raw == -375
    assert "2,157" in first.value and "2,532" in first.value and "net loss of 375" in first.value
    assert facts["Trend"].raw == (2017, 2021) and "positive in 2016" in facts["Trend"].value
    main = facts["Main partner: United States"]
    assert main.raw == (850, 797) and "to the United States" in main.value
    robust = facts["Robustness to the source"]
    assert robust.raw == (expected.sources.same_sign, len(expected.sources.reliable))
    assert facts["Against peers"].raw == 4 and "the lowest of 4" in facts["Against peers"].value


def test_each_finding_is_one_or_two_sentences(kor) -> None:  # type: ignore[no-untyped-def]
    for fact in kor.facts:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", fact.value) if s]
        assert 1 <= len(sentences) <= 2, fact.value
        assert fact.value.endswith(".")


def test_every_figure_cites_the_database(kor) -> None:  # type: ignore[no-untyped-def]
    parts = [*kor.facts, *kor.tables, *kor.charts, *kor.notes]
    assert parts and all(p.sources == ("scholarly_migration",) for p in parts)
    assert kor.cited() == ["scholarly_migration"]
    peers_table, partners_table = kor.tables
    assert [r[0] for r in peers_table.rows][-1] == "South Korea"
    usa = next(r for r in partners_table.rows if r[0] == "United States")
    assert usa[1:4] == (850, 797, -53)
    chart = kor.charts[0]
    assert set(chart.series) == {"KOR", "JPN", "CHN", "USA"} and chart.x[-1] == 2021
    assert any("provisional" in n.text and "2022, 2023" in n.text for n in kor.notes)
    assert kor.commands == ["powerscope talent KOR --peers JPN,CHN,USA"]


def test_not_a_section_of_its_own_and_a_country_absent_is_a_note() -> None:
    assert talent_part not in SECTIONS
    part = talent_part(BriefContext("XKX", runs=10, seed=1, store=SnapshotStore()))
    assert not part.facts and "not in the Scholarly Migration Database" in part.notes[0].text


def test_a_peer_country_is_not_its_own_peer() -> None:
    part = talent_part(BriefContext("USA", runs=10, seed=1, store=SnapshotStore()))
    assert part.data["peers"] == ["JPN", "CHN"]
    assert "the United States" in part.facts[0].value
