"""UN General Assembly votes reader: real data facts and bad-input errors."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from powerscope.data.sources import unvotes
from powerscope.errors import DataFormatError, UnknownEntityError
from support import write_file as write

ROLL_CALLS = """rcid,session,importantvote,date,unres,amend,para,short,descr
3,1.0,0,1946-01-01,R/1/66,1,0,"AMENDMENTS","TO ADOPT, A CUBAN AMENDMENT"
4,1.0,,1946-01-02,R/1/79,,,SECURITY COUNCIL,ELECTIONS
5,46.0,1,1991-11-04,R/46/16,,,,
"""


@pytest.fixture
def roll_calls(tmp_path: Path) -> Path:
    return write(tmp_path / "un_roll_calls.csv", ROLL_CALLS)


# -- real data -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables(shared_data: Path) -> dict[str, pd.DataFrame]:
    return unvotes.read(shared_data)


def test_real_counts(tables: dict[str, pd.DataFrame]) -> None:
    votes, calls = tables["un_votes"], tables["un_roll_calls"]
    assert len(votes) == 870_109
    assert len(calls) == 6_203
    assert calls["rcid"].is_unique
    assert sorted(calls["session"].unique()) == list(range(1, 75))
    assert calls["date"].min() == pd.Timestamp("1946-01-01")
    assert calls["date"].max() == pd.Timestamp("2020-01-14")
    counts = votes["vote"].value_counts()
    assert counts[unvotes.YES] == 693_664
    assert counts[unvotes.ABSTAIN] == 110_897
    assert counts[unvotes.NO] == 65_548
    assert set(np.unique(votes["vote"])) == {1, 2, 3}


def test_real_dtypes_are_compact(tables: dict[str, pd.DataFrame]) -> None:
    votes = tables["un_votes"]
    assert votes["rcid"].dtype == np.int32
    assert votes["vote"].dtype == np.int8
    assert isinstance(votes["code"].dtype, pd.CategoricalDtype)
    assert votes.memory_usage(deep=True).sum() < 10_000_000  # about 6 MB


def test_real_korea_votes_from_1991(tables: dict[str, pd.DataFrame]) -> None:
    votes, calls = tables["un_votes"], tables["un_roll_calls"]
    kor = votes[votes["code"] == "KOR"].merge(calls[["rcid", "year"]], on="rcid")
    assert len(kor) == 2_505
    assert kor["year"].min() == 1991
    assert (votes["code"] == "PRK").sum() == 2_105  # North Korea, also a member from 1991


def test_real_empty_codes_resolved_by_name(tables: dict[str, pd.DataFrame]) -> None:
    votes = tables["un_votes"]
    counts = votes["code"].value_counts()
    assert counts["DEU"] == 2_151 + 2_552  # Federal Republic of Germany + Germany
    assert counts["YEM"] == 3_291 + 2_395  # Yemen Arab Republic + Yemen
    assert counts["ZAN"] == 2
    assert counts["NAM"] == 2_455  # ISO2 "NA" is not read as missing
    assert {"DDR", "YMD", "CSK", "YUG"} <= set(votes["code"].cat.categories)
    assert not votes.duplicated(["rcid", "code"]).any()


def test_real_issues(tables: dict[str, pd.DataFrame]) -> None:
    issues = tables["un_roll_call_issues"]
    assert len(issues) == 5_745
    assert set(issues["issue_code"].cat.categories) == {"co", "di", "ec", "hr", "me", "nu"}
    human_rights = issues[issues["issue_code"] == "hr"]
    assert (human_rights["issue"] == "Human rights").all()
    assert set(issues["rcid"]) <= set(tables["un_roll_calls"]["rcid"])


def test_real_votes_read_fast(shared_data: Path) -> None:
    start = time.perf_counter()
    votes = unvotes.read_votes(shared_data / unvotes.VOTES_FILE)
    elapsed = time.perf_counter() - start
    assert len(votes) == 870_109
    assert elapsed < 6.0, f"reading the votes took {elapsed:.1f} s (expected about 0.5 s)"


# -- small files -----------------------------------------------------------------------------


def test_small_votes_parse(tmp_path: Path, roll_calls: Path) -> None:
    votes = write(
        tmp_path / "un_votes.csv.gz",
        "rcid,country,country_code,vote\n"
        "3,United States,US,yes\n"
        "3,Federal Republic of Germany,,no\n"
        "4,Namibia,NA,abstain\n"
        "5,South Korea,KR,no\n",
    )
    frame = unvotes.read_votes(votes, roll_calls)
    assert frame["code"].astype(str).tolist() == ["USA", "DEU", "NAM", "KOR"]
    assert frame["vote"].tolist() == [1, 3, 2, 3]
    assert frame["rcid"].tolist() == [3, 3, 4, 5]


def test_vote_outside_yes_no_abstain(tmp_path: Path) -> None:
    votes = write(
        tmp_path / "votes.csv",
        "rcid,country,country_code,vote\n3,United States,US,yes\n3,Canada,CA,absent\n",
    )
    with pytest.raises(DataFormatError) as info:
        unvotes.read_votes(votes)
    message = str(info.value)
    assert "'absent'" in message
    assert "votes.csv row 3, column 'vote'" in message


def test_vote_on_unknown_roll_call(tmp_path: Path, roll_calls: Path) -> None:
    votes = write(
        tmp_path / "votes.csv",
        "rcid,country,country_code,vote\n3,United States,US,yes\n77,Canada,CA,no\n",
    )
    with pytest.raises(DataFormatError) as info:
        unvotes.read_votes(votes, roll_calls)
    message = str(info.value)
    assert "rcid 77 is not a roll call" in message
    assert "votes.csv row 3, column 'rcid'" in message


def test_unknown_country(tmp_path: Path) -> None:
    votes = write(
        tmp_path / "votes.csv",
        "rcid,country,country_code,vote\n3,United States,US,yes\n3,Atlantis,,no\n",
    )
    with pytest.raises(UnknownEntityError) as info:
        unvotes.read_votes(votes)
    assert "Atlantis" in info.value.unresolved
    assert "votes.csv" in str(info.value)


def test_unknown_iso2_code(tmp_path: Path) -> None:
    votes = write(tmp_path / "votes.csv", "rcid,country,country_code,vote\n3,Nowhere,QQ,yes\n")
    with pytest.raises(UnknownEntityError) as info:
        unvotes.read_votes(votes)
    assert "QQ" in info.value.unresolved
    assert "country_code" in str(info.value)


def test_missing_column(tmp_path: Path) -> None:
    votes = write(tmp_path / "votes.csv", "rcid,country,vote\n3,United States,yes\n")
    with pytest.raises(DataFormatError) as info:
        unvotes.read_votes(votes)
    assert "'country_code'" in str(info.value)
    assert "votes.csv" in str(info.value)


def test_non_numeric_rcid(tmp_path: Path) -> None:
    votes = write(
        tmp_path / "votes.csv",
        "rcid,country,country_code,vote\n3,United States,US,yes\nx9,Canada,CA,no\n",
    )
    with pytest.raises(DataFormatError) as info:
        unvotes.read_votes(votes)
    assert "'x9'" in str(info.value)
    assert "votes.csv row 3, column 'rcid'" in str(info.value)


def test_duplicate_vote(tmp_path: Path) -> None:
    votes = write(
        tmp_path / "votes.csv",
        "rcid,country,country_code,vote\n"
        "3,Germany,DE,yes\n3,Canada,CA,no\n3,Federal Republic of Germany,,no\n",
    )
    with pytest.raises(DataFormatError) as info:
        unvotes.read_votes(votes)
    assert "second vote of DEU" in str(info.value)
    assert "votes.csv row 4" in str(info.value)


def test_roll_calls_parse(roll_calls: Path) -> None:
    calls = unvotes.read_roll_calls(roll_calls)
    assert calls["session"].tolist() == [1, 1, 46]
    assert calls["year"].tolist() == [1946, 1946, 1991]
    assert calls["importantvote"].isna().tolist() == [False, True, False]
    assert bool(calls["amend"].iloc[0]) is True
    assert calls["descr"].iloc[0] == "TO ADOPT, A CUBAN AMENDMENT"


def test_roll_calls_bad_date(tmp_path: Path) -> None:
    path = write(tmp_path / "calls.csv", ROLL_CALLS.replace("1946-01-02", "1946-13-02"))
    with pytest.raises(DataFormatError) as info:
        unvotes.read_roll_calls(path)
    assert "calls.csv row 3, column 'date'" in str(info.value)


def test_roll_calls_duplicate_rcid(tmp_path: Path) -> None:
    path = write(tmp_path / "calls.csv", ROLL_CALLS.replace("\n5,46.0", "\n3,46.0"))
    with pytest.raises(DataFormatError) as info:
        unvotes.read_roll_calls(path)
    assert "duplicate roll call rcid 3" in str(info.value)
    assert "calls.csv row 4" in str(info.value)


def test_roll_calls_non_numeric_session(tmp_path: Path) -> None:
    path = write(tmp_path / "calls.csv", ROLL_CALLS.replace("5,46.0", "5,forty"))
    with pytest.raises(DataFormatError) as info:
        unvotes.read_roll_calls(path)
    assert "'forty'" in str(info.value)
    assert "calls.csv row 4, column 'session'" in str(info.value)


def test_issues_on_unknown_roll_call(tmp_path: Path, roll_calls: Path) -> None:
    path = write(tmp_path / "issues.csv", "rcid,short_name,issue\n3,hr,Human rights\n8,me,X\n")
    with pytest.raises(DataFormatError) as info:
        unvotes.read_issues(path, unvotes.read_roll_calls(roll_calls))
    assert "rcid 8 is not a roll call" in str(info.value)
    assert "issues.csv row 3" in str(info.value)


def test_source_metadata() -> None:
    info = unvotes.SOURCE.info
    assert info.licence == "CC0-1.0"
    assert "Voeten" in info.citation
    assert "12379" in info.url
    assert set(info.tables) == {"un_votes", "un_roll_calls", "un_roll_call_issues"}
    assert unvotes.VOTE_LABELS == {1: "yes", 2: "abstain", 3: "no"}
