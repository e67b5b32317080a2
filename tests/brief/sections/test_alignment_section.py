"""The alignment section: like-minded partners and UN vote agreement."""

from __future__ import annotations

from powerscope.alignment.agreement import agreement_with, load
from powerscope.alignment.service import last_vote_year
from powerscope.brief.sections import Brief
from powerscope.data.store import SnapshotStore


def test_alignment_partners_and_un_agreement(kor: Brief) -> None:
    data = kor.section("alignment").data
    assert data["partners"][:3] == ["AUS", "JPN", "FRA"]
    agreement = data["un_agreement_latest"]
    last = last_vote_year(SnapshotStore())
    votes = load(SnapshotStore())
    expected = agreement_with("KOR", votes.votes, votes.calls, year=last).set_index("partner")
    for name, code in (("Japan", "JPN"), ("China", "CHN"), ("United States", "USA")):
        assert round(agreement[name]) == round(100 * expected.loc[code, "percent_agreement"])
    # docs/alignment.md: in 2025 South Korea agrees with Japan far more than with the US
    assert agreement["Japan"] > agreement["China"] > agreement["United States"]
    chart = kor.section("alignment").charts[0]
    assert set(chart.series) == {"United States", "China", "Japan", "Russia"}
    assert chart.x[0] == 1991 and chart.x[-1] == last
    intervals = [row[3] for row in kor.section("alignment").tables[0].rows]
    low, high = (int(v) for v in intervals[0].split("-"))
    assert low == 1 and high <= 5  # Australia: first in some runs, never below 5th


def test_alignment_obligations_data_years_and_trend(kor: Brief) -> None:
    section = kor.section("alignment")
    top, powers = section.tables[0], section.tables[1]
    assert "UN agreement % 2021-2025" in top.columns
    assert "alliance obligations (ATOP 2018)" in top.columns
    assert "UN trend 2016-2025 (pp/year)" in top.columns
    for key in (
        "UN vote agreement, 2021-2025",
        "obligations, 2018",
        "polyarchy), 2019",
        "COW), 2014",
        "Index), 2023",
        "(DESTA), 2020",
        "nonaggression 0: a defence",
    ):
        assert key in top.note, key  # fmt: skip
    assert "embassies (Lowy 2023)" in top.columns
    rows = {row[1].rstrip(" *"): row for row in powers.rows}
    alliance = top.columns.index("alliance obligations (ATOP 2018)")
    assert rows["North Korea"][alliance] == "non-aggression pact"
    assert rows["United States"][alliance].startswith("defence pact")
    trend = section.tables[2]
    assert trend.caption.endswith("2016-2025") and trend.columns[-1] == "mean 2021-2025 %"
    assert section.data["converging"][0] == "AUS" and "RUS" not in section.data["converging"]
    assert {row[0] for row in trend.rows} == {"converging", "drifting apart"}
    latest = section.tables[3]
    assert {row[1] for row in latest.rows} == {2025}
