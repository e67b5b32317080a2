"""A country's Top 100 companies, its total and share by year, company look-ups and the
refusals: small tables whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from powerscope.errors import NotFoundError, PeriodError
from powerscope.industry.top100 import (
    change,
    check_years,
    company_rows,
    country_by_year,
    exports_by_year,
    find_companies,
    indexed,
    present_years,
)


def rankings() -> pd.DataFrame:
    rows = [
        (2020, 1, 1, "Lockheed Martin Corp.", "USA", 600.0, 700.0, 85.7, 620.0),
        (2020, 2, 3, "Hanwha Aerospace", "KOR", 300.0, 500.0, 60.0, 310.0),
        (2020, 3, pd.NA, "LIG Nex1", "KOR", 100.0, 100.0, 100.0, 103.0),
        (2021, 1, 1, "Lockheed Martin Corp.", "USA", 700.0, 800.0, 87.5, 710.0),
        (2021, 2, 2, "Hanwha Aerospace", "KOR", 200.0, 400.0, 50.0, 205.0),
        (2021, 3, 4, "Hanwha Corp.", "KOR", 100.0, np.nan, np.nan, 101.0),
        (2022, 1, 1, "Lockheed Martin Corp.", "USA", 1000.0, 1100.0, 90.9, 1000.0),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["year", "rank", "previous_rank", "company", "code", "arms_revenue",
                 "total_revenue", "arms_share", "arms_revenue_constant"],
    )  # fmt: skip
    return frame.astype({"year": "Int16", "rank": "Int16", "previous_rank": "Int16"})


def test_a_countrys_companies_by_year_and_rank() -> None:
    rows = company_rows(rankings(), "KOR", (2020, 2021))
    assert list(zip(rows["year"], rows["company"], rows["rank"], strict=True)) == [
        (2020, "Hanwha Aerospace", 2),
        (2020, "LIG Nex1", 3),
        (2021, "Hanwha Aerospace", 2),
        (2021, "Hanwha Corp.", 3),
    ]
    assert pd.isna(rows["previous_rank"].iloc[1]) and pd.isna(rows["total_revenue"].iloc[3])
    only = company_rows(rankings(), "KOR", (2020, 2022), ["Hanwha Corp."])
    assert only["company"].tolist() == ["Hanwha Corp."]


def test_a_countrys_total_share_and_largest_company() -> None:
    summary = country_by_year(rankings(), "KOR", (2020, 2022)).set_index("year")
    assert summary["companies"].tolist() == [2, 2, 0]
    assert summary["arms_revenue"].tolist() == [400.0, 300.0, 0.0]
    assert summary["arms_revenue_constant"].tolist() == [413.0, 306.0, 0.0]
    # of the year's ranking: 400 of 1000 in 2020, 300 of 1000 in 2021, none in 2022
    assert summary["share_top100"].tolist() == pytest.approx([40.0, 30.0, 0.0])
    assert summary.loc[2020, "largest"] == "Hanwha Aerospace"
    assert summary.loc[2020, "largest_rank"] == 2
    assert summary.loc[2022, "largest"] is None and pd.isna(summary.loc[2022, "largest_rank"])
    assert present_years(rankings(), "KOR") == [2020, 2021]


def test_company_names_exact_partial_and_wrong() -> None:
    frame = rankings()
    assert find_companies(frame, "lig nex-1") == ["LIG Nex1"]
    assert find_companies(frame, "Hanwha", "KOR") == ["Hanwha Aerospace", "Hanwha Corp."]
    with pytest.raises(NotFoundError, match=r"no company 'Hanwa Aerospace'.*closest: Hanwha Aerospace") as info:  # fmt: skip
        find_companies(frame, "Hanwa Aerospace")
    assert info.value.parameter == "company"
    # a misspelt first word brings every company that starts with the right one
    with pytest.raises(NotFoundError, match=r"closest: Hanwha Corp\., Hanwha Aerospace\)"):
        find_companies(frame, "Hanwa")
    with pytest.raises(NotFoundError, match=r"not a company of South Korea.*Lockheed Martin Corp\. \(United States, USA\)"):  # fmt: skip
        find_companies(frame, "Lockheed", "KOR")


def test_years_outside_the_rankings_name_the_range() -> None:
    assert check_years(rankings(), None) == (2020, 2022)
    assert check_years(rankings(), (2021, 2022)) == (2021, 2022)
    with pytest.raises(PeriodError, match="outside the SIPRI Top 100, which covers 2020-2022"):
        check_years(rankings(), (2019, 2021))
    with pytest.raises(PeriodError, match="end before they start"):
        check_years(rankings(), (2022, 2021))


def test_exports_beside_revenue_are_indexed_apart() -> None:
    deliveries = pd.DataFrame(
        {
            "supplier_code": ["KOR", "KOR", "KOR", "USA"],
            "recipient_code": ["POL", "POL", "IDN", "KOR"],
            "year": [2020, 2021, 2021, 2021],
            "tiv": [10.0, 20.0, 30.0, 500.0],
        }
    )
    tiv = exports_by_year(deliveries, "KOR", (2020, 2022))
    assert tiv.tolist() == [10.0, 50.0, 0.0]
    # each series on its own average: no sum, no ratio of money and TIV
    assert indexed(tiv).tolist() == pytest.approx([50.0, 250.0, 0.0])
    assert indexed(pd.Series([0.0, 0.0])).isna().all()
    assert change(tiv, 2020, 2021) == pytest.approx(400.0)
    assert change(tiv, 2022, 2021) is None
