"""Sensitivity of a panel index over time: Sobol indices per year and across the years from one
batch of runs, equal to the one-year analysis, independent of the chunks and the engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from panel_support import PANEL_SPEC, generated_panel
from powerscope.data.store import SnapshotStore
from powerscope.errors import PeriodError, SpecError
from powerscope.index import load_spec, parse_spec
from powerscope.index.panel import panel_sensitivity
from powerscope.index.robustness import setup
from powerscope.index.sensitivity import sensitivity

ASSUMPTIONS = {
    "weights": [{"level": 1, "noise": 0.4}],
    "normalisation": ["minmax", "zscore"],
    "aggregation": ["arithmetic", {"method": "geometric", "rescale": [1, 100]}],
}
SPEC = {
    "id": "gen",
    "normalise": "minmax",
    "scale": 100,
    "panel": {"years": [2000, 2010], "carry_forward": 2},
    "children": [
        {
            "id": "A",
            "weight": 0.6,
            "children": [{"id": "gdp", "weight": 0.5}, {"id": "patents", "weight": 0.5}],
        },
        {
            "id": "B",
            "weight": 0.4,
            "children": [{"id": "milex", "weight": 0.5}, {"id": "students", "weight": 0.5}],
        },
    ],
}


def test_one_year_is_the_one_year_analysis() -> None:
    spec = load_spec(PANEL_SPEC)
    store = SnapshotStore()
    problem = setup(spec, ASSUMPTIONS, year=2008, store=store)
    single = sensitivity(
        spec, problem.uspec, problem.builder, n=64, seed=3, bootstrap=50, units=problem.units
    ).indices
    panel = panel_sensitivity(
        spec, n=64, seed=3, bootstrap=50, years=2008, assumptions=ASSUMPTIONS, store=store
    )
    ours = panel.by_year.drop(columns="year")
    assert list(ours["assumption"]) == list(single["assumption"])
    for column in ("S1", "ST", "S1_conf", "ST_conf"):
        np.testing.assert_allclose(ours[column], single[column], err_msg=column)
    # with one year, the indices across the years are that year's
    np.testing.assert_allclose(panel.across_years["ST"], single["ST"])


def test_every_year_from_one_batch_equals_each_year_alone() -> None:
    data = generated_panel()
    spec = parse_spec(SPEC)
    many = panel_sensitivity(spec, n=32, seed=5, bootstrap=20, years=(2003, 2008), data=data,
                             assumptions=ASSUMPTIONS)  # fmt: skip
    alone = panel_sensitivity(spec, n=32, seed=5, bootstrap=20, years=2006, data=data,
                              assumptions=ASSUMPTIONS)  # fmt: skip
    assert many.years == list(range(2003, 2009)) and many.runs == 32 * (3 + 2)
    year = many.by_year[many.by_year["year"] == 2006].drop(columns="year").reset_index(drop=True)
    pd.testing.assert_frame_equal(year, alone.by_year.drop(columns="year"))
    assert set(many.mean_shift) == set(many.years)
    assert all(v > 0 for v in many.mean_shift.values())  # the assumptions do move ranks
    # the indices say something: the total effect is at least the first-order one (within
    # the estimator's noise) and some assumption matters
    both = many.by_year
    assert (both["ST"] >= both["S1"] - both["S1_conf"] - both["ST_conf"]).all()
    assert many.across_years["ST"].max() > 0.1
    table = many.frame()
    assert list(table.columns) == ["period", "assumption", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(table) == 3 * (6 + 1) and (table["period"] == "2003-2008").sum() == 3


def test_chunks_and_the_dask_engine_give_the_same_indices() -> None:
    data = generated_panel()
    spec = parse_spec(SPEC)
    kwargs = {"n": 16, "seed": 2, "bootstrap": 10, "data": data, "assumptions": ASSUMPTIONS}
    local = panel_sensitivity(spec, **kwargs)  # type: ignore[arg-type]
    chunked = panel_sensitivity(spec, chunk=8, year_block=3, **kwargs)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(local.by_year, chunked.by_year)
    pytest.importorskip("dask.distributed")
    dask = panel_sensitivity(spec, engine="dask", chunk=8, year_block=4, **kwargs)  # type: ignore[arg-type]
    assert dask.engine == "dask"
    pd.testing.assert_frame_equal(local.by_year, dask.by_year)
    pd.testing.assert_frame_equal(local.across_years, dask.across_years)


def test_bad_requests_are_refused_clearly() -> None:
    data = generated_panel()
    spec = parse_spec(SPEC)
    with pytest.raises(SpecError, match="n must be >= 2"):
        panel_sensitivity(spec, n=1, data=data, assumptions=ASSUMPTIONS)
    with pytest.raises(SpecError, match="at least two uncertain assumptions"):
        panel_sensitivity(spec, n=8, data=data, assumptions={"aggregation": ["geometric"]})
    with pytest.raises(PeriodError, match="2000-2010"):
        panel_sensitivity(spec, n=8, years=1990, data=data, assumptions=ASSUMPTIONS)
    with pytest.raises(SpecError, match="unknown engine"):
        panel_sensitivity(spec, n=8, engine="spark", data=data, assumptions=ASSUMPTIONS)
    with pytest.raises(PeriodError, match="has no years"):
        panel_sensitivity(load_spec("ceti"), n=8)
