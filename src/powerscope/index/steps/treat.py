"""Outlier treatment: winsorisation, then a log transform, as COINr's ``Treat()`` does by default.

The procedure (OECD/JRC Handbook, 2008, section 1.5 / step 3; COINr ``Treat.numeric`` with its
default specification, R/treat.R) is, for each indicator separately:

1. *Check*: an indicator fails when ``|skewness| >= skew_thresh`` **and** ``kurtosis >=
   kurt_thresh`` (COINr ``check_SkewKurt`` passes when ``|skew| < skew_thresh`` OR ``kurt <
   kurt_thresh``). Defaults 2.0 and 3.5, as in COINr. Skewness and kurtosis are the
   bias-corrected sample estimators of e1071 ``type = 2`` (= Excel's ``SKEW``/``KURT``), which
   COINr re-implements in ``skew()``/``kurt()``.
2. *Winsorise* a failing indicator (COINr ``winsorise``): while it fails and fewer than
   ``winmax`` points have been winsorised, look at the sign of the current skewness; if
   ``>= 0`` set every point equal to the current maximum to the next-highest value, else set
   every point equal to the current minimum to the next-lowest value; re-check.
3. If it still fails, apply ``f2`` (default ``"log_CT"``) to the **original** values (COINr
   ``combine_treat = FALSE``): ``log_CT`` is ``log(x - min(x) + 0.01 * (max(x) - min(x)))``,
   so the minimum maps to ``log(0.01 * range)`` and no value is non-positive before the log.
   ``"log_CT_orig"`` is ``log(x - min(x) + 1)``.

Counting as COINr counts: the number of winsorised points is the number of positions changed at
the last high-side step plus those changed at the last low-side step. Since winsorised points
join the tie at the new extreme, this is the number of changed points; but because tied extremes
are moved together, the count can exceed ``winmax`` when values are tied (COINr behaves the
same).

Deliberate differences from COINr: where skewness or kurtosis is undefined (fewer than 3 / 4
observed values, or a constant indicator), COINr stops with an error or returns the vector
untreated with a warning; here the indicator is returned untreated with status
``"undefined"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from powerscope.errors import DataFormatError, SpecError
from powerscope.index.steps._common import as_data as _as_data

__all__ = [
    "F2_METHODS",
    "TreatReport",
    "check_skew_kurt",
    "kurtosis",
    "log_ct",
    "log_ct_orig",
    "skewness",
    "treat",
]

#: Second-stage transforms accepted by :func:`treat` (``None``/``"none"``: no second stage).
F2_METHODS = ("log_CT", "log_CT_orig", "none")


def _moments(v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per column: n, sum of squared, cubed and fourth-power deviations (NaN ignored)."""
    obs = ~np.isnan(v)
    n = obs.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(obs, v, 0.0).sum(axis=0) / n
    dev = np.where(obs, v - mean, 0.0)
    d2 = dev * dev
    return n, d2.sum(axis=0), (d2 * dev).sum(axis=0), (d2 * d2).sum(axis=0)


def skewness(x: ArrayLike) -> np.ndarray | float:
    """Sample skewness per column, NaN ignored (e1071 ``type = 2``; COINr ``skew()``; Excel).

    ``g1 = sqrt(n) * sum(d^3) / sum(d^2)^(3/2)``, ``G1 = g1 * sqrt(n (n - 1)) / (n - 2)`` with
    ``d = x - mean(x)``. NaN where fewer than 3 values are observed or the column is constant.

    Returns a float for 1-D input, else an array ``(indicators,)``.
    """
    v, squeeze = _as_data(x)
    n, s2, s3, _ = _moments(v)
    with np.errstate(invalid="ignore", divide="ignore"):
        g1 = np.sqrt(n) * s3 / s2**1.5
        out = g1 * np.sqrt(n * (n - 1.0)) / (n - 2.0)
    out = np.where((n >= 3) & (s2 > 0), out, np.nan)
    return float(out[0]) if squeeze else out


def kurtosis(x: ArrayLike) -> np.ndarray | float:
    """Sample excess kurtosis per column, NaN ignored (e1071 ``type = 2``; COINr ``kurt()``).

    ``r = n * sum(d^4) / sum(d^2)^2``, ``G2 = ((n + 1) (r - 3) + 6) (n - 1) / ((n - 2) (n - 3))``.
    A normal sample gives about 0. NaN where fewer than 4 values are observed or the column is
    constant.
    """
    v, squeeze = _as_data(x)
    n, s2, _, s4 = _moments(v)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = n * s4 / (s2 * s2)
        out = ((n + 1.0) * (r - 3.0) + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))
    out = np.where((n >= 4) & (s2 > 0), out, np.nan)
    return float(out[0]) if squeeze else out


def check_skew_kurt(
    x: ArrayLike, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> np.ndarray | bool:
    """COINr ``check_SkewKurt``: passes when ``|skew| < skew_thresh`` or ``kurt < kurt_thresh``.

    Columns whose skewness or kurtosis is undefined are reported as passing (nothing to treat).
    """
    v, squeeze = _as_data(x)
    sk, ku = np.asarray(skewness(v)), np.asarray(kurtosis(v))
    ok = _passes(sk, ku, skew_thresh, kurt_thresh)
    return bool(ok[0]) if squeeze else ok


def _passes(sk: np.ndarray, ku: np.ndarray, skew_thresh: float, kurt_thresh: float) -> np.ndarray:
    undefined = np.isnan(sk) | np.isnan(ku)
    with np.errstate(invalid="ignore"):
        return np.asarray(undefined | (np.abs(sk) < skew_thresh) | (ku < kurt_thresh))


def log_ct(x: ArrayLike) -> np.ndarray:
    """COINr ``log_CT``: ``log(x - min + 0.01 * (max - min))`` per column, NaN ignored.

    The shift makes every value positive whatever its sign: the minimum becomes
    ``log(0.01 * range)``. A constant column gives ``-inf``.
    """
    v, squeeze = _as_data(x)
    obs = ~np.isnan(v)
    any_obs = obs.any(axis=0)
    mn = np.where(any_obs, np.where(obs, v, np.inf).min(axis=0), np.nan)
    mx = np.where(any_obs, np.where(obs, v, -np.inf).max(axis=0), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(v - mn + 0.01 * (mx - mn))
    return out[:, 0] if squeeze else out


def log_ct_orig(x: ArrayLike) -> np.ndarray:
    """COINr ``log_CT_orig``: ``log(x - min + 1)`` per column, NaN ignored."""
    v, squeeze = _as_data(x)
    obs = ~np.isnan(v)
    mn = np.where(obs.any(axis=0), np.where(obs, v, np.inf).min(axis=0), np.nan)
    out = np.log(v - mn + 1.0)
    return out[:, 0] if squeeze else out


_F2 = {"log_CT": log_ct, "log_CT_orig": log_ct_orig}


@dataclass(frozen=True)
class TreatReport:
    """What :func:`treat` did to each indicator (arrays are indexed by indicator column).

    Attributes
    ----------
    skew_before, kurt_before:
        Skewness and kurtosis of the input.
    winsorised_low, winsorised_high:
        Points winsorised at the low / high end by the first stage (COINr ``nwin`` split by side).
        Still reported when the second stage then replaced the winsorised values (see
        ``log_transformed``).
    log_transformed:
        Whether the second stage (``f2``) was applied; the output is then ``f2`` of the original
        values (or of the winsorised ones with ``combine_treat``).
    skew_after, kurt_after:
        Skewness and kurtosis of the output.
    passed:
        Whether the output passes the skew/kurtosis check.
    status:
        ``"ok"`` (passed untreated), ``"winsorised"``, ``"log"`` (f2 applied), ``"failed"``
        (still failing and no f2), or ``"undefined"`` (skewness/kurtosis undefined; untreated).
    treated:
        ``(units, indicators)`` mask of the cells whose value was changed.
    """

    skew_before: np.ndarray
    kurt_before: np.ndarray
    winsorised_low: np.ndarray
    winsorised_high: np.ndarray
    log_transformed: np.ndarray
    skew_after: np.ndarray
    kurt_after: np.ndarray
    passed: np.ndarray
    status: list[str]
    treated: np.ndarray

    @property
    def n_winsorised(self) -> np.ndarray:
        """Points winsorised per indicator (low + high)."""
        return self.winsorised_low + self.winsorised_high

    def rows(self, codes: list[str] | None = None) -> list[dict[str, Any]]:
        """One dict per indicator (``code``, ``status``, counts, statistics), for tables."""
        names = codes if codes is not None else [str(j) for j in range(len(self.status))]
        if len(names) != len(self.status):
            raise DataFormatError(
                f"{len(names)} codes for {len(self.status)} indicators",
                where="codes",
                fix="give one code per indicator column",
            )
        return [
            {
                "code": names[j],
                "status": self.status[j],
                "winsorised_low": int(self.winsorised_low[j]),
                "winsorised_high": int(self.winsorised_high[j]),
                "log_transformed": bool(self.log_transformed[j]),
                "skew_before": float(self.skew_before[j]),
                "kurt_before": float(self.kurt_before[j]),
                "skew_after": float(self.skew_after[j]),
                "kurt_after": float(self.kurt_after[j]),
                "passed": bool(self.passed[j]),
            }
            for j in range(len(self.status))
        ]


def _check_params(
    winmax: int | None, skew_thresh: float, kurt_thresh: float, f2: str | None
) -> str | None:
    if winmax is not None and (
        isinstance(winmax, bool) or not isinstance(winmax, int | np.integer) or winmax < 0
    ):
        raise SpecError(
            f"parameter 'winmax' must be a non-negative integer or None, got {winmax!r}",
            where="winmax",
            fix="use e.g. winmax=5 (0 disables winsorisation, None removes the limit)",
        )
    for name, value in (("skew_thresh", skew_thresh), ("kurt_thresh", kurt_thresh)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise SpecError(
                f"parameter {name!r} must be a number, got {value!r}",
                where=name,
                fix="use the COINr defaults skew_thresh=2.0, kurt_thresh=3.5",
            )
        if not np.isfinite(value):
            raise SpecError(
                f"parameter {name!r} must be finite, got {value!r}",
                where=name,
                fix="use the COINr defaults skew_thresh=2.0, kurt_thresh=3.5",
            )
    if skew_thresh <= 0:
        raise SpecError(
            f"parameter 'skew_thresh' must be positive, got {skew_thresh!r}",
            where="skew_thresh",
            fix="use e.g. skew_thresh=2.0",
        )
    if f2 is None or f2 == "none":
        return None
    if f2 not in _F2:
        raise SpecError(
            f"unknown second-stage treatment f2={f2!r}",
            where="f2",
            fix=f"use one of {', '.join(F2_METHODS)} or None",
        )
    return f2


def _skew_kurt_1d(values: np.ndarray) -> tuple[float, float]:
    """Skewness and kurtosis of a 1-D array without NaN (same estimators, no overhead)."""
    n = float(values.size)
    d = values - values.mean()
    d2 = d * d
    s2 = float(d2.sum())
    if s2 <= 0 or n < 4:
        return float("nan"), float("nan")
    sk = np.sqrt(n) * float((d2 * d).sum()) / s2**1.5 * np.sqrt(n * (n - 1.0)) / (n - 2.0)
    r = n * float((d2 * d2).sum()) / (s2 * s2)
    ku = ((n + 1.0) * (r - 3.0) + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))
    return float(sk), float(ku)


def _winsorise(
    col: np.ndarray,
    passing: bool,
    winmax: int | None,
    skew_thresh: float,
    kurt_thresh: float,
    force_win: bool,
) -> tuple[np.ndarray, int, int, bool | None]:
    """COINr ``winsorise`` on one column: (values, n low, n high, passes-after or None)."""
    x = col.copy()
    present = ~np.isnan(x)
    vals = x[present]  # winsorised in place, then written back
    imax = np.empty(0, dtype=int)
    imin = np.empty(0, dtype=int)
    nwin = 0
    sk, _ = _skew_kurt_1d(vals)
    while (not passing or force_win) and (winmax is None or nwin < winmax):
        if sk >= 0:
            top = vals.max()
            hit = vals == top
            if hit.all():
                break
            imax = np.flatnonzero(hit)
            vals[hit] = vals[~hit].max()
        else:
            bottom = vals.min()
            hit = vals == bottom
            if hit.all():
                break
            imin = np.flatnonzero(hit)
            vals[hit] = vals[~hit].min()
        nwin = imax.size + imin.size
        sk, ku = _skew_kurt_1d(vals)
        if np.isnan(sk) or np.isnan(ku):
            x[present] = vals
            return x, imin.size, imax.size, None
        passing = bool((abs(sk) < skew_thresh) or (ku < kurt_thresh))
    x[present] = vals
    return x, imin.size, imax.size, passing


def treat(
    x: ArrayLike,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    f2: str | None = "log_CT",
    *,
    force_win: bool = False,
    combine_treat: bool = False,
) -> tuple[np.ndarray, TreatReport]:
    """Treat outliers indicator by indicator, as COINr ``Treat()`` does by default.

    See the module docstring for the procedure (check, winsorise up to ``winmax`` points, else
    ``f2`` on the original values).

    Parameters
    ----------
    x:
        Data ``(units, indicators)``, NaN for missing (ignored, and kept).
    winmax:
        Maximum number of points to winsorise per indicator (COINr default 5); ``0`` skips
        winsorisation, ``None`` removes the limit.
    skew_thresh, kurt_thresh:
        Absolute-skewness and kurtosis thresholds (COINr defaults 2.0 and 3.5).
    f2:
        Second-stage transform for indicators still failing after winsorisation: ``"log_CT"``
        (default), ``"log_CT_orig"``, or ``None``/``"none"`` to keep the winsorised values.
    force_win:
        COINr ``force_win``: once an indicator fails, winsorise up to ``winmax`` points even if it
        passes earlier.
    combine_treat:
        COINr ``combine_treat``: apply ``f2`` to the winsorised values instead of the original.

    Returns
    -------
    (numpy.ndarray, TreatReport)
        The treated data (same shape as ``x``; a new array) and what was done per indicator.

    Raises
    ------
    SpecError
        Bad ``winmax``, thresholds, or unknown ``f2``.
    """
    f2_name = _check_params(winmax, skew_thresh, kurt_thresh, f2)
    v, squeeze = _as_data(x)
    out = v.copy()
    p = v.shape[1]
    sk0 = np.asarray(skewness(v), dtype=float)
    ku0 = np.asarray(kurtosis(v), dtype=float)
    undefined = np.isnan(sk0) | np.isnan(ku0)
    with np.errstate(invalid="ignore"):
        pass0 = (np.abs(sk0) < skew_thresh) | (ku0 < kurt_thresh)
    status = ["undefined" if undefined[j] else "ok" for j in range(p)]
    low = np.zeros(p, dtype=int)
    high = np.zeros(p, dtype=int)
    logged = np.zeros(p, dtype=bool)
    for j in np.flatnonzero(~undefined & ~pass0):
        col = v[:, j]
        x1, n_lo, n_hi, pass1 = _winsorise(col, False, winmax, skew_thresh, kurt_thresh, force_win)
        low[j], high[j] = n_lo, n_hi
        if pass1 is None:  # statistics became undefined: COINr returns the original vector
            status[j] = "undefined"
            continue
        if pass1:
            out[:, j] = x1
            status[j] = "winsorised"
        elif f2_name is None:
            out[:, j] = x1
            status[j] = "failed"
        else:
            base = x1 if combine_treat else col
            out[:, j] = _F2[f2_name](base)
            logged[j] = True
            status[j] = "log"
    sk1 = np.asarray(skewness(out), dtype=float)
    ku1 = np.asarray(kurtosis(out), dtype=float)
    with np.errstate(invalid="ignore"):
        passed = _passes(sk1, ku1, skew_thresh, kurt_thresh)
    # COINr keeps the f2 values even when they still fail the check: so do we ("log").
    both = ~np.isnan(v)
    treated = both & (out != v)
    report = TreatReport(
        skew_before=sk0,
        kurt_before=ku0,
        winsorised_low=low,
        winsorised_high=high,
        log_transformed=logged,
        skew_after=sk1,
        kurt_after=ku1,
        passed=passed,
        status=status,
        treated=treated,
    )
    return (out[:, 0] if squeeze else out), report
