"""Scenario ensembles: many parameter sets simulated at once, summarised as bands.

Runs draw every calibrated coefficient from its posterior and every literature parameter from
its plausible range (:func:`~powerscope.dynamics.calibrate.draw_parameters`), plus the
scenario's own uncertain levers. With ``noise`` the runs also get year-by-year shocks with the
residual sd of each calibrated equation (:meth:`~powerscope.dynamics.calibrate.Calibration.shock_sd`):
bands for *levels* then carry the year-to-year variation the data show, not only parameter
uncertainty. A scenario and its baseline use the same draws (common random
numbers), so the *effect* of a policy is computed run by run and its band reflects only the
uncertainty about that effect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from powerscope.dynamics.calibrate import Calibration, draw_parameters
from powerscope.dynamics.demography import with_paths
from powerscope.dynamics.model import OUTPUTS, RANDOM_WALK_SHOCKS, Trajectory, simulate
from powerscope.dynamics.scenario import BASELINE, Scenario, apply_scenario
from powerscope.errors import PeriodError, SpecError

QUANTILES = (0.05, 0.5, 0.95)
MAX_RUNS = 200_000


@dataclass
class Ensemble:
    """A scenario and its baseline, simulated with the same parameter draws."""

    calibration: Calibration
    scenario: Scenario
    years: np.ndarray
    scenario_run: Trajectory
    baseline_run: Trajectory
    seed: int

    @property
    def runs(self) -> int:
        return self.scenario_run.runs

    def band(self, output: str, *, effect: bool = False) -> np.ndarray:
        """(years, 3) quantiles (5%, 50%, 95%) of an output, or of its effect vs the baseline.

        The effect is the relative difference, scenario / baseline - 1, in %.
        """
        values = self.scenario_run[output]
        if effect:
            base = self.baseline_run[output]
            with np.errstate(divide="ignore", invalid="ignore"):
                values = np.where(base != 0, 100.0 * (values / base - 1.0), np.nan)
        out = np.full((values.shape[0], len(QUANTILES)), np.nan)
        rows = ~np.isnan(values).all(axis=1)
        if rows.any():
            kept = values[rows]
            # the same quantiles; np.quantile is the faster path when no run is missing
            quantile = np.nanquantile if np.isnan(kept).any() else np.quantile
            out[rows] = quantile(kept, QUANTILES, axis=1).T
        return out


def check_years(calibration: Calibration, first: int, last: int) -> np.ndarray:
    """Simulation years from the calibration's last year through ``last``."""
    start = calibration.start
    if last <= start or first > last:
        raise PeriodError(
            f"years {first}-{last} do not follow the calibration (which ends in {start})",
            parameter="years",
            fix=f"give years after {start}, e.g. {start + 2}-{start + 27}",
        )
    if last - start > 200:
        raise PeriodError(
            f"{last - start} years is too long a projection",
            parameter="years",
            fix="use <= 200 years",
        )
    return np.arange(start, last + 1)


def run_ensemble(
    calibration: Calibration,
    scenario: Scenario = BASELINE,
    *,
    last: int = 2050,
    runs: int = 1000,
    seed: int = 1,
    noise: bool = False,
) -> Ensemble:
    """Simulate ``runs`` parameter draws of a scenario and of the baseline to ``last``
    (with year-by-year shocks too if ``noise``; the same shocks for both)."""
    if not 1 <= runs <= MAX_RUNS:
        raise SpecError(
            f"runs={runs} is out of range", parameter="runs", fix=f"use 1 to {MAX_RUNS} runs"
        )
    years = check_years(calibration, calibration.start + 1, last)
    rng = np.random.default_rng(seed)
    params = with_paths(calibration, draw_parameters(calibration, runs, rng), years)
    scenario_params = apply_scenario(scenario, params, years, np.random.default_rng(seed + 1))
    shocks = None
    if noise:
        noise_rng = np.random.default_rng(seed + 2)
        shocks = {}
        for name, sd in calibration.shock_sd().items():
            draws = sd * noise_rng.standard_normal((len(years), runs))
            if name in RANDOM_WALK_SHOCKS:  # a random walk from zero in the start year
                draws[0] = 0.0
                draws = np.cumsum(draws, axis=0)
            elif name == "growth":  # AR(1), as the growth equation's residuals
                rho = calibration.equations["growth"].rho
                draws *= np.sqrt(1.0 - rho**2)
                for i in range(1, len(years)):
                    draws[i] += rho * draws[i - 1]
            shocks[name] = draws
    base = simulate(params, calibration.initial, years, runs=runs, shocks=shocks)
    run = (
        base
        if scenario is BASELINE
        else simulate(scenario_params, calibration.initial, years, runs=runs, shocks=shocks)
    )
    return Ensemble(calibration, scenario, years, run, base, seed)


def central_run(
    calibration: Calibration, scenario: Scenario, last: int, cuts: frozenset[str] = frozenset()
) -> Trajectory:
    """The scenario with the central (posterior-mean) parameters: one run."""
    years = check_years(calibration, calibration.start + 1, last)
    params = {
        k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in calibration.central().items()
    }
    params = apply_scenario(
        central_scenario(scenario), with_paths(calibration, params, years), years
    )
    return simulate(params, calibration.initial, years, cuts=cuts, runs=1)


def central_scenario(scenario: Scenario) -> Scenario:
    """The scenario without its uncertain draws (uncertain-only levers at their mid-range)."""
    from dataclasses import replace

    from powerscope.dynamics.scenario import Change

    set_params = {c.parameter for c in scenario.changes if c.operation == "set"}
    extra = [
        Change("set", name, (low + high) / 2.0)
        for name, (low, high) in scenario.uncertain.items()
        if name not in set_params
    ]
    return replace(scenario, changes=[*scenario.changes, *extra], uncertain={})


__all__ = ["OUTPUTS", "Ensemble", "central_run", "central_scenario", "check_years", "run_ensemble"]
