"""Dyadic UN vote agreement: hand-computed examples, array algebra, real 2019 facts, errors."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from powerscope.alignment.agreement import (
    MEASURES,
    agreement,
    agreement_of,
    agreement_series,
    agreement_with,
    all_sessions,
    load,
    pair_tables,
    select_roll_calls,
    table_measures,
    vote_matrix,
)
from powerscope.data.store import SnapshotStore
from powerscope.errors import DataFormatError, SpecError

YES, ABSTAIN, NO = 1, 2, 3


def _tables(
    votes_by_country: dict[str, list[int | None]], important: list[bool | None] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic un_votes / un_roll_calls: roll calls 101, 102, ... in 2000, session 55."""
    n_calls = len(next(iter(votes_by_country.values())))
    rcids = list(range(101, 101 + n_calls))
    rows = [
        (rcid, code, vote)
        for code, votes in votes_by_country.items()
        for rcid, vote in zip(rcids, votes, strict=True)
        if vote is not None
    ]
    votes = pd.DataFrame(rows, columns=["rcid", "code", "vote"]).astype(
        {"rcid": "int32", "code": "category", "vote": "int8"}
    )
    calls = pd.DataFrame(
        {
            "rcid": np.array(rcids, dtype="int32"),
            "session": np.full(n_calls, 55, dtype="int16"),
            "year": np.full(n_calls, 2000, dtype="int16"),
            "importantvote": pd.array(important or [False] * n_calls, dtype="boolean"),
        }
    )
    return votes, calls


# The hand-computed example: AAA votes yes, yes, abstain, no; BBB votes yes, no, abstain,
# abstain. Contingency table (AAA rows, BBB columns, yes/abstain/no): (y,y)=1, (y,n)=1,
# (a,a)=1, (n,a)=1.
HAND = {"AAA": [YES, YES, ABSTAIN, NO], "BBB": [YES, NO, ABSTAIN, ABSTAIN]}
HAND_EXPECTED = {
    # 2 identical votes of 4
    "percent_agreement": Fraction(1, 2),
    # scores 1,1,.5,0 vs 1,0,.5,.5: |diff| = 0,1,0,.5 -> 1 - 1.5/4
    "agreement_score": Fraction(5, 8),
    # ordinal |d| = 0,2,0,1 (sum 3): 1 - 2*3/(4*2)
    "s_unweighted": Fraction(1, 4),
    # roll call 2 (the yes/no split) important, weight 2: 1 - 2*(0+2*2+0+1)/(2*(1+2+1+1))
    "s_weighted": Fraction(0),
    # marginals AAA (1/2, 1/4, 1/4), BBB (1/4, 1/2, 1/4): p_e = 1/8+1/8+1/16 = 5/16
    # kappa = (1/2 - 5/16) / (11/16)
    "kappa": Fraction(3, 11),
    # pooled (3/8, 3/8, 1/4): p_e = 9/64+9/64+4/64 = 22/64; pi = (32-22)/(64-22)
    "pi": Fraction(5, 21),
    # D_o = 3/4; D_e = sum r_a c_b |a-b| = 1/2 + 1/8 + 1/4 = 7/8; 1 - 6/7
    "kappa_ordinal": Fraction(1, 7),
    # D_e = 2 (m1 m2 + 2 m1 m3 + m2 m3) = 27/32; 1 - (3/4)/(27/32) = 1 - 8/9
    "pi_ordinal": Fraction(1, 9),
}


@pytest.fixture(scope="module")
def un() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    data = load(SnapshotStore())
    return data.votes, data.calls, data.issues


@pytest.fixture(scope="module")
def y2019(un: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    votes, calls, _ = un
    return agreement(votes, calls, year=2019)


def _pair(frame: pd.DataFrame, a: str, b: str) -> pd.Series:
    first, second = sorted((a, b))
    row = frame[(frame["code1"] == first) & (frame["code2"] == second)]
    assert len(row) == 1, f"{first}-{second} not in the frame"
    return row.iloc[0]


# ------------------------------------------------------------------------------------------
# Hand-computed example and the array algebra
# ------------------------------------------------------------------------------------------


def test_hand_computed_example_every_measure() -> None:
    votes, calls = _tables(HAND, important=[False, True, False, None])
    frame = agreement(votes, calls, min_votes=1)
    assert list(frame.columns) == ["code1", "code2", "n", *MEASURES]
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row["code1"], row["code2"], row["n"]) == ("AAA", "BBB", 4)
    for name, expected in HAND_EXPECTED.items():
        assert row[name] == pytest.approx(float(expected), abs=1e-12), name


def test_hand_example_through_table_measures_and_symmetry() -> None:
    table = np.array([[1, 0, 1], [0, 1, 0], [0, 1, 0]], dtype=float)
    weighted = table.copy()
    weighted[0, 2] = 2  # the important yes/no roll call counts twice
    forward = table_measures(table, weighted)
    backward = table_measures(table.T, weighted.T)  # the same pair, countries swapped
    for name, expected in HAND_EXPECTED.items():
        assert float(forward[name]) == pytest.approx(float(expected), abs=1e-12), name
        assert float(backward[name]) == pytest.approx(float(forward[name]), abs=1e-12), name
    assert float(forward["n"]) == 4


def test_pair_tables_match_explicit_counting() -> None:
    rng = np.random.default_rng(7)
    matrix = rng.integers(0, 4, size=(6, 25)).astype(np.int8)  # 0 = no vote
    weights = rng.uniform(0.5, 3.0, size=25)
    counts = pair_tables(matrix)
    weighted = pair_tables(matrix, weights)
    assert counts.shape == (6, 6, 3, 3)
    for i in range(6):
        for j in range(6):
            for a in range(3):
                for b in range(3):
                    both = (matrix[i] == a + 1) & (matrix[j] == b + 1)
                    assert counts[i, j, a, b] == both.sum()
                    assert weighted[i, j, a, b] == pytest.approx(weights[both].sum())
    np.testing.assert_array_equal(counts, counts.transpose(1, 0, 3, 2))
    subset = pair_tables(matrix, rows=[4, 1])  # the memory-aware variant: some rows only
    np.testing.assert_array_equal(subset, counts[[4, 1]])


def test_vote_matrix_rows_columns_and_missing_votes() -> None:
    votes, _ = _tables({"ZZZ": [YES, None, NO], "AAA": [None, ABSTAIN, YES]})
    codes, matrix = vote_matrix(votes, [103, 101, 102, 999])
    assert list(codes) == ["AAA", "ZZZ"]  # alphabetical
    assert matrix.dtype == np.int8
    np.testing.assert_array_equal(matrix, [[YES, 0, ABSTAIN, 0], [NO, YES, 0, 0]])
    with pytest.raises(SpecError, match="twice"):
        vote_matrix(votes, [101, 101])


def test_identical_voting_scores_one_on_every_measure() -> None:
    pattern = [YES, NO, ABSTAIN, YES, YES, NO, YES, ABSTAIN, YES, YES, YES, NO]
    always_yes = [YES] * 12
    votes, calls = _tables(
        {"AAA": pattern, "BBB": list(pattern), "CCC": always_yes, "DDD": list(always_yes)}
    )
    frame = agreement(votes, calls, min_votes=1)
    for first, second in (("AAA", "BBB"), ("CCC", "DDD")):
        row = _pair(frame, first, second)
        for name in MEASURES:
            assert row[name] == pytest.approx(1.0), (first, second, name)
    # unanimity leaves nothing for chance to explain: percent agreement below 1, kappa at 0
    mixed = _pair(frame, "AAA", "CCC")
    assert mixed["percent_agreement"] == pytest.approx(7 / 12)
    assert mixed["kappa"] == pytest.approx(0.0)


def test_opposite_voting_scores_minus_one() -> None:
    votes, calls = _tables({"AAA": [YES, NO] * 6, "BBB": [NO, YES] * 6})
    row = agreement(votes, calls).iloc[0]
    assert row["percent_agreement"] == 0.0
    assert row["agreement_score"] == 0.0
    for name in ("s_unweighted", "s_weighted", "kappa", "pi", "kappa_ordinal", "pi_ordinal"):
        assert row[name] == pytest.approx(-1.0), name


def test_min_votes_drops_pairs_with_few_common_roll_calls() -> None:
    votes, calls = _tables(
        {"AAA": [YES] * 12, "BBB": [YES] * 12, "CCC": [YES] * 3 + [None] * 9}  # 3 common
    )
    pairs = set(map(tuple, agreement(votes, calls)[["code1", "code2"]].to_numpy()))
    assert pairs == {("AAA", "BBB")}
    assert len(agreement(votes, calls, min_votes=3)) == 3


def test_explicit_weights_and_important_weight_one() -> None:
    votes, calls = _tables(HAND, important=[False, True, False, False])
    plain = agreement(votes, calls, min_votes=1, important_weight=1.0).iloc[0]
    assert plain["s_weighted"] == pytest.approx(plain["s_unweighted"])
    # weight only the last roll call (no vs abstain, |d| = 1): S_w = 1 - 2*1/2 = 0
    weights = pd.Series([0.0, 0.0, 0.0, 1.0], index=[101, 102, 103, 104])
    only_last = agreement(votes, calls, min_votes=1, weights=weights).iloc[0]
    assert only_last["s_weighted"] == pytest.approx(0.0)
    assert only_last["s_unweighted"] == pytest.approx(0.25)  # unaffected by weights


def test_string_codes_give_the_same_result_as_categorical() -> None:
    votes, calls = _tables(HAND)
    as_strings = votes.assign(code=votes["code"].astype(str))
    pd.testing.assert_frame_equal(
        agreement(votes, calls, min_votes=1), agreement(as_strings, calls, min_votes=1)
    )


# ------------------------------------------------------------------------------------------
# Real data (embedded snapshot)
# ------------------------------------------------------------------------------------------


def test_2019_united_states_agrees_more_with_israel_than_china(y2019: pd.DataFrame) -> None:
    israel = _pair(y2019, "USA", "ISR")
    china = _pair(y2019, "USA", "CHN")
    for name in MEASURES:
        assert israel[name] > china[name], name
    assert israel["percent_agreement"] > 0.9
    assert china["percent_agreement"] < 0.2


def test_2019_south_korea_agrees_more_with_japan_than_north_korea(y2019: pd.DataFrame) -> None:
    japan = _pair(y2019, "KOR", "JPN")
    north = _pair(y2019, "KOR", "PRK")
    for name in MEASURES:
        assert japan[name] > north[name], name


def test_2019_ranges_and_identities(y2019: pd.DataFrame) -> None:
    assert len(y2019) > 15_000  # ~190 members voting: ~18,000 pairs
    assert (y2019["code1"] < y2019["code2"]).all()
    assert not y2019[["code1", "code2"]].duplicated().any()
    assert (y2019["n"] >= 10).all()
    for name in ("percent_agreement", "agreement_score"):
        assert y2019[name].between(0, 1).all(), name
    for name in ("s_unweighted", "s_weighted", "kappa", "pi", "kappa_ordinal", "pi_ordinal"):
        assert y2019[name].between(-1, 1).all(), name
    assert y2019[list(MEASURES)].notna().all().all()
    np.testing.assert_allclose(y2019["s_unweighted"], 2 * y2019["agreement_score"] - 1)
    assert y2019.attrs["roll_calls"] == 90


def _naive(votes: pd.DataFrame, calls: pd.DataFrame, a: str, b: str, rcids: np.ndarray) -> dict:
    """One pair the slow way: merge the two countries' votes and count."""
    mine = votes[(votes["code"] == a) & votes["rcid"].isin(rcids)][["rcid", "vote"]]
    theirs = votes[(votes["code"] == b) & votes["rcid"].isin(rcids)][["rcid", "vote"]]
    both = mine.merge(theirs, on="rcid", suffixes=("_a", "_b"))
    both = both.merge(calls[["rcid", "importantvote"]], on="rcid")
    va, vb = both["vote_a"].to_numpy(int), both["vote_b"].to_numpy(int)
    w = np.where(both["importantvote"].fillna(False).to_numpy(bool), 2.0, 1.0)
    n = len(both)
    p_o = np.mean(va == vb)
    score = 1 - np.mean(np.abs((3 - va) / 2 - (3 - vb) / 2))
    s = 1 - 2 * np.abs(va - vb).sum() / (n * 2)
    s_w = 1 - 2 * (w * np.abs(va - vb)).sum() / (w.sum() * 2)
    r = np.array([np.mean(va == k) for k in (1, 2, 3)])
    c = np.array([np.mean(vb == k) for k in (1, 2, 3)])
    m = (r + c) / 2
    kappa = (p_o - r @ c) / (1 - r @ c)
    pi = (p_o - m @ m) / (1 - m @ m)
    dist = np.abs(np.subtract.outer(np.arange(3), np.arange(3)))
    d_o = np.abs(va - vb).mean()
    return {
        "n": n,
        "percent_agreement": p_o,
        "agreement_score": score,
        "s_unweighted": s,
        "s_weighted": s_w,
        "kappa": kappa,
        "pi": pi,
        "kappa_ordinal": 1 - d_o / (r @ dist @ c),
        "pi_ordinal": 1 - d_o / (m @ dist @ m),
    }


@pytest.mark.parametrize("year", [1985, 2015])  # both years have important votes
def test_matrix_algebra_matches_naive_merge_on_real_pairs(un, year: int) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = un
    frame = agreement(votes, calls, year=year)
    rcids = calls.loc[calls["year"] == year, "rcid"].to_numpy()
    sample = frame.sample(12, random_state=year)
    for _, row in sample.iterrows():
        expected = _naive(votes, calls, row["code1"], row["code2"], rcids)
        for name, value in expected.items():
            assert row[name] == pytest.approx(value, abs=1e-12), (row["code1"], row["code2"], name)
    assert (frame["s_weighted"] != frame["s_unweighted"]).any()  # important votes do count


def test_agreement_with_sorted_and_consistent_with_all_pairs(un, y2019: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = un
    korea = agreement_with("KOR", votes, calls, year=2019)
    assert korea.attrs["code"] == "KOR"
    assert "KOR" not in set(korea["partner"])
    assert korea["agreement_score"].is_monotonic_decreasing
    assert len(korea) == int(((y2019["code1"] == "KOR") | (y2019["code2"] == "KOR")).sum())
    by_partner = korea.set_index("partner")
    for partner in ("USA", "JPN", "CHN", "PRK"):
        expected = _pair(y2019, "KOR", partner)
        for name in ("n", *MEASURES):
            assert by_partner.loc[partner, name] == pytest.approx(expected[name]), name
    assert by_partner.loc["JPN", "kappa"] > by_partner.loc["PRK", "kappa"]
    by_name = agreement_with("South Korea", votes, calls, year=2019, sort_by="kappa")
    assert by_name.attrs["code"] == "KOR"
    assert by_name["kappa"].is_monotonic_decreasing


def test_all_sessions_panel_matches_single_selections(un) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = un
    panel = all_sessions(votes, calls)
    assert panel["session"].nunique() >= 70
    assert set(panel.columns) == {"session", "code1", "code2", "n", *MEASURES}
    assert len(panel) > 500_000
    session74 = panel[panel["session"] == 74].drop(columns="session").reset_index(drop=True)
    single = agreement(votes, calls, session=74)
    session74 = session74.assign(
        code1=session74["code1"].astype(str), code2=session74["code2"].astype(str)
    )
    pd.testing.assert_frame_equal(session74, single, check_dtype=False)


def test_agreement_of_gives_each_country_against_all_as_the_full_panel_does(un) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = un
    full = all_sessions(votes, calls, by="year", years=(2015, 2019))
    own = agreement_of(["KOR", "Japan", "Narnia"], votes, calls, by="year", years=(2015, 2019))
    assert set(own["country"]) == {"KOR", "JPN"}  # a name resolved, an unknown one left out
    assert set(own.columns) == {"year", "country", "partner", "n", *MEASURES}
    kor = own[own["country"] == "KOR"].set_index(["year", "partner"]).sort_index()
    a, b = full["code1"].astype(str), full["code2"].astype(str)
    ref = (
        pd.concat(
            [
                full[a == "KOR"].assign(partner=b[a == "KOR"]),
                full[b == "KOR"].assign(partner=a[b == "KOR"]),
            ]
        )
        .set_index(["year", "partner"])
        .sort_index()
    )
    assert len(kor) == len(ref) > 900
    for name in ("n", "percent_agreement"):  # counts: the same exactly
        np.testing.assert_array_equal(kor[name].to_numpy(), ref[name].to_numpy(), err_msg=name)
    for name in MEASURES:  # the pair read the other way: the same up to rounding
        np.testing.assert_allclose(kor[name], ref[name], rtol=1e-12, atol=1e-12, err_msg=name)
    both_ways = own[own["country"].isin(["KOR", "JPN"]) & own["partner"].isin(["KOR", "JPN"])]
    assert len(both_ways) == 2 * own["year"].nunique()
    pooled = agreement_of(["KOR"], votes, calls, years=(2015, 2019))
    single = agreement(votes, calls, years=(2015, 2019))
    pair = single[(single["code1"] == "JPN") & (single["code2"] == "KOR")].iloc[0]
    mine = pooled[pooled["partner"] == "JPN"].iloc[0]
    for name in ("n", *MEASURES):
        assert mine[name] == pytest.approx(pair[name], rel=1e-12, abs=1e-12), name


def test_agreement_series_by_year_and_issue(un, y2019: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    votes, calls, issues = un
    series = agreement_series("USA", "ISR", votes, calls)
    assert series["year"].is_monotonic_increasing
    assert series["year"].min() <= 1950
    last = series[series["year"] == 2019].iloc[0]
    expected = _pair(y2019, "USA", "ISR")
    for name in ("n", *MEASURES):
        assert last[name] == pytest.approx(expected[name]), name
    rights = agreement_series("USA", "ISR", votes, calls, issues, issue="hr", by="session")
    assert set(rights.columns) == {"session", "n", *MEASURES}
    assert (rights["n"] < series["n"].max()).all()


def test_issue_selection_by_code_or_label(un) -> None:  # type: ignore[no-untyped-def]
    votes, calls, issues = un
    by_code = agreement(votes, calls, issues, years=(2010, 2019), issue="hr")
    by_label = agreement(votes, calls, issues, years=(2010, 2019), issue="Human rights")
    pd.testing.assert_frame_equal(by_code, by_label)
    tagged = set(issues.loc[issues["issue_code"] == "hr", "rcid"])
    in_years = set(calls.loc[calls["year"].between(2010, 2019), "rcid"])
    assert by_code.attrs["roll_calls"] == len(tagged & in_years)
    assert by_code.attrs["selection"] == "2010-2019, issue hr"


# ------------------------------------------------------------------------------------------
# Errors
# ------------------------------------------------------------------------------------------


def test_unknown_issue_names_it_and_the_known_issues(un) -> None:  # type: ignore[no-untyped-def]
    votes, calls, issues = un
    with pytest.raises(SpecError, match="unknown issue 'xx'") as info:
        agreement(votes, calls, issues, issue="xx")
    assert "hr (Human rights)" in str(info.value) and "me (Palestinian conflict)" in str(info.value)
    with pytest.raises(SpecError, match="no issue table"):
        agreement(votes, calls, issue="hr")


def test_year_without_roll_calls_lists_the_years(un) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = un
    with pytest.raises(SpecError, match="no roll calls in year 1964") as info:
        agreement(votes, calls, year=1964)
    assert f"1946-1963, 1965-{int(calls['year'].max())}" in str(info.value)
    with pytest.raises(SpecError, match="session 99"):
        select_roll_calls(calls, session=99)
    with pytest.raises(SpecError, match="ends before it starts"):
        agreement(votes, calls, years=(2019, 2010))


def test_year_with_roll_calls_but_no_votes() -> None:
    votes, calls = _tables(HAND)
    later = pd.DataFrame(
        {
            "rcid": np.array([500], dtype="int32"),
            "session": np.array([60], dtype="int16"),
            "year": np.array([2005], dtype="int16"),
            "importantvote": pd.array([None], dtype="boolean"),
        }
    )
    with pytest.raises(SpecError, match=r"no votes recorded on the 1 roll call\(s\) of year 2005"):
        agreement(votes, pd.concat([calls, later]), year=2005)


def test_year_with_too_few_roll_calls_names_the_years(un) -> None:  # type: ignore[no-untyped-def]
    # in the Voeten data (to January 2020), 2020 holds one roll call (session 74's last): no
    # partner reaches min_votes=10, so the table would be empty; the error names the years with
    # enough roll calls
    votes, calls, _ = un
    calls = calls[calls["year"] <= 2020]
    calls = calls[(calls["year"] < 2020) | (calls["date"] < "2020-02-01")]
    votes = votes[votes["rcid"].isin(calls["rcid"])]
    with pytest.raises(SpecError, match="KOR shares at least 10 roll calls with no other") as info:
        agreement_with("KOR", votes, calls, year=2020)
    assert info.value.parameter == "year" and "1965-2019" in str(info.value)
    with pytest.raises(SpecError, match="no roll calls in year 2021") as info:
        agreement_with("KOR", votes, calls, year=2021)
    assert info.value.parameter == "year" and "1965-2020" in str(info.value)


def test_unknown_country_and_country_without_votes(un) -> None:  # type: ignore[no-untyped-def]
    votes, calls, _ = un
    with pytest.raises(SpecError, match="unknown country 'Narnia'") as info:
        agreement_with("Narnia", votes, calls, year=2019)
    assert "KOR" in str(info.value)  # lists the countries that voted
    with pytest.raises(SpecError, match="country DDR cast no vote in year 2019"):
        agreement_with("DDR", votes, calls, year=2019)
    with pytest.raises(SpecError, match="compared with itself"):
        agreement_series("KOR", "South Korea", votes, calls)


@pytest.mark.parametrize("bad", [0, 4, -1])
def test_votes_outside_one_to_three_are_a_data_format_error(bad: int) -> None:
    votes, calls = _tables(HAND)
    votes.loc[2, "vote"] = bad
    with pytest.raises(DataFormatError, match=rf"vote {bad} is not 1 \(yes\), 2 \(abstain\)"):
        agreement(votes, calls, min_votes=1)


def test_malformed_votes_tables() -> None:
    votes, calls = _tables(HAND)
    with pytest.raises(DataFormatError, match="missing column"):
        agreement(votes.drop(columns="vote"), calls)
    with pytest.raises(DataFormatError, match="not numbers"):
        agreement(votes.assign(vote=votes["vote"].map({1: "yes", 2: "abstain", 3: "no"})), calls)
    with pytest.raises(DataFormatError, match="missing vote"):
        agreement(votes.assign(vote=votes["vote"].astype(float).where(votes.index != 1)), calls)
    duplicated = pd.concat([votes, votes.iloc[[0]]], ignore_index=True)
    with pytest.raises(DataFormatError, match="two votes of AAA on roll call 101"):
        agreement(duplicated, calls, min_votes=1)


def test_bad_parameters() -> None:
    votes, calls = _tables(HAND)
    with pytest.raises(SpecError, match="min_votes"):
        agreement(votes, calls, min_votes=0)
    with pytest.raises(SpecError, match="important_weight"):
        agreement(votes, calls, important_weight=-1)
    with pytest.raises(SpecError, match="no weight for 2 selected roll call"):
        agreement(votes, calls, weights=pd.Series([1.0, 1.0], index=[101, 102]))
    with pytest.raises(SpecError, match="cannot sort by 'size'"):
        agreement_with("AAA", votes, calls, sort_by="size")
    with pytest.raises(SpecError, match="cannot group by 'decade'"):
        all_sessions(votes, calls, by="decade")  # type: ignore[arg-type]
    with pytest.raises(SpecError, match=r"not \(\.\.\., 3, 3\)"):
        table_measures(np.ones((2, 2)))
