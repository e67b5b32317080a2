"""Export a calibrated model to XMILE, the OASIS standard for system-dynamics models.

The file holds the stocks, flows and auxiliaries of :mod:`powerscope.dynamics.model` with one
country's central (posterior-mean) parameters and, optionally, a scenario's levers as
``IF TIME ... THEN ... ELSE`` expressions, so Stella, Vensim (XMILE import) or PySD can run,
inspect and change it. Uncertain levers take the middle of their range. The model is annual:
flows are amounts per year for a step of one year, so keep DT = 1. The ensembles, loop
knockouts and calibration stay in powerscope.

OASIS (2015), XMILE Version 1.0, http://docs.oasis-open.org/xmile/xmile/v1.0/xmile-v1.0.html
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

import numpy as np

from powerscope import __version__
from powerscope.dynamics.calibrate import Calibration
from powerscope.dynamics.demography import path_values
from powerscope.dynamics.ensemble import central_scenario
from powerscope.dynamics.model import LOG_CAP, OUTPUT_UNITS, RESEARCHER_BASE_YEAR
from powerscope.dynamics.parameters import PARAMETERS
from powerscope.dynamics.scenario import BASELINE, Scenario

NAMESPACE = "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"

# Parameters the equations use, in the order they are written.
CONSTANTS = (
    "growth_base", "knowledge_elasticity", "labour_elasticity", "convergence", "frontier_growth",
    "population_growth", "labour_growth", "rd_target", "rd_adjustment", "knowledge_depreciation",
    "personnel_share", "spillover", "defence_rd_share", "researcher_level",
    "researcher_rd_elasticity", "researcher_trend", "researcher_adjustment_time", "recruits",
    "recruit_retention", "recruit_productivity", "recruit_cost", "retention_income_elasticity",
    "articles_level", "articles_researcher_elasticity", "articles_knowledge_elasticity",
    "patents_level", "patents_researcher_elasticity", "patents_knowledge_elasticity",
    "hightech_level", "hightech_knowledge_elasticity", "hightech_output_elasticity",
    "milex_target", "milex_target_ref", "milex_adjustment", "military_depreciation",
    "defence_depreciation", "tech_quality_elasticity", "arms_level", "arms_capacity_elasticity",
    "arms_price", "arms_reinvestment", "tech_ref",
)  # fmt: skip

# name: (initial value key, inflows, outflows, unit, meaning)
STOCKS = {
    "gdp": ("Y", ["gdp_change"], [], OUTPUT_UNITS["gdp"], "Real GDP."),
    "knowledge": ("K", ["knowledge_investment"], ["knowledge_obsolescence"],
                  OUTPUT_UNITS["knowledge"], "R&D knowledge stock."),
    "knowledge_last_year": ("K_prev", ["knowledge_memory"], [], OUTPUT_UNITS["knowledge"],
                            "Last year's knowledge stock (for its growth rate)."),
    "researchers_domestic": ("H", ["researcher_hiring"], [], "thousand FTE",
                             "Domestic researchers."),
    "recruited": ("G", ["recruitment"], ["recruit_departures"], "thousand",
                  "Researchers recruited from abroad still in the country."),
    "defence_industry": ("D", ["industry_investment"], ["industry_depreciation"],
                         OUTPUT_UNITS["defence_industry"], "Defence-industrial capacity."),
    "military_capital": ("M", ["military_investment"], ["military_wear"],
                         OUTPUT_UNITS["military_capital"], "Military capital."),
    "rd_civil": ("r", ["rd_change"], [], "% of GDP", "Civil R&D intensity."),
    "milex_share": ("m", ["milex_change"], [], "% of GDP", "Military spending."),
    "log_relative_income": ("q", ["catch_up_change"], [], "-",
                            "Log income per head relative to the United States."),
    "population": ("N", ["population_change"], [], "million", "Population."),
}  # fmt: skip

FLOWS = {
    "gdp_change": "gdp * (EXP(gdp_growth) - 1)",
    "knowledge_investment": "knowledge_inflow",
    "knowledge_obsolescence": "knowledge_depreciation * knowledge",
    "knowledge_memory": "(knowledge - knowledge_last_year)",
    "researcher_hiring": "(researchers_supported - researchers_domestic) / researcher_adjustment_time",
    "recruitment": "recruits / 1000",
    "recruit_departures": "(1 - retention) * recruited",
    "industry_investment": "milex * MAX(tech, 1e-9) ^ tech_quality_elasticity"
    " + arms_reinvestment * arms_earnings",
    "industry_depreciation": "defence_depreciation * defence_industry",
    "military_investment": "milex",
    "military_wear": "military_depreciation * military_capital",
    "rd_change": "rd_adjustment * (MAX(civil_rd_target, 0) - rd_civil)",
    "milex_change": "milex_adjustment * (milex_target - milex_share)",
    "catch_up_change": "gdp_growth - population_growth - frontier_growth",
    "population_change": "population * (EXP(population_growth) - 1)",
}

AUXES = {
    "milex": ("milex_share * gdp / 100", OUTPUT_UNITS["milex"]),
    "rd_domestic": ("rd_civil * gdp / 100 + defence_rd_share * milex", "US$ bn"),
    "rd_per_researcher": ("rd_domestic / MAX(researchers_domestic, 1e-9)", "US$ bn/thousand"),
    "talent_programme": ("recruits / 1000 * recruit_cost * rd_per_researcher", "US$ bn"),
    "rd_spending": ("rd_domestic + talent_programme", OUTPUT_UNITS["rd_spending"]),
    "researchers_effective": ("researchers_domestic + recruit_productivity * recruited",
                              "thousand FTE"),
    "researchers": ("researchers_domestic + recruited", OUTPUT_UNITS["researchers"]),
    "knowledge_inflow": ("rd_spending ^ (1 - personnel_share) * (rd_per_researcher * "
                         "researchers_effective) ^ personnel_share * (1 + spillover)", "US$ bn"),
    "rd_intensity": ("100 * rd_spending / gdp", OUTPUT_UNITS["rd_intensity"]),
    "knowledge_growth": ("LN(knowledge / knowledge_last_year)", "1/yr"),
    "gdp_growth": ("growth_base + knowledge_elasticity * knowledge_growth + labour_elasticity * "
                   "labour_growth - convergence * log_relative_income", "1/yr"),
    "arms_exports": (f"MAX(EXP(MIN(arms_level + arms_capacity_elasticity * LN(defence_industry), "
                     f"{LOG_CAP:g})) - 1, 0)", OUTPUT_UNITS["arms_exports"]),
    "arms_earnings": ("arms_price * arms_exports / 1000", "US$ bn"),
    "researchers_supported": ("population * EXP(researcher_level + researcher_rd_elasticity * "
                              "LN(MAX(rd_intensity, 1e-6)) + researcher_trend * (TIME - "
                              f"{RESEARCHER_BASE_YEAR})) / 1000", "thousand FTE"),
    "retention": ("MIN(recruit_retention * EXP(retention_income_elasticity * "
                  "(log_relative_income - log_relative_income_start)), 1)", "1/yr"),
    "tech": ("(knowledge / gdp) / tech_ref", "-"),
    "civil_rd_target": ("rd_target - defence_rd_share * milex_target_ref", "% of GDP"),
    "articles": ("EXP(articles_level + articles_researcher_elasticity * "
                 "LN(MAX(researchers_effective, 1e-9)) + articles_knowledge_elasticity * "
                 "LN(knowledge))", OUTPUT_UNITS["articles"]),
    "patents": ("EXP(patents_level + patents_researcher_elasticity * "
                "LN(MAX(researchers_effective, 1e-9)) + patents_knowledge_elasticity * "
                "LN(knowledge))", OUTPUT_UNITS["patents"]),
    "hightech_exports": ("EXP(hightech_level + hightech_knowledge_elasticity * LN(knowledge) + "
                         "hightech_output_elasticity * LN(gdp))", OUTPUT_UNITS["hightech_exports"]),
}  # fmt: skip


def _number(value: float) -> str:
    return repr(float(value))


def _path(calibration: Calibration, name: str, last: int) -> str | None:
    """A parameter that follows a projection year by year (:attr:`Calibration.paths`) as
    nested ``IF TIME < year + 0.5 THEN value ELSE ...`` (the value of each year holds from
    that year to the next, as in :func:`~powerscope.dynamics.model.simulate`)."""
    years = np.arange(calibration.start, last + 1)
    values = path_values(calibration, name, years)
    if values is None:
        return None
    expression = _number(values[-1])
    for year, value in zip(years[-2::-1], values[-2::-1], strict=True):
        expression = f"IF TIME < {year + 0.5} THEN {_number(value)} ELSE ({expression})"
    return expression


def _lever(name: str, base: float, scenario: Scenario, path: str | None = None) -> str:
    """A parameter's equation: its value (or its path), changed by the scenario in its
    windows."""
    expression = _number(base) if path is None else path
    for change in scenario.changes:
        if change.parameter != name:
            continue
        if change.operation == "set":
            new = _number(change.value)
        elif change.operation == "add":
            new = f"({expression}) + {_number(change.value)}"
        else:
            new = f"({expression}) * {_number(change.value)}"
        tests = []
        if change.start is not None:
            tests.append(f"TIME >= {change.start}")
        if change.end is not None:
            tests.append(f"TIME <= {change.end}")
        expression = new if not tests else f"IF {' AND '.join(tests)} THEN {new} ELSE {expression}"
    return expression


def _variable(
    kind: str, name: str, eqn: str, unit: str = "", doc: str = "", extra: str = ""
) -> str:
    parts = [f'<{kind} name="{name}">', f"<eqn>{escape(eqn)}</eqn>", extra]
    if unit:
        parts.append(f"<units>{escape(unit)}</units>")
    if doc:
        parts.append(f"<doc>{escape(doc)}</doc>")
    parts.append(f"</{kind}>")
    return "      " + "".join(parts)


def to_xmile(calibration: Calibration, scenario: Scenario = BASELINE, *, last: int = 2050) -> str:
    """The calibrated model (central parameters, the scenario's levers) as an XMILE document."""
    params = calibration.central()
    central = central_scenario(scenario)
    initial = dict(calibration.initial)
    initial["K_prev"] = initial["K"] / math.exp(initial["gK"])
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<xmile version="1.0" xmlns="{NAMESPACE}">',
        "  <header>",
        "    <vendor>powerscope</vendor>",
        f'    <product version="{__version__}">powerscope</product>',
        f"    <name>{escape(calibration.name)}: {escape(central.title or central.name)}</name>",
        "  </header>",
        f'  <sim_specs method="Euler" time_units="year"><start>{calibration.start}</start>'
        f"<stop>{last}</stop><dt>1</dt></sim_specs>",
        "  <model>",
        "    <variables>",
    ]
    for name, (key, inflows, outflows, unit, doc) in STOCKS.items():
        flows = "".join(f"<inflow>{f}</inflow>" for f in inflows)
        flows += "".join(f"<outflow>{f}</outflow>" for f in outflows)
        lines.append(_variable("stock", name, _number(initial[key]), unit, doc, flows))
    for name, eqn in FLOWS.items():
        lines.append(_variable("flow", name, eqn))
    for name, (eqn, unit) in AUXES.items():
        lines.append(_variable("aux", name, eqn, unit))
    for name in CONSTANTS:
        meta = PARAMETERS.get(name)
        eqn = _lever(name, float(params[name]), central, _path(calibration, name, last))
        lines.append(_variable("aux", name, eqn, meta.unit if meta else "",
                               meta.meaning if meta else "calibration constant"))  # fmt: skip
    lines.append(_variable("aux", "log_relative_income_start", _number(initial["q"]), "-",
                           "Log relative income in the start year."))  # fmt: skip
    lines += ["    </variables>", "  </model>", "</xmile>", ""]
    return "\n".join(lines)
