"""The self-reliance model: stocks, flows and outputs, simulated for many runs at once.

Annual steps (Euler, dt = 1 yr), every quantity an array over runs: one call simulates an
ensemble of R parameter sets over T years with T steps of array arithmetic. The equations
(``docs/dynamics.md`` has them with units and references):

Stocks
    Y  real GDP (US$ bn, constant 2015)          K  R&D knowledge stock (US$ bn, constant 2015)
    H  domestic researchers (thousand FTE)        G  recruited researchers (thousand)
    D  defence-industrial capacity (US$ bn)       M  military capital (US$ bn)
    r  civil R&D intensity (% of GDP)             m  military spending (% of GDP)
    q  log income per head relative to the US    N  population (million)

Flows in year t
    milex      = m Y / 100
    R          = r Y / 100 + defence_rd_share * milex + programme cost
    I_K        = R^(1-nu) * (R_dom/H * H_eff)^nu * (1 + spillover)   (Cobb-Douglas in money
                 and effective researchers H_eff = H + recruit_productivity * G; = R without recruits)
    K[t+1]     = (1 - knowledge_depreciation) K + I_K
    g_Y        = growth_base + knowledge_elasticity * g_K + labour_elasticity * g_L
                 - convergence * q
    Y[t+1]     = Y exp(g_Y)
    H*         = N * exp(researcher_level + researcher_rd_elasticity * ln(r_total)
                 + researcher_trend * (t - 2005)) / 1000
    H[t+1]     = H + (H* - H) / researcher_adjustment_time
    G[t+1]     = retention * G + recruits / 1000, retention = recruit_retention *
                 (exp(q - q0))^retention_income_elasticity, capped at 1
    D[t+1]     = (1 - defence_depreciation) D + milex * tech^tech_quality_elasticity
                 + arms_reinvestment * earnings,   tech = (K/Y) / tech_ref
    E          = exp(arms_level + arms_capacity_elasticity * ln D) - 1   (TIV m)
    earnings   = arms_price * E / 1000   (US$ bn)
    M[t+1]     = (1 - military_depreciation) M + milex
    r[t+1]     = r + rd_adjustment (rd_target - defence R&D share of GDP - r)
    m[t+1]     = m + milex_adjustment (milex_target - m)
    q[t+1]     = q + g_Y - g_N - frontier_growth

Outputs: articles, patents (log-linear in H_eff and K), high-tech exports (log-linear in K and Y).

``cuts`` switches feedback links off by holding the link's input at its start-year value (the
loop-knockout of Ford 1999 and Hayward & Boswell 2014, see :mod:`powerscope.dynamics.loops`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

STATE = ("Y", "K", "H", "G", "D", "M", "r", "m", "q", "gK", "N")
OUTPUTS = (
    "gdp",
    "rd_intensity",
    "rd_spending",
    "researchers",
    "recruited",
    "articles",
    "patents",
    "hightech_exports",
    "milex_share",
    "milex",
    "arms_exports",
    "knowledge",
    "defence_industry",
    "military_capital",
    "gdp_growth",
    "relative_income",
)
OUTPUT_UNITS = {
    "gdp": "US$ bn (constant 2015)",
    "rd_intensity": "% of GDP",
    "rd_spending": "US$ bn (constant 2015)",
    "researchers": "thousand FTE",
    "recruited": "thousand",
    "articles": "articles",
    "patents": "applications",
    "hightech_exports": "US$ bn (current)",
    "milex_share": "% of GDP",
    "milex": "US$ bn (constant 2015)",
    "arms_exports": "TIV m",
    "knowledge": "US$ bn (constant 2015)",
    "defence_industry": "US$ bn (constant 2015)",
    "military_capital": "US$ bn (constant 2015)",
    "gdp_growth": "%/yr",
    "relative_income": "ratio to the US",
}
# Feedback links that can be cut (held at their start-year value) for loop analysis.
LINKS = (
    "economy_to_rd",  # Y -> civil R&D budget
    "milex_to_rd",  # military spending -> defence R&D
    "income_to_retention",  # relative income -> retention of recruits
    "earnings_to_industry",  # arms-export earnings -> defence-industrial capacity
    "obsolescence",  # knowledge stock -> depreciation
    "catch_up",  # relative income -> slower growth
)
RESEARCHER_BASE_YEAR = 2005
# Year-by-year noise simulate() can add: to GDP growth (log points), to the yearly change of R&D
# intensity and of military spending (percentage points), to the goals of R&D intensity and of
# military spending (percentage points), to the researcher target (log), and to the reported
# outputs (log; observation noise that does not feed back). The ensemble draws the goal,
# researcher and science-output shocks as random walks (see RANDOM_WALK_SHOCKS).
SHOCKS = ("growth", "rd", "milex", "rd_goal", "milex_goal", "researchers", "articles", "patents",
          "hightech", "arms")  # fmt: skip
RANDOM_WALK_SHOCKS = ("rd_goal", "milex_goal", "researchers", "articles", "patents", "hightech")
LOG_CAP = 25.0  # outputs are capped at e^25 so extreme draws cannot overflow


@dataclass
class Trajectory:
    """Simulated outputs: ``values[name]`` has shape (years, runs)."""

    years: np.ndarray
    values: dict[str, np.ndarray] = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]

    @property
    def runs(self) -> int:
        return int(next(iter(self.values.values())).shape[1])


def _grid(value: np.ndarray | float, years: int, runs: int) -> np.ndarray:
    """Broadcast a parameter to (years, runs): scalars, (runs,), (years, 1) or (years, runs)."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return np.full((years, runs), float(array))
    if array.ndim == 1:
        return np.broadcast_to(array[None, :], (years, runs))
    return np.broadcast_to(array, (years, runs))


def simulate(
    params: Mapping[str, np.ndarray | float],
    initial: Mapping[str, np.ndarray | float],
    years: np.ndarray,
    *,
    cuts: frozenset[str] = frozenset(),
    runs: int | None = None,
    shocks: Mapping[str, np.ndarray] | None = None,
) -> Trajectory:
    """Simulate the model over ``years`` (first year = the initial state) for every run.

    ``params`` maps every parameter of :data:`powerscope.dynamics.parameters.PARAMETERS` (plus
    ``tech_ref``, ``articles_*``, ...) to a scalar, an array over runs, or an array over
    (years, runs) for time-varying levers. ``initial`` gives the state at ``years[0]``.
    ``shocks`` (optional, each (years, runs)) adds year-by-year noise, see :data:`SHOCKS`.
    """
    years = np.asarray(years, dtype=int)
    n_years = len(years)
    if runs is None:
        sizes = [np.asarray(v).shape[-1] for v in params.values() if np.asarray(v).ndim >= 1]
        sizes += [np.asarray(v).shape[-1] for v in initial.values() if np.asarray(v).ndim >= 1]
        runs = max(sizes, default=1)
    p = {name: _grid(value, n_years, runs) for name, value in params.items()}
    s = {
        name: np.broadcast_to(np.asarray(initial[name], dtype=float), (runs,)).copy()
        for name in STATE
    }
    out = {name: np.empty((n_years, runs)) for name in OUTPUTS}
    q0 = s["q"].copy()
    k0 = s["K"].copy()
    y0 = s["Y"].copy()
    m0 = s["m"].copy()
    earnings0: np.ndarray | None = None
    trend = years - RESEARCHER_BASE_YEAR
    zero = np.zeros((n_years, runs))
    e = {name: zero if shocks is None or name not in shocks else _grid(shocks[name], n_years, runs)
         for name in SHOCKS}  # fmt: skip

    for i in range(n_years):
        Y, K, H, G, D, M, r, m, q, gK, N = (s[name] for name in STATE)
        milex = m * Y / 100.0
        y_rd = y0 if "economy_to_rd" in cuts else Y
        milex_rd = (m0 * y0 / 100.0) if "milex_to_rd" in cuts else milex
        r_dom = r * y_rd / 100.0
        defence_rd = p["defence_rd_share"][i] * milex_rd
        domestic = r_dom + defence_rd
        per_researcher = domestic / np.maximum(H, 1e-9)  # US$ bn per thousand researchers
        programme = p["recruits"][i] / 1000.0 * p["recruit_cost"][i] * per_researcher
        spend = domestic + programme
        effective = H + p["recruit_productivity"][i] * G
        nu = p["personnel_share"][i]
        invest = spend ** (1.0 - nu) * (per_researcher * effective) ** nu
        invest = invest * (1.0 + p["spillover"][i])
        r_total = 100.0 * spend / Y
        log_k = np.log(K)
        log_eff = np.log(np.maximum(effective, 1e-9))
        arms = np.maximum(
            np.exp(
                np.minimum(
                    p["arms_level"][i] + p["arms_capacity_elasticity"][i] * np.log(D), LOG_CAP
                )
            )
            - 1.0,
            0.0,
        )
        earnings = p["arms_price"][i] * arms / 1000.0
        if earnings0 is None:
            earnings0 = earnings.copy()
        growth = (
            p["growth_base"][i]
            + p["knowledge_elasticity"][i] * gK
            + p["labour_elasticity"][i] * p["labour_growth"][i]
            - p["convergence"][i] * (q0 if "catch_up" in cuts else q)
            + e["growth"][i]
        )

        out["gdp"][i] = Y
        out["rd_intensity"][i] = r_total
        out["rd_spending"][i] = spend
        out["researchers"][i] = H + G
        out["recruited"][i] = G
        out["articles"][i] = np.exp(
            p["articles_level"][i]
            + p["articles_researcher_elasticity"][i] * log_eff
            + p["articles_knowledge_elasticity"][i] * log_k
            + e["articles"][i]
        )
        out["patents"][i] = np.exp(
            p["patents_level"][i]
            + p["patents_researcher_elasticity"][i] * log_eff
            + p["patents_knowledge_elasticity"][i] * log_k
            + e["patents"][i]
        )
        out["hightech_exports"][i] = np.exp(
            p["hightech_level"][i]
            + p["hightech_knowledge_elasticity"][i] * log_k
            + p["hightech_output_elasticity"][i] * np.log(Y)
            + e["hightech"][i]
        )
        out["milex_share"][i] = m
        out["milex"][i] = milex
        out["arms_exports"][i] = arms * np.exp(e["arms"][i])
        out["knowledge"][i] = K
        out["defence_industry"][i] = D
        out["military_capital"][i] = M
        out["gdp_growth"][i] = 100.0 * growth
        out["relative_income"][i] = np.exp(q)
        if i == n_years - 1:
            break

        # -- stocks at t + 1 ----------------------------------------------------------------
        k_old = k0 if "obsolescence" in cuts else K
        k_next = K - p["knowledge_depreciation"][i] * k_old + invest
        target_h = (
            N
            * np.exp(
                p["researcher_level"][i]
                + p["researcher_rd_elasticity"][i] * np.log(np.maximum(r_total, 1e-6))
                + p["researcher_trend"][i] * trend[i]
                + e["researchers"][i]
            )
            / 1000.0
        )
        q_ret = q0 if "income_to_retention" in cuts else q
        retention = np.minimum(
            p["recruit_retention"][i] * np.exp(p["retention_income_elasticity"][i] * (q_ret - q0)),
            1.0,
        )
        tech = (K / Y) / p["tech_ref"][i]
        reinvest = earnings0 if "earnings_to_industry" in cuts else earnings
        g_n = p["population_growth"][i]

        s["gK"] = np.log(k_next) - log_k
        s["K"] = k_next
        s["Y"] = Y * np.exp(growth)
        s["H"] = H + (target_h - H) / p["researcher_adjustment_time"][i]
        s["G"] = retention * G + p["recruits"][i] / 1000.0
        s["D"] = (
            (1.0 - p["defence_depreciation"][i]) * D
            + milex * np.power(np.maximum(tech, 1e-9), p["tech_quality_elasticity"][i])
            + p["arms_reinvestment"][i] * reinvest
        )
        s["M"] = (1.0 - p["military_depreciation"][i]) * M + milex
        civil_target = (
            p["rd_target"][i]
            - p["defence_rd_share"][i] * p["milex_target_ref"][i]
            + e["rd_goal"][i]
        )
        s["r"] = np.maximum(
            r + p["rd_adjustment"][i] * (np.maximum(civil_target, 0.0) - r) + e["rd"][i], 0.0
        )
        milex_goal = p["milex_target"][i] + e["milex_goal"][i]
        s["m"] = np.maximum(m + p["milex_adjustment"][i] * (milex_goal - m) + e["milex"][i], 0.0)
        s["q"] = q + growth - g_n - p["frontier_growth"][i]
        s["N"] = N * np.exp(g_n)
    return Trajectory(years=years, values=out)
