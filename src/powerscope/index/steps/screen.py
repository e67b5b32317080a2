"""Unit screening by data availability (COINr ``Screen()``, R/screen_units.R).

A unit (row) is kept when the share of its indicators that are observed is at least
``threshold`` (COINr ``unit_screen = "byNA"``, ``dat_thresh``; default 2/3 as in COINr), and
optionally when the share of non-zero values among its *observed* values is at least
``nonzero_threshold`` (``"byzeros"``, ``nonzero_thresh``, default 0.05). Units can be forced in
or out whatever their availability (COINr ``Force``). The OECD/JRC Handbook (2008, section 1.3)
recommends such a minimum-coverage rule before imputing.

Deliberate differences from COINr: a unit forced both in and out is an error (COINr lets the
exclusion win silently); a unit with no observed value has no non-zero share (COINr: ``NaN``,
which makes its inclusion ``NA``) and fails the zeros rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from powerscope.errors import DataFormatError, SpecError

__all__ = ["RULES", "ScreenReport", "screen_units"]

_RULES = {
    "byNA": "byNA",
    "na": "byNA",
    "byzeros": "byzeros",
    "zeros": "byzeros",
    "byNAandzeros": "byNAandzeros",
    "naandzeros": "byNAandzeros",
}

#: Screening rules, by COINr's names (``unit_screen``).
RULES = ("byNA", "byzeros", "byNAandzeros")


@dataclass(frozen=True)
class ScreenReport:
    """Data availability of every unit and why units were removed.

    Attributes
    ----------
    availability:
        Share of indicators observed, per unit (COINr ``Dat_Avail``), in ``[0, 1]``.
    n_missing:
        Missing indicators per unit (``N_missing``).
    nonzero:
        Share of non-zero values among observed ones (``Non_Zero``); NaN if none observed.
    low_data, low_nonzero:
        The two flags (``LowData``, ``LowNonZero``).
    forced:
        Per unit: ``1`` forced in, ``-1`` forced out, ``0`` not forced.
    keep:
        The final keep mask (the first return value of :func:`screen_units`).
    removed:
        ``(unit, reason)`` for each removed unit, in row order; ``unit`` is the code if codes
        were given, else the row index.
    """

    availability: np.ndarray
    n_missing: np.ndarray
    nonzero: np.ndarray
    low_data: np.ndarray
    low_nonzero: np.ndarray
    forced: np.ndarray
    keep: np.ndarray
    removed: list[tuple[str | int, str]]


def _resolve(
    items: Sequence[str | int], unit_codes: Sequence[str] | None, n_units: int, name: str
) -> np.ndarray:
    rows: list[int] = []
    index = {str(c): i for i, c in enumerate(unit_codes)} if unit_codes is not None else {}
    for item in items:
        if isinstance(item, str):
            if unit_codes is None:
                raise SpecError(
                    f"{name} names unit {item!r} but no unit_codes were given",
                    where=name,
                    fix="pass unit_codes=..., or give 0-based row indices",
                )
            if item not in index:
                raise SpecError(
                    f"{name} names unit {item!r}, which is not among the units",
                    where=name,
                    fix="use codes from unit_codes",
                )
            rows.append(index[item])
        elif isinstance(item, int | np.integer) and not isinstance(item, bool):
            if not 0 <= int(item) < n_units:
                raise SpecError(
                    f"{name} row {item} is out of range for {n_units} units",
                    where=name,
                    fix=f"use 0-based rows in 0..{n_units - 1}",
                )
            rows.append(int(item))
        else:
            raise SpecError(
                f"{name} entry {item!r} is neither a unit code nor a row index",
                where=name,
                fix="give unit codes (str) or 0-based row indices (int)",
            )
    return np.asarray(rows, dtype=int)


def screen_units(
    x: ArrayLike,
    threshold: float = 2 / 3,
    *,
    force_in: Sequence[str | int] = (),
    force_out: Sequence[str | int] = (),
    unit_codes: Sequence[str] | None = None,
    rule: str = "byNA",
    nonzero_threshold: float = 0.05,
) -> tuple[np.ndarray, ScreenReport]:
    """Screen units by data availability (COINr ``Screen``).

    Parameters
    ----------
    x:
        Data ``(units, indicators)``, NaN for missing.
    threshold:
        Minimum share of observed indicators for a unit to be kept (COINr ``dat_thresh``), in
        ``[0, 1]``. Kept when ``availability >= threshold``.
    force_in, force_out:
        Units kept / removed whatever their data (COINr ``Force``): unit codes (needs
        ``unit_codes``) or 0-based row indices.
    unit_codes:
        Code of each unit, for ``force_*`` and the report.
    rule:
        ``"byNA"`` (default), ``"byzeros"`` or ``"byNAandzeros"`` (COINr ``unit_screen``).
    nonzero_threshold:
        Minimum share of non-zero values among observed ones, for the zeros rules
        (COINr ``nonzero_thresh``), in ``[0, 1]``.

    Returns
    -------
    (numpy.ndarray, ScreenReport)
        Boolean keep mask ``(units,)`` and the report.

    Raises
    ------
    SpecError
        Thresholds outside ``[0, 1]``, unknown rule, unknown or conflicting forced units.
    DataFormatError
        ``x`` not 2-D numeric, or ``unit_codes`` of the wrong length.
    """
    try:
        v = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataFormatError(
            f"x is not numeric: {exc}", where="x", fix="pass a float array (units x indicators)"
        ) from None
    if v.ndim != 2 or v.shape[1] == 0:
        raise DataFormatError(
            f"x has shape {v.shape}, expected (units, indicators) with at least one indicator",
            where="x",
            fix="pass a 2-D array, one column per indicator",
        )
    for name, value in (("threshold", threshold), ("nonzero_threshold", nonzero_threshold)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise SpecError(
                f"parameter {name!r} must be a number in [0, 1], got {value!r}",
                where=name,
                fix="use e.g. threshold=0.66",
            )
        if not 0.0 <= float(value) <= 1.0:
            raise SpecError(
                f"parameter {name!r} must be in [0, 1], got {value!r}",
                where=name,
                fix="give a share, e.g. 0.66 for two thirds of the indicators",
            )
    key = rule if rule in _RULES else str(rule).lower()
    if key not in _RULES:
        raise SpecError(
            f"unknown screening rule {rule!r}",
            where="rule",
            fix=f"use one of {', '.join(RULES)}",
        )
    how = _RULES[key]
    n_units, p = v.shape
    if unit_codes is not None and len(unit_codes) != n_units:
        raise DataFormatError(
            f"unit_codes has {len(unit_codes)} entries for {n_units} units",
            where="unit_codes",
            fix="give one code per row of x",
        )

    obs = ~np.isnan(v)
    n_obs = obs.sum(axis=1)
    n_missing = p - n_obs
    availability = n_obs / p
    zeros = (obs & (v == 0)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        nonzero = np.where(n_obs > 0, 1.0 - zeros / np.where(n_obs > 0, n_obs, 1), np.nan)
    low_data = availability < threshold
    low_nonzero = ~(nonzero >= nonzero_threshold)  # NaN (nothing observed) counts as low
    if how == "byNA":
        keep = ~low_data
    elif how == "byzeros":
        keep = ~low_nonzero
    else:
        keep = ~(low_data | low_nonzero)

    rows_in = _resolve(force_in, unit_codes, n_units, "force_in")
    rows_out = _resolve(force_out, unit_codes, n_units, "force_out")
    both = np.intersect1d(rows_in, rows_out)
    if both.size:
        who = [unit_codes[i] if unit_codes is not None else int(i) for i in both]
        raise SpecError(
            f"unit(s) {who} are forced both in and out",
            where="force_in/force_out",
            fix="list each unit in at most one of force_in and force_out",
        )
    forced = np.zeros(n_units, dtype=int)
    forced[rows_in] = 1
    forced[rows_out] = -1
    keep = keep.copy()
    keep[rows_in] = True
    keep[rows_out] = False

    removed: list[tuple[str | int, str]] = []
    for i in np.flatnonzero(~keep):
        unit: str | int = str(unit_codes[int(i)]) if unit_codes is not None else int(i)
        if forced[i] == -1:
            reason = "forced out"
        else:
            parts = []
            if low_data[i] and how in ("byNA", "byNAandzeros"):
                parts.append(
                    f"data availability {availability[i]:.3f} < {threshold:.3f} "
                    f"({int(n_missing[i])} of {p} indicators missing)"
                )
            if low_nonzero[i] and how in ("byzeros", "byNAandzeros"):
                share = "none observed" if np.isnan(nonzero[i]) else f"{nonzero[i]:.3f}"
                parts.append(f"non-zero share {share} < {nonzero_threshold:.3f}")
            reason = "; ".join(parts)
        removed.append((unit, reason))

    report = ScreenReport(
        availability=availability,
        n_missing=n_missing,
        nonzero=nonzero,
        low_data=low_data,
        low_nonzero=low_nonzero,
        forced=forced,
        keep=keep,
        removed=removed,
    )
    return keep, report
