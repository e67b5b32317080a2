"""Denomination: turn extensive indicators into intensive ones (per GDP, per capita, per km2).

COINr ``Denominate()`` (R/denominate.R; the Handbook's advice to scale size-dependent
indicators, OECD/JRC 2008, section 1.5): each indicator named in the specification is divided by
its denominator column, the others are left untouched. With a scale factor ``s`` COINr divides
the *denominator* by ``s`` first, so the result is ``x * s / d`` (e.g. ``s = 1000`` turns
"per thousand people" into "per person" when population is given in thousands).

Deliberate difference: where the denominator is 0, R gives ``Inf``/``NaN``; here the result is
NaN and the cell is reported, like a missing denominator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from powerscope.errors import DataFormatError, SpecError

__all__ = ["DenominationReport", "denominate"]


@dataclass(frozen=True)
class DenominationReport:
    """What :func:`denominate` did, per indicator column.

    Attributes
    ----------
    denominator:
        The denominator name used for each indicator, or ``None`` if left untouched.
    scale:
        The scale factor of each indicator (1 where none was given or not denominated).
    lost:
        ``(units, indicators)`` mask of cells that were observed but became NaN because the
        unit's denominator is missing, zero or not finite.
    """

    denominator: list[str | None]
    scale: np.ndarray
    lost: np.ndarray

    @property
    def denominated(self) -> np.ndarray:
        """Boolean mask of the denominated indicator columns."""
        return np.array([d is not None for d in self.denominator], dtype=bool)

    @property
    def n_lost(self) -> np.ndarray:
        """Per indicator: observed values lost to a missing or zero denominator."""
        return np.asarray(self.lost.sum(axis=0))


def _is_blank(name: object) -> bool:
    if name is None:
        return True
    if isinstance(name, float) and np.isnan(name):
        return True
    return isinstance(name, str) and not name.strip()


def denominate(
    x: ArrayLike,
    denominators: Mapping[str, ArrayLike],
    spec: Sequence[str | None] | Mapping[int, str],
    *,
    scale_factors: ArrayLike | None = None,
    indicator_codes: Sequence[str] | None = None,
) -> tuple[np.ndarray, DenominationReport]:
    """Divide each indicator by its denominator (COINr ``Denominate``).

    Parameters
    ----------
    x:
        Data ``(units, indicators)``, NaN for missing.
    denominators:
        Denominator columns by name, each of length ``units`` and in the same unit order as
        ``x`` (e.g. ``{"GDP": ..., "Population": ..., "Area": ..., "Energy": ...}``).
    spec:
        For each indicator column, the name of its denominator or ``None``/``""``/NaN to leave it
        untouched (iMeta's ``Denominator`` column, in column order); or a mapping from column
        index to denominator name.
    scale_factors:
        Optional scale factor per indicator (or one scalar): result ``x * s / d`` (COINr
        ``ScaleFactor``, which divides the denominator). Ignored for untouched indicators.
    indicator_codes:
        Optional indicator names, used in error messages only.

    Returns
    -------
    (numpy.ndarray, DenominationReport)
        The denominated data (a new array) and what was done. Units whose denominator is missing
        or zero get NaN for the denominated indicators, reported in ``report.lost``.

    Raises
    ------
    DataFormatError
        A denominator column of the wrong length or not numeric, or ``spec`` of the wrong length.
    SpecError
        A denominator name not in ``denominators``, or bad scale factors.
    """
    try:
        v = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataFormatError(
            f"x is not numeric: {exc}", where="x", fix="pass a float array (units x indicators)"
        ) from None
    if v.ndim != 2:
        raise DataFormatError(
            f"x has {v.ndim} dimensions, expected 2 (units x indicators)",
            where="x",
            fix="pass a 2-D array, one column per indicator",
        )
    n_units, p = v.shape

    def label(j: int) -> str:
        if indicator_codes is not None and j < len(indicator_codes):
            return f"indicator {indicator_codes[j]!r}"
        return f"indicator column {j}"

    names: list[str | None] = [None] * p
    if isinstance(spec, Mapping):
        for j, name in spec.items():
            if isinstance(j, bool) or not isinstance(j, int | np.integer) or not 0 <= j < p:
                raise DataFormatError(
                    f"spec names column {j!r}, but x has {p} indicator columns",
                    where="spec",
                    fix="use 0-based column indices as keys",
                )
            names[int(j)] = None if _is_blank(name) else str(name).strip()
    else:
        if isinstance(spec, str) or len(spec) != p:
            raise DataFormatError(
                f"spec has {1 if isinstance(spec, str) else len(spec)} entries for {p} indicators",
                where="spec",
                fix="give one denominator name (or None) per indicator column",
            )
        names = [None if _is_blank(name) else str(name).strip() for name in spec]

    columns: dict[str, np.ndarray] = {}
    for name in sorted({n for n in names if n is not None}):
        if name not in denominators:
            users = [label(j) for j, n in enumerate(names) if n == name]
            raise SpecError(
                f"unknown denominator {name!r} for {', '.join(users)}",
                where="spec",
                fix=f"use one of {', '.join(sorted(denominators)) or '(no denominators given)'}",
            )
        try:
            col = np.asarray(denominators[name], dtype=float)
        except (TypeError, ValueError):
            raise DataFormatError(
                f"denominator {name!r} is not numeric",
                where=f"denominators[{name!r}]",
                fix="give numbers, NaN for missing",
            ) from None
        if col.shape != (n_units,):
            raise DataFormatError(
                f"denominator {name!r} has shape {col.shape}, expected ({n_units},)",
                where=f"denominators[{name!r}]",
                fix="give one value per unit, in the row order of x",
            )
        columns[name] = col

    if scale_factors is None:
        scale = np.ones(p)
    else:
        try:
            s = np.asarray(scale_factors, dtype=float)
        except (TypeError, ValueError):
            raise SpecError(
                "parameter 'scale_factors' is not numeric",
                where="scale_factors",
                fix="give one number per indicator, or a scalar",
            ) from None
        if s.ndim == 0:
            scale = np.full(p, float(s))
        elif s.shape == (p,):
            scale = s.copy()
        else:
            raise SpecError(
                f"parameter 'scale_factors' has shape {s.shape}, expected a scalar or ({p},)",
                where="scale_factors",
                fix="give one scale factor per indicator column",
            )
    used = np.array([n is not None for n in names], dtype=bool)
    bad = used & ~(np.isfinite(scale) & (scale != 0))
    if bad.any():
        raise SpecError(
            f"parameter 'scale_factors' must be finite and non-zero; bad for "
            f"{', '.join(label(int(j)) for j in np.flatnonzero(bad))}",
            where="scale_factors",
            fix="use 1 for no scaling",
        )
    scale = np.where(used, scale, 1.0)

    out = v.copy()
    lost = np.zeros(v.shape, dtype=bool)
    for j in (int(k) for k in np.flatnonzero(used)):
        d = columns[str(names[j])]
        ok = np.isfinite(d) & (d != 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, j] = np.where(ok, v[:, j] * scale[j] / np.where(ok, d, 1.0), np.nan)
        lost[:, j] = ~ok & ~np.isnan(v[:, j])
    report = DenominationReport(denominator=names, scale=scale, lost=lost)
    return out, report
