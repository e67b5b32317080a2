"""Military strength on four measures: the figures the debate quotes, and an open alternative."""

from __future__ import annotations

import numpy as np
import pytest

from powerscope.data.store import SnapshotStore
from powerscope.errors import SpecError
from powerscope.index import load_spec
from powerscope.index.robustness import uncertainty
from powerscope.index.service import compute_index
from powerscope.military.indicators import INDICATORS, open_index_data
from powerscope.military.measures import movers, profile, rank, side_by_side


def _row(measure: str, code: str = "KOR", year: int | None = None) -> dict[str, object]:
    table = rank(measure, year, store=SnapshotStore()).table
    return table[table["code"] == code].iloc[0].to_dict()


def test_gfp_ranks_south_korea_5th_with_0_1642() -> None:
    kor = _row("gfp")
    assert kor["rank"] == 5 and kor["value"] == pytest.approx(0.1642)
    assert rank("gfp", store=SnapshotStore()).table.iloc[0]["code"] == "USA"


def test_sipri_spending_rank_and_year() -> None:
    ranking = rank("milex", store=SnapshotStore())
    assert ranking.year == 2024
    kor = _row("milex")
    assert kor["rank"] == 11 and kor["value"] == pytest.approx(48473.5, abs=1)
    assert _row("milex", year=2014)["rank"] >= 1


def test_cinc() -> None:
    ranking = rank("cinc", store=SnapshotStore())
    assert ranking.year == 2022 and ranking.table.iloc[0]["code"] == "CHN"


@pytest.mark.parametrize(("measure", "year", "message"), [("gfp", 2020, "2026 edition"),
                         ("milex", 1900, "no data for 1900"), ("tanks", None, "unknown measure")])  # fmt: skip
def test_bad_measure_or_year(measure: str, year: int | None, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        rank(measure, year, store=SnapshotStore())


def test_open_index_data_is_log_scaled_and_complete_by_design() -> None:
    long = open_index_data(SnapshotStore())
    assert set(long["indicator"]) == set(INDICATORS)
    kor = long[long["code"] == "KOR"].set_index("indicator")["value"]
    factors = SnapshotStore().table("gfp_factors")
    tanks = factors[(factors["code"] == "KOR") & (factors["factor"] == "tanks")]["value"].iloc[0]
    assert kor["tanks"] == pytest.approx(np.log1p(tanks))
    assert kor["milex_usd"] == pytest.approx(np.log1p(48473.5), abs=1e-4)
    assert long["value"].notna().all()  # missing values are absent rows, never zeros


def test_open_index_default_weights_sum_and_korea() -> None:
    spec = load_spec("military")
    assert sum(spec.weights()[d] for d in spec.paths() if "/" not in d) == pytest.approx(1.0)
    result = compute_index(spec, store=SnapshotStore())
    assert result.rank("USA") == 1 and 3 <= result.rank("KOR") <= 8


def test_open_index_rank_interval_for_korea() -> None:
    result = uncertainty("military", runs=500, seed=1, store=SnapshotStore())
    kor = result.summary().set_index("code").loc["KOR"]
    assert kor["q05_rank"] <= kor["median_rank"] <= kor["q95_rank"]
    assert kor["q95_rank"] - kor["q05_rank"] <= 5
    assert set(result.parameters["variant"]) == {
        "normalisation=minmax",
        "normalisation=percentile_rank",
        "normalisation=zscore",
    }


def test_side_by_side_and_movers() -> None:
    table = side_by_side(SnapshotStore())
    kor = table.set_index("code").loc["KOR"]
    assert kor["gfp_rank"] == 5 and kor["open_minus_gfp"] == kor["open_rank"] - kor["gfp_rank"]
    moved = movers(SnapshotStore(), n=5)
    assert len(moved) == 5 and moved["open_minus_gfp"].abs().is_monotonic_decreasing
    assert all(":" in why for why in moved["why"])


def test_movers_gap_is_open_rank_minus_gfp_rank() -> None:
    # Albania: GFP 77th, open index 122nd -> +45 (the open index places it lower), and the
    # reason is the domain that pulls it down; the UAE: GFP 54th, open 24th -> -30, pulled up
    moved = movers(SnapshotStore(), n=10).set_index("code")
    alb, are = moved.loc["ALB"], moved.loc["ARE"]
    assert (alb["gfp_rank"], alb["open_rank"], alb["open_minus_gfp"]) == (77, 122, 45)
    assert (are["gfp_rank"], are["open_rank"], are["open_minus_gfp"]) == (54, 24, -30)
    assert alb["why"].startswith("Personnel: rank 137") and are["why"].startswith("Air: rank 16")


def test_profile() -> None:
    report = profile("KOR", store=SnapshotStore())
    assert report["measures"]["gfp"]["rank"] == 5
    assert report["milex_trend"][-1]["year"] == 2024
    assert 2 < report["milex_trend"][-1]["share_of_gdp_pct"] < 3
