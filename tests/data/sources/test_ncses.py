"""NSF NCSES research articles: names freed of their HTML and resolved, regions left out, the
world and the EU-27 kept, Gaza Strip and West Bank summed; the published 2022 figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from powerscope.data.sources import ncses
from powerscope.errors import DataFormatError, UnknownEntityError
from support import require_shared
from support import write_file as write

HEADER = "ncses_table,field,count_type,region_path,entity,income_group,year,value\n"
ROWS = (
    "9970,all S&E fields,fractional,World,World,na,2022,3344037.0\n"
    "9970,all S&E fields,fractional,World -> Asia,Asia,na,2022,1600000.0\n"
    "9970,all S&E fields,fractional,World -> x,Australia and Oceania,na,2022,70000.0\n"
    "9970,all S&E fields,fractional,World -> x,EU-27 and United Kingdom<sup>a</sup>,na,2022,1.0\n"
    "9970,all S&E fields,fractional,World -> x,EU-27<sup>b</sup>,na,2022,601005.69\n"
    "9970,all S&E fields,fractional,World -> x,South Korea,High,2022,76935.71\n"
    "9970,all S&E fields,fractional,World -> x,C&#244;te d&#8217;Ivoire,Lower-middle,2022,900.5\n"
    "9970,all S&E fields,fractional,World -> x,Gaza Strip<sup>e</sup>,Lower-middle,2022,100.25\n"
    "9970,all S&E fields,fractional,World -> x,West Bank<sup>e</sup>,Lower-middle,2022,600.5\n"
    "9970,all S&E fields,fractional,World -> x,Unassigned,na,2022,10797.29\n"
    "9968,AI-related,whole,World,UK,,2022,7000\n"
    "9968,AI-related,whole,World,West Banke,,2022,3\n"
    "9968,AI-related,whole,World,Gaza Stripe,,2022,2\n"
)


def _file(tmp_path: Path, text: str) -> Path:
    (tmp_path / ncses.FOLDER).mkdir(exist_ok=True)
    return write(tmp_path / ncses.FILE, HEADER + text)


def test_entities_resolved_regions_dropped(tmp_path: Path) -> None:
    _file(tmp_path, ROWS)
    table = ncses.read(tmp_path)["research_articles"]
    assert list(table.columns) == ["field", "count_type", "code", "year", "articles"]
    frac = table[table["count_type"] == "fractional"].set_index("code")["articles"]
    # regions and the unassigned articles are left out; "Australia and Oceania" is no country
    assert set(frac.index) == {"WLD", "EUU", "KOR", "CIV", "PSE"}
    assert frac["KOR"] == 76935.71 and frac["EUU"] == 601005.69
    assert frac["PSE"] == pytest.approx(700.75)  # Gaza Strip + West Bank
    ai = table[table["field"] == "AI-related"].set_index("code")["articles"]
    assert ai.to_dict() == {"GBR": 7000.0, "PSE": 5.0}
    assert table["year"].dtype == np.int16


@pytest.mark.parametrize(
    ("row", "what"),
    [
        ("9970,all S&E fields,partial,World,Japan,High,2022,1\n", "unexpected count_type"),
        ("9970,all S&E fields,fractional,World,Japan,High,2023,1\n", "unexpected year '2023'"),
        ("9970,all S&E fields,fractional,World,Japan,High,2022,-1\n", "unexpected value '-1"),
        ("9970,all S&E fields,fractional,World,South Korea,High,2022,1\n", "given twice"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, row: str, what: str) -> None:
    _file(tmp_path, ROWS + row)
    with pytest.raises(DataFormatError, match=what) as caught:
        ncses.read(tmp_path)
    assert caught.value.where is not None and "sei2024_articles" in caught.value.where


def test_unknown_entity_is_named(tmp_path: Path) -> None:
    _file(tmp_path, ROWS + "9970,all S&E fields,fractional,World,Atlantis,High,2022,1\n")
    with pytest.raises(UnknownEntityError, match="Atlantis"):
        ncses.read(tmp_path)


def test_real_file_gives_the_published_2022_figures() -> None:
    table = ncses.read(require_shared())["research_articles"]
    all_se = table[
        (table["field"] == "all S&E fields")
        & (table["count_type"] == "fractional")
        & (table["year"] == 2022)
    ].set_index("code")["articles"]
    assert round(all_se["KOR"]) == 76_936 and round(all_se["CHN"]) == 898_949
    assert round(all_se["USA"]) == 457_335 and round(all_se["IND"]) == 207_390
    assert all_se["WLD"] == 3_344_037
    # 16 fields by two count types and AI-related (whole only), 2003-2022
    kinds = table.groupby(["field", "count_type"]).size()
    assert len(kinds) == 31 and ("AI-related", "fractional") not in kinds.index
    assert (int(table["year"].min()), int(table["year"].max())) == (2003, 2022)
    assert not table.duplicated(["field", "count_type", "code", "year"]).any()
    # fractional counts add up to the world (the unassigned articles aside, 0.3%)
    countries = all_se.drop(["WLD", "EUU"]).sum()
    assert 0.99 < countries / all_se["WLD"] < 1.0
