"""Dynamic-model results as the shells (CLI, web, briefs) ask for them: computed and cited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from powerscope.data.store import Store, open_store
from powerscope.dynamics.backtest import backtest, backtest_origins
from powerscope.dynamics.calibrate import Calibration, calibrate
from powerscope.dynamics.cite import citations, finite
from powerscope.dynamics.ensemble import run_ensemble
from powerscope.dynamics.loops import loop_analysis
from powerscope.dynamics.model import OUTPUT_UNITS
from powerscope.dynamics.parameters import PARAMETERS
from powerscope.dynamics.scenario import Scenario, load_scenario, shipped
from powerscope.dynamics.talent import programme_scale
from powerscope.errors import PeriodError, SpecError

# Outputs reported by default, in reading order.
REPORTED = (
    "gdp",
    "rd_intensity",
    "researchers",
    "recruited",
    "articles",
    "patents",
    "hightech_exports",
    "knowledge",
    "milex",
    "military_capital",
    "defence_industry",
    "arms_exports",
)
DEFAULT_FIT = (1996, 2023)
DEFAULT_YEARS = (2025, 2050)


def parse_years(text: str, parameter: str = "years") -> tuple[int, int]:
    """'2025-2050' -> (2025, 2050), with a clear error (naming ``parameter``) for anything else."""
    parameter = parameter.lstrip("-")  # a flag ('--fit') names the parameter 'fit'
    try:
        first, last = (int(part) for part in str(text).split("-"))
    except ValueError:
        raise PeriodError(
            f"{text!r} is not a year range",
            parameter=parameter,
            fix="write FIRST-LAST, e.g. 2025-2050",
        ) from None
    if last < first:
        raise PeriodError(
            f"{text}: the range ends before it starts", parameter=parameter, fix="swap them"
        )
    return first, last


def calibration_report(
    code: str, fit: tuple[int, int] = DEFAULT_FIT, store: Store | None = None
) -> dict[str, Any]:
    """Calibrated parameters with uncertainty, equation fits, initial state, sources."""
    store = store or open_store()
    cal = calibrate(code, fit, store=store)
    report = {
        "code": cal.code,
        "name": cal.name,
        "fit": list(cal.fit),
        "parameters": cal.records(),
        "equations": [
            {
                "equation": e.name,
                "r2": e.r2,
                "sigma": e.sigma,
                "n": len(e.years),
                "years": f"{e.years[0]}-{e.years[-1]}",
            }
            for e in cal.equations.values()
        ],
        "initial": {"year": cal.start, **cal.initial},
        "demography": demography_summary(cal),
        "talent": cal.talent,
        "notes": cal.notes,
        "sources": citations(cal, store),
    }
    return finite(report)


def _series(ensemble: Any, output: str, index: np.ndarray) -> dict[str, Any]:
    band = ensemble.band(output)[index]
    effect = ensemble.band(output, effect=True)[index]
    return {
        "name": output,
        "unit": OUTPUT_UNITS[output],
        "p05": band[:, 0].tolist(),
        "median": band[:, 1].tolist(),
        "p95": band[:, 2].tolist(),
        "effect_p05": effect[:, 0].tolist(),
        "effect_median": effect[:, 1].tolist(),
        "effect_p95": effect[:, 2].tolist(),
    }


def scenario_report(
    code: str,
    scenario: str | Path | Scenario | None = None,
    *,
    years: tuple[int, int] = DEFAULT_YEARS,
    runs: int = 10_000,
    seed: int = 1,
    fit: tuple[int, int] = DEFAULT_FIT,
    calibration: Calibration | None = None,
    noise: bool = False,
    store: Store | None = None,
) -> dict[str, Any]:
    """A scenario's projection with 90% bands, and its effect against the baseline (in %).

    The effect is computed run by run (same parameter draws, and shocks with ``noise``, for
    scenario and baseline).
    """
    store = store or open_store()
    chosen = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    cal = calibration or calibrate(code, fit, store=store)
    if years[0] <= cal.start:
        raise PeriodError(
            f"projection years start in {years[0]}, not after the calibration's last year "
            f"({cal.start})",
            parameter="years",
            fix=f"start in {cal.start + 1} or later",
        )
    ensemble = run_ensemble(cal, chosen, last=years[1], runs=runs, seed=seed, noise=noise)
    wanted = np.arange(years[0], years[1] + 1)
    index = np.searchsorted(ensemble.years, wanted)
    series = [_series(ensemble, name, index) for name in REPORTED]
    last = {s["name"]: s for s in series}
    headline = {
        name: {
            "year": int(wanted[-1]),
            "unit": last[name]["unit"],
            "median": last[name]["median"][-1],
            "p05": last[name]["p05"][-1],
            "p95": last[name]["p95"][-1],
            "effect_median": last[name]["effect_median"][-1],
            "effect_p05": last[name]["effect_p05"][-1],
            "effect_p95": last[name]["effect_p95"][-1],
        }
        for name in REPORTED
    }
    return finite(
        {
            "code": cal.code,
            "name": cal.name,
            "scenario": chosen.as_dict(),
            "fit": list(cal.fit),
            "years": wanted.tolist(),
            "runs": runs,
            "seed": seed,
            "noise": noise,
            "bands": "5th, 50th and 95th percentiles over runs ("
            + (
                "parameter uncertainty and year-by-year shocks"
                if noise
                else "parameter uncertainty"
            )
            + ")",
            "effect": "scenario / baseline - 1, in %, run by run",
            "series": series,
            "headline": headline,
            "demography": demography_summary(cal),
            "talent": talent_summary(cal, chosen),
            "notes": cal.notes,
            "sources": citations(cal, store),
        }
    )


def demography_summary(cal: Calibration) -> dict[str, Any]:
    """How the labour force and population move in the projection: the WPP 2022 medium variant
    (mean growth over the next 25 years, %/yr) or, without it, the fit window's trend."""
    if not cal.paths:
        return {
            "source": "trend of the last 10 fit years",
            "labour_growth": 100.0 * cal.fixed["labour_growth"],
            "population_growth": 100.0 * cal.fixed["population_growth"],
        }
    first, last = cal.start, cal.start + 25
    return {
        "source": "UN World Population Prospects 2022, estimates to 2021 and medium variant "
        "(the only variant in the data); labour force grows as the population aged 15-64",
        "years": [first, last],
        "labour_growth": 100.0 * float(cal.paths["labour_growth"].loc[first : last - 1].mean()),
        "population_growth": 100.0
        * float(cal.paths["population_growth"].loc[first : last - 1].mean()),
        "labour_growth_trend": 100.0 * cal.fixed["labour_growth"],
    }


def talent_summary(cal: Calibration, scenario: Scenario) -> dict[str, Any] | None:
    """Observed researcher migration and, for a scenario that recruits, its yearly recruits
    against the country's actual net migration and gross inflow of researchers."""
    if cal.talent is None:
        return None
    out: dict[str, Any] = {"observed": cal.talent}
    recruits = [
        float(c.value)
        for c in scenario.changes
        if c.parameter == "recruits" and c.operation == "set"
    ]
    if recruits and max(recruits) > 0:
        out["programme"] = programme_scale(max(recruits), cal.talent, cal.name)
    return out


def loops_report(
    code: str,
    scenario: str | Path | Scenario | None = None,
    *,
    last: int = DEFAULT_YEARS[1],
    fit: tuple[int, int] = DEFAULT_FIT,
    calibration: Calibration | None = None,
    store: Store | None = None,
) -> dict[str, Any]:
    """Loop dominance per year for one country (see :mod:`powerscope.dynamics.loops`)."""
    chosen = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    cal = calibration or calibrate(code, fit, store=store)
    report = loop_analysis(cal, chosen, last=last)
    modes = [row["mode"] for row in report["years"] if row["mode"] != "neutral"]
    report["summary"] = {
        mode: sum(1 for m in modes if m == mode) for mode in ("virtuous", "vicious", "balancing")
    }
    return finite(report)


def compare_report(
    codes: Sequence[str],
    scenario: str | Path | Scenario | None = None,
    *,
    years: tuple[int, int] = DEFAULT_YEARS,
    runs: int = 2000,
    seed: int = 1,
    fit: tuple[int, int] = DEFAULT_FIT,
    calibrations: Mapping[str, Calibration] | None = None,
    store: Store | None = None,
) -> dict[str, Any]:
    """Several countries side by side: projections at the last year, dominant loop and mode.

    ``calibrations`` may hold ready calibrations by code (the others are calibrated here).
    """
    if len(codes) < 2:
        raise SpecError(
            "compare needs at least two countries", parameter="codes", fix="e.g. KOR CHN"
        )
    store = store or open_store()
    chosen = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    rows = []
    for code in codes:
        cal = (calibrations or {}).get(code) or calibrate(code, fit, store=store)
        report = scenario_report(
            code, chosen, years=years, runs=runs, seed=seed, calibration=cal, store=store
        )
        loops = loop_analysis(cal, chosen, last=years[1])
        final = loops["years"][-1]
        row: dict[str, Any] = {"code": cal.code, "name": cal.name}
        for name in ("gdp", "rd_intensity", "researchers", "articles", "milex", "arms_exports"):
            h = report["headline"][name]
            row[f"{name}_median"] = h["median"]
            row[f"{name}_p05"] = h["p05"]
            row[f"{name}_p95"] = h["p95"]
        row["dominant_loop"] = final["dominant_loop"]
        row["mode"] = final["mode"]
        rows.append(row)
    return finite(
        {
            "countries": rows,
            "year": years[1],
            "scenario": chosen.name,
            "runs": runs,
            "units": {
                name: OUTPUT_UNITS[name]
                for name in (
                    "gdp",
                    "rd_intensity",
                    "researchers",
                    "articles",
                    "milex",
                    "arms_exports",
                )
            },
        }
    )


def parameter_table() -> list[dict[str, Any]]:
    """Every parameter with unit, meaning, kind, meaningful range, default and reference."""
    return [
        {
            "name": p.name,
            "kind": p.kind,
            "unit": p.unit,
            "low": p.low,
            "high": p.high,
            "default": p.default,
            "plausible": list(p.plausible) if p.plausible else None,
            "prior": list(p.prior) if p.prior else None,
            "meaning": p.meaning,
            "reference": p.reference,
        }
        for p in PARAMETERS.values()
    ]


def scenario_list() -> list[dict[str, Any]]:
    """The shipped scenarios: name, title, description."""
    out = []
    for name, path in sorted(shipped().items()):
        s = load_scenario(path)
        out.append({"name": name, "title": s.title, "description": s.description.strip()})
    return out


backtest_report = backtest
backtest_origins_report = backtest_origins

__all__ = [
    "backtest_origins_report",
    "backtest_report",
    "calibration_report",
    "compare_report",
    "loops_report",
    "parameter_table",
    "parse_years",
    "scenario_list",
    "scenario_report",
]
