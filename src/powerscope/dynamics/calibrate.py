"""Calibration of the self-reliance model for one country: partial-model Bayesian regressions.

Each equation of :mod:`powerscope.dynamics.model` is estimated on its own from the observed
series of the fit window (partial-model calibration, Homer 1983; Oliva 2003, "Model calibration
as a testing strategy for system dynamics models", EJOR 151), as a linear regression with Gaussian
priors on the coefficients (the conjugate normal model with the residual variance plugged in;
Gelman et al. 2013, Bayesian Data Analysis, ch. 14). The posterior mean is the calibrated value,
the posterior covariance the parameter uncertainty that ensembles sample. Unobserved stocks are
built from their inflows by the perpetual-inventory method (Griliches 1980) with the literature's
depreciation rates.

Log-linear output equations are anchored: their intercept is shifted by the mean residual of
the last three fit years, so a projection starts from the data, not from the regression line
(intercept correction, Clements & Hendry 1998, Forecasting Economic Time Series, ch. 8).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from powerscope.countries.identity import entity
from powerscope.data.store import Store, open_store
from powerscope.dynamics.demography import attach_demography
from powerscope.dynamics.history import History, fill_log, load_history
from powerscope.dynamics.model import RESEARCHER_BASE_YEAR
from powerscope.dynamics.parameters import PARAMETERS
from powerscope.dynamics.talent import attach_talent
from powerscope.errors import DataFormatError, PeriodError, PowerscopeError

MIN_FIT_YEARS = 8
ANCHOR_YEARS = 3
TREND_YEARS = 10
GOAL_YEARS = 6
CARRY_YEARS = 3


# The observed series behind each initial state.
STATE_SERIES = {
    "Y": "gdp", "K": "knowledge", "H": "researchers", "G": "researchers", "D": "milex",
    "M": "milex", "r": "rd_intensity", "m": "milex_share", "q": "relative_income",
    "gK": "knowledge", "N": "population",
}  # fmt: skip


@dataclass
class Equation:
    """One estimated equation: coefficient names, posterior mean and covariance, fit."""

    name: str
    target: str
    coefficients: list[str]
    mean: np.ndarray
    cov: np.ndarray
    sigma: float
    r2: float
    years: list[int]
    prior_mean: np.ndarray
    prior_sd: np.ndarray
    anchor: float = 0.0
    step_sigma: float = float("nan")
    rho: float = 0.0

    def as_records(self) -> list[dict[str, Any]]:
        sd = np.sqrt(np.diag(self.cov))
        return [
            {
                "equation": self.name,
                "parameter": name,
                "value": float(self.mean[j]),
                "sd": float(sd[j]),
                "prior_mean": float(self.prior_mean[j]),
                "prior_sd": float(self.prior_sd[j]),
                "r2": self.r2,
                "n": len(self.years),
                "years": f"{self.years[0]}-{self.years[-1]}" if self.years else "",
            }
            for j, name in enumerate(self.coefficients)
        ]


def bayes_regression(
    x: np.ndarray, y: np.ndarray, prior_mean: np.ndarray, prior_sd: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Posterior mean, covariance, residual sd and R² of y = X b + e with b ~ N(m0, diag(s0²)).

    The residual variance is estimated from the posterior-mean residuals (two passes).
    """
    n, k = x.shape
    precision0 = np.diag(1.0 / prior_sd**2)
    sigma2 = float(np.var(y)) if n > 1 else 1.0
    sigma2 = max(sigma2, 1e-8)
    mean = prior_mean.copy()
    cov = np.diag(prior_sd**2)
    for _ in range(3):
        precision = x.T @ x / sigma2 + precision0
        cov = np.linalg.inv(precision)
        mean = cov @ (x.T @ y / sigma2 + precision0 @ prior_mean)
        resid = y - x @ mean
        sigma2 = max(float(resid @ resid) / max(n - 1, 1), 1e-8)
    total = float(((y - y.mean()) ** 2).sum())
    # an intercept-only equation explains no variance by construction: no R²
    explained = k > 1 and total > 0
    r2 = 1.0 - float(((y - x @ mean) ** 2).sum()) / total if explained else float("nan")
    return mean, cov, float(np.sqrt(sigma2)), r2


def _prior(name: str) -> tuple[float, float]:
    prior = PARAMETERS[name].prior
    assert prior is not None, name
    return prior


def _fit(
    name: str,
    target: str,
    frame: pd.DataFrame,
    columns: dict[str, str | None],
    years: pd.Index,
    priors: dict[str, tuple[float, float]] | None = None,
) -> Equation:
    """Regress ``frame[target]`` on ``frame[columns]`` over ``years`` (None: the intercept)."""
    data = frame.loc[years]
    regressors = [c for c in columns.values() if c is not None]
    data = data[[target, *regressors]].replace([np.inf, -np.inf], np.nan).dropna()
    if len(data) < 3:
        raise DataFormatError(
            f"too few years with data to calibrate the {name} equation ({len(data)})",
            where=f"years {years.min()}-{years.max()}",
            fix="widen the fit window or pick a country with longer World Bank/SIPRI series",
        )
    x = np.column_stack(
        [np.ones(len(data)) if col is None else data[col].to_numpy() for col in columns.values()]
    )
    priors = priors or {}
    pm = np.array([priors[p][0] if p in priors else _prior(p)[0] for p in columns])
    ps = np.array([priors[p][1] if p in priors else _prior(p)[1] for p in columns])
    mean, cov, sigma, r2 = bayes_regression(x, data[target].to_numpy(), pm, ps)
    resid = data[target].to_numpy() - x @ mean
    steps = np.diff(resid)
    rho = autocorrelation(resid)
    # Serially correlated residuals carry less information than as many independent ones:
    # the covariance is scaled by the long-run variance factor (1 + rho) / (1 - rho) of an
    # AR(1) error (the Newey-West idea with one lag; Hamilton 1994, Time Series Analysis, 10.5).
    cov = cov * (1.0 + rho) / (1.0 - rho)
    return Equation(
        name=name,
        target=target,
        coefficients=list(columns),
        mean=mean,
        cov=cov,
        sigma=sigma,
        r2=r2,
        years=[int(y) for y in data.index],
        prior_mean=pm,
        prior_sd=ps,
        anchor=float(resid[-ANCHOR_YEARS:].mean()),
        step_sigma=float(np.sqrt(np.mean(steps**2))) if len(steps) >= 2 else sigma,
        rho=rho,
    )


def _pim(inflow: pd.Series, depreciation: float, growth: float) -> pd.Series:
    """Perpetual-inventory stock: S[t+1] = (1-d) S[t] + I[t], S[0] = I[0] / (g + d)."""
    values = inflow.to_numpy(dtype=float)
    stock = np.full(len(values), np.nan)
    started = False
    for i, flow in enumerate(values):
        if not started:
            if np.isfinite(flow):
                stock[i] = flow / (growth + depreciation)
                started = True
            continue
        prev_flow = values[i - 1] if np.isfinite(values[i - 1]) else 0.0
        stock[i] = (1.0 - depreciation) * stock[i - 1] + prev_flow
    return pd.Series(stock, index=inflow.index)


MAX_RHO = 0.9


def autocorrelation(resid: np.ndarray) -> float:
    """Lag-1 autocorrelation of residuals, clipped to 0..:data:`MAX_RHO` (0 for < 4 values)."""
    if len(resid) < 4:
        return 0.0
    centred = resid - resid.mean()
    denominator = float(centred @ centred)
    if denominator <= 0:
        return 0.0
    return float(np.clip(centred[1:] @ centred[:-1] / denominator, 0.0, MAX_RHO))


def _rms(changes: pd.Series) -> float:
    """Root mean square of the finite values (0 when there are none)."""
    values = changes.to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    return float(np.sqrt(np.mean(values**2))) if len(values) else 0.0


def _trend(series: pd.Series, end: int, years: int = TREND_YEARS) -> float:
    """Mean log growth per year over the ``years`` up to ``end``."""
    window = series.loc[end - years : end].dropna()
    if len(window) < 2:
        return 0.0
    span = float(window.index[-1] - window.index[0])
    return float(np.log(window.iloc[-1] / window.iloc[0]) / span)


@dataclass
class Calibration:
    """A calibrated country: equations, literature values, initial state, observed series."""

    code: str
    name: str
    fit: tuple[int, int]
    equations: dict[str, Equation]
    fixed: dict[str, float]
    initial: dict[str, float]
    observed: pd.DataFrame
    sources: dict[str, str]
    notes: list[str] = field(default_factory=list)
    # year-by-year values of levers that follow a projection (the WPP 2022 working-age and
    # total population growth, :mod:`powerscope.dynamics.demography`), by parameter name
    paths: dict[str, pd.Series] = field(default_factory=dict)
    # observed researcher migration (:func:`powerscope.dynamics.talent.observed_flows`)
    talent: dict[str, Any] | None = None

    @property
    def start(self) -> int:
        """The simulation's first year: the last year of the fit window."""
        return self.fit[1]

    def central(self) -> dict[str, float]:
        """Posterior means and literature defaults: the central parameter set."""
        params = dict(self.fixed)
        for eq in self.equations.values():
            for name, value in zip(eq.coefficients, eq.mean, strict=True):
                params[name] = float(value)
            _apply_anchor(params, eq, eq.mean)
        _targets(params, self.fixed)
        return params

    def shock_sd(self) -> dict[str, float]:
        """Standard deviation of each year-by-year shock (:data:`~.model.SHOCKS`), all from the
        fit window: the residual sd of the equation behind it (goal equations scaled by their
        adjustment; arms exports); for the shocks drawn as random walks
        (:data:`~.model.RANDOM_WALK_SHOCKS`), the root mean square of the residuals' yearly
        changes (researchers and science outputs: the deviations from the equation persist,
        a local level in the sense of Harvey 1989, *Forecasting, Structural Time Series Models
        and the Kalman Filter*, ch. 2) and of the yearly changes of civil R&D intensity and of
        military spending (their goals drift as much as the series moved)."""
        eqs = self.equations
        window = self.observed.loc[self.fit[0] : self.fit[1]]
        sd = {
            "growth": eqs["growth"].sigma,
            "rd": self.fixed["rd_adjustment"] * eqs["rd"].sigma,
            "milex": self.fixed["milex_adjustment"] * eqs["milex"].sigma,
            "rd_goal": _rms(window["rd_goal"].diff()),
            "milex_goal": _rms(window["milex_goal"].diff()),
            "researchers": eqs["researchers"].step_sigma,
            "articles": eqs["articles"].step_sigma,
            "patents": eqs["patents"].step_sigma,
            "arms": eqs["arms"].sigma,
        }
        if "hightech" in eqs:
            sd["hightech"] = eqs["hightech"].step_sigma
        return sd

    def records(self) -> list[dict[str, Any]]:
        """Every parameter: value, uncertainty, unit, meaning, kind, reference."""
        rows: list[dict[str, Any]] = []
        for eq in self.equations.values():
            for row in eq.as_records():
                meta = PARAMETERS.get(row["parameter"])
                rows.append(
                    {
                        **row,
                        "kind": "calibrated",
                        "unit": meta.unit if meta else "% of GDP",
                        "meaning": meta.meaning if meta else _DERIVED.get(row["parameter"], ""),
                        "reference": meta.reference if meta else "",
                    }
                )
        central = self.central()
        rows.append(
            _fixed_row(
                "rd_target", central["rd_target"], "calibrated (derived)", PARAMETERS["rd_target"]
            )
        )
        for name, value in self.fixed.items():
            meta = PARAMETERS.get(name)
            if meta is None or name in ("rd_target", "milex_target"):
                continue
            rows.append(_fixed_row(name, value, meta.kind, meta))
        return rows


_DERIVED = {
    "rd_target_civil": "R&D intensity excluding defence R&D that spending converges to (% of GDP).",
}


def _fixed_row(name: str, value: float, kind: str, meta: Any) -> dict[str, Any]:
    return {
        "equation": "",
        "parameter": name,
        "value": float(value),
        "sd": None,
        "prior_mean": None,
        "prior_sd": None,
        "r2": None,
        "n": None,
        "years": "",
        "kind": kind,
        "unit": meta.unit,
        "meaning": meta.meaning,
        "reference": meta.reference,
        "plausible": list(meta.plausible) if meta.plausible else None,
    }


ANCHORED = {
    "researchers": "researcher_level",
    "articles": "articles_level",
    "patents": "patents_level",
    "hightech": "hightech_level",
    "arms": "arms_level",
}


def _apply_anchor(params: dict[str, Any], eq: Equation, coefficients: np.ndarray) -> None:
    level = ANCHORED.get(eq.name)
    if level is not None:
        params[level] = params[level] + eq.anchor


def _targets(params: dict[str, Any], fixed: dict[str, float]) -> None:
    """Total R&D target from the civil one and the defence R&D of the military-spending target."""
    params["milex_target_ref"] = params["milex_target"]
    params["rd_target"] = (
        params.pop("rd_target_civil") + params["defence_rd_share"] * params["milex_target"]
    )


def calibrate(
    code: str,
    fit: tuple[int, int] = (1996, 2023),
    *,
    store: Store | None = None,
    demography: bool = True,
    talent: bool = True,
) -> Calibration:
    """Calibrate the model for ``code`` on the years ``fit`` (inclusive).

    With ``demography`` (the default) the labour force and population follow the UN's World
    Population Prospects 2022 (:func:`powerscope.dynamics.demography.attach_demography`), not
    their past trend. With ``talent`` (the default) recruits' retention is the country's
    observed stay rate of researchers (:func:`powerscope.dynamics.talent.attach_talent`).
    """
    store = store or open_store()
    history = load_history(code, store)
    calibration = calibrate_history(history, fit)
    if demography:
        attach_demography(calibration, store)
    if talent:
        attach_talent(calibration, store)
    return calibration


def check_window(history: History, window: tuple[int, int], name: str) -> None:
    """Refuse a window (``fit``, ``test``) with a year outside the country's data: the error
    names the years the data cover (a title "2015-2030" on data that end in 2025 would misstate
    what was tested)."""
    first, last = int(history.frame.index.min()), int(history.frame.index.max())
    if window[0] < first or window[1] > last:
        raise PeriodError(
            f"{name} window {window[0]}-{window[1]} is outside {history.code}'s data, which "
            f"cover {first}-{last}",
            parameter=name,
            fix=f"choose years from {first} to {last}",
        )


def calibrate_history(
    history: History,
    fit: tuple[int, int],
    priors: dict[str, tuple[float, float]] | None = None,
) -> Calibration:
    """Calibrate on an already loaded :class:`History` (tests pass synthetic ones).

    ``priors`` replaces the literature prior (mean, sd) of any calibrated coefficient, e.g.
    with the pooled estimates of :func:`pooled_priors`.
    """
    pooled = dict(priors or {})
    start, end = fit
    if end - start + 1 < MIN_FIT_YEARS:
        raise DataFormatError(
            f"fit window {start}-{end} is too short",
            parameter="fit",
            fix=f"use at least {MIN_FIT_YEARS} years, e.g. 1996-2014",
        )
    check_window(history, fit, "fit")
    obs = history.frame.copy()
    for name in ("gdp", "population", "labour", "researchers", "articles", "patents"):
        obs[name] = fill_log(obs[name])
    for name in ("rd_intensity", "milex_share", "relative_income"):
        obs[name] = obs[name].interpolate(limit_area="inside")
    notes: list[str] = []
    # Surveys such as researcher counts are biennial in some countries: carry the last value
    # forward (at most CARRY_YEARS) so a fit window may end between two surveys.
    for name in ("researchers", "rd_intensity"):
        known = obs[name].loc[:end].last_valid_index()
        if known is not None and end - CARRY_YEARS <= known < end:
            obs.loc[known + 1 : end, name] = obs.loc[known, name]
            notes.append(f"{name}: the {known} value is carried forward to {end}")
    window = obs.loc[start:end]
    needs = {"gdp": "GDP", "rd_intensity": "R&D intensity", "researchers": "researchers"}
    for column, label in needs.items():
        count = int(window[column].notna().sum())
        if count < MIN_FIT_YEARS:
            raise DataFormatError(
                f"{history.code} has {label} for only {count} of the years {start}-{end}",
                where=f"{history.sources.get(column, 'wdi')}: {column}",
                fix=f"the model needs at least {MIN_FIT_YEARS} years of {label}; pick a country "
                "with longer series or another fit window",
            )
    fixed = {n: float(p.default) for n, p in PARAMETERS.items() if p.default is not None}
    if window["milex_share"].notna().sum() < 3:
        obs["milex_share"] = obs["milex_share"].fillna(0.0)
    obs["milex_share"] = obs["milex_share"].ffill().bfill()
    obs["milex"] = obs["milex_share"] / 100.0 * obs["gdp"]

    dsh = fixed["defence_rd_share"]
    obs["rd_civil"] = (obs["rd_intensity"] - dsh * obs["milex_share"]).clip(
        lower=0.1 * obs["rd_intensity"]
    )
    rd_spend = (obs["rd_intensity"] / 100.0 * obs["gdp"]).loc[start:]
    first = rd_spend.first_valid_index()
    early = rd_spend.loc[first : first + 5].dropna()
    g_rd = float(
        np.clip(np.log(early.iloc[-1] / early.iloc[0]) / max(len(early) - 1, 1), 0.02, 0.2)
    )
    obs["knowledge"] = _pim(rd_spend.reindex(obs.index), fixed["knowledge_depreciation"], g_rd)
    obs["gK"] = np.log(obs["knowledge"]).diff()
    tech = obs["knowledge"] / obs["gdp"]
    tech_ref = float(tech.loc[start:end].dropna().iloc[0])
    fixed["tech_ref"] = tech_ref
    d_in = obs["milex"] * np.power(
        (tech / tech_ref).clip(lower=1e-9), fixed["tech_quality_elasticity"]
    )
    d_in = d_in.where(obs.index >= start)
    obs["defence_industry"] = _pim(d_in, fixed["defence_depreciation"], 0.03)
    obs["military_capital"] = _pim(
        obs["milex"].where(obs.index >= start), fixed["military_depreciation"], 0.03
    )
    obs["ln_gdp_next_growth"] = np.log(obs["gdp"]).shift(-1) - np.log(obs["gdp"])
    obs["labour_growth"] = np.log(obs["labour"]).shift(-1) - np.log(obs["labour"])
    obs["neg_q"] = -np.log(obs["relative_income"])
    obs["d_rd"] = obs["rd_civil"].shift(-1) - obs["rd_civil"]
    obs["d_milex"] = obs["milex_share"].shift(-1) - obs["milex_share"]
    # Researchers follow the number last year's R&D budget supports (hiring takes time).
    obs["ln_researchers_pm"] = np.log(obs["researchers"] * 1000.0 / obs["population"].shift(1))
    obs["ln_rd"] = np.log(obs["rd_intensity"]).shift(1)
    obs["trend"] = obs.index - 1 - RESEARCHER_BASE_YEAR
    obs["ln_researchers"] = np.log(obs["researchers"])
    obs["ln_knowledge"] = np.log(obs["knowledge"])
    obs["ln_gdp"] = np.log(obs["gdp"])
    obs["ln_articles"] = np.log(obs["articles"])
    obs["ln_patents"] = np.log(obs["patents"])
    obs["ln_hightech"] = np.log(obs["hightech_exports"])
    obs["ln_arms"] = np.log1p(obs["arms_exports"])
    obs["ln_defence"] = np.log(obs["defence_industry"])

    years = pd.Index(range(start, end + 1))
    step_years = pd.Index(range(start + 1, end))  # regressors at t, outcome at t + 1 <= end
    window = obs.loc[start:end]
    rd_latest = float(window["rd_civil"].dropna().iloc[-1])
    milex_latest = float(max(window["milex_share"].dropna().iloc[-1], 0.01))
    # Goal seeking, dr = adjustment (goal - r): each recent year implies goal = r + dr / adjustment.
    goal_years = pd.Index(range(max(start, end - GOAL_YEARS), end))
    obs["rd_goal"] = obs["rd_civil"] + obs["d_rd"] / fixed["rd_adjustment"]
    obs["milex_goal"] = obs["milex_share"] + obs["d_milex"] / fixed["milex_adjustment"]
    equations = {
        "growth": _fit(
            "growth",
            "ln_gdp_next_growth",
            obs,
            {
                "growth_base": None,
                "knowledge_elasticity": "gK",
                "labour_elasticity": "labour_growth",
                "convergence": "neg_q",
            },
            step_years,
            priors=pooled,
        ),
        "rd": _fit(
            "rd",
            "rd_goal",
            obs,
            {"rd_target_civil": None},
            goal_years,
            priors={"rd_target_civil": (rd_latest, rd_latest)},
        ),
        "milex": _fit(
            "milex",
            "milex_goal",
            obs,
            {"milex_target": None},
            goal_years,
            priors={"milex_target": (milex_latest, milex_latest)},
        ),
        "researchers": _fit(
            "researchers",
            "ln_researchers_pm",
            obs,
            {
                "researcher_level": None,
                "researcher_rd_elasticity": "ln_rd",
                "researcher_trend": "trend",
            },
            years,
            priors=pooled,
        ),
        "articles": _fit(
            "articles",
            "ln_articles",
            obs,
            {
                "articles_level": None,
                "articles_researcher_elasticity": "ln_researchers",
                "articles_knowledge_elasticity": "ln_knowledge",
            },
            years,
            priors=pooled,
        ),
        "patents": _fit(
            "patents",
            "ln_patents",
            obs,
            {
                "patents_level": None,
                "patents_researcher_elasticity": "ln_researchers",
                "patents_knowledge_elasticity": "ln_knowledge",
            },
            years,
            priors=pooled,
        ),
        "arms": _fit(
            "arms",
            "ln_arms",
            obs,
            {"arms_level": None, "arms_capacity_elasticity": "ln_defence"},
            years,
            priors=pooled,
        ),
    }
    if obs.loc[start:end, "ln_hightech"].notna().sum() >= 3:
        equations["hightech"] = _fit(
            "hightech",
            "ln_hightech",
            obs,
            {
                "hightech_level": None,
                "hightech_knowledge_elasticity": "ln_knowledge",
                "hightech_output_elasticity": "ln_gdp",
            },
            years,
            priors=pooled,
        )
    else:
        notes.append("high-tech exports: fewer than 3 years in the fit window; not projected")
        fixed.update(
            hightech_level=np.nan, hightech_knowledge_elasticity=0.0, hightech_output_elasticity=0.0
        )

    us_growth = history.frame["us_income_growth"]
    fixed["frontier_growth"] = float(us_growth.loc[start + 1 : end].mean())
    fixed["population_growth"] = _trend(obs["population"], end)
    fixed["labour_growth"] = _trend(obs["labour"], end)

    at_end = obs.loc[end]
    initial = {
        "Y": float(at_end["gdp"]),
        "K": float(at_end["knowledge"]),
        "H": float(at_end["researchers"]),
        "G": 0.0,
        "D": float(at_end["defence_industry"]),
        "M": float(at_end["military_capital"]),
        "r": float(at_end["rd_civil"]),
        "m": float(at_end["milex_share"]),
        "q": float(-at_end["neg_q"]),
        "gK": float(at_end["gK"]),
        "N": float(at_end["population"]),
    }
    bad = [STATE_SERIES[k] for k, v in initial.items() if not np.isfinite(v)]
    if bad:
        last = {b: obs[b].last_valid_index() for b in bad}
        listing = ", ".join(
            f"{b} (last: {y if y is not None else 'none'})" for b, y in last.items()
        )
        latest = min((y for y in last.values() if y is not None), default=None)
        raise DataFormatError(
            f"{history.code} has no {end} value for {listing}",
            where=f"fit window {start}-{end}",
            fix=(f"end the fit window in {latest} or earlier, or " if latest else "")
            + "pick a country with recent data",
        )
    name = entity(history.code).name
    return Calibration(
        code=history.code,
        name=name,
        fit=(start, end),
        equations=equations,
        fixed=fixed,
        initial=initial,
        observed=obs,
        sources=dict(history.sources),
        notes=notes,
    )


def draw_parameters(
    calibration: Calibration, runs: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """``runs`` parameter sets: posterior draws of every equation, literature values uniform.

    Draws are clipped to each parameter's meaningful range.
    """
    params: dict[str, Any] = {}
    for name, value in calibration.fixed.items():
        meta = PARAMETERS.get(name)
        if meta is not None and meta.kind == "literature" and meta.plausible:
            params[name] = rng.uniform(*meta.plausible, size=runs)
        else:
            params[name] = np.full(runs, value)
    for eq in calibration.equations.values():
        draws = rng.multivariate_normal(eq.mean, eq.cov, size=runs, method="cholesky")
        for j, name in enumerate(eq.coefficients):
            params[name] = draws[:, j]
        _apply_anchor(params, eq, eq.mean)
    _targets(params, calibration.fixed)
    for name, meta in PARAMETERS.items():
        if name in params and meta.kind != "lever":
            params[name] = np.clip(params[name], meta.low, meta.high)
    return params


# The coefficients pooled across countries: elasticities and speeds the countries share in
# kind, not the levels (intercepts) that make each country itself.
POOLED = (
    "knowledge_elasticity",
    "labour_elasticity",
    "convergence",
    "researcher_rd_elasticity",
    "researcher_trend",
    "articles_researcher_elasticity",
    "articles_knowledge_elasticity",
    "patents_researcher_elasticity",
    "patents_knowledge_elasticity",
    "hightech_knowledge_elasticity",
    "hightech_output_elasticity",
    "arms_capacity_elasticity",
)
# The panel the pooled estimates come from: the 16 countries of the backtest summary
# (docs/dynamics.md), large R&D spenders with World Bank researcher series from 1996.
PANEL = ("KOR", "CHN", "JPN", "USA", "DEU", "GBR", "FRA", "ITA", "CAN", "ESP", "SWE", "POL",
         "TUR", "RUS", "IND", "SGP")  # fmt: skip
# The pooled prior's sd never falls below this share of the literature prior's sd (a panel of
# 16 that happens to agree must not pin a coefficient down).
MIN_SPREAD = 0.25


def pooled_priors(calibrations: list[Calibration]) -> dict[str, tuple[float, float]]:
    """Empirical-Bayes priors for :data:`POOLED` from countries calibrated on their own.

    For each coefficient, the countries' posterior means b_i with variances v_i are pooled by
    the random-effects estimator of DerSimonian & Laird (1986, *Controlled Clinical Trials*
    7(3)): the between-country variance tau² by the method of moments, the pooled mean weighted
    by 1 / (v_i + tau²). The prior for every country is then N(mean, tau²) (sd at least
    :data:`MIN_SPREAD` of the literature prior's): each country's estimate is shrunk towards
    the panel's as far as its own data are weak (Zellner & Hong 1989, "Forecasting international
    growth rates using Bayesian shrinkage", *Journal of Econometrics* 40(1)).
    """
    out: dict[str, tuple[float, float]] = {}
    for name in POOLED:
        b, v = [], []
        for cal in calibrations:
            for eq in cal.equations.values():
                if name in eq.coefficients:
                    j = eq.coefficients.index(name)
                    b.append(float(eq.mean[j]))
                    v.append(max(float(eq.cov[j, j]), 1e-12))
        if len(b) < 3:
            continue
        est, var = np.array(b), np.array(v)
        w = 1.0 / var
        fixed_mean = float((w * est).sum() / w.sum())
        q = float((w * (est - fixed_mean) ** 2).sum())
        denominator = float(w.sum() - (w**2).sum() / w.sum())
        tau2 = max(0.0, (q - (len(est) - 1)) / denominator) if denominator > 0 else 0.0
        weights = 1.0 / (var + tau2)
        mean = float((weights * est).sum() / weights.sum())
        floor = MIN_SPREAD * _prior(name)[1]
        out[name] = (mean, max(float(np.sqrt(tau2)), floor))
    return out


def calibrate_panel(
    histories: dict[str, History], fit: tuple[int, int]
) -> tuple[dict[str, Calibration], dict[str, tuple[float, float]]]:
    """Calibrate every country of ``histories`` on ``fit`` with priors pooled across them.

    Two passes: each country on its own (literature priors), then again with the pooled
    priors of :func:`pooled_priors`. Countries whose data cannot be calibrated on ``fit`` are
    left out of the pool (and of the result).
    """
    alone: dict[str, Calibration] = {}
    for code, history in histories.items():
        try:
            alone[code] = calibrate_history(history, fit)
        except PowerscopeError:
            continue
    priors = pooled_priors(list(alone.values()))
    return {code: calibrate_history(histories[code], fit, priors) for code in alone}, priors
