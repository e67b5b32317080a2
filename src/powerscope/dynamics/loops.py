"""Which feedback loop dominates, year by year: loop knockout on the central run.

Each loop is switched off by holding one of its links at its start-year value (the link's
input stops responding), and the loop's *impact* is how much the growth of knowledge and of GDP
differ from the full model's (percentage points a year). This is the behavioural approach to
loop dominance of Ford (1999), "A behavioral approach to feedback loop dominance analysis",
System Dynamics Review 15(1): 3-36, with the loop-impact reading of Hayward & Boswell (2014),
"Model behaviour and the concept of loop impact", System Dynamics Review 30(1-2): 29-57.

Which polarity dominates is read from the behaviour of the knowledge stock (Ford's atomic
behaviour patterns): growth that accelerates, or a decline that deepens, means reinforcing loops
dominate (a *virtuous* circle while knowledge grows, a *vicious* one while it shrinks); growth that
slows, or a decline that eases, means balancing loops dominate (*balancing*). The dominant loop is
the loop of that polarity whose knockout changes knowledge growth most.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from powerscope.dynamics.calibrate import Calibration
from powerscope.dynamics.ensemble import central_run
from powerscope.dynamics.scenario import BASELINE, Scenario


@dataclass(frozen=True)
class Loop:
    id: str
    name: str
    polarity: str
    path: str
    link: str


LOOPS = (
    Loop(
        "R1",
        "innovation-growth",
        "reinforcing",
        "knowledge -> GDP -> R&D budget -> knowledge",
        "economy_to_rd",
    ),
    Loop(
        "R2",
        "defence R&D",
        "reinforcing",
        "knowledge -> GDP -> military spending -> defence R&D -> knowledge",
        "milex_to_rd",
    ),
    Loop(
        "R3",
        "talent attraction",
        "reinforcing",
        "knowledge -> GDP -> income relative to the US -> retention of recruits -> knowledge",
        "income_to_retention",
    ),
    Loop(
        "R4",
        "defence-industrial exports",
        "reinforcing",
        "defence industry -> arms exports -> earnings -> defence industry",
        "earnings_to_industry",
    ),
    Loop(
        "B1", "obsolescence", "balancing", "knowledge -> depreciation -> knowledge", "obsolescence"
    ),
    Loop(
        "B2",
        "catch-up",
        "balancing",
        "GDP -> income relative to the US -> slower growth -> GDP",
        "catch_up",
    ),
)


def _growth(values: np.ndarray) -> np.ndarray:
    return 100.0 * np.diff(np.log(np.maximum(values, 1e-12)))


def behaviour_mode(growth: float, previous: float | None) -> str:
    """Ford's reading of one year: virtuous, vicious, balancing or neutral.

    ``growth`` and ``previous`` are the stock's growth this year and last (any unit).
    """
    if previous is None or not np.isfinite(previous) or not np.isfinite(growth):
        return "neutral"
    change = growth - previous
    if abs(change) < 1e-9:
        return "neutral"
    if (growth >= 0) == (change > 0):  # growth accelerating or decline deepening
        return "virtuous" if growth >= 0 else "vicious"
    return "balancing"  # growth slowing or decline easing: goal seeking


def history_modes(calibration: Calibration) -> list[dict[str, Any]]:
    """The observed knowledge stock's behaviour in the fit window, year by year.

    Growth is smoothed over three years first, so one noisy year does not flip the reading.
    """
    start, end = calibration.fit
    stock = calibration.observed["knowledge"].loc[start:end].dropna()
    growth = (100.0 * np.log(stock).diff()).rolling(3, center=True, min_periods=2).mean()
    rows = []
    previous: float | None = None
    for year, value in growth.items():
        if np.isfinite(value):
            rows.append({"year": int(year), "knowledge_growth": float(value),
                         "mode": behaviour_mode(float(value), previous)})  # fmt: skip
            previous = float(value)
    return rows


def loop_analysis(
    calibration: Calibration, scenario: Scenario = BASELINE, *, last: int = 2050
) -> dict[str, Any]:
    """Loop impacts per year on knowledge and GDP growth, the dominant loop and the mode."""
    full = central_run(calibration, scenario, last)
    years = full.years[1:]
    k_full, y_full = _growth(full["knowledge"][:, 0]), _growth(full["gdp"][:, 0])
    d_full = _growth(full["defence_industry"][:, 0])
    impacts: dict[str, dict[str, list[float]]] = {}
    for loop in LOOPS:
        cut = central_run(calibration, scenario, last, cuts=frozenset({loop.link}))
        impacts[loop.id] = {
            "knowledge": list(k_full - _growth(cut["knowledge"][:, 0])),
            "gdp": list(y_full - _growth(cut["gdp"][:, 0])),
            "defence": list(d_full - _growth(cut["defence_industry"][:, 0])),
        }
    rows = []
    for i, year in enumerate(years):
        k = {loop.id: impacts[loop.id]["knowledge"][i] for loop in LOOPS}
        reinforcing = sum(k[lp.id] for lp in LOOPS if lp.polarity == "reinforcing")
        balancing = sum(k[lp.id] for lp in LOOPS if lp.polarity == "balancing")
        mode = behaviour_mode(float(k_full[i]), float(k_full[i - 1]) if i > 0 else None)
        polarity = {"virtuous": "reinforcing", "vicious": "reinforcing"}.get(
            mode, None if mode == "neutral" else "balancing"
        )
        candidates = [lp for lp in LOOPS if polarity is None or lp.polarity == polarity]
        dominant = max(candidates, key=lambda lp: abs(k[lp.id]))
        rows.append(
            {
                "year": int(year),
                "knowledge_growth": float(k_full[i]),
                "gdp_growth": float(y_full[i]),
                "reinforcing_impact": float(reinforcing),
                "balancing_impact": float(balancing),
                "dominant_loop": dominant.id,
                "mode": mode,
                **{f"{lp.id}_knowledge": float(k[lp.id]) for lp in LOOPS},
                **{f"{lp.id}_gdp": float(impacts[lp.id]["gdp"][i]) for lp in LOOPS},
                **{f"{lp.id}_defence": float(impacts[lp.id]["defence"][i]) for lp in LOOPS},
            }
        )
    return {
        "code": calibration.code,
        "name": calibration.name,
        "scenario": scenario.name,
        "unit": "percentage points of growth a year (full model minus loop switched off)",
        "loops": [loop.__dict__ for loop in LOOPS],
        "history": history_modes(calibration),
        "years": rows,
    }
