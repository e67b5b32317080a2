"""UN World Population Prospects 2022: variants named, locations resolved, the world kept as WLD,
and the tidy file checked against the publisher's official files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from powerscope.data.sources import wpp
from powerscope.errors import DataFormatError, UnknownEntityError
from support import require_shared
from support import write_file as write

HEADER = (
    "variant,location,loc_code,iso3,type,year,age_0-4,pop_total,pop_0_14,pop_15_64,pop_65plus\n"
)
ROWS = (
    "Estimates,WORLD,900,,World,2021,1,7909295,2015023,5133000,761273\n"
    "Medium,WORLD,900,,World,2022,1,7975105,2014366,5186960,773779\n"
    "Estimates,Republic of Korea,410,KOR,Country/Area,2021,1,51827,6163,37036,8628\n"
    "Medium,Republic of Korea,410,KOR,Country/Area,2022,1,51816,5997,36921,8898\n"
    "Medium,China Taiwan Province of China,158,TWN,Country/Area,2022,1,23893,2955,16903,4035\n"
)


def _file(tmp_path: Path, text: str) -> Path:
    (tmp_path / wpp.FOLDER).mkdir(exist_ok=True)
    return write(tmp_path / wpp.FILE, HEADER + text)


def test_variants_locations_and_types(tmp_path: Path) -> None:
    _file(tmp_path, ROWS)
    table = wpp.read(tmp_path)["wpp_population"]
    assert list(table.columns) == [
        "variant", "code", "year", "pop_total", "pop_0_14", "pop_15_64", "pop_65plus",
    ]  # fmt: skip
    assert set(table["code"]) == {"WLD", "KOR", "TWN"}
    korea = table[table["code"] == "KOR"].set_index("year")
    assert korea.loc[2021, "variant"] == "estimates" and korea.loc[2022, "variant"] == "medium"
    assert korea.loc[2021, "pop_15_64"] == pytest.approx(37036.0)
    assert table["year"].dtype == np.int16
    assert all(table[c].dtype == np.float32 for c in wpp.POPULATION)


@pytest.mark.parametrize(
    ("row", "what"),
    [
        ("Low,Republic of Korea,410,KOR,Country/Area,2030,1,1,1,1,1\n", "unknown variant 'Low'"),
        ("Estimates,Europe,908,,Region,2021,1,1,1,1,1\n", "unexpected type 'Region'"),
        ("Estimates,Korea,410,,Country/Area,2021,1,1,1,1,1\n", "unexpected iso3"),
        (
            "Estimates,Republic of Korea,410,KOR,Country/Area,2030,1,1,1,1,1\n",
            "year '2030' outside the estimates",
        ),
        ("Medium,Republic of Korea,410,KOR,Country/Area,2022,1,1,1,-5,1\n", "population '-5'"),
        (
            "Medium,Republic of Korea,410,KOR,Country/Area,2022,1,1,1,1,1\n",
            "KOR 2022 is given twice",
        ),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, row: str, what: str) -> None:
    _file(tmp_path, ROWS + row)
    with pytest.raises(DataFormatError, match=what) as caught:
        wpp.read(tmp_path)
    assert caught.value.where is not None and wpp.FILE.split("/")[-1] in caught.value.where


def test_unknown_code_is_an_error_naming_it(tmp_path: Path) -> None:
    _file(tmp_path, ROWS + "Medium,Nowhere,999,QQQ,Country/Area,2022,1,1,1,1,1\n")
    with pytest.raises(UnknownEntityError, match="QQQ"):
        wpp.read(tmp_path)


def test_missing_column(tmp_path: Path) -> None:
    (tmp_path / wpp.FOLDER).mkdir()
    write(
        tmp_path / wpp.FILE, "variant,location,iso3,type,year,pop_total\nMedium,X,,World,2022,1\n"
    )
    with pytest.raises(DataFormatError, match="pop_15_64"):
        wpp.read(tmp_path)


def _official(name: str) -> pd.DataFrame:
    path = require_shared(wpp.FOLDER, name)
    frame = pd.read_csv(path, encoding="latin-1", skiprows=16, dtype=str)
    frame = frame[frame["ISO3 Alpha-code"].isin(["KOR", "JPN", "CHN"]) | (frame["Type"] == "World")]
    ages = [f"{a}-{a + 4}" for a in range(15, 65, 5)]
    values = frame[ages].apply(lambda c: pd.to_numeric(c.str.replace(" ", ""), errors="raise"))
    return pd.DataFrame(
        {
            "code": frame["ISO3 Alpha-code"].fillna("WLD").to_numpy(),
            "year": frame["Year"].astype(int).to_numpy(),
            "official": values.sum(axis=1).to_numpy(),
        }
    )


def test_real_file_matches_the_official_files() -> None:
    """The tidy file is a plain re-shaping of POP/F02-1: its 15-64 column is the sum of the
    official five-year groups, in the estimates and in the medium variant."""
    table = wpp.read(require_shared())["wpp_population"]
    official = pd.concat(
        [
            _official("WPP2022_POP_F02_1_POPULATION_BY_AGE_BOTH_SEXES_ESTIMATES.csv.gz"),
            _official("WPP2022_POP_F02_1_POPULATION_BY_AGE_BOTH_SEXES_MEDIUM_VARIANT.csv.gz"),
        ]
    )
    joined = official.merge(table, on=["code", "year"], how="left")
    assert len(joined) == 4 * 151
    np.testing.assert_allclose(joined["pop_15_64"], joined["official"], atol=0.5)
    korea = table[table["code"] == "KOR"].set_index("year")["pop_15_64"]
    # the figures of ../shared/data/README.md: 37.0 m (2021), 33.7, 24.0, 11.2 m (2100)
    assert [round(float(korea[y]) / 1000, 1) for y in (2021, 2030, 2050, 2100)] == [
        37.0, 33.7, 24.0, 11.2,
    ]  # fmt: skip
    assert table["code"].nunique() == 237  # 236 countries and areas, and the world
    assert table.groupby("variant")["year"].agg(["min", "max"]).to_dict("index") == {
        "estimates": {"min": 1950, "max": 2021},
        "medium": {"min": 2022, "max": 2100},
    }
