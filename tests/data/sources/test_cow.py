"""COW / ATOP / democracy readers (peacesciencer files), keyed by COW state codes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from powerscope.data.sources import cow
from powerscope.errors import DataFormatError, UnknownEntityError
from support import write_file as write

NMC_HEADER = "ccode,year,milex,milper,irst,pec,tpop,upop,cinc\n"
ATOP_HEADER = "ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n"


# -- real data -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables(shared_data: Path) -> dict[str, pd.DataFrame]:
    return cow.read(shared_data)


def test_real_row_counts(tables: dict[str, pd.DataFrame]) -> None:
    expected = {
        "cow_nmc": 17_121,
        "democracy": 16_731,
        "cow_igo_state": 15_557,
        "atop_alliance": 273_296,
        "cow_alliance": 120_784,
        "cow_igo_dyad": 917_695,
        "cow_trade_dyad": 673_654,
        "cow_trade_state": 14_410,
        "cow_states": 243,
        "cow_majors": 14,
    }
    assert {name: len(frame) for name, frame in tables.items()} == expected


def test_real_cow_codes_resolve(tables: dict[str, pd.DataFrame]) -> None:
    states = tables["cow_states"].drop_duplicates("ccode").set_index("ccode")["code"].astype(str)
    assert states[732] == "KOR"
    assert states[2] == "USA"
    assert states[365] == "RUS"
    assert states[731] == "PRK"
    assert states[265] == "DDR"
    assert states[260] == "DEU"


def test_real_nmc_cinc(tables: dict[str, pd.DataFrame]) -> None:
    nmc = tables["cow_nmc"]
    usa = nmc[(nmc["code"] == "USA") & (nmc["year"] == 2000)]
    assert len(usa) == 1
    assert usa["cinc"].iloc[0] == pytest.approx(0.142893, abs=1e-6)
    assert usa["milex"].iloc[0] == 303_136_000  # thousands of current US$
    assert nmc["year"].min() == 1816
    assert nmc["year"].max() == 2022


def test_real_unification_years_keep_both_cow_codes(tables: dict[str, pd.DataFrame]) -> None:
    nmc = tables["cow_nmc"]
    germany_1990 = nmc[(nmc["code"] == "DEU") & (nmc["year"] == 1990)]
    assert sorted(germany_1990["ccode"].tolist()) == [255, 260]
    assert not nmc.duplicated(["ccode", "year"]).any()


def test_real_atop_usa_korea_defence_pact(tables: dict[str, pd.DataFrame]) -> None:
    atop = tables["atop_alliance"]
    pact = atop[(atop["code1"] == "USA") & (atop["code2"] == "KOR") & (atop["year"] == 2018)]
    assert len(pact) == 1
    assert bool(pact["defense"].iloc[0])
    assert not bool(pact["offense"].iloc[0])
    assert atop["defense"].dtype == bool
    reverse = atop[(atop["code1"] == "KOR") & (atop["code2"] == "USA") & (atop["year"] == 2018)]
    assert bool(reverse["defense"].iloc[0])


def test_real_dyads_share_categories(tables: dict[str, pd.DataFrame]) -> None:
    for name in ("atop_alliance", "cow_alliance", "cow_igo_dyad", "cow_trade_dyad"):
        frame = tables[name]
        assert frame["code1"].dtype == frame["code2"].dtype, name
        assert frame["ccode1"].dtype == np.int16


def test_real_trade(tables: dict[str, pd.DataFrame]) -> None:
    trade = tables["cow_trade_dyad"]
    row = trade[(trade["code1"] == "USA") & (trade["code2"] == "KOR") & (trade["year"] == 2014)]
    assert row["flow1"].iloc[0] == 69_606.0  # US imports from Korea, US$ millions
    assert row["flow2"].iloc[0] == 45_540.0


def test_real_majors(tables: dict[str, pd.DataFrame]) -> None:
    majors = tables["cow_majors"]
    usa = majors[majors["code"] == "USA"]
    assert usa["start"].iloc[0] == pd.Timestamp("1898-08-13")
    assert set(majors["code"].astype(str)) >= {"USA", "GBR", "FRA", "DEU", "RUS", "CHN", "JPN"}


def test_sources_one_per_publisher() -> None:
    ids = [source.info.id for source in cow.SOURCES]
    assert ids == [
        "atop",
        "cow_alliance",
        "cow_igo",
        "cow_trade",
        "cow_nmc",
        "democracy",
        "cow_states",
    ]
    tables = [table for source in cow.SOURCES for table in source.info.tables]
    assert len(tables) == len(set(tables)) == 10
    atop = cow.SOURCES[0].info
    assert "Leeds" in atop.citation
    assert atop.files == ("peacesciencer/atop_alliance.csv.gz",)


# -- small files -----------------------------------------------------------------------------


def test_small_nmc(tmp_path: Path) -> None:
    path = write(
        tmp_path / "nmc.csv.gz", NMC_HEADER + "732,2000,1,2,3,,5,6,0.02\n2,2000,1,2,3,4,5,6,0.14\n"
    )
    frame = cow.read_table(path, cow.TABLES["cow_nmc"])
    assert frame["code"].astype(str).tolist() == ["KOR", "USA"]
    assert np.isnan(frame["pec"].iloc[0])
    assert frame["ccode"].tolist() == [732, 2]
    assert list(frame.columns) == [
        "code",
        "year",
        "milex",
        "milper",
        "irst",
        "pec",
        "tpop",
        "upop",
        "cinc",
        "ccode",
    ]


def test_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path / "nmc.csv", "ccode,year,milex\n2,2000,1\n")
    with pytest.raises(DataFormatError) as info:
        cow.read_table(path, cow.TABLES["cow_nmc"])
    assert "'cinc'" in str(info.value)
    assert "nmc.csv" in str(info.value)


def test_non_numeric_value(tmp_path: Path) -> None:
    path = write(
        tmp_path / "nmc.csv", NMC_HEADER + "2,2000,1,2,3,4,5,6,0.1\n20,2000,lots,2,3,4,5,6,0.1\n"
    )
    with pytest.raises(DataFormatError) as info:
        cow.read_table(path, cow.TABLES["cow_nmc"])
    assert "'lots'" in str(info.value)
    assert "nmc.csv row 3, column 'milex'" in str(info.value)


def test_duplicate_row(tmp_path: Path) -> None:
    path = write(
        tmp_path / "atop.csv",
        ATOP_HEADER + "2,732,2018,1,0,0,0,0\n2,20,2018,1,0,0,0,0\n2,732,2018,1,0,0,0,1\n",
    )
    with pytest.raises(DataFormatError) as info:
        cow.read_table(path, cow.TABLES["atop_alliance"])
    assert "duplicate row (ccode1 2, ccode2 732, year 2018)" in str(info.value)
    assert "atop.csv row 4" in str(info.value)


def test_flag_not_zero_or_one(tmp_path: Path) -> None:
    path = write(tmp_path / "atop.csv", ATOP_HEADER + "2,732,2018,1,0,0,0,0\n2,20,2018,2,0,0,0,0\n")
    with pytest.raises(DataFormatError) as info:
        cow.read_table(path, cow.TABLES["atop_alliance"])
    assert "atop.csv row 3, column 'atop_defense'" in str(info.value)


def test_missing_year(tmp_path: Path) -> None:
    path = write(tmp_path / "nmc.csv", NMC_HEADER + "2,,1,2,3,4,5,6,0.1\n")
    with pytest.raises(DataFormatError) as info:
        cow.read_table(path, cow.TABLES["cow_nmc"])
    assert "nmc.csv row 2, column 'year'" in str(info.value)


def test_unknown_cow_code(tmp_path: Path) -> None:
    path = write(
        tmp_path / "atop.csv", ATOP_HEADER + "2,732,2018,1,0,0,0,0\n2,9999,2018,1,0,0,0,0\n"
    )
    with pytest.raises(UnknownEntityError) as info:
        cow.read_table(path, cow.TABLES["atop_alliance"])
    assert "9999" in info.value.unresolved
    assert "atop.csv" in str(info.value)


def test_states_invalid_date(tmp_path: Path) -> None:
    path = write(
        tmp_path / "states.csv",
        "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
        "USA,2,United States of America,1816,1,1,2016,12,31,2016\n"
        "ROK,732,South Korea,1949,2,30,2016,12,31,2016\n",
    )
    with pytest.raises(DataFormatError) as info:
        cow.read_states(path)
    assert "1949-2-30" in str(info.value)
    assert "states.csv row 3" in str(info.value)
