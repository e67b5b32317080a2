"""Helpers shared by the construction steps."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from powerscope.errors import DataFormatError


def as_data(x: ArrayLike, name: str = "x") -> tuple[np.ndarray, bool]:
    """``x`` as a 2-D float array (units x indicators; no copy is made) and whether it was 1-D."""
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataFormatError(
            f"{name} is not numeric: {exc}",
            where=name,
            fix="pass a float array (units x indicators) with NaN for missing values",
        ) from None
    if arr.ndim == 1:
        return arr[:, None], True
    if arr.ndim != 2:
        raise DataFormatError(
            f"{name} has {arr.ndim} dimensions, expected 2 (units x indicators)",
            where=name,
            fix="pass a 2-D array, one column per indicator",
        )
    return arr, False
