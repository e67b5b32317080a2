"""South Korea's defence industry on the embedded snapshot: its companies in 2022 as SIPRI lists
them, its total and share by year, peers, arms exports (TIV) beside it from the arms package,
the citations, and the errors for what the data do not hold."""

from __future__ import annotations

import pytest

from powerscope.arms.transfers import annual_totals
from powerscope.data.store import SnapshotStore
from powerscope.errors import NotFoundError, PeriodError, UnknownEntityError
from powerscope.industry import industry, load


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return load(SnapshotStore())


@pytest.fixture(scope="module")
def arms_data():  # type: ignore[no-untyped-def]
    from powerscope.arms.service import load as load_arms

    return load_arms(SnapshotStore())


def test_south_koreas_companies_in_2022(data, arms_data) -> None:  # type: ignore[no-untyped-def]
    result = industry("South Korea", data=data, arms=arms_data)
    assert result.code == "KOR" and result.years == (2002, 2022)
    latest = result.rows[result.rows["year"] == 2022]
    assert list(zip(latest["company"], latest["rank"], latest["arms_revenue"], strict=True)) == [
        ("Hanwha Aerospace", 48, 2780.0),
        ("LIG Nex1", 67, 1720.0),
        ("Korea Aerospace Industries", 73, 1550.0),
        ("Hyundai Rotem", 98, 820.0),
    ]
    summary = result.summary().set_index("year")
    assert summary.loc[2022, "companies"] == 4
    assert summary.loc[2022, "arms_revenue"] == 2780 + 1720 + 1550 + 820
    # of the 2022 ranking's 597,220 US$ m
    assert summary.loc[2022, "share_top100"] == pytest.approx(6870 / 597220 * 100)
    assert (summary.loc[2022, "largest"], summary.loc[2022, "largest_rank"]) == (
        "Hanwha Aerospace",
        48,
    )


def test_exports_are_the_arms_packages_tiv(data, arms_data) -> None:  # type: ignore[no-untyped-def]
    result = industry("KOR", data=data, arms=arms_data, years=(2012, 2022))
    summary = result.summary().set_index("year")
    expected = annual_totals(arms_data.deliveries).loc["KOR"]
    for year in range(2012, 2023):
        assert summary.loc[year, "tiv_exports"] == pytest.approx(float(expected[year]))
    # indexes on each series' own average, never a sum or ratio of the two units
    assert summary["arms_revenue_index"].mean() == pytest.approx(100.0)
    assert summary["tiv_exports_index"].mean() == pytest.approx(100.0)
    payload = result.to_dict()
    assert "not money" in payload["units"]["tiv_exports"]
    cited = {c["dataset"]: c for c in payload["citations"]}
    assert set(cited) == {"sipri_top100", "sipri_arms"}
    assert cited["sipri_top100"]["years"] == [2002, 2022]
    assert "December 2023" in cited["sipri_top100"]["edition"]
    assert cited["sipri_arms"]["edition"].startswith("2025-03-13")


def test_peers_and_the_company_filter(data, arms_data) -> None:  # type: ignore[no-untyped-def]
    result = industry(
        "KOR", peers=["JPN", "Germany", "KOR", "ISR"], company="Hanwha", data=data, arms=arms_data
    )
    assert result.peers == ["JPN", "DEU", "ISR"]
    assert set(result.rows["company"]) == {"Hanwha Aerospace", "Hanwha Corp.", "Hanwha Techwin"}
    comparison = result.comparison().set_index("code")
    assert list(comparison.index) == ["KOR", "JPN", "DEU", "ISR"]
    assert comparison.loc["KOR", "arms_revenue"] == 6870.0
    japan = result.summary("JPN").set_index("year")
    assert comparison.loc["JPN", "companies"] == japan.loc[2022, "companies"]
    payload = result.to_dict()
    assert set(payload["peers_by_year"]) == {"JPN", "DEU", "ISR"}
    assert len(payload["peers_by_year"]["DEU"]["by_year"]) == 21


def test_chinas_exclusion_is_said(data, arms_data) -> None:  # type: ignore[no-untyped-def]
    early = industry("KOR", years=(2010, 2016), data=data, arms=arms_data)
    assert early.china_included == {y: y >= 2015 for y in range(2010, 2017)}
    assert any("2010-2014" in n and "China" in n for n in early.notes)
    late = industry("KOR", years=(2015, 2022), data=data, arms=arms_data)
    assert not any("China" in n for n in late.notes)


def test_trans_european_companies_are_a_party_of_their_own(data, arms_data) -> None:  # type: ignore[no-untyped-def]
    result = industry("Trans-European", years=(2022, 2022), data=data, arms=arms_data)
    assert result.code == "EUR-TRANS"
    assert set(result.rows["company"]) == {"Airbus", "MBDA", "KNDS"}
    assert result.summary()["tiv_exports"].isna().all()
    assert any("no exports" in n for n in result.notes)


def test_what_the_data_do_not_hold(data, arms_data) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownEntityError, match="Atlantis"):
        industry("Atlantis", data=data, arms=arms_data)
    with pytest.raises(NotFoundError, match=r"New Zealand \(NZL\) has no company") as info:
        industry("NZL", data=data, arms=arms_data)
    assert "USA" in (info.value.fix or "")
    with pytest.raises(NotFoundError, match="China.*2015") as info:
        industry("KOR", peers=["CHN"], years=(2005, 2010), data=data, arms=arms_data)
    assert info.value.parameter == "peers"
    with pytest.raises(UnknownEntityError) as unknown:
        industry("KOR", peers=["Narnia"], data=data, arms=arms_data)
    assert unknown.value.parameter == "peers"
    with pytest.raises(NotFoundError, match="closest: Hanwha") as info:
        industry("KOR", company="Hanwa", data=data, arms=arms_data)
    assert info.value.parameter == "company"
    with pytest.raises(PeriodError, match="covers 2002-2022"):
        industry("KOR", years=(1999, 2022), data=data, arms=arms_data)
