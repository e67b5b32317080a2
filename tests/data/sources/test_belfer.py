"""The CETI reader: the real file, and each kind of bad input with its clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from powerscope.data.sources.belfer import read_pillars, read_workbook
from powerscope.errors import DataFormatError, UnknownEntityError
from support import require_shared

GOOD = "country,sector,pillar,value\nJapan,AI,Data,0.5\nSouth Korea,AI,Data,0.25\n"


def test_real_file_has_26_entities_46_pillars() -> None:
    pillars = read_pillars(require_shared("belfer_ceti", "ceti_pillars_long.csv"))
    assert pillars["code"].nunique() == 26
    assert pillars.groupby("sector")["pillar"].nunique().to_dict() == {
        "AI": 8, "Biotech": 9, "Quantum": 8, "Semicon": 9, "Space": 10,
    }  # fmt: skip
    assert len(pillars) == 26 * 44
    assert "EUROPE" in set(pillars["code"]) and "KOR" in set(pillars["code"])


def test_raw_scores_are_not_pillars_but_raw_materials_is() -> None:
    pillars = read_pillars(require_shared("belfer_ceti", "ceti_pillars_long.csv"))
    assert not pillars["pillar"].isin(["Raw Score", "Raw Index Score"]).any()
    kor = pillars.set_index(["code", "indicator"])["value"]
    assert kor[("KOR", "Semicon/Raw Materials and Wafers")] == pytest.approx(0.642857, abs=1e-6)


def test_csv_agrees_with_the_dashboard_workbook() -> None:
    pillars = read_pillars(require_shared("belfer_ceti", "ceti_pillars_long.csv"))
    book = read_workbook(require_shared("belfer_ceti", "dets_belfer_ceti_data.xlsx"))
    book = book[book["country"] != "European powers"]
    merged = pillars.merge(
        book, left_on=["name", "sector", "pillar"], right_on=["country", "sector", "pillar"]
    )
    assert len(merged) == len(pillars)
    assert (merged["value_x"] - merged["value_y"]).abs().max() < 1e-9


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pillars.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_small_file(tmp_path: Path) -> None:
    out = read_pillars(_write(tmp_path, GOOD))
    assert out[["code", "indicator", "value"]].values.tolist() == [
        ["JPN", "AI/Data", 0.5],
        ["KOR", "AI/Data", 0.25],
    ]


def test_missing_column(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=r"missing column.*'pillar'.*pillars\.csv"):
        read_pillars(_write(tmp_path, "country,sector,value\nJapan,AI,0.5\n"))


def test_non_numeric_score_names_line_and_column(tmp_path: Path) -> None:
    bad = GOOD + "China,AI,Data,high\n"
    with pytest.raises(DataFormatError, match=r"'high'.*pillars\.csv line 4, column 'value'"):
        read_pillars(_write(tmp_path, bad))


def test_out_of_range_score(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=r"outside 0-1.*line 3"):
        read_pillars(_write(tmp_path, GOOD.replace("0.25", "1.7")))


def test_duplicate_row(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=r"duplicate row for Japan / AI / Data.*line 4"):
        read_pillars(_write(tmp_path, GOOD + "Japan,AI,Data,0.6\n"))


def test_unknown_country(tmp_path: Path) -> None:
    with pytest.raises(UnknownEntityError, match=r"Wakanda.*pillars\.csv column 'country'"):
        read_pillars(_write(tmp_path, GOOD + "Wakanda,AI,Data,0.6\n"))
