"""Field by field, is Korea gaining or losing against China (and Japan)? On the embedded
snapshot: shares, ratios, their trend and the verdict, sorted."""

from __future__ import annotations

import numpy as np
import pytest

from powerscope.data.store import SnapshotStore
from powerscope.errors import NotFoundError, PeriodError, SpecError
from powerscope.research import compare_fields
from powerscope.research.comparison import HOLDING, ratio_trend


@pytest.fixture(scope="module")
def store() -> SnapshotStore:
    return SnapshotStore()


def test_korea_against_china_every_field(store: SnapshotStore) -> None:
    result = compare_fields("KOR", "CHN", store=store)
    table = result.table
    assert len(table) == 16 and result.years == (2003, 2022)
    assert list(table["ratio_trend"]) == sorted(table["ratio_trend"], reverse=True)
    row = table.set_index("field").loc["all S&E fields"]
    assert row["share_last"] == pytest.approx(76_935.71 / 3_344_037 * 100)
    assert row["other_share_last"] == pytest.approx(898_949.09 / 3_344_037 * 100)
    assert row["ratio_last"] == pytest.approx(76_935.71 / 898_949.09)
    assert row["share_change"] == pytest.approx(row["share_last"] - row["share_first"])
    # China's output grew far faster in every field: Korea loses against it everywhere
    assert set(table["verdict"]) == {"losing"}
    assert result.gaining() == [] and len(result.losing()) == 16
    ai = table.set_index("field").loc["AI-related"]
    assert ai["count_type"] == "whole"


def test_korea_against_japan_gains(store: SnapshotStore) -> None:
    result = compare_fields("South Korea", "Japan", store=store)
    gaining = result.gaining()
    assert "all S&E fields" in gaining
    verdicts = dict(zip(result.table["field"], result.table["verdict"], strict=True))
    assert verdicts["computer and information sciences"] == "holding"
    payload = result.to_dict()
    assert payload["code"] == "KOR" and payload["other"] == "JPN"
    assert payload["gaining"] == gaining
    assert payload["citation"]["dataset"] == "ncses_sei2024"
    assert {"field", "share_first", "share_last", "ratio_first", "ratio_last", "ratio_trend",
            "verdict"} <= set(payload["rows"][0])  # fmt: skip


def test_ratio_trend_is_a_log_linear_fit() -> None:
    years = np.arange(2010, 2015)
    assert ratio_trend(years, 0.5 * 1.1 ** (years - 2010)) == pytest.approx(10.0)
    assert np.isnan(ratio_trend(years, np.array([1.0, np.nan, 0, np.nan, np.nan])))
    assert HOLDING > 0


def test_whole_counts_and_a_shorter_period(store: SnapshotStore) -> None:
    result = compare_fields("KOR", "CHN", count="whole", first=2018, last=2022, store=store)
    assert set(result.table["count_type"]) == {"whole"} and result.years == (2018, 2022)


def test_bad_input(store: SnapshotStore) -> None:
    with pytest.raises(SpecError, match="compared with itself"):
        compare_fields("KOR", "South Korea", store=store)
    with pytest.raises(SpecError, match="two years or more"):
        compare_fields("KOR", "CHN", first=2010, last=2010, store=store)
    with pytest.raises(PeriodError, match="2003-2022|2002"):
        compare_fields("KOR", "CHN", first=2002, store=store)
    with pytest.raises(NotFoundError, match="Soviet Union"):
        compare_fields("KOR", "SUN", store=store)
