"""The alignment section: like-minded partners and UN vote agreement."""

from __future__ import annotations

from powerscope.alignment.agreement import agreement_with, load
from powerscope.alignment.service import last_vote_year
from powerscope.brief.sections import Brief
from powerscope.data.store import SnapshotStore


def test_alignment_partners_and_un_agreement(kor: Brief) -> None:
    data = kor.section("alignment").data
    assert data["partners"][:3] == ["JPN", "AUS", "FRA"]
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
    assert intervals[0] in ("1-1", "1-2")  # Japan, 1st (or 2nd) in every run
