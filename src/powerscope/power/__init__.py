"""Comprehensive national power: an open, global, yearly index built from the store.

:mod:`powerscope.power.indicators` derives the indicator panel (every sovereign state, 2000 to the
latest year) of the ``power`` index (``powerscope/indices/power.yaml``), in eight measures in the
spirit of the Lowy Institute's Asia Power Index, from open data only.
"""

from powerscope.power.indicators import (
    INDICATORS,
    MEASURES,
    Indicator,
    coverage,
    open_power_data,
    panel_year,
    power_panel,
)

__all__ = [
    "INDICATORS",
    "MEASURES",
    "Indicator",
    "coverage",
    "open_power_data",
    "panel_year",
    "power_panel",
]
