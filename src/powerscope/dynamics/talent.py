"""Talent in the dynamic model from observed researcher migration (Scholarly Migration Database).

The MPIDR Scholarly Migration Database (Akbaritabar, Theile & Zagheni 2024) counts researchers
who publish with an affiliation in a new country (Scopus; :mod:`powerscope.talent`): moves in,
moves out, net, and rates per 1,000 publishing researchers. The model uses them twice:

- **retention**: the yearly stay rate of a country's researchers, 1 - outflow rate (mean of
  the last :data:`YEARS` reliable years), is the calibrated retention of recruits when a
  scenario does not set one (``recruit_retention``): returnees who settle leave like the
  country's own researchers do. It is an upper bound for foreign recruits, who leave more
  often; scenarios about them keep their range from the literature.
- **scale**: a talent programme's yearly recruits are compared with the country's actual yearly
  net migration and gross inflow of researchers (:func:`programme_scale`).

Publishing researchers (Scopus authors) are not the World Bank's full-time-equivalent
researchers: the comparison is of yearly flows, in researchers, not of stocks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from powerscope.errors import PowerscopeError

if TYPE_CHECKING:
    from powerscope.data.store import Store
    from powerscope.dynamics.calibrated import Calibrated as Calibration

DATASET = "scholarly_migration"
#: reliable years averaged for the rates
YEARS = 5


def observed_flows(code: str, store: Store | None = None) -> dict[str, Any] | None:
    """A country's observed migration of researchers, for the model (None without data).

    Returns ``release``, ``years`` (first and last of the :data:`YEARS` averaged), the means
    ``inflow``, ``outflow``, ``net`` (researchers a year), ``inflow_rate``, ``outflow_rate``,
    ``net_rate`` (per 1,000 publishing researchers), ``researchers`` (publishing researchers,
    last year), ``stay_rate`` (1 - outflow rate / 1,000, per year) and the last reliable year's
    ``last_year``, ``last_net``, ``last_inflow``, ``last_outflow``. Provisional years are left
    out.
    """
    from powerscope.talent import DEFAULT_RELEASE, migration

    try:
        rows = migration(code, release=DEFAULT_RELEASE, store=store)
    except PowerscopeError:
        return None
    rows = rows[~rows["provisional"]]
    rows = rows[rows["outflow_rate"].notna()]
    if rows.empty:
        return None
    recent = rows.tail(YEARS)
    last = recent.iloc[-1]
    outflow_rate = float(recent["outflow_rate"].mean())
    return {
        "release": DEFAULT_RELEASE,
        "years": [int(recent["year"].iloc[0]), int(last["year"])],
        "inflow": float(recent["inflow"].mean()),
        "outflow": float(recent["outflow"].mean()),
        "net": float(recent["net"].mean()),
        "inflow_rate": float(recent["inflow_rate"].mean()),
        "outflow_rate": outflow_rate,
        "net_rate": float(recent["rate"].mean()),
        "researchers": int(last["researchers"]),
        "stay_rate": 1.0 - outflow_rate / 1000.0,
        "last_year": int(last["year"]),
        "last_net": int(last["net"]),
        "last_inflow": int(last["inflow"]),
        "last_outflow": int(last["outflow"]),
    }


def attach_talent(calibration: Calibration, store: Store | None = None) -> bool:
    """Give ``calibration`` the observed flows (``calibration.talent``) and make the country's
    stay rate of researchers the retention of recruits that scenarios do not set."""
    flows = observed_flows(calibration.code, store)
    if flows is None:
        calibration.notes.append(
            "talent: no researcher migration in the Scholarly Migration Database; recruits' "
            "retention keeps its default"
        )
        return False
    calibration.talent = flows
    calibration.fixed["recruit_retention"] = float(np.clip(flows["stay_rate"], 0.0, 1.0))
    calibration.sources["researcher_migration"] = DATASET
    first, last = flows["years"]
    calibration.notes.append(
        f"talent: recruits' retention {flows['stay_rate']:.3f} a year, the stay rate of the "
        f"country's publishing researchers {first}-{last} (1 - outflow rate of "
        f"{flows['outflow_rate']:.1f} per 1,000), unless a scenario sets it"
    )
    return True


def programme_scale(recruits: float, flows: dict[str, Any], name: str) -> dict[str, Any]:
    """How a programme of ``recruits`` researchers a year compares with observed migration.

    Returns the ratio of the recruits to the size of the last reliable year's net migration
    (``times_net``) and to its gross inflow (``share_of_inflow``), and a sentence saying so,
    computed from the data, e.g. "adds 800 researchers a year, 2.1 times the size of South
    Korea's net migration of researchers in 2021 (-375: more left than arrived) and 37% of
    its gross inflow (2,157)".
    """
    net, inflow, year = flows["last_net"], flows["last_inflow"], flows["last_year"]
    times_net = recruits / abs(net) if net else float("inf")
    share = recruits / inflow if inflow else float("nan")
    direction = (
        "more left than arrived" if net < 0 else "more arrived than left" if net > 0 else "balanced"
    )
    size = f"{times_net:.1f} times the size of" if np.isfinite(times_net) else "against"
    text = (
        f"adds {recruits:,.0f} researchers a year, {size} {name}'s net migration of researchers "
        f"in {year} ({net:+,}: {direction}) and {100 * share:.0f}% of its gross inflow "
        f"({inflow:,})"
    )
    return {
        "recruits_per_year": recruits,
        "net_migration": net,
        "gross_inflow": inflow,
        "year": year,
        "times_net": times_net if np.isfinite(times_net) else None,
        "share_of_inflow": share,
        "text": text,
        "release": flows["release"],
    }


__all__ = ["attach_talent", "observed_flows", "programme_scale"]
