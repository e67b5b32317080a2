"""Global Firepower reader: the raw scrape parsed by powerscope, checked against the clean file."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from powerscope.data.sources import gfp
from powerscope.errors import DataFormatError, UnknownEntityError
from support import write_file as write

RAW_HEADER = (
    "Country,Power Index,active_personnel,defense_budget_usd,railway_coverage_km,"
    "total_naval_fleet_tonnage_mt,Continent,GDP\n"
)


# -- real data -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables(shared_data: Path) -> dict[str, pd.DataFrame]:
    return gfp.read(shared_data)


@pytest.fixture(scope="module")
def clean(shared_data: Path) -> pd.DataFrame:
    return pd.read_csv(shared_data / gfp.CLEAN_FILE)


def test_real_south_korea(tables: dict[str, pd.DataFrame]) -> None:
    index = tables["gfp_index"].set_index("code")
    assert len(index) == 145
    assert index.loc["KOR", "rank"] == 5
    assert index.loc["KOR", "pwr_index"] == pytest.approx(0.1642)
    assert index.loc["USA", "rank"] == 1
    assert index.loc["BLZ", "rank"] == 144  # the scrape spells it "Beliz"
    assert tables["gfp_index"]["rank"].tolist() == list(range(1, 146))


def test_real_rank_and_index_agree_with_clean_file(
    tables: dict[str, pd.DataFrame], clean: pd.DataFrame
) -> None:
    index = tables["gfp_index"]
    ours = index.assign(name=index["code"].astype(str)).set_index("name")
    codes = gfp.resolve_series(
        clean["country"].replace(gfp.SCRAPE_TYPOS), where="clean", scheme="name"
    )
    theirs = clean.assign(code=codes.to_numpy()).set_index("code")
    assert set(ours.index) == set(theirs.index)
    assert (ours["rank"] == theirs.loc[ours.index, "gfp_rank"]).all()
    assert np.allclose(ours["pwr_index"], theirs.loc[ours.index, "pwr_index"], rtol=0, atol=0)


def _independent_parse(cell: object) -> float:
    """The clean file leaves a few columns unparsed: strip everything but digits and dots."""
    if isinstance(cell, float) and math.isnan(cell):
        return math.nan
    digits = re.sub(r"[^0-9.]", "", str(cell))
    return float(digits) if digits else math.nan


def test_real_factors_agree_with_clean_file(
    tables: dict[str, pd.DataFrame], clean: pd.DataFrame
) -> None:
    factors = tables["gfp_factors"]
    wide = factors.pivot(index="code", columns="factor", values="value")
    codes = gfp.resolve_series(
        clean["country"].replace(gfp.SCRAPE_TYPOS), where="clean", scheme="name"
    )
    theirs = clean.assign(code=codes.to_numpy()).set_index("code").loc[wide.index]
    factor_columns = [c for c in clean.columns if c not in ("country", "gfp_rank", "pwr_index")]
    added = [c for c in factor_columns if c.endswith("_added")]
    assert added == ["continent_added", "region_added", "gdp_added", "alliance_added"]
    expected = [c for c in factor_columns if c not in added]
    assert list(wide.columns) == expected  # same factors, same order; no scraper columns
    unparsed = 0
    for column in expected:
        reference = theirs[column]
        if reference.dtype == object:  # the clean file failed to strip units here
            unparsed += 1
            reference = reference.map(_independent_parse)
        assert np.array_equal(
            wide[column].to_numpy(), reference.to_numpy(dtype=float), equal_nan=True
        ), column
    assert unparsed == 5


def test_real_missing_cells_kept_missing(tables: dict[str, pd.DataFrame]) -> None:
    factors = tables["gfp_factors"]
    assert len(factors) == 145 * 54
    tonnage = factors[factors["factor"] == "total_naval_fleet_tonnage_mt"]
    assert tonnage["value"].isna().sum() == 94
    assert (tonnage["value"].dropna() > 0).all()
    assert factors["value"].isna().sum() == 94  # no other cell is missing


def test_real_units(tables: dict[str, pd.DataFrame]) -> None:
    factors = tables["gfp_factors"]
    units = factors.groupby("factor", observed=True)["unit"].first().astype(str)
    assert units["defense_budget_usd"] == "USD"
    assert units["total_land_area_sq_km"] == "km2"
    assert units["railway_coverage_km"] == "km"
    assert units["oil_production_bbl"] == "bbl/day"
    assert units["proven_oil_reserves_bbl"] == "bbl"
    assert units["natural_gas_production_cum"] == "m3"
    assert units["active_personnel"] == "people"
    assert units["tanks"] == "count"
    kor = factors[(factors["code"] == "KOR") & (factors["factor"] == "defense_budget_usd")]
    assert kor["value"].iloc[0] == 44_800_000_000


# -- parse_cell and small files --------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("$                        \t\t\t831,500,000,000", (831_500_000_000.0, "$")),
        ("293,564                        \t\t\n\t\t\tkm", (293_564.0, "km")),
        ("1,029,000,000,000 \n Cu.M", (1_029_000_000_000.0, "Cu.M")),
        ("926", (926.0, None)),
        ("0.0741", (0.0741, None)),
    ],
)
def test_parse_cell(cell: str, expected: tuple[float, str | None]) -> None:
    assert gfp.parse_cell(cell) == expected


@pytest.mark.parametrize("cell", ["", "  ", "N/A", "n/a", "-", "\u2014"])
def test_parse_cell_missing_is_nan_not_zero(cell: str) -> None:
    value, unit = gfp.parse_cell(cell)
    assert math.isnan(value)
    assert unit is None


@pytest.mark.parametrize("cell", ["lots", "12 furlongs", "1,23,4", "$ 5 km"])
def test_parse_cell_rejects(cell: str) -> None:
    with pytest.raises(ValueError):
        gfp.parse_cell(cell)


def test_small_raw_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "raw.csv.gz",
        RAW_HEADER
        + 'South Korea,0.1642,"450,000","$  44,800,000,000","3,979  km",,Asia,\n'
        + 'United States,0.0741,"1,333,030","$ 831,500,000,000","293,564 km","4,000",Americas,1\n'
        + 'Beliz,4.3602,N/A,"$ 20,000,000","0 km",,Americas,\n',
    )
    tables = gfp.read_gfp_raw(path)
    index = tables["gfp_index"]
    assert index["code"].astype(str).tolist() == ["USA", "KOR", "BLZ"]
    assert index["rank"].tolist() == [1, 2, 3]
    factors = tables["gfp_factors"].set_index(["code", "factor"])
    assert factors.loc[("KOR", "defense_budget_usd"), "value"] == 44_800_000_000
    assert factors.loc[("KOR", "railway_coverage_km"), "unit"] == "km"
    assert factors.loc[("USA", "total_naval_fleet_tonnage_mt"), "unit"] == "t"
    assert math.isnan(factors.loc[("BLZ", "active_personnel"), "value"])  # N/A: missing, not 0
    assert math.isnan(factors.loc[("KOR", "total_naval_fleet_tonnage_mt"), "value"])
    assert "Continent" not in set(tables["gfp_factors"]["factor"].astype(str))
    assert "GDP" not in set(tables["gfp_factors"]["factor"].astype(str))


def test_non_numeric_factor(tmp_path: Path) -> None:
    path = write(
        tmp_path / "raw.csv",
        RAW_HEADER
        + 'South Korea,0.1642,"450,000","$ 1",1 km,,Asia,\n'
        + 'Japan,0.18,about 250k,"$ 1",1 km,,Asia,\n',
    )
    with pytest.raises(DataFormatError) as info:
        gfp.read_gfp_raw(path)
    assert "'about 250k'" in str(info.value)
    assert "raw.csv row 3, column 'active_personnel'" in str(info.value)


def test_missing_power_index_value(tmp_path: Path) -> None:
    path = write(tmp_path / "raw.csv", RAW_HEADER + 'South Korea,,"450,000","$ 1",1 km,,Asia,\n')
    with pytest.raises(DataFormatError) as info:
        gfp.read_gfp_raw(path)
    assert "raw.csv row 2, column 'Power Index'" in str(info.value)


def test_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path / "raw.csv", "Country,active_personnel\nSouth Korea,1\n")
    with pytest.raises(DataFormatError) as info:
        gfp.read_gfp_raw(path)
    assert "'Power Index'" in str(info.value)
    assert "raw.csv" in str(info.value)


def test_mixed_units_in_a_column(tmp_path: Path) -> None:
    path = write(
        tmp_path / "raw.csv",
        RAW_HEADER
        + 'South Korea,0.1642,1,"$ 1",3 km,,Asia,\n'
        + 'Japan,0.18,1,"$ 1",3 bbl,,Asia,\n',
    )
    with pytest.raises(DataFormatError) as info:
        gfp.read_gfp_raw(path)
    assert "raw.csv row 3, column 'railway_coverage_km'" in str(info.value)


def test_duplicate_country(tmp_path: Path) -> None:
    path = write(
        tmp_path / "raw.csv",
        RAW_HEADER + "South Korea,0.1642,1,$ 1,1 km,,,\nKorea South,0.2,1,$ 1,1 km,,,\n",
    )
    with pytest.raises(DataFormatError) as info:
        gfp.read_gfp_raw(path)
    assert "appears twice" in str(info.value)
    assert "raw.csv row 3, column 'Country'" in str(info.value)


def test_unknown_country(tmp_path: Path) -> None:
    path = write(tmp_path / "raw.csv", RAW_HEADER + "Wakanda,0.5,1,$ 1,1 km,,,\n")
    with pytest.raises(UnknownEntityError) as info:
        gfp.read_gfp_raw(path)
    assert "Wakanda" in info.value.unresolved
    assert "raw.csv" in str(info.value)


def test_source_metadata() -> None:
    info = gfp.SOURCE.info
    assert info.files == (gfp.RAW_FILE,)
    assert "proprietary" in info.licence
    assert info.edition == "2026"
