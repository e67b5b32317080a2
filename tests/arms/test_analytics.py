"""Shares, ranks, changes, clients and editions: the figures the debate quotes."""

from __future__ import annotations

import pandas as pd
import pytest

from powerscope.arms.analytics import (
    clients,
    compare_editions,
    compare_periods,
    concentration,
    parse_period,
    pending,
    rolling,
    shares,
    tiv_table_deliveries,
)
from powerscope.errors import SpecError

# SIPRI Fact Sheet, March 2022, "Trends in international arms transfers, 2021", table 1:
# South Korea 8th, 2.8% of world exports in 2017-21, 1.0% in 2012-16, +177%.
FACT_SHEET_2022 = {"rank": 8, "share_2017_21": 2.8, "share_2012_16": 1.0, "change": 177}


def _kor(frame: pd.DataFrame) -> pd.Series:
    return frame.set_index("code").loc["KOR"]


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2017-2021", (2017, 2021)),
        ("2017\u201321", (2017, 2021)),
        ("2017-21", (2017, 2021)),
        ("1998-2002", (1998, 2002)),
    ],
)
def test_parse_period(text: str, period: tuple[int, int]) -> None:
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["2017", "2021-2017", "last five years"])
def test_bad_periods(text: str) -> None:
    with pytest.raises(SpecError):
        parse_period(text)


def test_shares_sum_to_100_and_rank_in_order(arms) -> None:  # type: ignore[no-untyped-def]
    deliveries, _, _ = arms
    table = shares(deliveries, (2017, 2021))
    assert table["share"].sum() == pytest.approx(100.0)
    assert table["rank"].is_monotonic_increasing and table.iloc[0]["code"] == "USA"


def test_korea_2017_21_from_the_2025_register(arms) -> None:  # type: ignore[no-untyped-def]
    deliveries, _, _ = arms
    table = compare_periods(deliveries, [(2012, 2016), (2017, 2021)])
    kor = _kor(table)
    assert kor["rank 2017-2021"] == 8 and kor["share 2017-2021"] == pytest.approx(2.8, abs=0.1)
    assert kor["share 2012-2016"] == pytest.approx(1.0, abs=0.1)
    assert 150 < kor["change"] < 200


def test_the_2022_edition_gives_the_fact_sheet_figures(arms) -> None:  # type: ignore[no-untyped-def]
    _, _, tiv = arms
    table = compare_periods(tiv_table_deliveries(tiv), [(2012, 2016), (2017, 2021)])
    kor = _kor(table)
    assert kor["rank 2017-2021"] == FACT_SHEET_2022["rank"]
    assert round(kor["share 2017-2021"], 1) == FACT_SHEET_2022["share_2017_21"]
    assert round(kor["share 2012-2016"], 1) == FACT_SHEET_2022["share_2012_16"]
    assert round(kor["change"]) == FACT_SHEET_2022["change"]


def test_editions_compared(arms) -> None:  # type: ignore[no-untyped-def]
    deliveries, _, tiv = arms
    comparison = compare_editions(
        tiv_table_deliveries(tiv), deliveries, (2017, 2021), ("2022", "2025")
    )
    kor = _kor(comparison.table)
    assert kor["difference"] == pytest.approx(kor["share 2025"] - kor["share 2022"])
    assert abs(kor["difference"]) < 0.2


def test_poland_is_koreas_largest_client_2020_24(arms) -> None:  # type: ignore[no-untyped-def]
    deliveries, _, _ = arms
    table = clients(deliveries, "KOR", (2020, 2024))
    assert table.iloc[0]["code"] == "POL" and table.iloc[0]["share"] > 40
    assert table["share"].sum() == pytest.approx(100.0)
    assert 0 < concentration(table["share"]) <= 10_000


def test_rolling_windows_match_single_periods(arms) -> None:  # type: ignore[no-untyped-def]
    deliveries, _, _ = arms
    trend = rolling(deliveries, width=5)
    row = trend[(trend["code"] == "KOR") & (trend["end"] == 2021)].iloc[0]
    single = _kor(shares(deliveries, (2017, 2021)))
    assert row["tiv"] == pytest.approx(single["tiv"]) and row["rank"] == single["rank"]
    assert trend["end"].min() == 1954  # every window from 1950


def test_pending_orders(arms) -> None:  # type: ignore[no-untyped-def]
    _, register, _ = arms
    table = pending(register, "KOR")
    assert (table["delivered"] < table["ordered"]).all() and (table["tiv_pending"] >= 0).all()
    assert table.iloc[0]["recipient_code"] == "POL"  # the K2 tank order of 2022


def test_by_must_be_supplier_or_recipient(arms) -> None:  # type: ignore[no-untyped-def]
    deliveries, _, _ = arms
    with pytest.raises(SpecError, match="supplier or recipient"):
        shares(deliveries, (2017, 2021), by="buyer")


def test_exports_by_country_group(arms) -> None:  # type: ignore[no-untyped-def]
    from powerscope.arms.analytics import by_group

    deliveries, _, _ = arms
    table = by_group(deliveries, "KOR", (2020, 2024)).set_index("group")
    poland = clients(deliveries, "KOR", (2020, 2024)).set_index("code").loc["POL", "share"]
    assert table.loc["NATO", "share"] >= poland  # Poland is a NATO member
    assert table.loc["ASEAN", "share"] > 10  # the Philippines, Indonesia, Thailand...
    assert set(table.index) == {"G7", "NATO", "EU", "OECD", "ASEAN", "QUAD", "LMC"}


def test_a_period_outside_the_data_is_an_error_naming_its_years(arms) -> None:  # type: ignore[no-untyped-def]
    deliveries, _, tiv_table = arms
    with pytest.raises(SpecError, match="period 2021-2026 is outside the data") as info:
        shares(deliveries, (2021, 2026))
    assert info.value.parameter == "period" and "1950-2024" in str(info.value)
    with pytest.raises(SpecError, match="which cover 1950-2021"):
        shares(tiv_table_deliveries(tiv_table), (2018, 2022))
