"""UN Digital Library votes from 2020: names resolved, duplicates left out, the overlap check."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from powerscope.data.sources import unvotes_undl as undl
from powerscope.data.store import SnapshotStore
from powerscope.errors import DataFormatError, UnknownEntityError
from support import write_file as write

HEADER = "undl_record,resolution,vote_date,ms_name,vote,title,meeting,source_log,year\n"
LONG = HEADER + (
    "100,A/RES/74/270,2020-01-10,REPUBLIC OF KOREA,Y,T,m,l,2020\n"
    "100,A/RES/74/270,2020-01-10,TÜRKIYE,N,T,m,l,2020\n"
    "200,A/RES/75/1,2020-09-21,REPUBLIC OF KOREA,A,U,m,l,2020\n"
    "200,A/RES/75/1,2020-09-21,DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA,,U,m,l,2020\n"
    "200,A/RES/75/1,2020-09-21,TÜRKÝYE,Y,U,m,l,2020\n"
)
WIDE = (
    "Resolution,Date,Title,Topic Tags,UN Digital Library Link,Yes,No,Abstain,No Vote,KOR,PRK\n"
    ",,,,,,,,,Republic of Korea,DPRK\n"
    "A/RES/75/1,2020-09-21,U,,https://digitallibrary.un.org/record/200,1,0,0,1,ABSTAIN,\n"
    "A/RES/80/9,2025-12-01,V,,https://digitallibrary.un.org/record/300,1,1,0,0,YES,NO\n"
)


def test_member_state_names_resolve_and_non_votes_are_not_rows(tmp_path: Path) -> None:
    votes, calls = undl.read_long_votes(write(tmp_path / "v.csv", LONG))
    assert list(calls["rcid"]) == [100, 200]
    assert list(calls["session"]) == [74, 75]
    by = {(int(r.rcid), str(r.code)): int(r.vote) for r in votes.itertuples()}
    assert by == {(100, "KOR"): 1, (100, "TUR"): 3, (200, "KOR"): 2, (200, "TUR"): 1}


def test_an_unknown_member_state_is_an_error_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path / "v.csv", LONG + "200,A/RES/75/1,2020-09-21,NARNIA,Y,U,m,l,2020\n")
    with pytest.raises(UnknownEntityError, match="NARNIA"):
        undl.read_long_votes(path)


def test_bad_vote_and_date_are_data_format_errors(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="vote 'maybe'"):
        undl.read_long_votes(write(tmp_path / "a.csv", LONG.replace(",N,T", ",maybe,T")))
    with pytest.raises(DataFormatError, match="unparsable date"):
        undl.read_long_votes(write(tmp_path / "b.csv", LONG.replace("2020-01-10", "10/01/2020")))


def test_wide_file_and_roll_calls_held_twice(tmp_path: Path) -> None:
    long_votes, long_calls = undl.read_long_votes(write(tmp_path / "v.csv", LONG))
    wide_votes, wide_calls = undl.read_wide_votes(write(tmp_path / "w.csv", WIDE))
    assert list(wide_calls["rcid"]) == [200, 300]
    assert set(wide_votes[wide_votes["rcid"] == 300]["code"].astype(str)) == {"KOR", "PRK"}
    known = pd.DataFrame(
        {"rcid": [9000], "unres": ["A/RES/74/270"], "date": pd.to_datetime(["2020-01-10"])}
    )
    merged = undl.merge_new(
        known, [("long", long_votes, long_calls), ("wide", wide_votes, wide_calls)]
    )
    # record 100 is the Voeten data's roll call; record 200 is in both files
    assert merged.dropped == {"long": 1, "wide": 1}
    assert list(merged.calls["rcid"]) == [200, 300]
    assert set(merged.votes["rcid"]) == {200, 300}


def test_the_merged_store_table_carries_each_votes_source() -> None:
    store = SnapshotStore()
    calls = store.table("un_roll_calls")
    per_year = undl.votes_per_year(store.table("un_votes"), calls, first=2020)
    last = int(calls["year"].max())
    assert list(per_year["year"]) == list(range(2020, last + 1))
    assert (per_year["countries"] >= 190).all() and (per_year["roll_calls"] >= 80).all()
    assert set(calls["source"].astype(str)) == {"unvotes", "unvotes_undl"}
    assert store.citation("unvotes").years == (1946, 2020)
    cited = store.citation("unvotes_undl")
    assert cited.publisher == "United Nations Digital Library" and cited.title == "Voting data"
    assert cited.years == (2020, last)


def test_the_two_sources_agree_on_2015_2019(shared_data: Path) -> None:
    report = undl.check_overlap(shared_data, (2015, 2019))
    assert report.matched_roll_calls > 350
    assert report.share_identical > 0.99
    assert list(report.by_year["year"]) == [2015, 2016, 2017, 2018, 2019]
