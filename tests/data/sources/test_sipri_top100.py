"""SIPRI Top 100: sheets found by their headers, footnote marks and spellings cleaned, SIPRI's
". ." missing, Trans-European companies coded, China's exclusion and the constant base year
read from the workbook; the real workbook's South Korean companies in 2022."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from powerscope.data.sources import sipri_top100
from powerscope.data.store import SnapshotStore
from powerscope.errors import DataFormatError, UnknownEntityError
from support import require_shared

PREAMBLE_2022 = [
    ["The SIPRI Top 100 arms-producing and military services companies in the world, 2022 "
     "*Note (a)"],
    ["Figures for arms revenue and total revenue are in millions of US$."],
    ["Source: SIPRI Arms Industry Database, retrieved December 2023"],
    ["Rank (2022) *Note (b)", "Rank (2021)", "Company (c) ", "Notes (2022)", "Country (d)",
     "Arms Revenue  (2022)", "Arms Revenue (2021)", "Total Revenue (2022)",
     "Arms Revenue as a % of total revenue (2022)",
     "Arms Revenue 2021 (constant 2022 prices) note (e)"],
]  # fmt: skip
ROWS_2022 = [
    [1, 1, "Lockheed Martin Corp.", None, "United States", 59390, 60340, 65984, 0.9, 65198.8],
    [2, 3, "Airbus ", "i", "Trans-European", 12090, 11800, 62000, 0.195, 12000.0],
    [3, "-", "Hanwha Aerospace (j)", "j", "South Korea", 2780, 1600, 5561, 0.4999, 1700.0],
    [4, 2, "Parker-Hannifin  Corp.", None, "United States", 1000, ". .", ". .", ". .", 900.0],
    ["Note: Percentages shares may not correspond due to rounding."],
    ["a", "Chinese companies are included in the database from 2015 onwards."],
]  # fmt: skip
PREAMBLE_2014 = [
    ["The SIPRI Top 100 arms-producing and military services companies in the world "
     "(excluding China), 2014(a)"],
    ["Figures in millions of US$."],
    [None],
    ["Rank (2014)  *Note (b)", "Rank (2013)", "Company (c) ", " Country ",
     "Arms Revenue (2014)", "Arms Revenue  (2013)", "Total Revenue (2014)",
     "Arms Revenue as a % of total revenue (2014)",
     "Arms Revenue 2014 (constant 2022 prices) note (d)",
     "Arms Revenue 2013 (constant 2022 prices) note (d)"],
]  # fmt: skip
ROWS_2014 = [
    [1, 1, "Lockheed Martin Corp.", "United States", 37470, 35490, 45600, 0.82, 44000.0, 42000.0],
    [2, 2, "EADS", "Trans-European", 14490, 15740, 60000, 0.24, 15000.0, 16000.0],
    [3, 4, "Parker-Hannifin Corp", "United States", 900, 880, 13000, 0.07, 1050.0, 1000.0],
]  # fmt: skip


def companies_workbook(
    path: Path, rows_2022: list[list[Any]] = ROWS_2022, sheet_2014: str = "2014 "
) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "2022"
    for row in [*PREAMBLE_2022, *rows_2022]:
        first.append(row)
    second = book.create_sheet(sheet_2014)
    for row in [*PREAMBLE_2014, *ROWS_2014]:
        second.append(row)
    book.save(path)
    return path


def totals_workbook(path: Path, years: tuple[int, ...] = (2014, 2022)) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([None, *years, "2002\u20132022"])
    sheet.append(["current US$ (billion)", *[100.0 + y - 2000 for y in years], None])
    sheet.append(["% change", None, 0.1, 1.97])
    book.save(path)
    return path


def test_rankings_are_read_by_their_headers(tmp_path: Path) -> None:
    companies, by_year = sipri_top100.read_companies(companies_workbook(tmp_path / "t.xlsx"))
    assert list(companies.columns) == list(sipri_top100.COMPANY_COLUMNS)
    assert {str(companies[c].dtype) for c in ("year", "rank", "previous_rank")} == {"Int16"}
    rows = {(int(r.year), r.company): r for r in companies.itertuples()}
    hanwha = rows[2022, "Hanwha Aerospace"]  # the footnote mark "(j)" dropped
    assert hanwha.code == "KOR" and hanwha.arms_revenue == 2780 and hanwha.rank == 3
    assert pd.isna(hanwha.previous_rank)  # SIPRI's "-": not in the previous Top 100
    assert hanwha.arms_share == pytest.approx(49.99)  # a fraction in the workbook, % here
    # the base year's constant price is the current one
    assert hanwha.arms_revenue_constant == 2780
    assert rows[2022, "Airbus"].code == "EUR-TRANS" and rows[2014, "EADS"].code == "EUR-TRANS"
    # ". ." is missing, not zero
    parker = rows[2022, "Parker-Hannifin Corp."]
    assert pd.isna(parker.total_revenue) and pd.isna(parker.arms_share)
    # one spelling per company: 2014's "Parker-Hannifin Corp" takes 2022's, doubled space gone
    assert rows[2014, "Parker-Hannifin Corp."].arms_revenue_constant == 1050.0
    assert companies.attrs["merged_names"] == [
        {"from": "Parker-Hannifin Corp", "to": "Parker-Hannifin Corp.", "years": [2014]}
    ]
    assert by_year.set_index("year")["china_included"].to_dict() == {2014: False, 2022: True}
    assert set(by_year["constant_base_year"]) == {2022}
    assert by_year.set_index("year").loc[2014, "arms_revenue_constant_bn"] == pytest.approx(
        (44000 + 15000 + 1050) / 1000
    )


def test_both_workbooks_make_two_tables(tmp_path: Path) -> None:
    folder = tmp_path / "sipri_top100"
    folder.mkdir()
    companies_workbook(folder / "SIPRI-Top-100-2002-2022.xlsx")
    totals_workbook(folder / "Total-arms-revenue-SIPRI-Top-100-2002-2022.xlsx")
    tables = sipri_top100.read(tmp_path)
    totals = tables["top100_totals"].set_index("year")
    assert list(tables["top100_totals"].columns) == list(sipri_top100.TOTAL_COLUMNS)
    assert totals.loc[2022, "arms_revenue_bn"] == 122.0
    assert totals.loc[2022, "arms_revenue_constant_bn"] == pytest.approx(
        (59390 + 12090 + 2780 + 1000) / 1000
    )
    assert not totals.loc[2014, "china_included"]
    totals_workbook(folder / "Total-arms-revenue-SIPRI-Top-100-2002-2022.xlsx", (2013, 2022))
    with pytest.raises(DataFormatError, match="different years"):
        sipri_top100.read(tmp_path)


def test_footnote_marks_and_spellings() -> None:
    assert sipri_top100.clean_name("Hanwha Aerospace (j) ") == "Hanwha Aerospace"
    assert sipri_top100.clean_name(" BAE  Systems* ") == "BAE Systems"
    assert sipri_top100.clean_name("Raytheon Technologies f") == "Raytheon Technologies"
    assert sipri_top100.clean_name("ST Engineering") == "ST Engineering"
    assert sipri_top100.name_key("SNECMA Groupe") == sipri_top100.name_key("Snecma  Groupe")
    assert sipri_top100.name_key("Dassault Aviation Group") != sipri_top100.name_key(
        "Dassault Aviation Groupe"
    )


def test_malformed_workbooks_name_sheet_and_row(tmp_path: Path) -> None:
    rows = [*ROWS_2022[:3], [4, 2, "Saab", None, "Sweden", "lots", 1, 2, 0.5, 1.0]]
    with pytest.raises(DataFormatError, match="'lots' is not a number") as info:
        sipri_top100.read_companies(companies_workbook(tmp_path / "a.xlsx", rows))
    assert info.value.where == "a.xlsx sheet '2022' row 8, arms revenue"
    with pytest.raises(DataFormatError, match="not named by a year"):
        sipri_top100.read_companies(companies_workbook(tmp_path / "b.xlsx", sheet_2014="Notes"))
    rows = [*ROWS_2022[:3], [4, 2, "Saab", None, "Narnia", 900, 1, 2, 0.5, 1.0]]
    with pytest.raises(UnknownEntityError, match="Narnia"):
        sipri_top100.read_companies(companies_workbook(tmp_path / "c.xlsx", rows))
    rows = [*ROWS_2022[:3], [4, 2, "Airbus", None, "Trans-European", 900, 1, 2, 0.5, 1.0]]
    with pytest.raises(DataFormatError, match="'Airbus' is ranked twice in 2022"):
        sipri_top100.read_companies(companies_workbook(tmp_path / "d.xlsx", rows))
    (tmp_path / "e.xlsx").write_text("not a workbook", encoding="utf-8")
    with pytest.raises(DataFormatError, match="cannot read the workbook"):
        sipri_top100.read_companies(tmp_path / "e.xlsx")


def test_the_real_workbooks(shared_data: Path) -> None:
    require_shared("sipri_top100", "SIPRI-Top-100-2002-2022.xlsx")
    tables = sipri_top100.read(shared_data)
    companies, totals = tables["top100_companies"], tables["top100_totals"]
    assert len(companies) == 21 * 100 and companies.groupby("year").size().eq(100).all()
    kor = companies[(companies["code"] == "KOR") & (companies["year"] == 2022)]
    assert list(zip(kor["company"], kor["arms_revenue"], kor["rank"], strict=True)) == [
        ("Hanwha Aerospace", 2780.0, 48),
        ("LIG Nex1", 1720.0, 67),
        ("Korea Aerospace Industries", 1550.0, 73),
        ("Hyundai Rotem", 820.0, 98),
    ]
    assert totals["year"].tolist() == list(range(2002, 2023))
    totals = totals.set_index("year")
    assert totals.loc[2022, "arms_revenue_bn"] == pytest.approx(597.22)
    assert totals.loc[2014, "china_included"] == False  # noqa: E712 - numpy bool
    assert totals.loc[2015, "china_included"] == True  # noqa: E712
    assert not (companies[companies["year"] < 2015]["code"] == "CHN").any()
    assert set(totals["constant_base_year"]) == {2022}
    # the ranking sums to SIPRI's total except in 2021 (599.795 published, 604.91 summed)
    summed = companies.groupby("year")["arms_revenue"].sum() / 1000
    differ = summed[(summed - totals["arms_revenue_bn"]).abs() > 0.01]
    assert differ.index.tolist() == [2021]
    merged = {m["from"]: m["to"] for m in companies.attrs["merged_names"]}
    assert merged == {"Parker-Hannifin Corp": "Parker-Hannifin Corp.",
                      "SNECMA Groupe": "Snecma Groupe"}  # fmt: skip


def test_the_snapshot_carries_the_top100() -> None:
    store = SnapshotStore()
    companies = store.table("top100_companies")
    hanwha = companies[(companies["company"] == "Hanwha Aerospace") & (companies["year"] == 2022)]
    assert hanwha["arms_revenue"].tolist() == [2780.0] and hanwha["rank"].tolist() == [48]
    citation = store.citation("sipri_top100")
    assert citation.years == (2002, 2022) and "December 2023" in citation.edition
