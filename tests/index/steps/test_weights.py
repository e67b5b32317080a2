"""Weights: equal, normalised, PCA (as COINr get_PCA / prcomp) and effective weights."""

from __future__ import annotations

import numpy as np
import pytest

from powerscope.errors import DataFormatError, SpecError, WeightsError
from powerscope.index.steps import (
    effective_weights,
    effective_weights_array,
    equal_weights,
    normalise_weights,
    pca,
    pca_weights,
)
from support import require_shared


def test_equal_and_normalised_weights() -> None:
    np.testing.assert_allclose(equal_weights(4), [0.25] * 4)
    np.testing.assert_allclose(normalise_weights([1, 3]), [0.25, 0.75])
    np.testing.assert_allclose(normalise_weights([0, 2]), [0, 1])
    with pytest.raises(SpecError, match="'n'"):
        equal_weights(0)
    with pytest.raises(WeightsError, match="negative"):
        normalise_weights([1, -1, 2])
    with pytest.raises(WeightsError, match="sum to 0"):
        normalise_weights([0, 0])
    with pytest.raises(WeightsError, match="missing or infinite"):
        normalise_weights([1, np.nan])


def test_pca_matches_correlation_eigendecomposition() -> None:
    rng = np.random.default_rng(7)
    base = rng.normal(size=60)
    x = np.column_stack([base + rng.normal(scale=s, size=60) for s in (0.2, 0.5, 1.0, 3.0)]) * [
        1,
        10,
        100,
        0.1,
    ]
    res = pca(x)
    vals, vecs = np.linalg.eigh(np.corrcoef(x, rowvar=False))
    order = np.argsort(vals)[::-1]
    np.testing.assert_allclose(res.explained_variance, vals[order], atol=1e-10)
    np.testing.assert_allclose(res.explained_ratio.sum(), 1.0)
    for k in range(4):
        v = vecs[:, order[k]]
        v = v if v.sum() >= 0 else -v  # the documented sign convention
        np.testing.assert_allclose(res.loadings[:, k], v, atol=1e-8)
    # scores are the standardised data on the components (prcomp's x)
    z = (x - x.mean(0)) / x.std(0, ddof=1)
    np.testing.assert_allclose(res.scores, z @ res.loadings, atol=1e-10)
    # the first component weights the strongly correlated indicators most
    w = pca_weights(x)
    assert np.argmax(w) in (0, 1) and np.argmin(w) == 3
    np.testing.assert_allclose(np.linalg.norm(w), 1.0)
    sq = pca_weights(x, method="squared")
    np.testing.assert_allclose(sq.sum(), 1.0)
    np.testing.assert_allclose(sq, w**2)


def test_pca_two_identical_indicators() -> None:
    x = np.column_stack([np.arange(10.0), np.arange(10.0) * 3 + 1])
    res = pca(x)
    np.testing.assert_allclose(res.loadings[:, 0], [2**-0.5, 2**-0.5])
    np.testing.assert_allclose(res.explained_ratio, [1, 0], atol=1e-12)


def test_pca_listwise_deletion_and_errors() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 3))
    x[[2, 5], [0, 2]] = np.nan
    res = pca(x)
    assert res.rows_used.sum() == 18 and not res.rows_used[[2, 5]].any()
    np.testing.assert_allclose(res.center, x[res.rows_used].mean(axis=0))
    with pytest.raises(DataFormatError, match="constant"):
        pca(np.column_stack([np.arange(5.0), np.ones(5)]))
    with pytest.raises(DataFormatError, match="complete"):
        pca(np.array([[1.0, np.nan], [np.nan, 2.0], [3.0, 4.0]]))
    with pytest.raises(SpecError, match="method"):
        pca_weights(x, method="varimax")  # type: ignore[arg-type]


def test_effective_weights_hand_computed() -> None:
    tree = {"A": 1, "B": 3, "A/a1": 1, "A/a2": 1, "B/b1": 2}
    eff = effective_weights(tree)
    assert eff == pytest.approx({"A": 0.25, "B": 0.75, "A/a1": 0.125, "A/a2": 0.125, "B/b1": 0.75})
    assert effective_weights(list(tree.items())) == eff
    arr = effective_weights_array([-1, -1, 0, 0, 1], [1, 3, 1, 1, 2])
    np.testing.assert_allclose(arr, [0.25, 0.75, 0.125, 0.125, 0.75])
    # parents may come after their children
    np.testing.assert_allclose(effective_weights_array([1, -1], [5, 2]), [1, 1])


def test_effective_weights_errors() -> None:
    with pytest.raises(SpecError, match="'A'"):
        effective_weights({"A/a1": 1})
    with pytest.raises(WeightsError, match="negative"):
        effective_weights({"A": 1, "A/a1": -1, "A/a2": 2})
    with pytest.raises(WeightsError, match="sum to 0"):
        effective_weights({"A": 1, "A/a1": 0})
    with pytest.raises(DataFormatError, match="cycle"):
        effective_weights_array([1, 0], [1, 1])
    with pytest.raises(DataFormatError):
        effective_weights_array([0], [1])  # its own parent
    with pytest.raises(DataFormatError):
        effective_weights_array([-1, 5], [1, 1])


def _asem():
    import pandas as pd

    data = pd.read_csv(require_shared("coinr_asem", "ASEM_iData.csv"))
    meta = pd.read_csv(require_shared("coinr_asem", "ASEM_iMeta.csv"))
    return data, meta


def test_asem_effective_weights_as_get_eff_wts() -> None:
    _, meta = _asem()
    nodes = meta[meta["Type"].isin(["Indicator", "Aggregate"]) & (meta["iCode"] != "Index")]
    parent = dict(zip(nodes["iCode"], nodes["Parent"], strict=True))

    def path(code: str) -> str:
        up = parent[code]
        return code if up == "Index" else f"{path(up)}/{code}"

    tree = {path(c): float(w) for c, w in zip(nodes["iCode"], nodes["Weight"], strict=True)}
    eff = effective_weights(tree)
    # LPI: 1/8 of Physical, 1/5 of Conn, 1/2 of the index
    assert eff["Conn/Physical/LPI"] == pytest.approx(1 / 8 / 5 / 2)
    indicators = set(meta.loc[meta["Type"] == "Indicator", "iCode"])
    leaves = [path(c) for c in nodes["iCode"] if c in indicators]
    assert len(leaves) == 49
    assert sum(eff[p] for p in leaves) == pytest.approx(1.0)


def test_asem_pca_of_a_pillar() -> None:
    data, meta = _asem()
    codes = list(meta.loc[meta["Parent"] == "Political", "iCode"])
    x = data[codes].to_numpy(float)
    res = pca(x)
    assert res.loadings.shape == (len(codes), len(codes))
    np.testing.assert_allclose(res.loadings.T @ res.loadings, np.eye(len(codes)), atol=1e-10)
    np.testing.assert_allclose(res.explained_ratio.sum(), 1.0)
    assert np.all(np.diff(res.explained_variance) <= 1e-12)
    # standardised: total variance = number of indicators
    np.testing.assert_allclose(res.explained_variance.sum(), len(codes))
