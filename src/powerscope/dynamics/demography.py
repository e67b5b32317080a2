"""Demography in the dynamic model: the UN's projected working-age population and population.

The baseline's labour input grows as the population aged 15-64 in the UN World Population
Prospects 2022 (estimates to 2021, the medium variant from 2022), and its population as the
total population there, year by year, for every country the UN estimates: labour-force
participation is held at its level in the start year (a working-age projection is not a
labour-force projection: participation may rise, e.g. among women and older workers). WPP's
other variants (low, high, constant fertility...) are not in powerscope's data; only the medium
variant is used and nothing pretends otherwise.

Backtests use only what was knowable at the forecast origin: the fit window's last ten years of
labour-force and population growth (:func:`powerscope.dynamics.calibrate.calibrate_history`).
WPP 2022's figures for the test years are estimates made after the fact; ``backtest(...,
demography="wpp")`` uses them anyway, to measure what knowing the demography would have been
worth (docs/dynamics.md reports it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from powerscope.errors import PowerscopeError

if TYPE_CHECKING:
    from powerscope.data.store import Store
    from powerscope.dynamics.calibrated import Calibrated as Calibration

DATASET = "wpp2022"
#: the model parameters the projection sets, and the WPP column behind each
DRIVEN = {"labour_growth": "pop_15_64", "population_growth": "pop_total"}


def wpp_growth(code: str, store: Store | None = None) -> dict[str, pd.Series]:
    """Yearly log growth of the working-age (15-64) and total population, WPP 2022.

    Returns ``{"labour_growth": series, "population_growth": series}``, each indexed by year
    t with ln(P[t+1] / P[t]) (1/yr), 1950-2099: estimates to 2021, then the medium variant.
    An empty dict when the store has no WPP table or the UN does not estimate the country.
    """
    from powerscope.demography import population_table

    try:
        table = population_table([code], store=store).table
    except PowerscopeError:
        return {}
    table = table.sort_values("year").set_index("year")
    out = {}
    for parameter, column in DRIVEN.items():
        level = table[column].astype(float)
        growth = np.log(level.shift(-1) / level).dropna()
        out[parameter] = growth
    return out


def attach_demography(calibration: Calibration, store: Store | None = None) -> bool:
    """Give ``calibration`` the WPP 2022 growth paths (:attr:`Calibration.paths`); say so in its
    notes and sources. False (with a note) when WPP has no figures for the country."""
    paths = wpp_growth(calibration.code, store)
    if not paths:
        calibration.notes.append(
            "labour force and population: no UN World Population Prospects figures in the data; "
            "they follow their last ten fit years' trend"
        )
        return False
    calibration.paths.update(paths)
    calibration.sources["working_age"] = DATASET
    calibration.notes.append(
        "labour force grows as the population aged 15-64 and population as the total in UN World "
        "Population Prospects 2022 (estimates to 2021, medium variant after; participation held "
        "at its start-year level)"
    )
    return True


def path_values(calibration: Calibration, name: str, years: np.ndarray) -> np.ndarray | None:
    """The path of parameter ``name`` over ``years`` (its value in each year), or None.

    Years after the path's end keep its last value; years before its start its first.
    """
    path = calibration.paths.get(name)
    if path is None or path.empty:
        return None
    index = np.clip(np.asarray(years, dtype=int), int(path.index.min()), int(path.index.max()))
    return path.reindex(index).ffill().bfill().to_numpy(dtype=float)


def with_paths(
    calibration: Calibration, params: dict[str, np.ndarray], years: np.ndarray
) -> dict[str, np.ndarray]:
    """``params`` with every parameter that has a path as a (years, 1) array."""
    out = dict(params)
    for name in calibration.paths:
        values = path_values(calibration, name, years)
        if values is not None:
            out[name] = values[:, None]
    return out


__all__ = ["DRIVEN", "attach_demography", "path_values", "with_paths", "wpp_growth"]
