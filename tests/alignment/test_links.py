"""Trade agreements in force and diplomatic posts between a focal country and every other."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from powerscope.alignment.links import embassies, embassies_by_edition, trade_agreements
from powerscope.data.sources import desta, lowy_gdi
from powerscope.data.store import SnapshotStore
from powerscope.errors import NotFoundError, PeriodError, UnknownEntityError

POST_TYPES = ["embassy", "consulate", "other", "permanent_mission", "embassy", "embassy", "embassy",
              "consulate"]  # fmt: skip
CITIES = ["Tokyo", "Osaka", "Santiago", "New York", "Seoul", "Santiago", "Tokyo", "Busan"]


def _years(values: list[int | None]) -> pd.Series:
    return pd.Series(values, dtype="Int16")


@pytest.fixture
def store(tmp_path: Path) -> SnapshotStore:
    """A store of three agreements and a few posts, written as the snapshot writes them."""
    agreements = pd.DataFrame(
        {
            "agreement_id": ["A1", "A2", "A3", "A4"],
            "title": ["Korea Chile", "Big Bloc", "Korea Japan", "Korea Chile Services"],
            "type": ["base treaty", "base treaty", "base treaty", "protocol or amendment"],
            "parties": ["bilateral", "plurilateral", "bilateral", "bilateral"],
            "area": ["cross-regional", "regional", "regional", "cross-regional"],
            "signed": _years([2003, 1990, None, 2010]),
            "in_force": _years([2004, 1995, None, 2012]),
        }
    )
    members = pd.DataFrame(
        {
            "agreement_id": ["A1", "A1", "A2", "A2", "A2", "A2", "A3", "A3", "A4", "A4"],
            "code": ["KOR", "CHL", "KOR", "CHL", "DEU", "KOR", "KOR", "JPN", "KOR", "CHL"],
            # Korea joins the bloc twice (an accession entry): its earliest year counts
            "signed": _years([2003, 2003, 1990, 1990, 1990, 2005, None, None, 2010, 2010]),
            "in_force": _years([2004, 2004, 2000, 1995, 1995, 2006, None, None, 2012, 2012]),
        }
    )
    posts = pd.DataFrame(
        {
            "code": ["KOR", "KOR", "KOR", "KOR", "JPN", "JPN", "KOR", "JPN"],
            "host": ["JPN", "JPN", "CHL", None, "KOR", "CHL", "JPN", "KOR"],
            "edition": _years([2023, 2023, 2023, 2023, 2023, 2023, 2021, 2021]),
            "post_type": POST_TYPES,
            "city": CITIES,
        }
    )
    posts["host"] = posts["host"].astype("string")
    for name, frame in (
        ("desta_agreements", agreements),
        ("desta_members", members),
        ("lowy_posts", posts),
    ):
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    records = [desta.INFO.as_record(), lowy_gdi.INFO.as_record()]
    (tmp_path / "datasets.json").write_text(json.dumps(records), encoding="utf-8")
    return SnapshotStore(tmp_path)


def test_trade_agreements_in_force(store: SnapshotStore) -> None:
    out = trade_agreements(store, "South Korea")
    assert list(out.columns) == ["code", "n_agreements", "agreements", "year"]
    rows = out.set_index("code")
    assert list(out["code"]) == ["CHL", "DEU", "JPN"]  # most agreements first; JPN a real 0
    assert rows.loc["CHL", "n_agreements"] == 3
    # the year an agreement came into force between the two: the later membership
    assert rows.loc["CHL", "agreements"] == (
        "Big Bloc (2000); Korea Chile (2004); Korea Chile Services (2012)"
    )
    assert rows.loc["JPN", "n_agreements"] == 0 and rows.loc["JPN", "agreements"] == ""
    assert set(out["year"]) == {2012}  # the last year of the data
    early = trade_agreements(store, "KOR", year=2001).set_index("code")
    assert early.loc["CHL", "n_agreements"] == 1 and early.loc["DEU", "n_agreements"] == 1
    assert out["n_agreements"].dtype.kind == "i"


def test_trade_agreements_errors(store: SnapshotStore) -> None:
    with pytest.raises(PeriodError, match="1990-2012"):
        trade_agreements(store, "KOR", year=2030)
    with pytest.raises(UnknownEntityError, match="Narnia"):
        trade_agreements(store, "Narnia")
    with pytest.raises(NotFoundError, match="FRA is a member of no trade agreement"):
        trade_agreements(store, "FRA")


def test_embassies_both_ways(store: SnapshotStore) -> None:
    out = embassies(store, "KOR")
    assert list(out.columns) == [
        "code", "focal_posts", "focal_embassy", "partner_posts", "partner_embassy", "edition",
    ]  # fmt: skip
    rows = out.set_index("code")
    assert list(out["code"]) == ["JPN", "CHL"]
    assert rows.loc["JPN", "focal_posts"] == 2 and bool(rows.loc["JPN", "focal_embassy"])
    assert rows.loc["JPN", "partner_posts"] == 1 and bool(rows.loc["JPN", "partner_embassy"])
    # an office is a post but not an embassy; Chile reports nothing to the index
    assert rows.loc["CHL", "focal_posts"] == 1 and not rows.loc["CHL", "focal_embassy"]
    assert pd.isna(rows.loc["CHL", "partner_posts"]) and pd.isna(rows.loc["CHL", "partner_embassy"])
    assert set(out["edition"]) == {2023}
    older = embassies(store, "JPN", edition=2021).set_index("code")
    assert older.loc["KOR", "focal_posts"] == 1 and not older.loc["KOR", "focal_embassy"]
    assert older.loc["KOR", "partner_posts"] == 1 and bool(older.loc["KOR", "partner_embassy"])


def test_a_focal_country_that_does_not_report(store: SnapshotStore) -> None:
    out = embassies(store, "Chile").set_index("code")
    assert out["focal_posts"].isna().all() and out["focal_embassy"].isna().all()
    assert out.loc["KOR", "partner_posts"] == 1 and not out.loc["KOR", "partner_embassy"]
    assert out.loc["JPN", "partner_posts"] == 1 and bool(out.loc["JPN", "partner_embassy"])
    assert embassies_by_edition(store, "CHL").empty


def test_embassies_errors(store: SnapshotStore) -> None:
    with pytest.raises(PeriodError, match="2021, 2023"):
        embassies(store, "KOR", edition=2019)
    with pytest.raises(UnknownEntityError, match="Narnia"):
        embassies(store, "Narnia")


def test_embassies_by_edition(store: SnapshotStore) -> None:
    out = embassies_by_edition(store, "KOR")
    assert list(out.columns) == ["code", "edition", "embassy"]
    assert {(r.code, r.edition): r.embassy for r in out.itertuples()} == {
        ("CHL", 2023): False,
        ("JPN", 2021): True,
        ("JPN", 2023): True,
    }


def test_on_the_snapshot() -> None:
    store = SnapshotStore()
    trade = trade_agreements(store, "KOR").set_index("code")
    assert set(trade["year"]) == {2020}
    assert trade.loc["USA", "n_agreements"] == 2  # KORUS and its environmental side agreement
    assert "Korea US (2012)" in trade.loc["USA", "agreements"]
    assert trade.loc["JPN", "n_agreements"] == 0  # no bilateral agreement in force in 2020
    assert trade.loc["CHN", "agreements"].endswith("China Korea (2015)")
    posts = embassies(store, "KOR").set_index("code")
    assert bool(posts.loc["JPN", "focal_embassy"]) and bool(posts.loc["JPN", "partner_embassy"])
    assert posts.loc["USA", "focal_posts"] >= 10
    assert pd.isna(posts.loc["KIR", "partner_posts"])  # Kiribati does not report
    by_edition = embassies_by_edition(store, "JPN").groupby("edition")["embassy"].sum()
    assert by_edition.to_dict() == {2016: 144, 2017: 148, 2021: 151, 2023: 152}
    assert store.citation("desta").years == (1948, 2020)
    assert store.citation("lowy_gdi").publisher == "Lowy Institute"
