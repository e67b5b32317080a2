"""The indicators of powerscope's open military-capability index, from public data.

Capability in five domains plus its economic base, from the published factor counts of Global
Firepower's 2026 edition (GFP publishes the inputs but not its formula) and SIPRI's military
expenditure (April 2025 release, the latest year). Counts and amounts are put on a log scale,
``log(1 + x)``: the hundredth tank adds less than the first, and a few giants do not flatten every
other country to zero after min-max normalisation. Missing values stay missing: an aggregate is
the weighted mean of the indicators a country has (its weights rescaled), as the index engine
documents; the number of missing indicators per country is reported with the index.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from powerscope.data.store import Store
from powerscope.index.derive import deriver

#: indicator -> (domain, source column) ; GFP factor names, or SIPRI milex columns prefixed "milex:"
INDICATORS: dict[str, tuple[str, str]] = {
    "milex_usd": ("Spending", "milex:milex_const2023_usd_m"),
    "active_personnel": ("Personnel", "active_personnel"),
    "reserve_personnel": ("Personnel", "reserve_personnel"),
    "fighter_aircraft": ("Air", "fighter_aircraft"),
    "attack_aircraft": ("Air", "attack_aircraft"),
    "attack_helicopters": ("Air", "attack_helicopters"),
    "transport_aircraft": ("Air", "transport_aircraft"),
    "tanker_aircraft": ("Air", "tanker_aircraft"),
    "special_mission_aircraft": ("Air", "special_mission_aircraft"),
    "tanks": ("Land", "tanks"),
    "armored_fighting_vehicles": ("Land", "armored_fighting_vehicles"),
    "self_propelled_artillery": ("Land", "self_propelled_artillery"),
    "rocket_projectors": ("Land", "rocket_projectors"),
    "aircraft_carriers": ("Naval", "aircraft_carriers"),
    "submarines": ("Naval", "submarines"),
    "destroyers": ("Naval", "destroyers"),
    "frigates": ("Naval", "frigates"),
    "corvettes": ("Naval", "corvettes"),
    "fleet_tonnage": ("Naval", "total_naval_fleet_tonnage_mt"),
    "airports": ("Logistics", "total_serviceable_airports"),
    "ports": ("Logistics", "major_ports_and_terminals"),
    "merchant_fleet": ("Logistics", "total_merchant_marine_fleet"),
    "roadways_km": ("Logistics", "roadway_coverage_km"),
    "ppp_gdp_usd": ("Economy", "purchasing_power_parity_usd"),
    "reserves_usd": ("Economy", "foreign_exchange_and_gold_reserves_usd"),
}


def latest_milex(store: Store, column: str = "milex_const2023_usd_m") -> pd.DataFrame:
    """Each country's latest non-missing SIPRI value of ``column``: ``code, year, value``."""
    milex = store.table("sipri_milex", columns=["code", "year", column])
    milex = milex.dropna(subset=[column])
    milex["code"] = milex["code"].astype(str)
    latest = milex.sort_values("year").groupby("code").tail(1)
    return latest.rename(columns={column: "value"})[["code", "year", "value"]]


@deriver("military_open")
def open_index_data(store: Store) -> pd.DataFrame:
    """The open index's indicators for the countries GFP ranks: ``code, indicator, value``,
    values ``log(1 + x)`` of the source units (counts, km, tonnes, constant 2023 US$ millions).
    """
    factors = store.table("gfp_factors", columns=["code", "factor", "value"])
    factors["code"] = factors["code"].astype(str)
    factors["factor"] = factors["factor"].astype(str)
    countries = sorted(set(factors["code"]))
    frames = []
    milex = latest_milex(store).set_index("code")["value"]
    wide = factors.pivot(index="code", columns="factor", values="value")
    for name, (_, source) in INDICATORS.items():
        if source.startswith("milex:"):
            values = milex.reindex(countries)
        else:
            values = wide[source].reindex(countries)
        frames.append(
            pd.DataFrame(
                {"code": countries, "indicator": name, "value": np.log1p(values.to_numpy(float))}
            )
        )
    long = pd.concat(frames, ignore_index=True)
    return long[long["value"].notna()].reset_index(drop=True)
