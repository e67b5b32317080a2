"""Generated panels (units x indicators x years) for the tests of panel indices, and the test
spec that reads one through a registered deriver (``derive: panel_test``; not shipped)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from powerscope.index.derive import deriver

#: the test panel spec: two measures over four indicators, 2000-2010, carry-forward 2 years
PANEL_SPEC = Path(__file__).parent / "index" / "data" / "panel_test.yaml"
UNITS = ("KOR", "CHN", "JPN", "USA", "DEU", "FRA", "GBR", "IND", "RUS", "AUS", "CAN", "BRA")
INDICATORS = ("gdp", "milex", "patents", "students")


def generated_panel(
    units: tuple[str, ...] = UNITS,
    indicators: tuple[str, ...] = INDICATORS,
    years: tuple[int, int] = (1998, 2010),
    *,
    seed: int = 3,
    missing: float = 0.1,
) -> pd.DataFrame:
    """A long ``code, indicator, year, value`` table: each unit's level plus a trend and noise,
    with a share ``missing`` of the cells left out at random."""
    rng = np.random.default_rng(seed)
    span = np.arange(years[0], years[1] + 1)
    level = rng.uniform(1, 10, (len(units), len(indicators)))
    growth = rng.normal(0.05, 0.1, (len(units), len(indicators)))
    rows: list[tuple[str, str, int, float]] = []
    for t, year in enumerate(span):
        values = level * np.exp(growth * t) + rng.normal(0, 0.2, level.shape)
        keep = rng.random(level.shape) >= missing
        for i, code in enumerate(units):
            for j, name in enumerate(indicators):
                if keep[i, j]:
                    rows.append((code, name, int(year), float(values[i, j])))
    return pd.DataFrame(rows, columns=["code", "indicator", "year", "value"])


@deriver("panel_test")
def panel_test_data(store: Any) -> pd.DataFrame:
    """The test panel spec's data (the store is not read)."""
    return generated_panel()


@deriver("panel_test_no_year")
def panel_test_no_year(store: Any) -> pd.DataFrame:
    """Snapshot data (no ``year`` column) for a panel spec: an error to name."""
    return generated_panel().drop(columns="year").drop_duplicates(["code", "indicator"])
