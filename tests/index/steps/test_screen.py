"""Unit screening by data availability (COINr Screen, unit_screen = byNA / byzeros)."""

from __future__ import annotations

import numpy as np
import pytest

from powerscope.errors import DataFormatError, SpecError
from powerscope.index.steps import screen_units
from support import require_shared

NAN = np.nan
# availability 1, 2/3, 1/3, 0; unit 4 has two zeros among three values
X = np.array(
    [
        [1.0, 2.0, 3.0],
        [1.0, NAN, 3.0],
        [NAN, NAN, 3.0],
        [NAN, NAN, NAN],
        [0.0, 0.0, 5.0],
    ]
)
CODES = ["AAA", "BBB", "CCC", "DDD", "EEE"]


def test_by_na_default_threshold_two_thirds() -> None:
    keep, rep = screen_units(X, unit_codes=CODES)
    np.testing.assert_array_equal(keep, [True, True, False, False, True])
    np.testing.assert_allclose(rep.availability, [1, 2 / 3, 1 / 3, 0, 1])
    np.testing.assert_array_equal(rep.n_missing, [0, 1, 2, 3, 0])
    assert [u for u, _ in rep.removed] == ["CCC", "DDD"]
    assert "data availability 0.333 < 0.667" in rep.removed[0][1]
    np.testing.assert_array_equal(rep.keep, keep)


def test_threshold_is_inclusive_and_adjustable() -> None:
    keep, _ = screen_units(X, 0.9)
    np.testing.assert_array_equal(keep, [True, False, False, False, True])
    keep, _ = screen_units(X, 1 / 3)
    np.testing.assert_array_equal(keep, [True, True, True, False, True])
    keep, _ = screen_units(X, 0.0)
    assert keep.all()


def test_zero_rules() -> None:
    keep, rep = screen_units(X, rule="byzeros", nonzero_threshold=0.5, unit_codes=CODES)
    np.testing.assert_allclose(rep.nonzero[[0, 4]], [1, 1 / 3])
    assert np.isnan(rep.nonzero[3])
    # unit DDD has nothing observed: it fails the zeros rule too
    np.testing.assert_array_equal(keep, [True, True, True, False, False])
    assert "non-zero share 0.333 < 0.500" in dict(rep.removed)["EEE"]
    keep, _ = screen_units(X, rule="byNAandzeros", nonzero_threshold=0.5)
    np.testing.assert_array_equal(keep, [True, True, False, False, False])


def test_forcing() -> None:
    keep, rep = screen_units(X, unit_codes=CODES, force_in=["CCC"], force_out=["AAA"])
    np.testing.assert_array_equal(keep, [False, True, True, False, True])
    np.testing.assert_array_equal(rep.forced, [-1, 0, 1, 0, 0])
    assert dict(rep.removed)["AAA"] == "forced out"
    keep, _ = screen_units(X, force_in=[3])  # row indices work without codes
    assert keep[3]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": -0.1}, "threshold"),
        ({"nonzero_threshold": 2}, "nonzero_threshold"),
        ({"rule": "byMagic"}, "rule"),
        ({"force_in": ["AAA"]}, "unit_codes"),
        ({"force_in": ["ZZZ"], "unit_codes": CODES}, "ZZZ"),
        ({"force_in": ["AAA"], "force_out": ["AAA"], "unit_codes": CODES}, "AAA"),
        ({"force_out": [9]}, "force_out"),
    ],
)
def test_bad_parameters(kwargs, name: str) -> None:
    with pytest.raises(SpecError) as err:
        screen_units(X, **kwargs)
    assert name in str(err.value)


def test_bad_shapes() -> None:
    with pytest.raises(DataFormatError, match="unit_codes"):
        screen_units(X, unit_codes=["A"])
    with pytest.raises(DataFormatError):
        screen_units(X[:, 0])


def test_asem_raw_screening_at_90_percent() -> None:
    import pandas as pd

    data = pd.read_csv(require_shared("coinr_asem", "ASEM_iData.csv"))
    meta = pd.read_csv(require_shared("coinr_asem", "ASEM_iMeta.csv"))
    codes = list(meta.loc[meta["Type"] == "Indicator", "iCode"])
    x = data[codes].to_numpy(float)
    units = list(data["uCode"])
    keep, rep = screen_units(x, 0.9, unit_codes=units)
    n_missing = np.isnan(x).sum(axis=1)
    # 49 indicators: 90 % availability allows at most 4 missing
    np.testing.assert_array_equal(keep, n_missing <= 4)
    assert [u for u, _ in rep.removed] == [
        u for u, m in zip(units, n_missing, strict=True) if m > 4
    ]
    assert keep.sum() >= 40
