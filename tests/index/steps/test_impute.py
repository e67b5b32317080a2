"""Imputation: hand-computed cases, COINr semantics, and observed values never changing."""

from __future__ import annotations

import numpy as np
import pytest

from powerscope.errors import DataFormatError, SpecError
from powerscope.index.steps import (
    denominate,
    em_fit,
    impute,
    impute_em,
    impute_group_mean,
    impute_group_median,
    impute_mean,
    impute_median,
    impute_panel,
)
from support import require_shared

NAN = np.nan


def test_mean_and_median_hand_computed() -> None:
    x = np.array([[1.0, NAN], [3.0, 4.0], [NAN, 8.0], [10.0, 9.0]])
    out, mask = impute_mean(x)
    np.testing.assert_allclose(out, [[1, 7], [3, 4], [14 / 3, 8], [10, 9]])
    np.testing.assert_array_equal(mask, np.isnan(x))
    out, mask = impute_median(x)
    np.testing.assert_allclose(out, [[1, 8], [3, 4], [3, 8], [10, 9]])
    # even number of values: mean of the middle two, as R's median
    out, _ = impute_median(np.array([1.0, 2.0, 3.0, 10.0, NAN]))
    assert out[-1] == 2.5


def test_all_missing_indicator_stays_missing() -> None:
    x = np.array([[1.0, NAN], [NAN, NAN]])
    out, mask = impute_mean(x)
    assert out[1, 0] == 1 and np.isnan(out[:, 1]).all()
    np.testing.assert_array_equal(mask, [[False, False], [True, False]])


def test_group_mean_and_median_as_coinr() -> None:
    x = np.array([[1.0], [3.0], [NAN], [10.0], [NAN], [NAN], [8.0]])
    groups = ["a", "a", "a", "b", "b", "c", "a"]
    out, mask = impute_group_mean(x, groups)
    np.testing.assert_allclose(out[:, 0], [1, 3, 4, 10, 10, NAN, 8])  # group c: no data
    np.testing.assert_array_equal(mask[:, 0], [0, 0, 1, 0, 1, 0, 0])
    out, _ = impute_group_median(x, groups)
    np.testing.assert_allclose(out[:, 0], [1, 3, 3, 10, 10, NAN, 8])
    # extension: fall back on the overall statistic
    out, mask = impute_group_mean(x, groups, fallback="overall")
    assert out[5, 0] == pytest.approx(22 / 4) and mask[5, 0]
    # a unit without a group label is skipped (COINr skip_f_na) and not counted
    out, _ = impute_group_mean(np.array([1.0, NAN, NAN, 100.0]), ["a", "a", None, np.nan])
    np.testing.assert_allclose(out, [1, 1, NAN, 100])


def test_panel_matches_coinr_tests() -> None:
    # COINr tests/testthat/test-impute_panel.R, one unit, years 2020-2022
    series = np.array(
        [[1, 3, NAN, 7], [2, NAN, 5, 8], [3, 5, 6, NAN]], dtype=float
    )  # (times, indicators)
    panel = series[:, None, :]  # one unit
    lin, mask = impute_panel(panel, [2020, 2021, 2022], "linear")
    np.testing.assert_allclose(lin[:, 0, :], [[1, 3, 5, 7], [2, 4, 5, 8], [3, 5, 6, 8]])
    np.testing.assert_array_equal(mask[:, 0, :], np.isnan(series))
    const, _ = impute_panel(panel, [2020, 2021, 2022], "constant")
    np.testing.assert_allclose(const[:, 0, :], [[1, 3, 5, 7], [2, 3, 5, 8], [3, 5, 6, 8]])


def test_panel_spacing_order_single_and_latest() -> None:
    # uneven years: 2001 is a quarter of the way from 2000 to 2004
    out, _ = impute_panel(np.array([[0.0], [NAN], [8.0]]), [2000, 2001, 2004])
    assert out[1, 0] == pytest.approx(2.0)
    # unsorted years are handled (and the output keeps the input order)
    out, _ = impute_panel(np.array([[5.0], [1.0], [NAN]]), [2002, 2000, 2001])
    np.testing.assert_allclose(out[:, 0], [5, 1, 3])
    # one observed value: held at every time, both methods
    one = np.array([[NAN], [7.0], [NAN]])
    for method in ("linear", "constant"):
        out, mask = impute_panel(one, method=method)
        np.testing.assert_allclose(out[:, 0], [7, 7, 7])
        np.testing.assert_array_equal(mask[:, 0], [True, False, True])
    # no observed value: stays missing
    out, mask = impute_panel(np.full((3, 1), NAN))
    assert np.isnan(out).all() and not mask.any()
    # latest: forward only, optionally limited
    s = np.array([[NAN], [1.0], [NAN], [NAN]])
    out, _ = impute_panel(s, method="latest")
    np.testing.assert_allclose(out[:, 0], [NAN, 1, 1, 1])
    out, _ = impute_panel(s, method="latest", max_time=1)
    np.testing.assert_allclose(out[:, 0], [NAN, 1, 1, NAN])


def test_em_matches_regression_for_one_incomplete_variable() -> None:
    # with one variable complete, the ML imputation is the complete-case regression prediction
    rng = np.random.default_rng(1)
    x1 = rng.normal(size=40)
    x2 = 2 * x1 + 1 + rng.normal(scale=0.3, size=40)
    miss = [3, 17, 25]
    x = np.column_stack([x1, x2])
    x[miss, 1] = NAN
    res = em_fit(x, shrinkage=0.0, tol=1e-10)
    assert res.converged
    keep = ~np.isnan(x[:, 1])
    slope, intercept = np.polyfit(x1[keep], x2[keep], 1)
    np.testing.assert_allclose(res.values[miss, 1], intercept + slope * x1[miss], atol=1e-6)
    # the estimated mean is the completed data's mean
    np.testing.assert_allclose(res.mean, res.values.mean(axis=0), atol=1e-8)


def test_em_deterministic_and_warns_when_not_converged() -> None:
    rng = np.random.default_rng(2)
    x = rng.multivariate_normal([0, 1, 2], [[1, 0.6, 0.3], [0.6, 1, 0.5], [0.3, 0.5, 1]], 50)
    x[rng.random(x.shape) < 0.15] = NAN
    a, _ = impute_em(x)
    b, _ = impute_em(x)
    np.testing.assert_array_equal(a, b)
    with pytest.warns(RuntimeWarning, match="did not converge"):
        impute_em(x, max_iter=1)


def test_em_edge_columns() -> None:
    x = np.array(
        [[1.0, 5.0, NAN, 2.0], [2.0, 5.0, NAN, NAN], [3.0, NAN, NAN, 6.0], [NAN, 5.0, NAN, 8.0]]
    )
    out, mask = impute_em(x)
    assert out[2, 1] == 5.0  # constant column: its constant
    assert np.isnan(out[:, 2]).all()  # all missing: stays missing
    assert not np.isnan(out[:, [0, 1, 3]]).any()
    np.testing.assert_array_equal(mask, np.isnan(x) & ~np.isnan(out))


def _random_data(rng: np.random.Generator) -> np.ndarray:
    x = rng.normal(size=(int(rng.integers(8, 40)), int(rng.integers(1, 6))))
    x *= rng.uniform(0.1, 100, size=x.shape[1])
    x[rng.random(x.shape) < rng.uniform(0.05, 0.4)] = NAN
    return x


def test_observed_values_never_change_under_any_method() -> None:
    rng = np.random.default_rng(2024)
    for _ in range(25):
        x = _random_data(rng)
        before = x.copy()
        groups = rng.choice(["a", "b", "c"], size=x.shape[0]).astype(object)
        groups[rng.random(x.shape[0]) < 0.1] = None
        results = [
            impute_mean(x),
            impute_median(x),
            impute_group_mean(x, groups),
            impute_group_median(x, groups, fallback="overall"),
            impute_em(x, max_iter=2000),
        ]
        for out, mask in results:
            obs = ~np.isnan(before)
            np.testing.assert_array_equal(out[obs], before[obs])
            np.testing.assert_array_equal(mask, np.isnan(before) & ~np.isnan(out))
        np.testing.assert_array_equal(x, before)  # input untouched
        panel = rng.normal(size=(4, 6, 3))
        panel[rng.random(panel.shape) < 0.3] = NAN
        pbefore = panel.copy()
        for method in ("linear", "constant", "latest"):
            out, mask = impute_panel(panel, [2000, 2001, 2003, 2004], method)
            obs = ~np.isnan(pbefore)
            np.testing.assert_array_equal(out[obs], pbefore[obs])
            np.testing.assert_array_equal(mask, ~obs & ~np.isnan(out))
        np.testing.assert_array_equal(panel, pbefore)


def test_dispatcher() -> None:
    x = np.array([[1.0, NAN], [3.0, 4.0], [NAN, 8.0]])
    g = ["a", "a", "b"]
    np.testing.assert_array_equal(impute(x, "i_mean")[0], impute_mean(x)[0])
    np.testing.assert_array_equal(
        impute(x, "i_median_grp", groups=g)[0], impute_group_median(x, g)[0]
    )
    out, mask = impute(x, "none")
    np.testing.assert_array_equal(out, x)
    assert not mask.any()
    np.testing.assert_array_equal(impute(x, "em", shrinkage=0.1)[0], impute_em(x, shrinkage=0.1)[0])


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: impute(np.ones((2, 2)), "hot_deck"), "method"),
        (lambda: impute(np.ones((2, 2)), "group_mean"), "groups"),
        (lambda: impute(np.ones((2, 2)), "mean", tol=1), "tol"),
        (lambda: impute_group_mean(np.ones((2, 1)), ["a", "b"], fallback="zero"), "fallback"),
        (lambda: impute_panel(np.ones((3, 2, 2)), method="spline"), "method"),
        (lambda: impute_panel(np.ones((3, 2, 2)), method="linear", max_time=1), "max_time"),
        (lambda: impute_panel(np.ones((3, 2, 2)), method="latest", max_time=0), "max_time"),
        (lambda: impute_em(np.ones((3, 2)), max_iter=0), "max_iter"),
        (lambda: impute_em(np.ones((3, 2)), tol=0), "tol"),
        (lambda: impute_em(np.ones((3, 2)), shrinkage=-1), "shrinkage"),
    ],
)
def test_bad_parameters(call, name: str) -> None:
    with pytest.raises(SpecError) as err:
        call()
    assert name in str(err.value)


def test_bad_shapes() -> None:
    with pytest.raises(DataFormatError, match="groups"):
        impute_group_mean(np.ones((3, 2)), ["a", "b"])
    with pytest.raises(DataFormatError, match="years"):
        impute_panel(np.ones((3, 2, 2)), [2000, 2000, 2001])
    with pytest.raises(DataFormatError, match="years"):
        impute_panel(np.ones((3, 2, 2)), [2000, 2001])
    with pytest.raises(DataFormatError):
        impute_mean(np.ones((2, 2, 2)))


def _asem():
    import pandas as pd

    data = pd.read_csv(require_shared("coinr_asem", "ASEM_iData.csv"))
    meta = pd.read_csv(require_shared("coinr_asem", "ASEM_iMeta.csv"))
    ind = meta[meta["Type"] == "Indicator"]
    x = data[list(ind["iCode"])].to_numpy(float)
    denoms = {k: data[k].to_numpy(float) for k in ("GDP", "Population", "Area", "Energy")}
    xd, _ = denominate(x, denoms, list(ind["Denominator"]))
    return data, xd


def test_asem_group_mean_leaves_no_missing_cell() -> None:
    data, xd = _asem()
    assert np.isnan(xd).sum() == 65  # 63 missing raw values + 2 lost to a missing denominator
    out, mask = impute_group_mean(xd, data["EurAsia_group"].to_numpy())
    assert not np.isnan(out).any()
    assert mask.sum() == 65
    # each imputed value is the mean of the unit's group (Europe / Asia) for that indicator
    i, j = np.argwhere(mask)[0]
    same = data["EurAsia_group"].to_numpy() == data["EurAsia_group"].iloc[i]
    assert out[i, j] == pytest.approx(np.nanmean(xd[same, j]))


def test_asem_em_converges() -> None:
    _, xd = _asem()
    res = em_fit(xd)
    assert res.converged and res.n_iter < 1000
    assert not np.isnan(res.values).any()
    obs = ~np.isnan(xd)
    np.testing.assert_array_equal(res.values[obs], xd[obs])
    # the covariance estimate is symmetric positive definite
    np.testing.assert_allclose(res.cov, res.cov.T)
    assert (
        np.linalg.eigvalsh(
            res.cov / np.outer(np.sqrt(np.diag(res.cov)), np.sqrt(np.diag(res.cov)))
        ).min()
        > 0
    )


def test_asem_panel_latest_takes_previous_year() -> None:
    import pandas as pd

    panel_df = pd.read_csv(require_shared("coinr_asem", "ASEM_iData_p.csv"))
    years = sorted(panel_df["Time"].unique())
    units = list(panel_df.loc[panel_df["Time"] == years[0], "uCode"])
    cols = ["LPI", "Flights"]
    panel = np.stack(
        [
            panel_df[panel_df["Time"] == y].set_index("uCode").loc[units, cols].to_numpy(float)
            for y in years
        ]
    )
    holed = panel.copy()
    nz, at = units.index("NZL"), units.index("AUT")
    holed[-1, nz, 0] = NAN  # as COINr's test: NZ LPI 2022, AT Flights 2022
    holed[-1, at, 1] = NAN
    holed[2, at, 0] = NAN  # and an interior gap
    out, mask = impute_panel(holed, years, "latest")
    assert out[-1, nz, 0] == panel[-2, nz, 0]
    assert out[-1, at, 1] == panel[-2, at, 1]
    lin, _ = impute_panel(holed, years, "linear")
    assert lin[2, at, 0] == pytest.approx((panel[1, at, 0] + panel[3, at, 0]) / 2)
    assert mask.sum() == 3
