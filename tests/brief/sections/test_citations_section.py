"""Every edition, data year and source name in a brief comes from the store's citations: a new
edition in the store is what the brief says, with no edition written into the sections."""

from __future__ import annotations

import re
from html import unescape

import pytest

from powerscope.brief.render import render_html
from powerscope.brief.sections import (
    Brief,
    build_brief,
    military_section,
    summary_section,
    technology_section,
)
from support import next_edition_store


@pytest.fixture(scope="module")
def next_brief(tmp_path_factory: pytest.TempPathFactory) -> tuple[Brief, str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POWERSCOPE_HOME", str(tmp_path_factory.mktemp("next-home")))
        brief = build_brief(
            "KOR",
            runs=20,
            sections=[summary_section, technology_section, military_section],
            store=next_edition_store(),
        )
    return brief, unescape(re.sub(r"<script.*?</script>", "", render_html(brief), flags=re.S))


def test_the_brief_says_the_edition_the_store_holds(next_brief: tuple[Brief, str]) -> None:
    brief, text = next_brief
    summary = {f.label: f for f in brief.section("summary").facts}
    assert "Military strength (Global Firepower 2027)" in summary
    assert "Technology (Belfer CETI 2026)" in summary
    assert brief.section("military").facts[0].label == "Global Firepower 2027"
    assert "Belfer CETI 2026 sector scores" in text
    assert "edition 2027" in text
    for stale in ("Global Firepower 2026", "CETI 2025", "edition 2026."):
        assert stale not in text, stale


def test_counts_come_from_the_result(next_brief: tuple[Brief, str]) -> None:
    brief, _ = next_brief
    technology = brief.section("technology")
    overall = technology.facts[0].value  # "5th of 26"
    assert f"rank among {overall.split(' of ')[1]} entities" in technology.tables[0].caption


def test_each_military_measure_cites_its_own_datasets(kor: Brief) -> None:
    table = kor.section("military").tables[0]
    assert table.row_sources == (("gfp",), ("sipri_milex",), ("cow_nmc",), ("gfp", "sipri_milex"))


def test_claims_cite_the_datasets_their_verdicts_name(kor: Brief) -> None:
    table = kor.section("claims").tables[0]
    assert table.row_sources
    for row in table.row_sources:
        assert row[0] == "powerscope_claims" and len(row) >= 2
