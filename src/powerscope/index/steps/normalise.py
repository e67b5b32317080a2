"""Normalisation: bring indicators onto a common scale, one indicator (column) at a time.

The catalogue follows the OECD/JRC *Handbook on Constructing Composite Indicators* (OECD, 2008,
section 5) and COINr's ``n_*`` functions (Becker et al., 2022; R/normalise.R), which are the
reference semantics:

- :func:`minmax` (``n_minmax``): ``(x - min) / (max - min) * (upper - lower) + lower``;
- :func:`zscore` (``n_zscore``): ``(x - mean) / sd * s + m``, sample sd (``ddof = 1``);
- :func:`scaled` (``n_scaled``): ``(x - lower) / (upper - lower) * 100``;
- :func:`fraction_of_max` (``n_fracmax``): ``x / max``;
- :func:`dist_to_ref` (``n_dist2ref``): ``1 - (x_ref - x) / (x_ref - min)``;
- :func:`dist_to_max` (``n_dist2max``): ``1 - (max - x) / (max - min)``;
- :func:`dist_to_target` (``n_dist2targ``): ``1 - (target - x) / (target - min)``;
- :func:`rank` (``n_rank``): ascending rank, ties share the lowest rank (``"min"``);
- :func:`borda` (``n_borda``): ``rank - 1``;
- :func:`percentile_rank` (``n_prank``): ``(rank - 1) / (n_observed - 1)``;
- :func:`goalposts` (``n_goalposts``): ``(x - lower) / (upper - lower)``, truncated to
  ``[0, 1]``, times ``scale``;

all per column, ignoring NaN (which stays NaN). :func:`normalise` dispatches by name. This is
powerscope's one normalisation catalogue: a build's ``normalise`` step and an index computed
straight from the store (:func:`powerscope.index.engine.normalise`) both use it, so a method name
means the same everywhere.

Directions
----------
As in COINr's ``Normalise()``, an indicator's direction is applied *before* normalising: every
function takes an optional ``direction`` (a scalar or one value per indicator, each ``1`` or
``-1``) and works on ``x * direction``, so that after normalisation higher is always better.
Parameters that live on the indicator's own scale (goalposts, targets) are flipped with it; the
caller gives them in the indicator's original units.

Data are float arrays ``(units, indicators)`` with NaN for missing values; a 1-D array is taken as
one indicator and a 1-D array is returned. Inputs are never modified. A column whose
normalisation is undefined (constant values for ``minmax``, fewer than two values for ``zscore``,
...) comes back as NaN, as in COINr (which warns and returns ``NaN``).

Deliberate differences from COINr
---------------------------------
- :func:`dist_to_target` caps scores at 1 by default (``n_dist2targ``: ``cap_max = FALSE``).
- :func:`dist_to_ref` takes a 0-based row (``n_dist2ref``'s ``iref`` is 1-based; the dispatcher
  converts ``iref``).
- Divisions by zero (a zero maximum for :func:`fraction_of_max`, a reference equal to the
  minimum, ...) give NaN rather than R's ``Inf``.
- Impossible parameters are errors: ``lower >= upper`` for :func:`minmax` and
  :func:`goalposts`, ``sd <= 0``, equal bounds for :func:`scaled`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from powerscope.errors import SpecError
from powerscope.index.steps._common import as_data as _as_data

__all__ = [
    "METHODS",
    "borda",
    "canonical_method",
    "dist_to_max",
    "dist_to_ref",
    "dist_to_target",
    "fraction_of_max",
    "goalposts",
    "minmax",
    "normalise",
    "percentile_rank",
    "rank",
    "scaled",
    "zscore",
]


# ---------------------------------------------------------------------------------------------
# helpers


def _out(values: np.ndarray, squeeze: bool) -> np.ndarray:
    return values[:, 0] if squeeze else values


def _per_column(value: ArrayLike, n_cols: int, name: str) -> np.ndarray:
    """A scalar or one value per indicator, as a float array of shape ``(n_cols,)``."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise SpecError(
            f"parameter {name!r} is not numeric: {value!r}",
            where=name,
            fix=f"give {name} as a number or one number per indicator",
        ) from None
    if arr.ndim == 0:
        return np.full(n_cols, float(arr))
    if arr.shape != (n_cols,):
        raise SpecError(
            f"parameter {name!r} has shape {arr.shape}, expected a scalar or ({n_cols},)",
            where=name,
            fix=f"give one {name} per indicator ({n_cols})",
        )
    return arr.copy()


def _directions(direction: ArrayLike | None, n_cols: int) -> np.ndarray | None:
    if direction is None:
        return None
    d = _per_column(direction, n_cols, "direction")
    if not np.all((d == 1) | (d == -1)):
        raise SpecError(
            f"parameter 'direction' must be 1 or -1 for every indicator, got {np.unique(d)}",
            where="direction",
            fix="use 1 (higher is better) or -1 (lower is better)",
        )
    return d


def _prepare(x: ArrayLike, direction: ArrayLike | None) -> tuple[np.ndarray, bool, np.ndarray]:
    """Data with directions applied (always a new array), squeeze flag, and the directions."""
    arr, squeeze = _as_data(x)
    d = _directions(direction, arr.shape[1])
    if d is None:
        return arr.copy(), squeeze, np.ones(arr.shape[1])
    return arr * d, squeeze, d


def _colmin(x: np.ndarray) -> np.ndarray:
    """Column minima ignoring NaN; NaN for an all-missing column (no warning)."""
    obs = ~np.isnan(x)
    return np.where(obs.any(axis=0), np.where(obs, x, np.inf).min(axis=0), np.nan)


def _colmax(x: np.ndarray) -> np.ndarray:
    obs = ~np.isnan(x)
    return np.where(obs.any(axis=0), np.where(obs, x, -np.inf).max(axis=0), np.nan)


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` with NaN where ``den`` is 0 or NaN."""
    den = np.asarray(den, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(num / np.where(den == 0, np.nan, den), dtype=float)


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise SpecError(
            f"parameter {name!r} must be True or False, got {value!r}",
            where=name,
            fix=f"set {name}=True or {name}=False",
        )
    return bool(value)


# ---------------------------------------------------------------------------------------------
# the catalogue


def minmax(
    x: ArrayLike,
    lower: float = 0.0,
    upper: float = 100.0,
    *,
    direction: ArrayLike | None = None,
) -> np.ndarray:
    """Min-max rescaling onto ``[lower, upper]`` (COINr ``n_minmax``, ``l_u = c(lower, upper)``).

    ``(x - min) / (max - min) * (upper - lower) + lower`` per indicator; the minimum maps to
    ``lower`` and the maximum to ``upper`` (Handbook section 5, "min-max"). A constant column
    gives NaN (COINr: NaN with a warning).

    Parameters
    ----------
    x:
        Data ``(units, indicators)``, NaN for missing.
    lower, upper:
        The target interval, in score points (COINr default ``c(0, 100)``); ``lower < upper``.
    direction:
        Optional ``1``/``-1`` per indicator, applied before rescaling.

    Raises
    ------
    SpecError
        If ``lower >= upper`` or either is not finite.
    """
    lo, hi = float(lower), float(upper)
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi:
        raise SpecError(
            f"minmax bounds must be finite with lower < upper, got lower={lower}, upper={upper}",
            where="lower/upper",
            fix="use e.g. lower=0, upper=100",
        )
    v, squeeze, _ = _prepare(x, direction)
    mn, mx = _colmin(v), _colmax(v)
    return _out(_safe_div(v - mn, mx - mn) * (hi - lo) + lo, squeeze)


def zscore(
    x: ArrayLike,
    mean: float = 0.0,
    sd: float = 1.0,
    *,
    direction: ArrayLike | None = None,
) -> np.ndarray:
    """Standardisation to a given mean and standard deviation (COINr ``n_zscore``, ``m_sd``).

    ``(x - mean(x)) / sd(x) * sd + mean`` per indicator, with the *sample* standard deviation
    (``ddof = 1``, as R's ``sd()``). Columns with fewer than two values or zero spread give NaN.

    Parameters
    ----------
    x:
        Data ``(units, indicators)``.
    mean, sd:
        Target mean and standard deviation of every column; ``sd > 0``.
    direction:
        Optional ``1``/``-1`` per indicator.

    Raises
    ------
    SpecError
        If ``sd <= 0`` or a parameter is not finite.
    """
    m, s = float(mean), float(sd)
    if not (np.isfinite(m) and np.isfinite(s)) or s <= 0:
        raise SpecError(
            f"zscore needs a finite mean and sd > 0, got mean={mean}, sd={sd}",
            where="sd",
            fix="use e.g. mean=0, sd=1 (or mean=100, sd=10)",
        )
    v, squeeze, _ = _prepare(x, direction)
    obs = ~np.isnan(v)
    n = obs.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = np.where(obs, v, 0.0).sum(axis=0) / np.where(n > 0, n, np.nan)
        dev = np.where(obs, v - mu, 0.0)
        sample_sd = np.sqrt((dev**2).sum(axis=0) / np.where(n > 1, n - 1, np.nan))
    return _out(_safe_div(v - mu, sample_sd) * s + m, squeeze)


def scaled(
    x: ArrayLike,
    lower: ArrayLike = 0.0,
    upper: ArrayLike = 100.0,
    *,
    direction: ArrayLike | None = None,
) -> np.ndarray:
    """Linear scaling by fixed bounds (COINr ``n_scaled``, ``npara = c(lower, upper)``).

    ``(x - lower) / (upper - lower) * 100``: like :func:`goalposts` without truncation and with a
    fixed scale of 100; unlike :func:`minmax`, the bounds are given, not taken from the data.

    Deliberate difference from the brief's ``scaled(x, centre, scale)``: COINr's ``n_scaled`` is
    ``(x - npara[1]) / (npara[2] - npara[1]) * 100``, so the parameters are the two bounds.

    Parameters
    ----------
    x:
        Data ``(units, indicators)``.
    lower, upper:
        Bounds, a scalar or one per indicator, in the units of ``x * direction``;
        ``upper != lower``.
    direction:
        Optional ``1``/``-1`` per indicator (applied to ``x`` only, as COINr does).
    """
    v, squeeze, _ = _prepare(x, direction)
    lo = _per_column(lower, v.shape[1], "lower")
    hi = _per_column(upper, v.shape[1], "upper")
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))) or np.any(hi == lo):
        raise SpecError(
            "scaled needs finite bounds with upper != lower",
            where="lower/upper",
            fix="give two different bounds per indicator",
        )
    return _out((v - lo) / (hi - lo) * 100.0, squeeze)


def fraction_of_max(x: ArrayLike, *, direction: ArrayLike | None = None) -> np.ndarray:
    """Ratio to the column maximum (COINr ``n_fracmax``; Handbook "distance to the leader").

    ``x / max(x)``. A column whose maximum is 0 gives NaN (R would give ``Inf``/``NaN``).
    Meaningful for non-negative indicators; with ``direction = -1`` the maximum of ``-x`` is used,
    exactly as COINr does.
    """
    v, squeeze, _ = _prepare(x, direction)
    return _out(_safe_div(v, _colmax(v)), squeeze)


def dist_to_max(x: ArrayLike, *, direction: ArrayLike | None = None) -> np.ndarray:
    """Distance to the best performer (COINr ``n_dist2max``): ``1 - (max - x) / (max - min)``.

    Scores lie in ``[0, 1]``; numerically the same as ``minmax(x, 0, 1)``. Constant columns give
    NaN.
    """
    v, squeeze, _ = _prepare(x, direction)
    mn, mx = _colmin(v), _colmax(v)
    return _out(1.0 - _safe_div(mx - v, mx - mn), squeeze)


def dist_to_ref(
    x: ArrayLike,
    ref_unit_index: int,
    *,
    cap_max: bool = False,
    direction: ArrayLike | None = None,
) -> np.ndarray:
    """Distance to a reference unit (COINr ``n_dist2ref``): ``1 - (x_ref - x) / (x_ref - min)``.

    The reference unit scores 1 and the column minimum 0; units better than the reference score
    above 1 unless ``cap_max`` (then 1). A column where the reference value is missing, or equal
    to the minimum, gives NaN (COINr warns and returns NaN/Inf).

    Parameters
    ----------
    x:
        Data ``(units, indicators)``.
    ref_unit_index:
        Row of the reference unit, **0-based** (COINr's ``iref`` is 1-based; the dispatcher
        converts ``iref``).
    cap_max:
        Cap scores at 1 (COINr default ``FALSE``).
    direction:
        Optional ``1``/``-1`` per indicator.
    """
    v, squeeze, _ = _prepare(x, direction)
    if isinstance(ref_unit_index, bool) or not isinstance(ref_unit_index, int | np.integer):
        raise SpecError(
            f"parameter 'ref_unit_index' must be an integer row index, got {ref_unit_index!r}",
            where="ref_unit_index",
            fix="give the 0-based row of the reference unit",
        )
    n_units = v.shape[0]
    if not 0 <= int(ref_unit_index) < n_units:
        raise SpecError(
            f"parameter 'ref_unit_index' = {ref_unit_index} is out of range for {n_units} units",
            where="ref_unit_index",
            fix=f"use a 0-based row index in 0..{n_units - 1}",
        )
    cap = _check_bool(cap_max, "cap_max")
    ref = v[int(ref_unit_index)]
    y = 1.0 - _safe_div(ref - v, ref - _colmin(v))
    if cap:
        y = np.where(y > 1.0, 1.0, y)
    return _out(y, squeeze)


def dist_to_target(
    x: ArrayLike,
    targets: ArrayLike,
    *,
    cap_max: bool = True,
    direction: ArrayLike | None = None,
) -> np.ndarray:
    """Distance to a target (COINr ``n_dist2targ``): ``1 - (target - x) / (target - min)``.

    The column minimum scores 0 and the target 1; units beyond the target score above 1 unless
    ``cap_max``. Targets are given in the indicator's original units: with ``direction = -1``
    both the data and the target are negated, which gives ``1 - (x - target) / (max - target)``.

    Deliberate difference: ``cap_max`` defaults to ``True`` here (COINr's default is ``FALSE``),
    because a target is usually a level beyond which no further credit is given.

    Parameters
    ----------
    x:
        Data ``(units, indicators)``.
    targets:
        One target per indicator (or a scalar), e.g. iMeta's ``Target`` column; finite.
    cap_max:
        Cap scores at 1.
    direction:
        Optional ``1``/``-1`` per indicator.

    Raises
    ------
    SpecError
        If a target is missing/not finite, or targets do not match the number of indicators.
    """
    v, squeeze, d = _prepare(x, direction)
    t = _per_column(targets, v.shape[1], "targets")
    if not np.all(np.isfinite(t)):
        bad = np.flatnonzero(~np.isfinite(t)).tolist()
        raise SpecError(
            f"parameter 'targets' is missing or not finite for indicator column(s) {bad}",
            where="targets",
            fix="give a finite target for every indicator normalised by distance to target",
        )
    cap = _check_bool(cap_max, "cap_max")
    t = t * d
    y = 1.0 - _safe_div(t - v, t - _colmin(v))
    if cap:
        y = np.where(y > 1.0, 1.0, y)
    return _out(y, squeeze)


def _rank_min(v: np.ndarray) -> np.ndarray:
    """Ascending ranks per column, ties ``"min"``, NaN kept (R ``rank(ties.method="min")``).

    All columns at once: sort each column (NaN last), mark where a new value starts, carry each
    run's first position forward, and put the positions back in the original order.
    """
    n = v.shape[0]
    order = np.argsort(v, axis=0, kind="stable")
    ordered = np.take_along_axis(v, order, axis=0)
    start = np.ones(v.shape, dtype=bool)
    start[1:] = ordered[1:] != ordered[:-1]
    position = np.where(start, np.arange(n)[:, None], 0)
    position = np.maximum.accumulate(position, axis=0) + 1.0
    out = np.empty(v.shape)
    np.put_along_axis(out, order, position, axis=0)
    out[np.isnan(v)] = np.nan
    return out


def rank(x: ArrayLike, *, direction: ArrayLike | None = None) -> np.ndarray:
    """Ranks (COINr ``n_rank``): 1 = lowest value, ties share the lowest rank (``"min"``).

    Higher values get higher ranks (as R's ``rank()``), so ranks work as scores. NaN stays NaN
    and is not counted.
    """
    v, squeeze, _ = _prepare(x, direction)
    return _out(_rank_min(v), squeeze)


def borda(x: ArrayLike, *, direction: ArrayLike | None = None) -> np.ndarray:
    """Borda scores (COINr ``n_borda``): ``rank - 1`` with ``"min"`` ties (0 = lowest)."""
    v, squeeze, _ = _prepare(x, direction)
    return _out(_rank_min(v) - 1.0, squeeze)


def percentile_rank(x: ArrayLike, *, direction: ArrayLike | None = None) -> np.ndarray:
    """Percentile ranks (COINr ``n_prank``): ``(rank - 1) / (n_observed - 1)``, ``"min"`` ties.

    The lowest value scores 0 and the highest 1; tied values share the lower percentile. A column
    with a single observed value gives NaN (``0 / 0``, as in R).
    """
    v, squeeze, _ = _prepare(x, direction)
    n_obs = (~np.isnan(v)).sum(axis=0).astype(float)
    return _out(_safe_div(_rank_min(v) - 1.0, n_obs - 1.0), squeeze)


def goalposts(
    x: ArrayLike,
    lower: ArrayLike,
    upper: ArrayLike,
    scale: float = 100.0,
    trunc: bool = True,
    *,
    direction: ArrayLike | None = None,
) -> np.ndarray:
    """Goalposts (COINr ``n_goalposts``, ``gposts = c(lower, upper, scale)``).

    ``(x - lower) / (upper - lower)``, truncated to ``[0, 1]`` when ``trunc`` (COINr
    ``trunc2posts``), times ``scale``. Goalposts are in the indicator's original units and are
    flipped with it: for ``direction = -1`` the score is ``(upper - x) / (upper - lower)``, so
    ``upper`` is the worst value and ``lower`` the best (COINr: ``gposts * -1`` and the formula
    reversed).

    Parameters
    ----------
    x:
        Data ``(units, indicators)``.
    lower, upper:
        Goalposts, scalar or one per indicator, ``lower < upper``.
    scale:
        Multiplier of the ``[0, 1]`` score (the Handbook's 0-100 scale by default); ``> 0``.
    trunc:
        Truncate values outside the goalposts.
    direction:
        Optional ``1``/``-1`` per indicator.
    """
    v, squeeze, d = _prepare(x, direction)
    lo = _per_column(lower, v.shape[1], "lower")
    hi = _per_column(upper, v.shape[1], "upper")
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))) or np.any(lo >= hi):
        bad = np.flatnonzero(~(lo < hi)).tolist()
        raise SpecError(
            f"goalposts need finite lower < upper for every indicator (failing columns {bad})",
            where="lower/upper",
            fix="give the worst plausible value as lower and the best as upper, in original units",
        )
    a = float(scale)
    if not np.isfinite(a) or a <= 0:
        raise SpecError(
            f"parameter 'scale' must be a positive number, got {scale!r}",
            where="scale",
            fix="use e.g. scale=100 or scale=1",
        )
    cut = _check_bool(trunc, "trunc")
    # after flipping, the 'worst' goalpost is lower (d = 1) or -upper (d = -1)
    worst = np.where(d > 0, lo, -hi)
    y = (v - worst) / (hi - lo)
    if cut:
        y = np.clip(y, 0.0, 1.0)  # NaN stays NaN
    return _out(y * a, squeeze)


def _none(x: ArrayLike, *, direction: ArrayLike | None = None) -> np.ndarray:
    v, squeeze, _ = _prepare(x, direction)
    return _out(v, squeeze)


# ---------------------------------------------------------------------------------------------
# dispatcher

_FUNCTIONS: dict[str, Callable[..., np.ndarray]] = {
    "none": _none,
    "minmax": minmax,
    "zscore": zscore,
    "scaled": scaled,
    "fraction_of_max": fraction_of_max,
    "dist_to_ref": dist_to_ref,
    "dist_to_max": dist_to_max,
    "dist_to_target": dist_to_target,
    "rank": rank,
    "borda": borda,
    "percentile_rank": percentile_rank,
    "goalposts": goalposts,
}

_PARAMS: dict[str, set[str]] = {
    "none": set(),
    "minmax": {"lower", "upper"},
    "zscore": {"mean", "sd"},
    "scaled": {"lower", "upper"},
    "fraction_of_max": set(),
    "dist_to_ref": {"ref_unit_index", "cap_max"},
    "dist_to_max": set(),
    "dist_to_target": {"targets", "cap_max"},
    "rank": set(),
    "borda": set(),
    "percentile_rank": set(),
    "goalposts": {"lower", "upper", "scale", "trunc"},
}

_ALIASES: dict[str, str] = {
    "n_minmax": "minmax",
    "n_zscore": "zscore",
    "n_scaled": "scaled",
    "n_fracmax": "fraction_of_max",
    "fracmax": "fraction_of_max",
    "max": "fraction_of_max",
    "n_dist2ref": "dist_to_ref",
    "dist2ref": "dist_to_ref",
    "n_dist2max": "dist_to_max",
    "dist2max": "dist_to_max",
    "n_dist2targ": "dist_to_target",
    "dist2targ": "dist_to_target",
    "n_rank": "rank",
    "n_borda": "borda",
    "n_prank": "percentile_rank",
    "prank": "percentile_rank",
    "n_goalposts": "goalposts",
}

#: Every accepted method name (canonical names first, then COINr-style aliases).
METHODS: tuple[str, ...] = (*_FUNCTIONS, *_ALIASES)


def _pair(value: Any, name: str, length: int = 2) -> list[Any]:
    if isinstance(value, str) or not hasattr(value, "__len__") or len(value) != length:
        raise SpecError(
            f"parameter {name!r} must have {length} elements, got {value!r}",
            where=name,
            fix=f"give {name} as a sequence of {length} numbers",
        )
    return list(value)


def _translate_coinr(params: Mapping[str, Any]) -> dict[str, Any]:
    """Map COINr parameter names (``l_u``, ``m_sd``, ``npara``, ``iref``, ``targ``, ``gposts``,
    ``trunc2posts``) onto this module's."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key == "l_u":
            out["lower"], out["upper"] = _pair(value, key)
        elif key == "m_sd":
            out["mean"], out["sd"] = _pair(value, key)
        elif key == "npara":
            out["lower"], out["upper"] = _pair(value, key)
        elif key == "iref":
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise SpecError(
                    f"parameter 'iref' must be an integer (1-based), got {value!r}",
                    where="iref",
                    fix="give the 1-based row of the reference unit",
                )
            out["ref_unit_index"] = int(value) - 1
        elif key == "targ":
            out["targets"] = value
        elif key == "gposts":
            out["lower"], out["upper"], out["scale"] = _pair(value, key, 3)
        elif key == "trunc2posts":
            out["trunc"] = value
        else:
            out[key] = value
    return out


def canonical_method(method: str) -> str:
    """The canonical name of a normalisation method (``"n_prank"`` -> ``"percentile_rank"``)."""
    if not isinstance(method, str):
        raise SpecError(
            f"normalisation method must be a name, got {method!r}",
            where="method",
            fix=f"use one of {', '.join(_FUNCTIONS)}",
        )
    key = method.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in _FUNCTIONS:
        raise SpecError(
            f"unknown normalisation method {method!r}",
            where="method",
            fix=f"use one of {', '.join(_FUNCTIONS)} (or a COINr name such as n_minmax)",
        )
    return key


def normalise(
    x: ArrayLike,
    method: str = "minmax",
    *,
    direction: ArrayLike | None = None,
    **params: Any,
) -> np.ndarray:
    """Normalise every indicator of ``x`` with one method of the catalogue.

    Parameters
    ----------
    x:
        Data ``(units, indicators)``, NaN for missing.
    method:
        A name from :data:`METHODS`: ``minmax``, ``zscore``, ``scaled``, ``fraction_of_max``,
        ``dist_to_ref``, ``dist_to_max``, ``dist_to_target``, ``rank``, ``borda``,
        ``percentile_rank``, ``goalposts``, ``none``, or COINr's names (``n_minmax``,
        ``n_zscore``, ``n_scaled``, ``n_fracmax``, ``n_dist2ref``, ``n_dist2max``, ``n_dist2targ``,
        ``n_rank``, ``n_borda``, ``n_prank``, ``n_goalposts``).
    direction:
        Optional ``1``/``-1`` per indicator, applied before normalising (COINr ``Normalise()``).
    **params:
        The method's parameters, by this module's names (``lower``, ``upper``, ``mean``, ``sd``,
        ``ref_unit_index``, ``targets``, ``cap_max``, ``scale``, ``trunc``) or COINr's
        (``l_u``, ``m_sd``, ``npara``, ``iref`` (1-based), ``targ``, ``gposts``, ``trunc2posts``).

    Raises
    ------
    SpecError
        Unknown method, a parameter the method does not take, or impossible parameter values.
    """
    name = canonical_method(method)
    kwargs = _translate_coinr(params)
    unknown = sorted(set(kwargs) - _PARAMS[name])
    if unknown:
        allowed = ", ".join(sorted(_PARAMS[name])) or "none"
        raise SpecError(
            f"normalisation {name!r} does not take parameter(s) {', '.join(unknown)}",
            where=f"method {method!r}",
            fix=f"parameters of {name}: {allowed}",
        )
    return _FUNCTIONS[name](x, direction=direction, **kwargs)
