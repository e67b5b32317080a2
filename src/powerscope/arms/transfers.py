"""Deal-level SIPRI records to annual deliveries.

SIPRI's trade register lists, per deal, the TIV of the weapons delivered and the years in which
deliveries took place, but not how many were delivered in each year. SIPRI's own annual figures
(the TIV tables) allocate each delivery to its year. powerscope annualises a deal in two steps:

1. **Even split**: the deal's delivered TIV is divided equally among its delivery years.
2. **Fit to SIPRI's annual pair totals, where the record allows**: for a supplier-recipient pair
   and a year that SIPRI's TIV tables cover (the 2022 edition: 1950-2021), the split is adjusted
   by iterative proportional fitting (RAS; Deming & Stephan 1940) so that the deals of the pair
   add up, year by year, to SIPRI's own annual totals, while each deal keeps exactly its delivered
   TIV and its delivery years. Years after 2021, and pairs the tables do not list, keep the even
   split. (The two editions differ in places: the fit moves deliveries between a deal's own
   years; it never changes a deal's total.)

TIV (trend-indicator value) is SIPRI's volume unit, in millions; it is not money. Second-hand
weapons are valued by SIPRI at 40% of new and refurbished ones at 66%; the register's delivered
TIV already carries these valuations and is used as it is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from powerscope.errors import DataFormatError

#: Last year covered by the TIV tables of the 2022 edition.
TIV_TABLE_LAST_YEAR = 2021


def explode_deliveries(register: pd.DataFrame) -> pd.DataFrame:
    """One row per deal and delivery year, with the even split of the delivered TIV.

    Returns
    -------
    pandas.DataFrame
        ``deal_id, supplier_code, recipient_code, year, tiv`` (TIV, millions).
    """
    needed = ("deal_id", "supplier_code", "recipient_code", "delivery_years", "tiv_delivered")
    missing = [c for c in needed if c not in register.columns]
    if missing:
        raise DataFormatError(f"the register lacks column(s) {missing}", where="trade register")
    delivered = register[register["delivery_years"].notna() & (register["tiv_delivered"] > 0)]
    years = delivered["delivery_years"].astype(str).str.split(";")
    counts = years.str.len().to_numpy()
    flat = np.concatenate(years.to_numpy()) if len(years) else np.array([], dtype=str)
    try:
        year = flat.astype(np.int16)
    except ValueError as exc:
        raise DataFormatError(f"unparseable delivery year: {exc}", where="trade register") from None
    return pd.DataFrame(
        {
            "deal_id": np.repeat(delivered["deal_id"].to_numpy(), counts),
            "supplier_code": np.repeat(delivered["supplier_code"].astype(str).to_numpy(), counts),
            "recipient_code": np.repeat(delivered["recipient_code"].astype(str).to_numpy(), counts),
            "year": year,
            "tiv": np.repeat(delivered["tiv_delivered"].to_numpy(dtype=float) / counts, counts),
        }
    )


def annualise(
    register: pd.DataFrame,
    tiv_table: pd.DataFrame | None = None,
    *,
    iterations: int = 25,
) -> pd.DataFrame:
    """Annual deliveries of every deal: even split, fitted to SIPRI's pair-year totals.

    Parameters
    ----------
    register:
        The trade register (:func:`powerscope.data.sources.sipri.read_trade_register`).
    tiv_table:
        SIPRI's annual TIV by supplier, recipient and year (``supplier_code, recipient_code,
        year, tiv``); None keeps the even split.
    iterations:
        Rounds of proportional fitting.

    Returns
    -------
    pandas.DataFrame
        ``deal_id, supplier_code, recipient_code, year, tiv, method`` where ``method`` is
        ``even`` or ``fitted``.
    """
    rows = explode_deliveries(register)
    rows["method"] = "even"
    if tiv_table is None or rows.empty:
        return rows
    target = tiv_table.groupby(["supplier_code", "recipient_code", "year"])["tiv"].sum()
    target = target[target > 0]
    key = pd.MultiIndex.from_arrays(
        [rows["supplier_code"], rows["recipient_code"], rows["year"].astype(int)]
    )
    cell_target = target.reindex(key).to_numpy(dtype=float)
    constrained = ~np.isnan(cell_target) & (rows["year"].to_numpy() <= TIV_TABLE_LAST_YEAR)
    deal_ids = rows["deal_id"].to_numpy()
    # only deals with at least one constrained year and more than one year can move
    _, deal_index = np.unique(deal_ids, return_inverse=True)
    n_years = np.bincount(deal_index)
    has_constraint = np.bincount(deal_index, weights=constrained.astype(float)) > 0
    movable = (n_years[deal_index] > 1) & has_constraint[deal_index]
    if not movable.any():
        return rows
    x = rows["tiv"].to_numpy(dtype=float).copy()
    deal_total = np.bincount(deal_index, weights=x)
    cell_codes, cell_index = np.unique(
        key.to_flat_index().astype(str).to_numpy(), return_inverse=True
    )
    cell_goal = np.zeros(len(cell_codes))
    cell_goal[cell_index[constrained]] = cell_target[constrained]
    cell_is_constrained = np.zeros(len(cell_codes), dtype=bool)
    cell_is_constrained[cell_index[constrained]] = True
    for _ in range(iterations):
        cell_sum = np.bincount(cell_index, weights=x, minlength=len(cell_codes))
        with np.errstate(invalid="ignore", divide="ignore"):
            factor = np.where(cell_is_constrained & (cell_sum > 0), cell_goal / cell_sum, 1.0)
        x = np.where(movable, x * factor[cell_index], x)
        sums = np.bincount(deal_index, weights=x)
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(sums > 0, deal_total / sums, 1.0)
        x = x * scale[deal_index]
    # a deal all of whose fitted years went to zero keeps the even split
    sums = np.bincount(deal_index, weights=x)
    dead = (sums <= 0)[deal_index]
    x = np.where(dead, rows["tiv"].to_numpy(), x)
    rows["tiv"] = x
    rows.loc[movable & ~dead, "method"] = "fitted"
    return rows


def annual_totals(deliveries: pd.DataFrame, by: str = "supplier") -> pd.DataFrame:
    """TIV by party and year, as a wide table (rows: codes; columns: years)."""
    column = _column(by)
    return deliveries.pivot_table(
        index=column, columns="year", values="tiv", aggfunc="sum", fill_value=0.0
    )


def _column(by: str) -> str:
    if by not in ("supplier", "recipient"):
        raise DataFormatError(f"'by' must be supplier or recipient, not {by!r}")
    return f"{by}_code"
