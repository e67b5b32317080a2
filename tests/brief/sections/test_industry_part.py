"""The defence industry part (for the self-reliance section): findings computed from the
library's figures and cited, the companies of the last year, revenue by year; a country without
a company says so; not a section of the brief on its own."""

from __future__ import annotations

import pytest

from powerscope.brief.sections import SECTIONS, BriefContext
from powerscope.brief.sections.industry import industry_part
from powerscope.data.store import SnapshotStore
from powerscope.industry import industry


@pytest.fixture(scope="module")
def store() -> SnapshotStore:
    return SnapshotStore()


def test_the_findings_follow_the_library(store: SnapshotStore) -> None:
    section = industry_part(BriefContext("KOR", runs=10, seed=1, store=store))
    assert (section.id, section.title) == ("industry", "Defence industry")
    expected = industry("KOR", store, peers=["JPN", "DEU", "ISR"])
    own = expected.summary().set_index("year")
    assert section.data["companies"] == 4 and section.data["arms_revenue"] == 6870.0
    assert (section.data["largest"], section.data["largest_rank"]) == ("Hanwha Aerospace", 48)
    growth = section.data["growth"]
    assert growth["from"] == 2012
    assert growth["current"] == pytest.approx((6870 - 2960) / 2960 * 100)
    assert growth["constant"] == pytest.approx(
        (own.loc[2022, "arms_revenue_constant"] / own.loc[2012, "arms_revenue_constant"] - 1) * 100
    )
    facts = {f.label: f for f in section.facts}
    assert "4 companies of South Korea" in facts["Companies in the Top 100, 2022"].value
    assert "US$6,870 m" in facts["Companies in the Top 100, 2022"].value
    assert "Hanwha Aerospace was the largest, 48th" in facts["Largest company, 2022"].value
    assert "+132% in current US$" in facts["Growth since 2012"].value
    peers = facts["Against JPN, DEU, ISR"].raw
    for code in ("JPN", "DEU", "ISR"):
        theirs = expected.summary(code).set_index("year")["arms_revenue"]
        assert peers["changes"][code] == pytest.approx((theirs[2022] / theirs[2012] - 1) * 100)
    assert peers["place"] == 1 + sum(v > growth["current"] for v in peers["changes"].values())
    assert peers["of"] == 4 and "ranks 1st of 4" in facts["Against JPN, DEU, ISR"].value
    exports = section.data["exports"]
    tiv = own["tiv_exports"]
    assert exports["tiv"] == pytest.approx([tiv.loc[2013:2017].sum(), tiv.loc[2018:2022].sum()])
    alongside = facts["Arms exports alongside"]
    assert alongside.sources == ("sipri_top100", "sipri_arms") and "not money" in alongside.value
    assert all(f.sources[0] == "sipri_top100" for f in section.facts)
    assert all(len(f.value.split(". ")) <= 2 for f in section.facts)  # one or two sentences
    table = section.tables[0]
    assert [r[:2] for r in table.rows] == [("Hanwha Aerospace", 48), ("LIG Nex1", 67),
                                           ("Korea Aerospace Industries", 73),
                                           ("Hyundai Rotem", 98)]  # fmt: skip
    chart = section.charts[0]
    assert chart.x[0] == 2002 and chart.series["arms revenue (US$ m, current)"][-1] == 6870.0
    assert section.commands == ["powerscope industry KOR --peers JPN,DEU,ISR"]


def test_a_country_without_companies_and_china_before_2015(store: SnapshotStore) -> None:
    none = industry_part(BriefContext("NZL", runs=10, seed=1, store=store))
    assert none.facts == [] and "has no company in the SIPRI Top 100" in none.notes[0].text
    china = industry_part(BriefContext("CHN", runs=10, seed=1, store=store))
    # excluded before 2015, not absent: no growth from 2012, no revenue change from 2013-2017
    assert china.data["growth"]["current"] is None
    assert china.data["exports"]["arms_revenue_change"] is None
    assert china.charts[0].series["arms revenue (US$ m, current)"][0] is None


def test_the_part_is_not_a_section_of_its_own() -> None:
    assert industry_part not in SECTIONS
