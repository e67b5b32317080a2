"""Denomination (COINr Denominate): hand-computed, scale factors, missing denominators, ASEM."""

from __future__ import annotations

import numpy as np
import pytest

from powerscope.errors import DataFormatError, SpecError
from powerscope.index.steps import denominate
from support import require_shared

NAN = np.nan
X = np.array([[10.0, 5.0, 1.0], [20.0, 6.0, NAN], [30.0, 7.0, 3.0]])
DENOMS = {"GDP": np.array([2.0, 4.0, NAN]), "Pop": np.array([1.0, 0.0, 3.0])}


def test_hand_computed_with_missing_and_zero_denominators() -> None:
    before = X.copy()
    out, rep = denominate(X, DENOMS, ["GDP", None, "Pop"])
    np.testing.assert_allclose(out, [[5, 5, 1], [5, 6, NAN], [NAN, 7, 1]])
    np.testing.assert_array_equal(X, before)
    assert rep.denominator == ["GDP", None, "Pop"]
    np.testing.assert_array_equal(rep.denominated, [True, False, True])
    # GDP missing for unit 2 loses an observed value; Pop = 0 for unit 1 meets a missing x
    np.testing.assert_array_equal(rep.lost, [[0, 0, 0], [0, 0, 0], [1, 0, 0]])
    np.testing.assert_array_equal(rep.n_lost, [1, 0, 0])


def test_zero_denominator_gives_nan_and_is_reported() -> None:
    x = np.array([[1.0], [2.0]])
    out, rep = denominate(x, {"Area": [0.0, 4.0]}, ["Area"])
    np.testing.assert_allclose(out[:, 0], [NAN, 0.5])
    assert rep.lost[:, 0].tolist() == [True, False]


def test_scale_factors_multiply_as_coinr() -> None:
    # COINr divides the denominator by ScaleFactor: x / (d / s) = x * s / d
    out, rep = denominate(X, DENOMS, ["GDP", None, "Pop"], scale_factors=[1000, 5, 2])
    np.testing.assert_allclose(out[:, 0], [5000, 5000, NAN])
    np.testing.assert_allclose(out[:, 1], X[:, 1])  # untouched: scale ignored
    np.testing.assert_allclose(out[:, 2], [2, NAN, 2])
    np.testing.assert_allclose(rep.scale, [1000, 1, 2])


def test_spec_forms() -> None:
    a, _ = denominate(X, DENOMS, {0: "GDP"})
    b, _ = denominate(X, DENOMS, ["GDP", "", float("nan")])
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a[:, 1:], X[:, 1:])


def test_errors() -> None:
    with pytest.raises(SpecError, match="Energy") as err:
        denominate(X, DENOMS, [None, "Energy", None], indicator_codes=["a", "Elec", "c"])
    assert "Elec" in str(err.value)
    with pytest.raises(DataFormatError, match="GDP"):
        denominate(X, {"GDP": [1.0, 2.0]}, ["GDP", None, None])
    with pytest.raises(DataFormatError, match="spec"):
        denominate(X, DENOMS, ["GDP"])
    with pytest.raises(DataFormatError, match="spec"):
        denominate(X, DENOMS, {5: "GDP"})
    with pytest.raises(SpecError, match="scale_factors"):
        denominate(X, DENOMS, ["GDP", None, None], scale_factors=[0, 1, 1])
    with pytest.raises(SpecError, match="scale_factors"):
        denominate(X, DENOMS, ["GDP", None, None], scale_factors=[1, 1])
    with pytest.raises(DataFormatError):
        denominate(X[:, 0], DENOMS, ["GDP"])


def test_asem_by_imeta_denominator_column() -> None:
    import pandas as pd

    data = pd.read_csv(require_shared("coinr_asem", "ASEM_iData.csv"))
    meta = pd.read_csv(require_shared("coinr_asem", "ASEM_iMeta.csv"))
    ind = meta[meta["Type"] == "Indicator"]
    codes = list(ind["iCode"])
    x = data[codes].to_numpy(float)
    denoms = {k: data[k].to_numpy(float) for k in ("GDP", "Population", "Area", "Energy")}
    out, rep = denominate(x, denoms, list(ind["Denominator"]), indicator_codes=codes)
    assert rep.denominated.sum() == ind["Denominator"].notna().sum() == 17
    aut = list(data["uCode"]).index("AUT")
    goods = codes.index("Goods")
    assert out[aut, goods] == pytest.approx(278.4264 / 390.799991147468)
    lpi = codes.index("LPI")
    np.testing.assert_array_equal(out[:, lpi], x[:, lpi])
    # Laos has no Energy figure: its Elec and Gas values are lost, and reported
    lost = [(data["uCode"].iloc[i], codes[j]) for i, j in np.argwhere(rep.lost)]
    assert lost == [("LAO", "Elec"), ("LAO", "Gas")]
