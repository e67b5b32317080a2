"""Building a brief: the registry of sections, the country argument, the run settings."""

from __future__ import annotations

import pytest

from powerscope.brief.sections import (
    SECTIONS,
    Brief,
    BriefContext,
    Fact,
    Note,
    Section,
    build_brief,
)
from powerscope.errors import SpecError, UnknownEntityError


def test_sections_in_registry_order(kor: Brief) -> None:
    assert [s.id for s in kor.sections] == [
        "summary",
        "technology",
        "military",
        "power",
        "arms",
        "alignment",
        "ties",
        "selfreliance",
        "dynamics",
        "claims",
    ]
    assert len(SECTIONS) == 10


def test_unknown_country_is_an_error() -> None:
    with pytest.raises(UnknownEntityError, match="Narnia"):
        build_brief("Narnia")


def test_an_aggregate_is_not_a_country() -> None:
    with pytest.raises(SpecError, match="not a present-day country"):
        build_brief("World")


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
