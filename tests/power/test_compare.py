"""Rank comparisons with published power rankings."""

from __future__ import annotations

import pandas as pd
import pytest

from powerscope.errors import SpecError
from powerscope.power.compare import LOWY_API_2024, LOWY_API_2024_SOURCES, compare_ranks, spearman


def test_spearman_is_one_for_the_same_order_and_minus_one_for_the_reverse() -> None:
    a = pd.Series({"A": 1, "B": 2, "C": 3, "D": 4})
    assert spearman(a, a * 10) == pytest.approx(1.0)
    assert spearman(a, -a) == pytest.approx(-1.0)


def test_ranks_are_compared_among_the_common_units_only() -> None:
    ours = pd.Series({"USA": 1, "CHN": 2, "DEU": 3, "KOR": 10, "AUS": 18})
    theirs = pd.Series({"USA": 1, "CHN": 2, "AUS": 5, "KOR": 7})
    result = compare_ranks(ours, theirs, "test")
    assert result.n == 4
    table = result.table.set_index("code")
    assert table.loc["AUS", "ours_among"] == 4 and table.loc["AUS", "theirs_among"] == 3
    assert table.loc["KOR", "difference"] == -1
    assert result.table["code"].iloc[0] in {"AUS", "KOR"}  # largest differences first


def test_too_few_common_units_is_an_error() -> None:
    with pytest.raises(SpecError, match="at least 3"):
        spearman(pd.Series({"A": 1, "B": 2}), pd.Series({"A": 1, "C": 2}))


def test_the_lowy_ranks_are_distinct_and_each_has_a_source() -> None:
    assert len(set(LOWY_API_2024.values())) == len(LOWY_API_2024) == 13
    assert LOWY_API_2024["KOR"] == 7 and LOWY_API_2024["USA"] == 1
    text = " ".join(LOWY_API_2024_SOURCES)
    for needle in ("South Korea", "Vietnam 12th", "New Zealand 13th", "Singapore"):
        assert needle in text
