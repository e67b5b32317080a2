"""The alignment section: like-minded partners and UN vote agreement."""

from __future__ import annotations

from powerscope.brief.sections import Brief


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
