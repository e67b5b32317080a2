"""The parameters of the self-reliance model: meaning, unit, meaningful range, source.

Three kinds:

- ``calibrated``: estimated per country from the warehouse (Bayesian regressions, see
  :mod:`powerscope.dynamics.calibrate`); the prior (mean, sd) is given here with its reference.
- ``literature``: not identifiable from one country's series; set from the literature with a
  plausible range that the ensembles sample uniformly.
- ``lever``: policy levers a scenario sets (baseline values come from the calibration or are 0).

Every scenario value is checked against ``low``..``high`` (the *meaningful* range: outside it the
equations lose their meaning, e.g. a retention above 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["calibrated", "literature", "lever"]


@dataclass(frozen=True)
class Parameter:
    """One model parameter.

    ``plausible`` is the range ensembles draw from (literature parameters) and ``prior`` the
    (mean, sd) of a calibrated coefficient's Gaussian prior.
    """

    name: str
    unit: str
    meaning: str
    kind: Kind
    low: float
    high: float
    default: float | None = None
    plausible: tuple[float, float] | None = None
    prior: tuple[float, float] | None = None
    reference: str = ""
    time_varying: bool = False


HALL = (
    "Hall, Mairesse & Mohnen (2010), 'Measuring the returns to R&D', Handbook of the Economics "
    "of Innovation 2: 1033-1082"
)
BARRO = "Barro & Sala-i-Martin (1992), 'Convergence', Journal of Political Economy 100(2): 223-251"
JONES = "Jones (1995), 'R&D-based models of economic growth', Journal of Political Economy 103(4)"
FRASCATI = "OECD (2015), Frascati Manual: R&D expenditure by type of cost (labour share)"
STERMAN = "Sterman (2000), Business Dynamics, ch. 8 (first-order goal seeking)"
COE = (
    "Coe & Helpman (1995), 'International R&D spillovers', European Economic Review 39(5); "
    "Cohen & Levinthal (1989), 'Innovation and learning: the two faces of R&D'"
)
SIPRI_TIV = (
    "SIPRI: TIV is a volume, not a price; global TIV ~27,000 m a year against SIPRI's estimate of "
    "a financial value of at least US$ 127 bn (2021)"
)

_P = Parameter
PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in [
        # -- economy ---------------------------------------------------------------------------
        _P("growth_base", "1/yr", "Growth of real GDP not explained by the other terms (TFP drift).",
           "calibrated", -0.2, 0.2, prior=(0.02, 1.0), reference="flat prior"),
        _P("knowledge_elasticity", "-", "Elasticity of output to the R&D knowledge stock: a 1% "
           "faster growth of knowledge adds this many % to GDP growth.", "calibrated", 0.0, 1.0,
           prior=(0.10, 0.05), reference=HALL),
        _P("labour_elasticity", "-", "Elasticity of output to the labour force.", "calibrated",
           0.0, 1.5, prior=(0.6, 0.2), reference="labour share of income"),
        _P("convergence", "1/yr", "Speed of catch-up: growth falls by this times the log of income "
           "per head relative to the United States.", "calibrated", 0.0, 0.2,
           prior=(0.02, 0.005), reference=BARRO),
        _P("frontier_growth", "1/yr", "Growth of US real income per head (the frontier), from the "
           "calibration window.", "literature", -0.05, 0.1, plausible=None),
        _P("population_growth", "1/yr", "Growth of population (trend of the last 10 calibration "
           "years unless a scenario sets it).", "lever", -0.05, 0.05, time_varying=True),
        _P("labour_growth", "1/yr", "Growth of the labour force (trend of the last 10 calibration "
           "years unless a scenario sets it).", "lever", -0.05, 0.05, time_varying=True),
        # -- R&D and knowledge -----------------------------------------------------------------
        _P("rd_target", "% of GDP", "R&D intensity the country's spending converges to (goal "
           "seeking), at the calibrated military spending.", "lever", 0.0, 10.0,
           time_varying=True, reference=STERMAN),
        _P("rd_adjustment", "1/yr", "Share of the gap to the R&D target closed each year.",
           "literature", 0.01, 1.0, default=0.15, plausible=(0.08, 0.25), reference=STERMAN),
        _P("knowledge_depreciation", "1/yr", "Obsolescence of the R&D knowledge stock.",
           "literature", 0.0, 0.5, default=0.15, plausible=(0.10, 0.20), reference=HALL),
        _P("personnel_share", "-", "Weight of researchers (vs money) in knowledge production: "
           "the labour share of R&D cost.", "literature", 0.0, 1.0, default=0.5,
           plausible=(0.4, 0.6), reference=FRASCATI + "; " + JONES),
        _P("spillover", "-", "Extra knowledge absorbed from partners' technology, as a fraction of "
           "own R&D investment (alliance scenarios).", "lever", 0.0, 2.0, default=0.0,
           time_varying=True, reference=COE),
        _P("defence_rd_share", "-", "Share of military spending that is defence R&D (part of "
           "national R&D).", "literature", 0.0, 0.5, default=0.08, plausible=(0.04, 0.12),
           reference="national defence budgets (Korea: ~8% of the defence budget on R&D)"),
        # -- researchers -----------------------------------------------------------------------
        _P("researcher_level", "log(per million)", "Intercept of researchers per million.",
           "calibrated", -50.0, 50.0, prior=(7.0, 10.0), reference="flat prior"),
        _P("researcher_rd_elasticity", "-", "Elasticity of researchers per head to R&D intensity.",
           "calibrated", 0.0, 3.0, prior=(1.0, 0.25), reference="researchers are paid from R&D"),
        _P("researcher_trend", "1/yr", "Trend of researchers per head at given R&D intensity.",
           "calibrated", -0.2, 0.2, prior=(0.0, 0.01)),
        _P("researcher_adjustment_time", "yr", "Time to hire or shed researchers towards the "
           "number the R&D budget supports.", "literature", 0.5, 20.0, default=2.0,
           plausible=(1.0, 4.0), reference=STERMAN),
        _P("recruits", "researchers/yr", "Researchers recruited from abroad per year by a talent "
           "programme (on top of domestic hiring).", "lever", 0.0, 200_000.0, default=0.0,
           time_varying=True),
        _P("recruit_retention", "1/yr", "Share of recruited researchers who stay each year.",
           "lever", 0.0, 1.0, default=0.9),
        _P("recruit_productivity", "-", "Output of a recruit relative to an average researcher.",
           "lever", 0.0, 10.0, default=1.5),
        _P("recruit_cost", "-", "Cost of a recruit as a multiple of R&D spending per researcher "
           "(funded on top of the R&D budget).", "lever", 0.0, 10.0, default=1.5),
        _P("retention_income_elasticity", "-", "How retention of recruits rises with income per "
           "head relative to the US (the talent-attraction loop).", "literature", 0.0, 3.0,
           default=0.5, plausible=(0.0, 1.0),
           reference="powerscope assumption: recruits stay more readily as the income gap "
           "closes (the KIST returnee experience); 0 switches the loop off"),
        # -- outputs of science and technology --------------------------------------------------
        _P("articles_level", "log(articles)", "Intercept of journal articles.", "calibrated",
           -100.0, 100.0, prior=(0.0, 30.0)),
        _P("articles_researcher_elasticity", "-", "Elasticity of articles to effective "
           "researchers.", "calibrated", -1.0, 3.0, prior=(0.5, 0.3), reference=JONES),
        _P("articles_knowledge_elasticity", "-", "Elasticity of articles to the knowledge stock.",
           "calibrated", -1.0, 3.0, prior=(0.5, 0.3), reference=JONES),
        _P("patents_level", "log(applications)", "Intercept of resident patent applications.",
           "calibrated", -100.0, 100.0, prior=(0.0, 30.0)),
        _P("patents_researcher_elasticity", "-", "Elasticity of patents to effective researchers.",
           "calibrated", -1.0, 3.0, prior=(0.5, 0.3), reference=JONES),
        _P("patents_knowledge_elasticity", "-", "Elasticity of patents to the knowledge stock.",
           "calibrated", -1.0, 3.0, prior=(0.5, 0.3), reference=JONES),
        _P("hightech_level", "log(US$ bn)", "Intercept of high-technology exports.",
           "calibrated", -100.0, 100.0, prior=(0.0, 30.0)),
        _P("hightech_knowledge_elasticity", "-", "Elasticity of high-tech exports to the "
           "knowledge stock.", "calibrated", -1.0, 3.0, prior=(0.3, 0.3)),
        _P("hightech_output_elasticity", "-", "Elasticity of high-tech exports to GDP.",
           "calibrated", -1.0, 3.0, prior=(0.7, 0.3)),
        # -- defence ---------------------------------------------------------------------------
        _P("milex_target", "% of GDP", "Military spending the country converges to.", "lever",
           0.0, 20.0, time_varying=True, reference=STERMAN),
        _P("milex_adjustment", "1/yr", "Share of the gap to the military-spending target closed "
           "each year.", "literature", 0.01, 1.0, default=0.2, plausible=(0.1, 0.3),
           reference=STERMAN),
        _P("military_depreciation", "1/yr", "Depreciation of military capital (equipment, "
           "infrastructure).", "literature", 0.0, 0.5, default=0.08, plausible=(0.05, 0.12),
           reference="powerscope assumption: equipment service lives of about 8-20 years"),
        _P("defence_depreciation", "1/yr", "Depreciation of defence-industrial capacity.",
           "literature", 0.0, 0.5, default=0.10, plausible=(0.05, 0.15),
           reference="powerscope assumption: skills and lines lost within about 7-20 years "
           "without orders"),
        _P("tech_quality_elasticity", "-", "How technology intensity (knowledge per unit of GDP) "
           "multiplies the defence-industrial capacity bought by military spending.",
           "literature", 0.0, 2.0, default=0.5, plausible=(0.2, 0.8),
           reference="powerscope assumption, varied over its plausible range in ensembles"),
        _P("arms_level", "log(TIV m)", "Intercept of arms exports.", "calibrated", -100.0, 100.0,
           prior=(0.0, 30.0)),
        _P("arms_capacity_elasticity", "-", "Elasticity of arms exports to defence-industrial "
           "capacity.", "calibrated", 0.0, 5.0, prior=(1.0, 0.5)),
        _P("arms_price", "US$ per TIV", "Earnings per unit of SIPRI trend-indicator value "
           "(a rough conversion).", "literature", 0.0, 20.0, default=4.0, plausible=(2.0, 6.0),
           reference=SIPRI_TIV),
        _P("arms_reinvestment", "-", "Share of arms-export earnings reinvested in "
           "defence-industrial capacity.", "literature", 0.0, 1.0, default=0.3,
           plausible=(0.1, 0.5), reference="powerscope assumption"),
    ]
}  # fmt: skip


def closest(name: str, n: int = 3) -> list[str]:
    """The parameter names closest to ``name`` (for error messages)."""
    import difflib

    return difflib.get_close_matches(name, list(PARAMETERS), n=n, cutoff=0.4)
