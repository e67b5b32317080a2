"""Uncertainty analysis: reproducible, batched, validated, and honest about failures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from powerscope.data.store import SnapshotStore
from powerscope.errors import SpecError
from powerscope.index import compile_index, load_spec, parse_spec
from powerscope.index.data import index_data
from powerscope.index.uncertainty import (
    CETI_DEFAULT,
    levels,
    parse_uncertainty,
    rank_rows,
    simple_builder,
    uncertainty,
)

TOY = {
    "id": "toy",
    "children": [
        {
            "id": "A",
            "weight": 0.5,
            "children": [{"id": "x", "weight": 0.5}, {"id": "y", "weight": 0.5}],
        },
        {"id": "B", "weight": 0.5, "children": [{"id": "z", "weight": 1.0}]},
    ],
}
DATA = pd.DataFrame(
    {"x": [1.0, 2.0, 3.0, 4.0], "y": [4.0, 3.0, 2.0, 1.0], "z": [2.0, 4.0, 1.0, 3.0]},
    index=["AAA", "BBB", "CCC", "DDD"],
)


@pytest.fixture(scope="module")
def ceti():  # type: ignore[no-untyped-def]
    spec = load_spec("ceti")
    matrix, units = index_data(spec, SnapshotStore())
    return spec, simple_builder(spec, matrix), units


def test_levels_follow_coinr() -> None:
    assert levels(parse_spec(TOY)) == {"A": 2, "A/x": 1, "A/y": 1, "B": 2, "B/z": 1}
    assert set(levels(load_spec("ceti")).values()) == {1, 2}


def test_rank_rows_matches_ties_and_missing() -> None:
    scores = np.array([[3.0, 1.0, 3.0, np.nan], [0.0, 2.0, 1.0, 5.0]])
    assert rank_rows(scores).tolist()[0][:3] == [1.0, 3.0, 1.0]
    assert np.isnan(rank_rows(scores)[0, 3])
    assert rank_rows(scores)[1].tolist() == [4.0, 2.0, 3.0, 1.0]


def test_same_seed_same_result_other_seed_other_runs(ceti) -> None:  # type: ignore[no-untyped-def]
    spec, builder, units = ceti
    uspec = parse_uncertainty(CETI_DEFAULT, spec)
    a = uncertainty(spec, uspec, builder, runs=300, seed=3, units=units)
    b = uncertainty(spec, uspec, builder, runs=300, seed=3, units=units)
    c = uncertainty(spec, uspec, builder, runs=300, seed=4, units=units)
    assert np.array_equal(a.ranks, b.ranks) and a.parameters.equals(b.parameters)
    assert not np.array_equal(a.ranks, c.ranks)


def test_ceti_default_korea_interval(ceti) -> None:  # type: ignore[no-untyped-def]
    spec, builder, units = ceti
    result = uncertainty(
        spec, parse_uncertainty(CETI_DEFAULT, spec), builder, runs=2000, seed=1, units=units
    )
    summary = result.summary().set_index("code")
    kor = summary.loc["KOR"]
    assert kor["nominal_rank"] == 5
    assert 5 <= kor["median_rank"] <= 7 and kor["q05_rank"] <= 5 <= kor["q95_rank"]
    assert summary.loc["USA", "q95_rank"] == 1  # the leader never moves
    assert result.failed == {}
    assert len(result.parameters) == 2000
    assert set(result.parameters["aggregation"]) == {"arithmetic", "geometric on [1.0, 100.0]"}


def test_weight_noise_stays_within_its_bounds(ceti) -> None:  # type: ignore[no-untyped-def]
    spec, builder, units = ceti
    uspec = parse_uncertainty({"weights": [{"nodes": ["AI"], "noise": 0.25}]}, spec)
    result = uncertainty(spec, uspec, builder, runs=500, seed=2, units=units)
    ai = result.parameters["w:AI"]
    assert ai.min() >= 0.25 * 0.75 - 1e-12 and ai.max() <= 0.25 * 1.25 + 1e-12
    assert ai.std() > 0.01
    assert (result.parameters["w:Space"] == 0.15).all()


def test_no_uncertainty_means_every_run_is_the_nominal(ceti) -> None:  # type: ignore[no-untyped-def]
    spec, builder, units = ceti
    result = uncertainty(spec, parse_uncertainty({}, spec), builder, runs=5, seed=0, units=units)
    assert (result.ranks == result.nominal_ranks).all()
    assert (result.rank_shift() == 0).all()


def test_batched_runs_equal_single_builds() -> None:
    spec = parse_spec(TOY)
    builder = simple_builder(spec, DATA)
    uspec = parse_uncertainty(
        {"weights": [{"level": 1, "noise": 0.3}], "aggregation": ["arithmetic", "geometric"],
         "normalisation": ["minmax", "rank"], "remove": ["A/x"]},
        spec,
    )  # fmt: skip
    result = uncertainty(spec, uspec, builder, runs=40, seed=5, chunk=7)
    for run in (0, 13, 39):
        row = result.parameters.iloc[run]
        method = row["variant"].split("=")[1]
        compiled = compile_index(spec, DATA, normalisation=method)
        weights = np.array([1.0] + [row[f"w:{p}"] for p in compiled.paths[1:]])
        expected = compiled.evaluate(weights, aggregation=row["aggregation"])[:, 0]
        assert result.scores[run] == pytest.approx(expected, nan_ok=True)


def test_failed_runs_are_counted_not_dropped() -> None:
    spec = parse_spec(TOY)
    # z-scores are negative for some units: a geometric mean of them is undefined
    uspec = parse_uncertainty(
        {"aggregation": ["arithmetic", "geometric"], "normalisation": ["zscore"]}, spec
    )
    result = uncertainty(spec, uspec, simple_builder(spec, DATA), runs=50, seed=1)
    geometric = result.parameters["aggregation"] == "geometric"
    assert geometric.any()
    assert result.runs == 50
    assert np.isnan(result.scores[geometric.to_numpy()]).any()


def test_a_variant_that_cannot_be_built_fails_its_runs() -> None:
    spec = parse_spec(TOY)
    uspec = parse_uncertainty(
        {"normalisation": ["minmax", {"method": "minmax", "lower": 2, "upper": 1}]}, spec
    )
    result = uncertainty(spec, uspec, simple_builder(spec, DATA), runs=30, seed=1)
    assert 0 < len(result.failed) < 30
    assert all("lower < upper" in reason for reason in result.failed.values())
    assert (result.parameters["failed"] != "").sum() == len(result.failed)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"wieghts": []}, "unknown assumption"),
        ({"weights": [{"level": 9, "noise": 0.25}]}, "level 9 does not exist"),
        ({"weights": [{"nodes": ["Chips"], "noise": 0.25}]}, "unknown node 'Chips'"),
        ({"weights": [{"level": 1, "noise": 1.5}]}, "outside"),
        ({"aggregation": ["median"]}, "unknown aggregation"),
        ({"normalisation": ["cubic"]}, "unknown normalisation"),
        ({"steps": {"treat.winmax": [1, 2]}}, "unknown build step parameter"),
        ({"remove": ["Nowhere"]}, "unknown node 'Nowhere'"),
    ],
)
def test_specs_naming_what_does_not_exist_are_errors(raw: dict[str, object], message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_uncertainty(raw, load_spec("ceti"))


def test_export_formats(ceti, tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec, builder, units = ceti
    result = uncertainty(
        spec, parse_uncertainty(CETI_DEFAULT, spec), builder, runs=50, seed=1, units=units
    )
    for name in ("u.csv", "u.parquet", "u.xlsx"):
        result.export(tmp_path / name)
    assert pd.read_csv(tmp_path / "u.csv").loc[4, "code"] == "KOR"
    assert pd.read_parquet(tmp_path / "u.parquet").shape == (26, 9)
    assert set(pd.read_excel(tmp_path / "u.xlsx", sheet_name=None)) == {
        "summary",
        "ranks",
        "parameters",
    }
    with pytest.raises(SpecError, match="cannot export"):
        result.export(tmp_path / "u.txt")


def test_dask_engine_gives_the_local_result(ceti) -> None:  # type: ignore[no-untyped-def]
    spec, builder, units = ceti
    uspec = parse_uncertainty(CETI_DEFAULT, spec)
    local = uncertainty(spec, uspec, builder, runs=400, seed=9, units=units, chunk=100)
    dask = uncertainty(
        spec, uspec, builder, runs=400, seed=9, units=units, chunk=100, engine="dask"
    )
    assert np.array_equal(local.ranks, dask.ranks, equal_nan=True)
    assert np.allclose(local.scores, dask.scores, equal_nan=True)
