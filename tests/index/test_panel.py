"""Panel indices (units x indicators x years): normalisation over the panel or each year,
bounded and flagged carry-forward, a year equal to the snapshot engine's figures, rank bands
from one batch of runs (exact quantiles, identical whatever the chunks or the engine), movers,
trends, and clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from panel_support import PANEL_SPEC, generated_panel
from powerscope.data.store import SnapshotStore
from powerscope.errors import (
    DataFormatError,
    NotFoundError,
    PeriodError,
    SpecError,
    WeightsError,
)
from powerscope.index import compute, load_spec, parse_spec
from powerscope.index.data import index_data
from powerscope.index.engine import compile_index
from powerscope.index.engines import Aggregation
from powerscope.index.panel import (
    Panel,
    batch_root_scores,
    carry_forward,
    compare_years,
    compute_panel,
    panel_data,
    panel_uncertainty,
    quantiles_from_counts,
    rank_change_uncertainty,
    rank_counts,
    run_ranks,
    trend,
)
from powerscope.index.robustness import uncertainty as robust_uncertainty
from powerscope.index.service import compute_index
from powerscope.index.session import IndexSession
from powerscope.index.uncertainty import parse_uncertainty, rank_rows, simple_builder, uncertainty

TREE = [
    {
        "id": "A",
        "weight": 0.6,
        "children": [
            {"id": "gdp", "weight": 0.5},
            {"id": "patents", "weight": 0.3},
            {"id": "students", "weight": 0.2},
        ],
    },
    {"id": "B", "weight": 0.4, "children": [{"id": "milex", "weight": 1.0}]},
]


def panel_spec(**panel: object) -> dict[str, object]:
    block = {"years": [2000, 2010], **panel}
    return {"id": "gen", "normalise": "minmax", "scale": 100, "panel": block, "children": TREE}


def one_indicator(over: str) -> pd.DataFrame:
    spec = parse_spec(
        {"id": "one", "normalise": "minmax", "scale": 100,
         "panel": {"years": [2000, 2001], "normalise_over": over}, "children": [{"id": "x"}]}
    )  # fmt: skip
    data = pd.DataFrame(
        {"code": ["A", "B", "A", "B"], "indicator": "x", "year": [2000, 2000, 2001, 2001],
         "value": [0.0, 10.0, 10.0, 20.0]}
    )  # fmt: skip
    return compute_panel(spec, data=data).frame.set_index(["year", "code"])["score"]


def test_minmax_over_the_panel_keeps_years_comparable_and_per_year_does_not() -> None:
    panel = one_indicator("panel")
    assert panel.to_dict() == {(2000, "B"): 50.0, (2000, "A"): 0.0, (2001, "B"): 100.0,
                               (2001, "A"): 50.0}  # fmt: skip
    per_year = one_indicator("year")
    assert per_year.to_dict() == {(2000, "B"): 100.0, (2000, "A"): 0.0, (2001, "B"): 100.0,
                                  (2001, "A"): 0.0}  # fmt: skip


def test_carry_forward_is_bounded_flagged_and_never_backwards() -> None:
    spec = parse_spec(
        {"id": "cf", "normalise": "none", "panel": {"years": [2000, 2005], "carry_forward": 2},
         "children": [{"id": "x"}]}
    )  # fmt: skip
    data = pd.DataFrame(
        {"code": ["A", "A", "B", "C"], "indicator": "x", "year": [1999, 2003, 2002, 2000],
         "value": [0.1, 0.3, 0.5, 0.7]}
    )  # fmt: skip
    result = compute_panel(spec, data=data)
    scores = result.frame.set_index(["year", "code"])["score"]
    # A: 1999 carried to 2000 and 2001, not 2002 (3 years back); 2003 carried to 2004-2005
    assert scores[(2000, "A")] == scores[(2001, "A")] == pytest.approx(0.1)
    assert (2002, "A") not in scores.index
    assert scores[(2005, "A")] == pytest.approx(0.3)
    # B starts in 2002: nothing carried backwards
    assert (2000, "B") not in scores.index and (2001, "B") not in scores.index
    flags = result.imputed
    assert set(zip(flags["year"], flags["code"], flags["from_year"], strict=True)) == {
        (2000, "A", 1999), (2001, "A", 1999), (2004, "A", 2003), (2005, "A", 2003),
        (2003, "B", 2002), (2004, "B", 2002), (2001, "C", 2000), (2002, "C", 2000),
    }  # fmt: skip
    assert result.for_year(2004).method["carried_forward"] == 2


def test_carry_forward_array_function_returns_source_years() -> None:
    values = np.array([[[1.0]], [[np.nan]], [[np.nan]], [[4.0]], [[np.nan]]])
    filled, source = carry_forward(values, 1)
    assert np.allclose(filled[:, 0, 0], [1.0, 1.0, np.nan, 4.0, 4.0], equal_nan=True)
    assert source[:, 0, 0].tolist() == [0, 0, -1, 3, 3]
    same, _ = carry_forward(values, 0)
    assert np.array_equal(same, values, equal_nan=True)


def test_a_year_normalised_on_its_own_is_the_snapshot_engine_on_that_years_data() -> None:
    data = generated_panel(missing=0.15)
    spec = parse_spec(panel_spec(normalise_over="year"))
    snapshot = parse_spec({k: v for k, v in panel_spec().items() if k != "panel"})
    result = compute_panel(spec, data=data)
    for year in (2000, 2006, 2010):
        wide = data[data["year"] == year].pivot(index="code", columns="indicator", values="value")
        expected = compute(snapshot, wide)
        got = result.for_year(year)
        order = [got.codes.index(c) for c in expected.codes]
        assert np.allclose(got.values[order], expected.values, equal_nan=True)
        assert np.array_equal(got.rank_values[order], expected.rank_values, equal_nan=True)
        assert np.allclose(
            got.contribution_values[order], expected.contribution_values, equal_nan=True
        )


def test_scores_over_the_panel_do_not_depend_on_the_years_asked() -> None:
    data = generated_panel()
    spec = parse_spec(panel_spec(carry_forward=1))
    whole = compute_panel(spec, data=data).for_year(2004)
    alone = compute_panel(spec, data=data, years=2004).for_year(2004)
    assert np.array_equal(whole.values, alone.values, equal_nan=True)
    assert compute_panel(spec, data=data, years=(2003, 2005)).years == [2003, 2004, 2005]


def test_the_frame_has_one_row_per_unit_and_year_with_each_measure() -> None:
    result = compute_panel(parse_spec(panel_spec(carry_forward=3)), data=generated_panel())
    frame = result.frame
    assert list(frame.columns) == ["year", "code", "name", "score", "rank", "A", "B"]
    assert frame.groupby("year")["rank"].min().eq(1).all()
    assert sorted(frame["year"].unique()) == list(range(2000, 2011))
    assert result.custom_weights is False
    reweighted = compute_panel(
        parse_spec(panel_spec()), data=generated_panel(), weights={"A": 0.2, "B": 0.8}
    )
    assert reweighted.custom_weights is True
    assert reweighted.for_year(2005).method["custom_weights"] is True


def test_errors_name_the_years_the_weights_and_the_data() -> None:
    data = generated_panel()
    spec = parse_spec(panel_spec())
    with pytest.raises(PeriodError, match="2000-2010"):
        compute_panel(spec, data=data, years=2015)
    with pytest.raises(PeriodError, match="2000-2010"):
        compute_panel(spec, data=data).for_year(1990)
    with pytest.raises(WeightsError, match="unknown node 'Space'"):
        compute_panel(spec, data=data, weights={"Space": 0.5}, renormalise=True)
    with pytest.raises(PeriodError, match="has no years"):
        compute_panel(load_spec("ceti"))
    with pytest.raises(PeriodError, match="has no years"):
        compute_index(load_spec("ceti"), year=2023)


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"years": [2010, 2000]}, "first <= last"),
        ({"years": [2000]}, "first <= last"),
        ({"years": [2000, 2010], "carry_forward": -1}, "carry_forward"),
        ({"years": [2000, 2010], "normalise_over": "decade"}, "normalise_over"),
        ({"years": [2000, 2010], "span": 3}, "unknown key"),
    ],
)
def test_a_bad_panel_block_is_refused_when_the_spec_is_read(
    block: dict[str, object], message: str
) -> None:
    with pytest.raises(SpecError, match=message):
        parse_spec({"id": "bad", "panel": block, "children": [{"id": "x"}]})


def test_panel_data_without_a_year_column_names_the_spec_the_table_and_the_fix() -> None:
    raw = {**load_spec("ceti").extra, "id": "ceti_panel", "table": "ceti_pillars",
           "panel": {"years": [2020, 2025]}, "children": [{"id": "x"}]}  # fmt: skip
    with pytest.raises(SpecError) as caught:
        panel_data(parse_spec(raw), SnapshotStore())
    text = caught.value.message
    assert "'ceti_panel'" in text and "'ceti_pillars'" in text and "year" in text
    assert "code, indicator, year, value" in text
    derived = parse_spec({"id": "d", "derive": "panel_test_no_year",
                          "panel": {"years": [2000, 2001]}, "children": [{"id": "gdp"}]})  # fmt: skip
    with pytest.raises(SpecError, match="deriver 'panel_test_no_year' has no 'year' column"):
        panel_data(derived, SnapshotStore())


@pytest.mark.parametrize("low", [0.1, -0.3], ids=["positive", "with negatives"])
@pytest.mark.parametrize("method", ["arithmetic", "geometric", "harmonic", "generalised"])
def test_batched_scores_equal_the_engines_with_missing_values(method: str, low: float) -> None:
    # negative values (e.g. z-scores) make a geometric or generalised mean undefined: the
    # engine leaves that group without a value and its parent aggregates the other children
    spec = parse_spec({**panel_spec(), "power": 2.5, "min_availability": 0.5})
    x = np.random.default_rng(1).uniform(low, 1, (30, 4))
    x[np.random.default_rng(2).random(x.shape) < 0.2] = np.nan
    x[3, 0] = 0.0
    frame = pd.DataFrame(x, columns=["gdp", "milex", "patents", "students"])
    compiled = compile_index(spec, frame, normalisation="none")
    w = np.abs(compiled.weights + np.random.default_rng(3).normal(0, 0.1, (9, len(compiled.paths))))
    with np.errstate(all="ignore"):
        expected = compiled.evaluate(w, aggregation=method)[:, :, 0]
    got = batch_root_scores(compiled, w, Aggregation(method))
    assert np.allclose(got, expected, equal_nan=True)
    w[::2, compiled.paths.index("B")] = 0.0  # a measure removed in some runs: the general path
    with np.errstate(all="ignore"):
        expected = compiled.evaluate(w, aggregation=method)[:, :, 0]
    assert np.allclose(
        batch_root_scores(compiled, w, Aggregation(method)), expected, equal_nan=True
    )


def test_quantiles_from_rank_counts_equal_numpys_on_the_ranks() -> None:
    rng = np.random.default_rng(5)
    scores = rng.normal(size=(101, 3, 6))
    scores[rng.random(scores.shape) < 0.1] = np.nan
    scores[:50, :, 1] = scores[:50, :, 2]  # ties share the best rank
    counts = rank_counts(scores, 6)
    ranks = rank_rows(scores.reshape(-1, 6)).reshape(101, 3, 6)
    for t in range(3):
        for i in range(6):
            seen = np.bincount(np.nan_to_num(ranks[:, t, i]).astype(int), minlength=7)
            assert np.array_equal(seen, counts[t, i])
    for q in (0.05, 0.5, 0.95):
        assert np.allclose(
            quantiles_from_counts(counts, q), np.nanquantile(ranks, q, axis=0), equal_nan=True
        )


def test_one_year_of_panel_uncertainty_is_the_snapshot_analysis() -> None:
    data = generated_panel(missing=0.0)
    spec = parse_spec(panel_spec(normalise_over="year"))
    assumptions = {"weights": [{"level": 1, "noise": 0.3}, {"level": 2, "noise": 0.3}],
                   "normalisation": ["minmax", "zscore"], "remove": ["A/patents", "B"]}  # fmt: skip
    panel = panel_uncertainty(spec, runs=300, seed=4, years=2007, data=data,
                              assumptions=assumptions).for_year(2007)  # fmt: skip
    snapshot = parse_spec({k: v for k, v in panel_spec().items() if k != "panel"})
    wide = data[data["year"] == 2007].pivot(index="code", columns="indicator", values="value")
    uspec = parse_uncertainty(assumptions, snapshot)
    expected = uncertainty(
        snapshot, uspec, simple_builder(snapshot, compile_matrix(wide)), runs=300, seed=4
    ).summary()
    merged = panel.merge(expected.add_prefix("snapshot_"), left_on="code", right_on="snapshot_code")
    assert len(merged) == len(expected) == 12
    for ours, theirs in [("rank", "nominal_rank"), ("median_rank", "median_rank"),
                         ("q05_rank", "q05_rank"), ("q95_rank", "q95_rank"),
                         ("mean_rank", "mean_rank")]:  # fmt: skip
        left = merged[ours].astype(float)
        assert np.allclose(left, merged["snapshot_" + theirs].astype(float)), ours


def compile_matrix(wide: pd.DataFrame):  # type: ignore[no-untyped-def]
    from powerscope.index.engine import Matrix

    return Matrix.from_frame(wide)


def test_rank_bands_do_not_depend_on_the_chunks() -> None:
    data = generated_panel()
    spec = parse_spec(panel_spec(carry_forward=2))
    a = panel_uncertainty(spec, runs=120, seed=9, data=data)
    b = panel_uncertainty(spec, runs=120, seed=9, data=data, chunk=7, year_block=3)
    assert np.array_equal(a.counts, b.counts)
    assert a.counts[..., 1:].sum(axis=-1).max() == 120
    c = panel_uncertainty(spec, runs=120, seed=10, data=data)
    assert not np.array_equal(a.counts, c.counts)
    frame = a.frame
    assert (frame["q05_rank"] <= frame["median_rank"]).all()
    assert (frame["median_rank"] <= frame["q95_rank"]).all()


def test_dask_gives_the_local_engines_results_exactly() -> None:
    pytest.importorskip("dask.distributed")
    data = generated_panel()
    spec = parse_spec(panel_spec(carry_forward=2))
    local = panel_uncertainty(spec, runs=60, seed=2, data=data, chunk=16, year_block=4)
    dask = panel_uncertainty(
        spec, runs=60, seed=2, data=data, chunk=16, year_block=4, engine="dask"
    )
    assert dask.engine == "dask"
    assert np.array_equal(local.counts, dask.counts)
    assert np.array_equal(local.q95_rank, dask.q95_rank, equal_nan=True)


def test_compare_years_attributes_each_move_to_a_measure() -> None:
    data = generated_panel()
    spec = parse_spec(panel_spec(carry_forward=2))
    movers = compare_years(spec, first=2001, last=2009, data=data)
    assert {"score_change", "rank_change", "top_measure", "A change", "B change"} <= set(movers)
    parts = movers[["A change", "B change"]].fillna(0).sum(axis=1)
    assert np.allclose(parts, movers["score_change"])
    top = np.where(movers["A change"].abs() >= movers["B change"].abs(), "A", "B")
    assert movers["top_measure"].tolist() == top.tolist()
    assert (movers["rank_change"] == movers["rank_first"] - movers["rank_last"]).all()
    moves = movers["rank_change"].abs().tolist()
    assert moves == sorted(moves, reverse=True)
    with pytest.raises(PeriodError, match="2000-2010"):
        compare_years(spec, first=1995, last=2009, data=data)


def test_a_rank_change_band_comes_from_the_runs_of_the_rank_bands() -> None:
    data = generated_panel(missing=0.0)
    spec = parse_spec(panel_spec(normalise_over="year"))
    assumptions = {"weights": [{"level": 1, "noise": 0.5}, {"level": 2, "noise": 0.5}],
                   "normalisation": ["minmax", "zscore"]}  # fmt: skip
    movers = compare_years(spec, first=2001, last=2009, data=data, runs=400, seed=4,
                           assumptions=assumptions)  # fmt: skip
    assert {"change_q05", "change_q95", "share_up"} <= set(movers)
    assert (movers["change_q05"] <= movers["change_q95"]).all()
    assert movers["share_up"].between(0, 1).all()
    # a unit that climbed in every run climbed in the nominal build too, and its band is up
    sure = movers[movers["share_up"] == 1]
    assert (sure["rank_change"] > 0).all() and (sure["change_q05"] > 0).all()
    # the runs are those of the rank bands: counted per year and unit, every run's ranks are
    # panel_uncertainty's rank counts with the same seed
    found = run_ranks(spec, years=[2001, 2009], runs=400, seed=4, data=data,
                      assumptions=assumptions)  # fmt: skip
    bands = panel_uncertainty(spec, runs=400, seed=4, years=(2001, 2009), data=data,
                              assumptions=assumptions)  # fmt: skip
    n_units = len(found.codes)
    assert found.codes == bands.codes
    for t, year in enumerate(found.years):
        for i in range(n_units):
            ranks = found.ranks[:, t, i]
            histogram = np.bincount(ranks[~np.isnan(ranks)].astype(int), minlength=n_units + 1)
            assert np.array_equal(histogram[1:], bands.counts[bands.years.index(year), i, 1:])
    kor = found.codes.index("KOR")
    change = found.ranks[:, 0, kor] - found.ranks[:, 1, kor]
    row = movers.set_index("code").loc["KOR"]
    assert row["share_up"] == pytest.approx(float(np.mean(change > 0)))
    assert row["change_q95"] == pytest.approx(float(np.quantile(change, 0.95)))


def test_without_uncertainty_every_run_is_the_nominal_move() -> None:
    data = generated_panel(missing=0.0)
    spec = parse_spec(panel_spec())
    fixed = {"weights": [{"level": 1, "noise": 0.0}]}
    bands = rank_change_uncertainty(spec, first=2002, last=2008, runs=50, data=data,
                                    assumptions=fixed)  # fmt: skip
    movers = compare_years(spec, first=2002, last=2008, data=data).set_index("code")
    nominal = movers.loc[bands["code"], "rank_change"].astype(float).to_numpy()
    assert np.array_equal(bands["change_q05"], nominal)
    assert np.array_equal(bands["change_q95"], nominal)
    assert np.array_equal(bands["share_up"], (nominal > 0).astype(float))
    with pytest.raises(SpecError, match="runs must be >= 1"):
        rank_change_uncertainty(spec, first=2002, last=2008, runs=0, data=data)
    with pytest.raises(PeriodError, match="2000-2010"):
        rank_change_uncertainty(spec, first=2002, last=2018, runs=10, data=data)


def test_trend_rows_by_code_and_year_with_rank_bands() -> None:
    data = generated_panel()
    spec = parse_spec(panel_spec(carry_forward=2))
    frame = trend(spec, ["KOR", "China"], first=2003, last=2006, runs=100, seed=1, data=data)
    assert list(frame.columns) == ["code", "year", "score", "rank", "median_rank", "q05_rank",
                                   "q95_rank"]  # fmt: skip
    assert frame["code"].tolist() == ["KOR"] * 4 + ["CHN"] * 4
    assert frame["year"].tolist() == [2003, 2004, 2005, 2006] * 2
    assert (frame["q05_rank"] <= frame["q95_rank"]).all()
    bare = trend(spec, ["KOR"], runs=0, data=data)
    assert len(bare) == 11 and bare["q05_rank"].isna().all()
    with pytest.raises(NotFoundError, match="'ATL' is not a unit"):
        trend(spec, ["ATL"], data=data)
    with pytest.raises(PeriodError):
        trend(spec, ["KOR"], first=2008, last=2003, data=data)


def test_the_session_reweights_a_year_as_compute_panel_does() -> None:
    data = generated_panel()
    spec = parse_spec(panel_spec(carry_forward=2))
    panel = Panel.from_long(data)
    default = compute_panel(spec, data=panel).for_year(2010)
    session = IndexSession(spec, "test", {u: (u, False) for u in panel.units}, None, default,
                           panel=panel)  # fmt: skip
    assert session.years == [2000, 2010] and not session.built
    scores = session.evaluate({"A": 0.3, "B": 0.7}, year=2004)
    expected = compute_panel(spec, data=panel, weights={"A": 0.3, "B": 0.7}).for_year(2004)
    order = [scores.codes.index(c) for c in expected.codes]
    assert np.allclose(scores.values[order], expected.values, equal_nan=True)
    assert scores.method["custom_weights"] is True and scores.method["year"] == 2004
    assert session.payload(session.evaluate())["year"] == 2010
    with pytest.raises(PeriodError, match="2000-2010"):
        session.evaluate(year=2020)


def test_the_test_spec_reads_its_panel_through_a_deriver() -> None:
    spec = load_spec(PANEL_SPEC)
    assert spec.panel is not None and spec.panel.years[0] == 2000
    result = compute_index(spec, year=2008, store=SnapshotStore())
    assert result.method["year"] == 2008
    kor = result.codes.index("KOR")
    assert result.names[kor] == "South Korea" or result.names[kor].startswith("Korea")


def test_one_year_through_the_snapshot_analyses_is_the_panel_analysis() -> None:
    spec = load_spec(PANEL_SPEC)
    store = SnapshotStore()
    single = robust_uncertainty(spec, runs=200, seed=3, year=2008, store=store).summary()
    panel = panel_uncertainty(spec, runs=200, seed=3, years=2008, store=store).for_year(2008)
    merged = panel.merge(single.add_prefix("single_"), left_on="code", right_on="single_code")
    assert len(merged) == 12
    for column in ("median_rank", "q05_rank", "q95_rank"):
        assert np.allclose(merged[column], merged["single_" + column]), column
    with pytest.raises(SpecError, match="is a panel"):
        index_data(spec, store)
    with pytest.raises(PeriodError, match="has no years"):
        robust_uncertainty("ceti", runs=100, year=2020)


def test_long_data_with_a_value_given_twice_or_no_year_is_refused() -> None:
    data = generated_panel()
    twice = pd.concat([data, data.iloc[:1]])
    with pytest.raises(DataFormatError, match=r"two values for .* in 1998"):
        Panel.from_long(twice)
    no_year = data.assign(year=np.where(np.arange(len(data)) == 3, np.nan, data["year"]))
    with pytest.raises(DataFormatError, match="1 row"):
        Panel.from_long(no_year)
    with pytest.raises(DataFormatError, match="lack the column"):
        Panel.from_long(data.drop(columns="year"))


def test_trend_and_movers_say_which_weights_they_were_computed_with() -> None:
    data = generated_panel()
    spec = parse_spec(panel_spec(carry_forward=2))
    published = trend(spec, ["KOR", "CHN"], runs=0, data=data)
    assert published.attrs["custom_weights"] is False
    assert published.attrs["weights"] == spec.weights()
    custom = trend(spec, ["KOR", "CHN"], runs=0, data=data, weights={"A": 3, "B": 1},
                   renormalise=True)  # fmt: skip
    assert custom.attrs["custom_weights"] is True
    assert custom.attrs["weights"]["A"] == pytest.approx(0.75)
    assert custom.attrs["weights"]["B"] == pytest.approx(0.25)
    movers = compare_years(spec, first=2001, last=2009, data=data, weights={"A": 0, "B": 1},
                           renormalise=True)  # fmt: skip
    assert movers.attrs["custom_weights"] is True
    assert movers.attrs["weights"]["A"] == 0 and movers.attrs["weights"]["B"] == 1
    assert compare_years(spec, first=2001, last=2009, data=data).attrs["weights"] == spec.weights()
