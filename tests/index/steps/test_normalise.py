"""Normalisation catalogue: hand-computed values, COINr semantics, properties and bad input."""

from __future__ import annotations

import importlib
import time
import warnings

import numpy as np
import pytest

from powerscope.errors import DataFormatError, SpecError
from support import require_shared

# the submodule (the package re-exports the function ``normalise`` under the same name)
nm = importlib.import_module("powerscope.index.steps.normalise")
NAN = np.nan
# one indicator with a tie and a missing value
COL = np.array([1.0, 2.0, 2.0, 4.0, NAN])


def test_minmax_hand_computed() -> None:
    out = nm.minmax(COL)
    np.testing.assert_allclose(out, [0, 100 / 3, 100 / 3, 100, NAN])
    np.testing.assert_allclose(nm.minmax(COL, 1, 2), [1, 4 / 3, 4 / 3, 2, NAN])


def test_zscore_uses_sample_sd() -> None:
    sd = np.sqrt(4.75 / 3)  # deviations -1.25, -0.25, -0.25, 1.75
    expected = (COL - 2.25) / sd
    np.testing.assert_allclose(nm.zscore(COL), expected)
    np.testing.assert_allclose(nm.zscore(COL, mean=100, sd=10), expected * 10 + 100)


def test_scaled_is_coinr_n_scaled() -> None:
    # COINr: (x - npara[1]) / (npara[2] - npara[1]) * 100
    np.testing.assert_allclose(nm.scaled(COL, 0, 10), [10, 20, 20, 40, NAN])
    np.testing.assert_allclose(nm.scaled(COL, 1, 3), [0, 50, 50, 150, NAN])


def test_fraction_and_distances() -> None:
    np.testing.assert_allclose(nm.fraction_of_max(COL), [0.25, 0.5, 0.5, 1, NAN])
    np.testing.assert_allclose(nm.dist_to_max(COL), [0, 1 / 3, 1 / 3, 1, NAN])
    # reference = row 1 (value 2): 1 - (2 - x) / (2 - 1)
    np.testing.assert_allclose(nm.dist_to_ref(COL, 1), [0, 1, 1, 3, NAN])
    np.testing.assert_allclose(nm.dist_to_ref(COL, 1, cap_max=True), [0, 1, 1, 1, NAN])
    # target 3: 1 - (3 - x) / (3 - 1)
    np.testing.assert_allclose(nm.dist_to_target(COL, 3, cap_max=False), [0, 0.5, 0.5, 1.5, NAN])
    np.testing.assert_allclose(nm.dist_to_target(COL, 3), [0, 0.5, 0.5, 1, NAN])


def test_dist_to_target_negative_direction_flips_target() -> None:
    # lower is better, target 3 in original units: 1 - (x - 3) / (max - 3)
    out = nm.dist_to_target(COL, 3, cap_max=False, direction=-1)
    np.testing.assert_allclose(out, [3, 2, 2, 0, NAN])
    np.testing.assert_allclose(nm.dist_to_target(COL, 3, direction=-1), [1, 1, 1, 0, NAN])


def test_ranks_on_ties_are_min() -> None:
    np.testing.assert_allclose(nm.rank(COL), [1, 2, 2, 4, NAN])
    np.testing.assert_allclose(nm.borda(COL), [0, 1, 1, 3, NAN])
    np.testing.assert_allclose(nm.percentile_rank(COL), [0, 1 / 3, 1 / 3, 1, NAN])
    # direction reverses the order; ties still share the lowest rank
    np.testing.assert_allclose(nm.rank(COL, direction=-1), [4, 2, 2, 1, NAN])
    # all tied
    np.testing.assert_allclose(nm.rank(np.array([5.0, 5.0, 5.0])), [1, 1, 1])
    np.testing.assert_allclose(nm.percentile_rank(np.array([5.0, 5.0, 5.0])), [0, 0, 0])


def test_goalposts_truncation_and_direction() -> None:
    np.testing.assert_allclose(nm.goalposts(COL, 1.5, 3.5), [0, 25, 25, 100, NAN])
    np.testing.assert_allclose(nm.goalposts(COL, 1.5, 3.5, trunc=False), [-25, 25, 25, 125, NAN])
    # lower is better: (upper - x) / (upper - lower), as COINr flips the goalposts
    np.testing.assert_allclose(nm.goalposts(COL, 1.5, 3.5, direction=-1), [100, 75, 75, 0, NAN])
    np.testing.assert_allclose(nm.goalposts(COL, 1.5, 3.5, scale=1), [0, 0.25, 0.25, 1, NAN])


def test_per_indicator_parameters_and_directions() -> None:
    x = np.array([[0.0, 10.0], [5.0, 20.0], [10.0, 30.0]])
    out = nm.goalposts(x, lower=[0, 10], upper=[10, 30], direction=[1, -1])
    np.testing.assert_allclose(out, [[0, 100], [50, 50], [100, 0]])
    mm = nm.minmax(x, direction=np.array([1, -1]))
    np.testing.assert_allclose(mm, [[0, 100], [50, 50], [100, 0]])


def test_constant_column_gives_nan_like_coinr() -> None:
    x = np.array([[1.0, 3.0], [2.0, 3.0], [3.0, 3.0]])
    out = nm.minmax(x)
    assert np.all(np.isnan(out[:, 1]))
    np.testing.assert_allclose(out[:, 0], [0, 50, 100])
    assert np.all(np.isnan(nm.zscore(x)[:, 1]))


def test_all_missing_column_stays_missing_without_warnings() -> None:
    x = np.array([[1.0, NAN], [2.0, NAN], [4.0, NAN]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for method in nm.METHODS:
            name = nm.canonical_method(method)
            params = {
                "dist_to_ref": {"ref_unit_index": 2},
                "dist_to_target": {"targets": 3.0},
                "goalposts": {"lower": 0.0, "upper": 5.0},
            }.get(name, {})
            out = nm.normalise(x, method, **params)
            assert out.shape == x.shape
            assert np.all(np.isnan(out[:, 1])), method
            assert not np.isnan(out[:, 0]).all(), method


def test_random_properties() -> None:
    rng = np.random.default_rng(12)
    for _ in range(20):
        x = rng.lognormal(size=(30, 6)) * rng.uniform(0.1, 1000, size=6)
        x[rng.random(x.shape) < 0.15] = NAN
        before = x.copy()
        lo, hi = sorted(rng.uniform(-50, 150, size=2))
        out = nm.minmax(x, lo, hi, direction=rng.choice([-1, 1], size=6))
        assert np.array_equal(np.isnan(out), np.isnan(x))
        assert np.nanmin(out) >= lo - 1e-9 and np.nanmax(out) <= hi + 1e-9
        np.testing.assert_allclose(np.nanmin(out, axis=0), lo)
        np.testing.assert_allclose(np.nanmax(out, axis=0), hi)
        g = nm.goalposts(x, lower=np.nanpercentile(x, 20, axis=0), upper=np.nanmax(x, axis=0) / 2)
        assert np.nanmin(g) >= 0 and np.nanmax(g) <= 100
        assert (g == 0).any() and (g == 100).any()  # truncation happened on both sides
        pr = nm.percentile_rank(x)
        assert np.nanmin(pr) == 0 and np.nanmax(pr) == 1
        # rank is consistent with the order of the values
        r = nm.rank(x)
        j = 0
        obs = ~np.isnan(x[:, j])
        order = np.argsort(x[obs, j])
        assert np.all(np.diff(r[obs, j][order]) >= 0)
        np.testing.assert_array_equal(x, before)  # inputs never modified


def test_direction_minus_one_mirrors_minmax() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(12, 3))
    np.testing.assert_allclose(nm.minmax(x, direction=-1), 100 - nm.minmax(x))


def test_dispatcher_names_and_coinr_parameters() -> None:
    x = np.array([[1.0, 4.0], [2.0, 6.0], [4.0, 5.0]])
    np.testing.assert_allclose(nm.normalise(x, "n_minmax", l_u=[0, 1]), nm.minmax(x, 0, 1))
    np.testing.assert_allclose(nm.normalise(x, "n_zscore", m_sd=(10, 2)), nm.zscore(x, 10, 2))
    np.testing.assert_allclose(nm.normalise(x, "n_scaled", npara=[0, 10]), nm.scaled(x, 0, 10))
    # COINr's iref is 1-based
    np.testing.assert_allclose(nm.normalise(x, "n_dist2ref", iref=2), nm.dist_to_ref(x, 1))
    np.testing.assert_allclose(
        nm.normalise(x, "n_goalposts", gposts=[1, 3, 1], trunc2posts=False),
        nm.goalposts(x, 1, 3, scale=1, trunc=False),
    )
    np.testing.assert_allclose(
        nm.normalise(x, "n_dist2targ", targ=[3, 5]), nm.dist_to_target(x, [3, 5])
    )
    np.testing.assert_allclose(nm.normalise(x, "n_prank"), nm.percentile_rank(x))
    np.testing.assert_allclose(nm.normalise(x, "n_fracmax"), nm.fraction_of_max(x))
    np.testing.assert_allclose(nm.normalise(x, "n_borda", direction=-1), nm.borda(-x))
    np.testing.assert_allclose(nm.normalise(x, "none", direction=[1, -1]), x * [1, -1])
    assert nm.canonical_method("N_PRANK") == "percentile_rank"


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: nm.normalise(COL, "softmax"), "method"),
        (lambda: nm.normalise(COL, "minmax", upper=1, lowr=0), "lowr"),
        (lambda: nm.minmax(COL, 100, 0), "lower"),
        (lambda: nm.minmax(COL, 5, 5), "lower"),
        (lambda: nm.zscore(COL, sd=0), "sd"),
        (lambda: nm.zscore(COL, sd=-1), "sd"),
        (lambda: nm.scaled(COL, 2, 2), "upper"),
        (lambda: nm.goalposts(COL, 3, 1), "lower"),
        (lambda: nm.goalposts(COL, 1, 3, scale=0), "scale"),
        (lambda: nm.goalposts(COL, 1, 3, trunc="yes"), "trunc"),
        (lambda: nm.dist_to_ref(COL, 9), "ref_unit_index"),
        (lambda: nm.dist_to_ref(COL, 1.5), "ref_unit_index"),
        (lambda: nm.dist_to_target(COL, NAN), "targets"),
        (lambda: nm.dist_to_target(np.ones((3, 2)), [1, 2, 3]), "targets"),
        (lambda: nm.minmax(COL, direction=2), "direction"),
        (lambda: nm.normalise(COL, "n_minmax", l_u=[0]), "l_u"),
        (lambda: nm.normalise(COL, "n_dist2ref", iref="a"), "iref"),
    ],
)
def test_bad_parameters_raise_spec_error_naming_them(call, name: str) -> None:
    with pytest.raises(SpecError) as err:
        call()
    assert name in str(err.value)


def test_bad_data_raise_data_format_error() -> None:
    with pytest.raises(DataFormatError):
        nm.minmax(np.ones((2, 2, 2)))
    with pytest.raises(DataFormatError):
        nm.minmax([["a", "b"]])


def test_asem_minmax_with_directions() -> None:
    import pandas as pd

    data = pd.read_csv(require_shared("coinr_asem", "ASEM_iData.csv"))
    meta = pd.read_csv(require_shared("coinr_asem", "ASEM_iMeta.csv"))
    ind = meta[meta["Type"] == "Indicator"]
    x = data[list(ind["iCode"])].to_numpy(float)
    direction = ind["Direction"].to_numpy(float)
    out = nm.normalise(x, "n_minmax", l_u=[0, 100], direction=direction)
    np.testing.assert_allclose(np.nanmin(out, axis=0), 0)
    np.testing.assert_allclose(np.nanmax(out, axis=0), 100)
    # a negative indicator: its best (lowest) raw value scores 100
    j = list(ind["iCode"]).index("CO2")
    assert out[np.nanargmin(x[:, j]), j] == 100
    # every method in well under 10 ms per call on 51 x 49
    start = time.perf_counter()
    for method in ("minmax", "zscore", "rank", "borda", "percentile_rank", "fraction_of_max"):
        for _ in range(5):
            nm.normalise(x, method, direction=direction)
    assert (time.perf_counter() - start) / 30 < 0.010
