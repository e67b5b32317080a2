"""Imputation of missing indicator values (NaN), as in COINr's ``Impute()`` and the Handbook.

Every function returns ``(imputed, mask)``: a new float array of the input's shape, and a boolean
array marking the cells that were missing and now hold an imputed value. Observed values are
never changed (the output is built by writing into the missing cells only). Cells that cannot be
imputed stay NaN and are not marked.

Methods (OECD/JRC *Handbook on Constructing Composite Indicators*, 2008, section 1.3 / step 3;
COINr R/impute.R):

- :func:`impute_mean`, :func:`impute_median`: per indicator (COINr ``i_mean``, ``i_median``);
- :func:`impute_group_mean`, :func:`impute_group_median`: per indicator within unit groups
  (COINr ``i_mean_grp``, ``i_median_grp`` with ``Impute(..., use_group = ...)``);
- :func:`impute_panel`: along time within each unit and indicator (COINr ``impute_panel``);
- :func:`impute_em`: multivariate-normal expectation-maximisation (Handbook "EM"; Little & Rubin,
  *Statistical Analysis with Missing Data*, 2002, ch. 8; Dempster, Laird & Rubin, 1977).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from powerscope.errors import DataFormatError, SpecError
from powerscope.index.steps._common import as_data as _as_data

__all__ = [
    "METHODS",
    "EMResult",
    "em_fit",
    "impute",
    "impute_em",
    "impute_group_mean",
    "impute_group_median",
    "impute_mean",
    "impute_median",
    "impute_panel",
]


def _fill(v: np.ndarray, values: np.ndarray, squeeze: bool) -> tuple[np.ndarray, np.ndarray]:
    """Write ``values`` (broadcastable to ``v``) into the missing cells of a copy of ``v``."""
    missing = np.isnan(v)
    out = v.copy()
    full = np.broadcast_to(values, v.shape)
    out[missing] = full[missing]
    mask = missing & ~np.isnan(out)
    if squeeze:
        return out[:, 0], mask[:, 0]
    return out, mask


def _column_stat(v: np.ndarray, stat: Literal["mean", "median"]) -> np.ndarray:
    obs = ~np.isnan(v)
    has = obs.any(axis=0)
    out = np.full(v.shape[1], np.nan)
    if not has.any():
        return out
    sub = v[:, has]
    if stat == "mean":
        o = ~np.isnan(sub)
        out[has] = np.where(o, sub, 0.0).sum(axis=0) / o.sum(axis=0)
    else:
        out[has] = np.nanmedian(sub, axis=0)
    return out


def impute_mean(x: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Replace missing values by the indicator's mean of observed values (COINr ``i_mean``).

    An indicator with no observed value stays missing (COINr: all-NA input is returned with a
    warning).

    Parameters
    ----------
    x:
        Data ``(units, indicators)``, NaN for missing.

    Returns
    -------
    (imputed, mask)
        A new array, and the cells that were imputed.
    """
    v, squeeze = _as_data(x)
    return _fill(v, _column_stat(v, "mean")[None, :], squeeze)


def impute_median(x: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Replace missing values by the indicator's median of observed values (COINr ``i_median``).

    The median of an even number of values is the mean of the middle two (as R's ``median``).
    """
    v, squeeze = _as_data(x)
    return _fill(v, _column_stat(v, "median")[None, :], squeeze)


def _group_codes(groups: ArrayLike | Sequence[Any], n_units: int) -> tuple[np.ndarray, int]:
    """Integer code per unit (``-1`` for a missing label) and the number of groups."""
    labels = np.asarray(groups, dtype=object)
    if labels.ndim != 1 or labels.shape[0] != n_units:
        raise DataFormatError(
            f"groups has shape {labels.shape}, expected ({n_units},): one label per unit",
            where="groups",
            fix="give one group label per row of x (e.g. iData's EurAsia_group column)",
        )

    def is_missing(label: Any) -> bool:
        if label is None or type(label).__name__ in ("NAType", "NaTType"):  # pandas NA / NaT
            return True
        if isinstance(label, float | np.floating):
            return bool(np.isnan(label))
        return False

    codes = np.full(n_units, -1, dtype=int)
    seen: dict[Any, int] = {}
    for i, label in enumerate(labels):
        if is_missing(label):
            continue
        codes[i] = seen.setdefault(label, len(seen))
    if not seen:
        raise DataFormatError(
            "groups has no non-missing label",
            where="groups",
            fix="give at least one unit a group label",
        )
    return codes, len(seen)


def _impute_group(
    x: ArrayLike,
    groups: ArrayLike | Sequence[Any],
    stat: Literal["mean", "median"],
    fallback: Literal["none", "overall"] | None,
) -> tuple[np.ndarray, np.ndarray]:
    v, squeeze = _as_data(x)
    if fallback not in (None, "none", "overall"):
        raise SpecError(
            f"parameter 'fallback' must be None, 'none' or 'overall', got {fallback!r}",
            where="fallback",
            fix="use fallback=None (COINr: leave missing) or fallback='overall'",
        )
    codes, n_groups = _group_codes(groups, v.shape[0])
    fill = np.full(v.shape, np.nan)
    for g in range(n_groups):
        rows = codes == g
        fill[rows] = _column_stat(v[rows], stat)[None, :]
    out, mask = _fill(v, fill, False)
    if fallback == "overall":
        still = np.isnan(out) & (codes >= 0)[:, None]
        if still.any():
            overall = np.broadcast_to(_column_stat(v, stat)[None, :], v.shape)
            out[still] = overall[still]
            mask = np.isnan(v) & ~np.isnan(out)
    if squeeze:
        return out[:, 0], mask[:, 0]
    return out, mask


def impute_group_mean(
    x: ArrayLike,
    groups: ArrayLike | Sequence[Any],
    *,
    fallback: Literal["none", "overall"] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Replace missing values by the mean of the unit's group (COINr ``i_mean_grp``).

    Parameters
    ----------
    x:
        Data ``(units, indicators)``, NaN for missing.
    groups:
        One label per unit (e.g. ASEM's ``EurAsia_group``). Units whose label is missing
        (``None``/NaN) are left untouched and do not count in any group (COINr
        ``skip_f_na = TRUE``).
    fallback:
        What to do when a group has no observed value for an indicator. ``None``/``"none"``
        (default, COINr semantics: the group mean is ``NaN``, so those cells stay missing), or
        ``"overall"``: use the indicator's mean over all units instead (an extension).

    Returns
    -------
    (imputed, mask)
    """
    return _impute_group(x, groups, "mean", fallback)


def impute_group_median(
    x: ArrayLike,
    groups: ArrayLike | Sequence[Any],
    *,
    fallback: Literal["none", "overall"] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Replace missing values by the median of the unit's group (COINr ``i_median_grp``).

    Same conventions as :func:`impute_group_mean` (missing labels skipped; an all-missing group
    stays missing unless ``fallback="overall"``).
    """
    return _impute_group(x, groups, "median", fallback)


# ---------------------------------------------------------------------------------------------
# panel


def impute_panel(
    values: ArrayLike,
    years: ArrayLike | None = None,
    method: Literal["linear", "constant", "latest"] = "linear",
    *,
    max_time: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Impute a panel along time, separately for every unit and indicator (COINr ``impute_panel``).

    Parameters
    ----------
    values:
        Panel ``(times, units, indicators)``, NaN for missing (a 2-D ``(times, units)`` array is
        taken as one indicator).
    years:
        Time of each slice (numeric, distinct; any order). Default ``0, 1, 2, ...``. Linear
        interpolation is in these units, so uneven spacing is respected.
    method:
        - ``"linear"``: linear interpolation between the nearest observed times before and after;
          before the first / after the last observation the nearest observed value is held
          (R ``stats::approx(..., method = "linear", rule = 2)``, as COINr does);
        - ``"constant"``: the last observed value is carried forward; before the first
          observation the first observed value is carried back (``approx(method = "constant",
          rule = 2)``);
        - ``"latest"``: COINr's default ``imp_type``: carry the last observed value forward only,
          at most ``max_time`` time points back; earlier gaps stay missing.
    max_time:
        Only for ``"latest"``: the number of earlier time points to look back (default: all).

    A series with a single observed value gets that value at every time, with both ``"linear"``
    and ``"constant"``. Deliberate difference: R's ``approx(method = "linear")`` stops with "need
    at least two non-NA values to interpolate", so COINr's ``impute_panel(imp_type = "linear")``
    errors there; holding the one value is what ``rule = 2`` would do and what ``"constant"`` does.
    A series with no observed value stays missing (COINr skips it with a note).

    Returns
    -------
    (imputed, mask)
        Arrays of shape ``(times, units, indicators)``.
    """
    try:
        panel = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataFormatError(
            f"values is not numeric: {exc}",
            where="values",
            fix="pass a float array (times x units x indicators)",
        ) from None
    if panel.ndim == 2:
        panel = panel[:, :, None]
        squeeze = True
    elif panel.ndim == 3:
        squeeze = False
    else:
        raise DataFormatError(
            f"values has {panel.ndim} dimensions, expected 3 (times x units x indicators)",
            where="values",
            fix="stack one (units x indicators) array per time point along axis 0",
        )
    n_t = panel.shape[0]
    if method not in ("linear", "constant", "latest"):
        raise SpecError(
            f"unknown panel imputation method {method!r}",
            where="method",
            fix="use 'linear', 'constant' or 'latest'",
        )
    if max_time is not None:
        if method != "latest":
            raise SpecError(
                f"parameter 'max_time' applies only to method='latest', not {method!r}",
                where="max_time",
                fix="drop max_time, or use method='latest'",
            )
        if isinstance(max_time, bool) or not isinstance(max_time, int | np.integer) or max_time < 1:
            raise SpecError(
                f"parameter 'max_time' must be a positive integer, got {max_time!r}",
                where="max_time",
                fix="use e.g. max_time=1 to look back one time point",
            )
    if years is None:
        t = np.arange(n_t, dtype=float)
    else:
        try:
            t = np.asarray(years, dtype=float)
        except (TypeError, ValueError):
            raise DataFormatError(
                "years is not numeric", where="years", fix="give one number per time slice"
            ) from None
        if t.shape != (n_t,):
            raise DataFormatError(
                f"years has shape {t.shape}, expected ({n_t},): one per time slice of values",
                where="years",
                fix="give one year per slice along axis 0 of values",
            )
        if not np.all(np.isfinite(t)) or np.unique(t).size != n_t:
            raise DataFormatError(
                "years must be finite and distinct",
                where="years",
                fix="give each time slice its own year",
            )
    order = np.argsort(t, kind="stable")
    ts = t[order]
    v = panel[order].reshape(n_t, -1)  # (times, series)
    obs = ~np.isnan(v)
    pos = np.arange(n_t)[:, None]
    prev = np.maximum.accumulate(np.where(obs, pos, -1), axis=0)
    nxt = np.minimum.accumulate(np.where(obs, pos, n_t)[::-1], axis=0)[::-1]
    has_prev, has_next = prev >= 0, nxt < n_t
    cols = np.arange(v.shape[1])[None, :]
    prev_c, next_c = np.clip(prev, 0, n_t - 1), np.clip(nxt, 0, n_t - 1)
    y_prev = np.where(has_prev, v[prev_c, cols], np.nan)
    y_next = np.where(has_next, v[next_c, cols], np.nan)
    if method == "latest":
        fill = y_prev
        if max_time is not None:
            fill = np.where(pos - prev <= max_time, fill, np.nan)
    else:
        if method == "linear":
            t_prev, t_next = ts[prev_c], ts[next_c]
            with np.errstate(invalid="ignore", divide="ignore"):
                frac = (ts[:, None] - t_prev) / (t_next - t_prev)
                inner = y_prev + (y_next - y_prev) * frac
        else:
            inner = y_prev
        fill = np.where(has_prev & has_next, inner, np.where(has_prev, y_prev, y_next))
    out = np.where(obs, v, fill)
    result = np.empty_like(panel)
    result[order] = out.reshape(panel.shape)
    mask = np.isnan(panel) & ~np.isnan(result)
    if squeeze:
        return result[:, :, 0], mask[:, :, 0]
    return result, mask


# ---------------------------------------------------------------------------------------------
# EM


@dataclass(frozen=True)
class EMResult:
    """Result of :func:`em_fit`.

    Attributes
    ----------
    values, imputed:
        The completed data and the imputed-cell mask (as :func:`impute_em` returns them).
    mean, cov:
        Estimated mean vector and covariance matrix, in the data's original units.
    n_iter:
        EM iterations run.
    converged:
        Whether the relative change fell below ``tol`` before ``max_iter``.
    """

    values: np.ndarray
    imputed: np.ndarray
    mean: np.ndarray
    cov: np.ndarray
    n_iter: int
    converged: bool


def em_fit(
    x: ArrayLike,
    max_iter: int = 1000,
    tol: float = 1e-6,
    *,
    shrinkage: float = 0.05,
) -> EMResult:
    """Multivariate-normal EM imputation, with its estimates and convergence information.

    The data are standardised by the observed mean and sd of each indicator. From a start at
    mean 0 and the (shrunk) pairwise-complete correlation matrix, each iteration

    - (E) replaces each unit's missing values by their conditional mean given its observed values,
      ``mu_m + S_mo S_oo^-1 (x_o - mu_o)``, and accumulates the conditional covariance
      ``S_mm - S_mo S_oo^-1 S_om`` (Little & Rubin, 2002, section 11.2);
    - (M) re-estimates ``mu`` and ``S`` from the completed data plus the accumulated conditional
      covariances, then shrinks ``S`` towards the identity (in standardised units):
      ``S = (S_ML + shrinkage * I) / (1 + shrinkage)``;

    until the largest change of ``mu``, ``S`` and of the imputed values is below ``tol``
    (standardised units). Units sharing a pattern of missing values share one solve.

    The shrinkage makes this the EM for a penalised likelihood (an inverse-Wishart prior centred
    on uncorrelated indicators, as the ridge prior of Amelia II, Honaker, King & Blackwell, 2011):
    it converges monotonically and is needed when there are about as many indicators as units
    (ASEM: 49 for 51), where the maximum-likelihood covariance is singular and the plain EM
    neither converges nor imputes sensibly. ``shrinkage = 0`` gives the textbook EM (with a
    pseudo-inverse for singular blocks).

    Indicators with fewer than two observed values or no spread cannot enter the model: a
    constant indicator is imputed with its constant, an all-missing one stays missing.
    Deterministic: no random start.

    Raises
    ------
    SpecError
        ``max_iter < 1``, ``tol <= 0`` or ``shrinkage < 0``.
    """
    if isinstance(max_iter, bool) or not isinstance(max_iter, int | np.integer) or max_iter < 1:
        raise SpecError(
            f"parameter 'max_iter' must be a positive integer, got {max_iter!r}",
            where="max_iter",
            fix="use e.g. max_iter=1000",
        )
    if not np.isfinite(tol) or tol <= 0:
        raise SpecError(
            f"parameter 'tol' must be a positive number, got {tol!r}",
            where="tol",
            fix="use e.g. tol=1e-6",
        )
    if not np.isfinite(shrinkage) or shrinkage < 0:
        raise SpecError(
            f"parameter 'shrinkage' must be a non-negative number, got {shrinkage!r}",
            where="shrinkage",
            fix="use e.g. shrinkage=0.05 (0 for the textbook EM)",
        )
    v, squeeze = _as_data(x)
    n, p = v.shape
    obs = ~np.isnan(v)
    n_obs = obs.sum(axis=0)
    loc = _column_stat(v, "mean")
    with np.errstate(invalid="ignore"):
        dev = np.where(obs, v - loc, 0.0)
        scale = np.sqrt((dev**2).sum(axis=0) / np.maximum(n_obs - 1, 1))
    usable = (n_obs >= 2) & (scale > 0)
    out = v.copy()
    const = (n_obs >= 1) & ~usable
    out[:, const] = np.where(obs[:, const], v[:, const], loc[const])
    mean_full = loc.copy()
    cov_full = np.full((p, p), np.nan)
    cols = np.flatnonzero(usable)
    k = cols.size
    z = (v[:, cols] - loc[cols]) / scale[cols]
    zobs = ~np.isnan(z)
    eye = np.eye(k)
    # start: pairwise-complete correlations, shrunk like every M-step
    zz = np.where(zobs, z, 0.0)
    counts = zobs.T.astype(float) @ zobs.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = (zz.T @ zz) / np.where(counts > 0, counts, np.nan)
    sigma = np.nan_to_num(sigma, nan=0.0)
    np.fill_diagonal(sigma, 1.0)
    sigma = (sigma + shrinkage * eye) / (1.0 + shrinkage)
    mu = np.zeros(k)
    # one entry per pattern of missing values: (rows, missing idx, observed idx)
    patterns, inverse = np.unique(~zobs, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    groups = []
    for g, pat in enumerate(patterns):
        if pat.any():
            rows, m, o = np.flatnonzero(inverse == g), np.flatnonzero(pat), np.flatnonzero(~pat)
            groups.append(
                (
                    rows.size,
                    m,
                    o,
                    np.ix_(m, m),
                    np.ix_(o, o),
                    np.ix_(m, o),
                    np.ix_(rows, m),
                    z[np.ix_(rows, o)],
                )
            )
    filled = zz.copy()
    converged = not groups
    n_iter = 0
    while not converged and n_iter < max_iter:
        n_iter += 1
        extra = np.zeros((k, k))
        new = filled.copy()
        for n_rows, m, o, ix_mm, ix_oo, ix_mo, ix_rm, z_o in groups:
            s_mm = sigma[ix_mm]
            if o.size == 0:
                new[ix_rm] = mu[m]
                extra[ix_mm] += n_rows * s_mm
                continue
            s_mo = sigma[ix_mo]
            # regression coefficients of the missing on the observed, (m, o)
            coef = (
                np.linalg.solve(sigma[ix_oo], s_mo.T).T
                if shrinkage > 0
                else s_mo @ np.linalg.pinv(sigma[ix_oo])
            )
            new[ix_rm] = mu[m] + (z_o - mu[o]) @ coef.T
            extra[ix_mm] += n_rows * (s_mm - coef @ s_mo.T)
        mu_new = new.mean(axis=0)
        d = new - mu_new
        sigma_new = (d.T @ d + extra) / n
        sigma_new = ((sigma_new + sigma_new.T) / 2.0 + shrinkage * eye) / (1.0 + shrinkage)
        change = max(
            float(np.max(np.abs(mu_new - mu))),
            float(np.max(np.abs(sigma_new - sigma))),
            float(np.max(np.abs(new - filled))),
        )
        mu, sigma, filled = mu_new, sigma_new, new
        converged = change < tol
    if k:
        completed = filled * scale[cols] + loc[cols]
        out[:, cols] = np.where(zobs, v[:, cols], completed)
        mean_full[cols] = mu * scale[cols] + loc[cols]
        cov_full[np.ix_(cols, cols)] = sigma * np.outer(scale[cols], scale[cols])
    mask = np.isnan(v) & ~np.isnan(out)
    return EMResult(
        values=out[:, 0] if squeeze else out,
        imputed=mask[:, 0] if squeeze else mask,
        mean=mean_full,
        cov=cov_full,
        n_iter=n_iter,
        converged=converged,
    )


def impute_em(
    x: ArrayLike,
    max_iter: int = 1000,
    tol: float = 1e-6,
    *,
    shrinkage: float = 0.05,
) -> tuple[np.ndarray, np.ndarray]:
    """Expectation-maximisation imputation under a multivariate normal model (Handbook "EM").

    Iterative conditional-mean imputation with a covariance update: see :func:`em_fit` for the
    algorithm, the standardisation and the ``shrinkage``. COINr has no built-in EM (it accepts any
    data-frame imputation function, e.g. from the ``mice`` or ``Amelia`` packages); the Handbook
    (section 1.3 and step 3 of the checklist) describes this method.

    Emits a :class:`RuntimeWarning` if EM has not converged after ``max_iter`` iterations (the
    last iterate is returned).

    Returns
    -------
    (imputed, mask)
    """
    res = em_fit(x, max_iter, tol, shrinkage=shrinkage)
    if not res.converged:
        warnings.warn(
            f"EM imputation did not converge in {res.n_iter} iterations (tol={tol}); "
            "increase max_iter or shrinkage",
            RuntimeWarning,
            stacklevel=2,
        )
    return res.values, res.imputed


# ---------------------------------------------------------------------------------------------
# dispatcher

_METHOD_ALIASES = {
    "i_mean": "mean",
    "i_median": "median",
    "i_mean_grp": "group_mean",
    "i_median_grp": "group_median",
}

#: Method names accepted by :func:`impute`.
METHODS = ("none", "mean", "median", "group_mean", "group_median", "em", *_METHOD_ALIASES)


def impute(
    x: ArrayLike,
    method: str = "mean",
    *,
    groups: ArrayLike | Sequence[Any] | None = None,
    **params: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """Impute with a method given by name (for uncertainty analysis over imputation options).

    ``method``: ``"none"``, ``"mean"``, ``"median"``, ``"group_mean"``, ``"group_median"``,
    ``"em"``, or COINr's ``"i_mean"``, ``"i_median"``, ``"i_mean_grp"``, ``"i_median_grp"``.
    Group methods need ``groups``; other keyword ``params`` go to the method
    (``fallback`` for group methods; ``max_iter``, ``tol``, ``shrinkage`` for EM).
    """
    if not isinstance(method, str):
        raise SpecError(
            f"imputation method must be a name, got {method!r}",
            where="method",
            fix=f"use one of {', '.join(METHODS)}",
        )
    name = _METHOD_ALIASES.get(method, method)
    if name not in METHODS:
        raise SpecError(
            f"unknown imputation method {method!r}",
            where="method",
            fix=f"use one of {', '.join(METHODS)}",
        )
    allowed = {
        "none": set(),
        "mean": set(),
        "median": set(),
        "group_mean": {"fallback"},
        "group_median": {"fallback"},
        "em": {"max_iter", "tol", "shrinkage"},
    }[name]
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise SpecError(
            f"imputation {name!r} does not take parameter(s) {', '.join(unknown)}",
            where=f"method {method!r}",
            fix=f"parameters of {name}: {', '.join(sorted(allowed)) or 'none'}",
        )
    if name in ("group_mean", "group_median"):
        if groups is None:
            raise SpecError(
                f"imputation {name!r} needs 'groups' (one label per unit)",
                where="groups",
                fix="pass groups=..., e.g. the EurAsia_group column",
            )
        f = impute_group_mean if name == "group_mean" else impute_group_median
        return f(x, groups, **params)
    if name == "none":
        v, squeeze = _as_data(x)
        out = v.copy()
        mask = np.zeros(v.shape, dtype=bool)
        return (out[:, 0], mask[:, 0]) if squeeze else (out, mask)
    if name == "mean":
        return impute_mean(x)
    if name == "median":
        return impute_median(x)
    return impute_em(x, **params)
