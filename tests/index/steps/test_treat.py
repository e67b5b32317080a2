"""Outlier treatment as COINr's Treat(): statistics, winsorisation, log_CT, ASEM."""

from __future__ import annotations

import numpy as np
import pytest

from powerscope.errors import SpecError
from powerscope.index.steps import (
    check_skew_kurt,
    denominate,
    impute_group_mean,
    kurtosis,
    log_ct,
    log_ct_orig,
    skewness,
    treat,
)
from support import require_shared

NAN = np.nan


def test_skewness_and_kurtosis_hand_computed() -> None:
    # x = 0,0,0,1: G1 = 2 and G2 = 4 exactly (e1071 type 2, Excel SKEW/KURT)
    x = np.array([0.0, 0.0, 0.0, 1.0])
    assert skewness(x) == pytest.approx(2.0)
    assert kurtosis(x) == pytest.approx(4.0)
    # NaN ignored, per column
    m = np.array([[0.0, 1.0], [0.0, 2.0], [NAN, 3.0], [0.0, 4.0], [1.0, 5.0]])
    np.testing.assert_allclose(skewness(m), [2.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(kurtosis(m), [4.0, -1.2], atol=1e-12)
    # undefined: too few values, or constant
    assert np.isnan(skewness(np.array([1.0, 2.0])))
    assert np.isnan(kurtosis(np.array([1.0, 2.0, 3.0])))
    assert np.isnan(skewness(np.ones(6)))


def test_statistics_match_scipy_bias_corrected() -> None:
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(5)
    x = rng.lognormal(size=(40, 4))
    np.testing.assert_allclose(skewness(x), stats.skew(x, bias=False))
    np.testing.assert_allclose(kurtosis(x), stats.kurtosis(x, bias=False))


def test_check_is_or_of_thresholds() -> None:
    # fails only when |skew| >= 2 AND kurt >= 3.5 (x = 0,0,0,1 has skew 2, kurt 4)
    x = np.array([0.0, 0.0, 0.0, 1.0])
    assert not check_skew_kurt(x, skew_thresh=1.99, kurt_thresh=3.99)
    assert check_skew_kurt(x, skew_thresh=2.01, kurt_thresh=3.99)
    assert check_skew_kurt(x, skew_thresh=1.99, kurt_thresh=4.01)
    np.testing.assert_array_equal(
        check_skew_kurt(np.column_stack([x, [1.0, 2.0, 3.0, 4.0]]), 1.99, 3.99), [False, True]
    )


def test_log_ct_hand_computed() -> None:
    # range 100: log(x - 0 + 1)
    np.testing.assert_allclose(log_ct(np.array([0.0, 1.0, 100.0])), np.log([1, 2, 101]))
    # shift for non-positive values: log(x + 5 + 0.01 * 10)
    np.testing.assert_allclose(log_ct(np.array([-5.0, 5.0, NAN])), [np.log(0.1), np.log(10.1), NAN])
    np.testing.assert_allclose(log_ct_orig(np.array([-5.0, 5.0])), np.log([1, 11]))


def test_coinr_example_winsorises_one_point() -> None:
    # COINr's own example: x <- c(1:10, 30, 100); Treat(x, winmax = 2)
    x = np.array([*range(1, 11), 30, 100], dtype=float)
    out, rep = treat(x, winmax=2)
    np.testing.assert_array_equal(out, [*range(1, 11), 30, 30])
    assert rep.status == ["winsorised"]
    assert rep.winsorised_high[0] == 1 and rep.winsorised_low[0] == 0
    assert rep.skew_before[0] == pytest.approx(skewness(x))
    assert rep.skew_after[0] == pytest.approx(skewness(out))
    assert rep.passed[0]
    np.testing.assert_array_equal(rep.treated[:, 0], [False] * 11 + [True])


def test_low_side_winsorisation() -> None:
    x = -np.array([*range(1, 11), 30, 100], dtype=float)
    out, rep = treat(x, winmax=2)
    np.testing.assert_array_equal(out, -np.array([*range(1, 11), 30, 30]))
    assert rep.winsorised_low[0] == 1 and rep.winsorised_high[0] == 0


def test_tied_extremes_move_together_as_in_coinr() -> None:
    # step 1: 300 -> 100, step 2: the three 100s -> 30: three points for winmax = 2
    x = np.array([*range(1, 31), 100, 100, 300], dtype=float)
    out, rep = treat(x, winmax=2)
    assert rep.n_winsorised[0] == 3
    np.testing.assert_array_equal(out[-4:], [30, 30, 30, 30])
    assert rep.treated.sum() == 3


def test_log_ct_when_winsorisation_is_not_enough() -> None:
    x = np.random.default_rng(0).lognormal(0, 2, size=200)
    out, rep = treat(x)
    assert rep.status == ["log"] and rep.log_transformed[0]
    assert rep.n_winsorised[0] == 5  # attempted, then discarded (combine_treat = False)
    np.testing.assert_allclose(out, log_ct(x))  # applied to the original values
    # combine_treat: log of the winsorised values instead
    wins, _ = treat(x, f2=None)
    combined, _ = treat(x, combine_treat=True)
    np.testing.assert_allclose(combined, log_ct(wins))
    # no second stage: winsorised values kept, reported as failed
    _, rep_none = treat(x, f2=None)
    assert rep_none.status == ["failed"] and not rep_none.passed[0]
    # winmax = 0 goes straight to the log
    out0, rep0 = treat(x, winmax=0)
    assert rep0.n_winsorised[0] == 0
    np.testing.assert_allclose(out0, log_ct(x))


def test_force_win_goes_to_winmax() -> None:
    x = np.array([*range(1, 11), 30, 100], dtype=float)
    _, rep = treat(x, winmax=4, force_win=True)
    assert rep.n_winsorised[0] == 4


def test_undefined_statistics_leave_column_untouched() -> None:
    x = np.array([[1.0, 5.0], [2.0, 5.0], [NAN, 5.0], [100.0, 5.0]])
    out, rep = treat(x)
    np.testing.assert_array_equal(out, x)
    assert rep.status == ["undefined", "undefined"]


def test_random_property_at_most_winmax_points_without_ties() -> None:
    rng = np.random.default_rng(42)
    for trial in range(30):
        x = rng.lognormal(0, rng.uniform(0.5, 2.5), size=(rng.integers(15, 60), 5))
        x[:, 1] *= -1  # a left-skewed column
        x[rng.random(x.shape) < 0.1] = NAN
        before = x.copy()
        winmax = int(rng.integers(0, 7))
        out, rep = treat(x, winmax=winmax)
        np.testing.assert_array_equal(x, before)
        assert np.array_equal(np.isnan(out), np.isnan(x))
        for j in range(x.shape[1]):
            if rep.log_transformed[j]:
                np.testing.assert_allclose(out[:, j], log_ct(x[:, j]))
                continue
            changed = rep.treated[:, j].sum()
            assert changed <= winmax, trial  # continuous data: no ties
            assert changed == rep.n_winsorised[j]
            if changed:
                assert rep.passed[j]
                # the changed points were the most extreme on one side, now clamped to the
                # next value
                obs = ~np.isnan(x[:, j])
                if rep.winsorised_high[j]:
                    kept_max = np.sort(x[obs, j])[-(changed + 1)]
                    assert np.nanmax(out[:, j]) == kept_max
                else:
                    kept_min = np.sort(x[obs, j])[changed]
                    assert np.nanmin(out[:, j]) == kept_min


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"winmax": -1}, "winmax"),
        ({"winmax": 2.5}, "winmax"),
        ({"skew_thresh": 0}, "skew_thresh"),
        ({"kurt_thresh": float("nan")}, "kurt_thresh"),
        ({"f2": "boxcox"}, "f2"),
    ],
)
def test_bad_parameters(kwargs, name: str) -> None:
    with pytest.raises(SpecError) as err:
        treat(np.arange(10.0), **kwargs)
    assert name in str(err.value)


def _asem_treated():
    import pandas as pd

    data = pd.read_csv(require_shared("coinr_asem", "ASEM_iData.csv"))
    meta = pd.read_csv(require_shared("coinr_asem", "ASEM_iMeta.csv"))
    ind = meta[meta["Type"] == "Indicator"]
    codes = list(ind["iCode"])
    x = data[codes].to_numpy(float)
    denoms = {k: data[k].to_numpy(float) for k in ("GDP", "Population", "Area", "Energy")}
    xd, _ = denominate(x, denoms, list(ind["Denominator"]))
    xi, _ = impute_group_mean(xd, data["EurAsia_group"].to_numpy())
    out, rep = treat(xi, winmax=5)
    return codes, xi, out, rep


def test_asem_treatment_as_in_build_example_coin() -> None:
    """Denominate -> i_mean_grp(EurAsia_group) -> Treat(winmax = 5), as COINr's example coin."""
    codes, xi, out, rep = _asem_treated()
    rows = rep.rows(codes)
    treated = {
        r["code"]: (r["winsorised_low"], r["winsorised_high"]) for r in rows if r["status"] != "ok"
    }
    print("\nASEM treated (low, high):", treated)
    assert not rep.log_transformed.any()
    assert all(r["passed"] for r in rows)
    assert treated == {
        "Flights": (0, 1),
        "Bord": (0, 3),
        "Gas": (0, 3),
        "Services": (0, 4),
        "FDI": (0, 2),
        "ForPort": (0, 3),
        "CostImpEx": (0, 1),
        "Tariff": (0, 3),
        "StMob": (0, 2),
        "CultServ": (0, 3),
        "Forest": (0, 2),
        "Poverty": (0, 3),
        "NGOs": (0, 3),
        "FemLab": (1, 0),
        "PubDebt": (0, 1),
    }
    # untreated indicators are unchanged
    ok = np.array([r["status"] == "ok" for r in rows])
    np.testing.assert_array_equal(out[:, ok], xi[:, ok])
