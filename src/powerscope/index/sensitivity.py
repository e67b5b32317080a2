"""Variance-based sensitivity analysis: which assumption drives the rank uncertainty?

First-order (S1) and total-order (ST) Sobol indices of the mean absolute rank shift (the mean
over units of ``|rank - nominal rank|``), estimated on a Saltelli design (Saltelli et al. 2010,
*Comput. Phys. Commun.* 181(2)) with SALib (Herman & Usher 2017; Iwanaga, Usher & Herman 2022),
with bootstrap confidence intervals; the method of Saisana, Saltelli & Tarantola (2005) and of
COINr's ``get_sensitivity(SA_type = "SA")``.

Each assumption is one input on [0, 1]: a discrete one (aggregation, a data step's
alternatives, the removal of a node) takes alternative ``floor(u k)``; weight noise picks one of a
pool of pre-drawn noisy weight sets, as COINr does. An analysis with ``n`` base samples and ``d``
assumptions evaluates ``n (d + 2)`` runs, all as batched array operations.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from powerscope.errors import SpecError
from powerscope.index.spec import IndexSpec
from powerscope.index.uncertainty import (
    Plan,
    UncertaintyResult,
    UncertaintySpec,
    VariantBuilder,
    _result,
    plan_runs,
    run_plan,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class SensitivityResult:
    """Sobol indices per assumption, and the uncertainty analysis of the same runs."""

    indices: pd.DataFrame  # assumption, S1, S1_conf, ST, ST_conf
    uncertainty: UncertaintyResult
    n: int
    failed: int

    def to_records(self) -> list[dict[str, Any]]:
        return [
            {k: (None if isinstance(v, float) and v != v else v) for k, v in rec.items()}
            for rec in self.indices.to_dict(orient="records")
        ]


def saltelli_design(
    names: list[str], n: int, seed: int | None
) -> tuple[dict[str, Any], np.ndarray]:
    """SALib's problem for ``names`` (each an input on [0, 1]) and its Saltelli design of ``n``
    base samples without second-order terms: ``n (len(names) + 2)`` rows."""
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib warns when n is not a power of 2
        design = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    return problem, design


def design_plan(
    uspec: UncertaintySpec,
    weights: np.ndarray,
    paths: list[str],
    design: np.ndarray,
    n: int,
    seed: int | None,
) -> Plan:
    """The runs of a Saltelli ``design``: each weight-noise input picks one of a pool of
    ``max(n, 64)`` noisy weight sets drawn with ``seed`` (as COINr does), each discrete input
    its alternative (:func:`powerscope.index.uncertainty.plan_runs`)."""
    rng = np.random.default_rng(seed)
    pools = [
        1.0 + wn.noise * rng.uniform(-1.0, 1.0, (max(n, 64), len(paths))) for wn in uspec.weights
    ]
    number = {p: i for i, p in enumerate(paths)}
    return plan_runs(uspec, weights, design, noise_pool=pools, node_numbers=number)


def sobol_indices(
    problem: dict[str, Any], target: np.ndarray, bootstrap: int, seed: int | None
) -> pd.DataFrame:
    """First- and total-order Sobol indices of ``target`` (one value per row of the design;
    NaN for a failed run, replaced by the mean of the others) with 95% bootstrap half-widths:
    ``assumption, S1, S1_conf, ST, ST_conf``."""
    import pandas as pd
    from SALib.analyze import sobol as sobol_analyze

    if np.isnan(target).all():
        raise SpecError("every run failed; no sensitivity can be estimated")
    target = np.where(np.isnan(target), np.nanmean(target), target)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = sobol_analyze.analyze(
            problem, target, calc_second_order=False, num_resamples=bootstrap,
            conf_level=0.95, seed=seed,
        )  # fmt: skip
    return pd.DataFrame(
        {
            "assumption": problem["names"],
            "S1": found["S1"],
            "S1_conf": found["S1_conf"],
            "ST": found["ST"],
            "ST_conf": found["ST_conf"],
        }
    )


def sensitivity(
    spec: IndexSpec,
    uspec: UncertaintySpec,
    build_variant: VariantBuilder,
    *,
    n: int,
    seed: int | None = None,
    bootstrap: int = 500,
    units: Mapping[str, tuple[str, bool]] | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> SensitivityResult:
    """Run a Sobol sensitivity analysis of the index's ranks to the assumptions in ``uspec``.

    Parameters
    ----------
    n:
        Base sample size (a power of 2 is best for the Sobol sequence); ``n (d + 2)`` runs.
    bootstrap:
        Resamples for the 95% confidence intervals of the indices.
    """
    names = uspec.assumptions()
    if len(names) < 2:
        raise SpecError(
            "a sensitivity analysis needs at least two uncertain assumptions",
            fix="vary e.g. the weights and the aggregation",
        )
    if n < 2:
        raise SpecError(f"n must be >= 2, not {n}", parameter="n", fix="e.g. n=256")
    problem, design = saltelli_design(names, n, seed)
    nominal = build_variant({})
    plan = design_plan(uspec, nominal.weights, nominal.paths, design, n, seed)
    scores, failed, _ = run_plan(
        plan, uspec, build_variant, engine=engine, scheduler=scheduler, progress=progress
    )
    result = _result(nominal, plan, uspec, scores, failed, seed, units)
    frame = sobol_indices(problem, result.rank_shift(), bootstrap, seed)
    return SensitivityResult(frame, result, n, len(failed))
