"""The ties section: the regions table against the default peers, the thinnest regions, vote
agreement by region over time; every figure cited."""

from __future__ import annotations

import pytest

from powerscope.alignment.ties import DEFAULT_PEERS, ties
from powerscope.brief.sections import Brief, BriefContext
from powerscope.brief.sections.ties import ties_section
from powerscope.data.store import SnapshotStore


def test_ties_section_follows_the_library(kor: Brief) -> None:
    section = kor.section("ties")
    expected = ties("KOR", SnapshotStore(), peers=list(DEFAULT_PEERS))
    own = expected.focal_table().set_index("region")
    assert section.data["peers"] == list(DEFAULT_PEERS)
    for region, value in section.data["vote_agreement"].items():
        assert value == pytest.approx(own.loc[region, "vote_agreement"])
        assert section.data["thin"][region] == own.loc[region, "thin"]
    assert section.data["thinnest"] == list(expected.thinnest(3)["region"])
    table = section.tables[0]
    assert len(table.rows) == len(expected.regions) and table.rows[0][0] == "Central Asia"
    assert {"unvotes", "powerscope_regions"} <= set(table.sources)
    assert [f.label for f in section.facts] == [
        f"Thin: {expected.regions[r].name}" for r in section.data["thinnest"]
    ]
    assert all(f.sources for f in section.facts) and 1 <= len(section.facts) <= 3
    chart = section.charts[0]
    thinnest = {expected.regions[r].name for r in section.data["thinnest"]}
    assert set(chart.series) == {*thinnest, "G77 and China"}
    assert (
        chart.x[0] == 2000 and chart.sources and all(s.startswith("unvotes") for s in chart.sources)
    )
    assert section.commands == ["powerscope align ties KOR --peers JPN,AUS,TUR,IND"]


def test_ties_section_in_the_html(kor_html: str) -> None:
    assert 'id="ties"' in kor_html and "Ties beyond the West" in kor_html


def test_a_country_among_the_default_peers_is_not_its_own_peer() -> None:
    ctx = BriefContext("JPN", runs=10, seed=1, store=SnapshotStore())
    section = ties_section(ctx)
    assert section.data["peers"] == ["AUS", "TUR", "IND"]
    assert "JPN" not in section.tables[0].caption.split("against")[1]
