"""Lowy Global Diplomacy Index: spellings resolved, missions and non-countries without a host."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from powerscope.data.sources import lowy_gdi
from powerscope.data.store import SnapshotStore
from powerscope.errors import DataFormatError, UnknownEntityError
from support import require_shared

COLUMNS = ["COUNTRY", "POPULATION (M)", "POST CITY", "POST COUNTRY", "TYPE OF POST",
           "POST TYPE TITLE", "Year"]  # fmt: skip
ROWS = [
    ("Korea Republic of (South Korea)", 51.7, "Tokyo", "Japan", "Embassy / High Commission",
     "Embassy", 2021),
    ("South Korea", 51.7, "Osaka", "Japan", "Consulate / Consulate-General", "Consulate-General",
     2023),
    ("South Korea", 51.7, "New York", "United States", "Permanent Mission", "Mission to UN", 2023),
    ("Taiwan*", 23.9, "Hargeisa", "Somaliland*", "Other", "Representative Office", 2023),
    ("Russia", 144.0, "Sukhumi", "Abkhazia*", "Embassy / High Commission", "Embassy", 2023),
    ("Türkiye", 85.0, "Famagusta", "Northern Cyprus*", "Consulate / Consulate-General",
     "Consulate-General", 2023),
    ("European External Action Service", 0.0, "Seoul", "Korea Republic of (South Korea)",
     "Embassy / High Commission", "Delegation", 2023),
    ("India", 1400.0, "Santo Domingo", "Dominica Republic", "Embassy / High Commission",
     "Embassy", 2023),
    ("Japan", 125.0, "Rome", "Italy", "Embassy / High Commission", "Embassy", 2019),
    ("Japan", 125.0, "Geneva", None, "Permanent Mission", "Mission to UN", 2023),
]  # fmt: skip


def workbook(path: Path, rows: list[tuple[object, ...]] = ROWS) -> Path:
    pd.DataFrame(rows, columns=COLUMNS).to_excel(path, index=False)
    return path


def test_posts_are_read_with_identity_codes(tmp_path: Path) -> None:
    posts = lowy_gdi.read_posts(workbook(tmp_path / "gdi.xlsx"))
    assert list(posts.columns) == ["code", "host", "edition", "post_type", "city"]
    assert str(posts["edition"].dtype) == "Int16"
    # the incomplete 2019 edition is left out
    assert sorted(set(posts["edition"].astype(int))) == [2021, 2023]
    rows = {(r.code, r.city): r for r in posts.itertuples()}
    assert rows["KOR", "Tokyo"].host == "JPN" and rows["KOR", "Tokyo"].post_type == "embassy"
    assert rows["KOR", "Osaka"].post_type == "consulate"
    # a mission to an organisation, and places that are not countries, have no host
    assert pd.isna(rows["KOR", "New York"].host)
    assert rows["KOR", "New York"].post_type == "permanent_mission"
    assert pd.isna(rows["JPN", "Geneva"].host)  # a mission needs no host country
    assert pd.isna(rows["TWN", "Hargeisa"].host) and rows["TWN", "Hargeisa"].post_type == "other"
    assert pd.isna(rows["RUS", "Sukhumi"].host)
    # the "*" of contested status is dropped; the EU's delegations are the EU's
    assert rows["TUR", "Famagusta"].host == "CYP-N"
    assert rows["ORG-EU", "Seoul"].host == "KOR"
    assert rows["IND", "Santo Domingo"].host == "DOM"


def test_an_unknown_country_is_an_error_naming_it(tmp_path: Path) -> None:
    rows = [*ROWS, ("Japan", 125.0, "Oz", "Narnia", "Embassy / High Commission", "Embassy", 2023)]
    with pytest.raises(UnknownEntityError, match="Narnia"):
        lowy_gdi.read_posts(workbook(tmp_path / "gdi.xlsx", rows))
    rows = [*ROWS, ("Atlantis", 1.0, "Tokyo", "Japan", "Embassy / High Commission", "E", 2023)]
    with pytest.raises(UnknownEntityError, match="Atlantis"):
        lowy_gdi.read_posts(workbook(tmp_path / "gdi2.xlsx", rows))


def test_malformed_workbooks_are_data_format_errors(tmp_path: Path) -> None:
    rows = [*ROWS, ("Japan", 125.0, "Rome", "Italy", "Palace", "Embassy", 2023)]
    with pytest.raises(DataFormatError, match="unknown TYPE OF POST 'Palace'") as info:
        lowy_gdi.read_posts(workbook(tmp_path / "a.xlsx", rows))
    # rows count in the workbook as it is, the 2019 post left out before it included
    assert info.value.where == "a.xlsx row 12, column 'TYPE OF POST'"
    rows = [*ROWS, ("Japan", 125.0, "Rome", "Italy", "Other", "Office", "last year")]
    with pytest.raises(DataFormatError, match="edition year 'last year'") as info:
        lowy_gdi.read_posts(workbook(tmp_path / "b.xlsx", rows))
    assert info.value.where == "b.xlsx row 12, column 'Year'"
    rows = [*ROWS, ("Japan", 125.0, "Rome", None, "Embassy / High Commission", "Embassy", 2023)]
    with pytest.raises(DataFormatError, match="empty POST COUNTRY") as info:
        lowy_gdi.read_posts(workbook(tmp_path / "e.xlsx", rows))
    assert info.value.where == "e.xlsx row 12, column 'POST COUNTRY'"
    frame = pd.DataFrame(ROWS, columns=COLUMNS).drop(columns="POST COUNTRY")
    frame.to_excel(tmp_path / "c.xlsx", index=False)
    with pytest.raises(DataFormatError, match="missing column.*'POST COUNTRY'"):
        lowy_gdi.read_posts(tmp_path / "c.xlsx")
    (tmp_path / "d.xlsx").write_text("not a workbook", encoding="utf-8")
    with pytest.raises(DataFormatError, match="cannot read the workbook") as info:
        lowy_gdi.read_posts(tmp_path / "d.xlsx")
    assert info.value.where is not None and info.value.where.endswith("d.xlsx")


def test_the_real_file() -> None:
    posts = lowy_gdi.read_posts(require_shared(lowy_gdi.FILE))
    per_edition = posts.groupby("edition").size().to_dict()
    assert per_edition == {2016: 5945, 2017: 7190, 2021: 7713, 2023: 7701}
    korea = posts[(posts["code"] == "KOR") & (posts["edition"] == 2023)]
    assert len(korea) == 187
    assert posts["host"].isna().sum() == (posts["post_type"] == "permanent_mission").sum() + 52
    assert "ORG-EU" in set(posts["code"]) and not posts["code"].str.startswith("NSA").any()


def test_the_snapshot_holds_and_cites_it() -> None:
    store = SnapshotStore()
    posts = store.table("lowy_posts")
    assert sorted(int(e) for e in posts["edition"].unique()) == [2016, 2017, 2021, 2023]
    cited = store.citation("lowy_gdi")
    assert cited.publisher == "Lowy Institute" and cited.years == (2016, 2023)
