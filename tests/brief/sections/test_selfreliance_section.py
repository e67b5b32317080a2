"""The "Self-reliance" section: one section whose parts (talent flows, defence industry, ...)
each keep their own heading, figures, charts, sources and commands."""

from __future__ import annotations

import re

from powerscope.brief.sections import Brief
from powerscope.brief.sections.model import Chart, Fact, Section
from powerscope.brief.sections.reproduce import commands
from powerscope.brief.sections.selfreliance import PARTS


def _section(brief: Brief) -> Section:
    return next(s for s in brief.sections if s.id == "selfreliance")


def test_the_section_holds_one_part_per_builder_in_order(kor_brief: Brief) -> None:
    section = _section(kor_brief)
    assert section.title == "Self-reliance"
    assert [p.id for p in section.parts] == [b.__name__.removesuffix("_part") for b in PARTS]
    assert all(p.facts for p in section.parts), "every part states at least one finding"


def test_the_parts_sources_are_the_sections_sources(kor_brief: Brief) -> None:
    section = _section(kor_brief)
    cited = section.cited()
    for part in section.parts:
        assert set(part.cited()) <= set(cited)
    assert {"scholarly_migration", "ncses_sei2024", "wpp2022", "sipri_top100"} <= set(cited)
    listed = {entry.id for entry in kor_brief.sources}
    assert set(cited) <= listed


def test_each_part_has_its_own_numbered_heading_and_charts(kor_brief: Brief, kor_html: str) -> None:
    number = [s.id for s in kor_brief.sections].index("selfreliance") + 1
    section = _section(kor_brief)
    for i, part in enumerate(section.parts, start=1):
        assert re.search(rf"<h3>{number}\.{i} {re.escape(part.title)}</h3>", kor_html)
        assert f'href="#{part.id}"' in kor_html, "the table of contents links to the part"
        for chart in part.charts:
            assert f'id="{chart.id}"' in kor_html or chart.id in kor_html


def test_the_parts_commands_reproduce_the_section(kor_brief: Brief) -> None:
    found = dict(commands(kor_brief))["Self-reliance"]
    for part in _section(kor_brief).parts:
        assert set(part.commands) <= set(found)
        assert part.commands, f"part {part.id} names the command that reproduces it"


def test_a_parts_charts_and_sources_count_with_the_section() -> None:
    chart = Chart("c1", "t", "line", (2020,), {"a": (1.0,)}, "year", "n", ("wdi",))
    part = Section("p", "Part", facts=[Fact("f", "1", ("sipri_milex",))], charts=[chart])
    outer = Section("s", "Outer", facts=[Fact("g", "2", ("wdi",))], parts=[part])
    assert outer.cited() == ["wdi", "sipri_milex"]
    assert outer.all_charts() == [chart]
