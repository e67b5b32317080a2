"""Uncertainty analysis: how much does a rank depend on the builder's choices?

Monte Carlo over the assumptions of an index (Saisana, Saltelli & Tarantola 2005, *J. R. Stat.
Soc. A* 168(2); OECD/JRC Handbook, 2008, step 7; COINr's ``get_sensitivity(SA_type = "UA")``):
weights perturbed at any level, alternative aggregations, alternative data steps (normalisation,
outlier treatment, imputation...) and the inclusion of indicators. Each run draws one value of
every assumption; the index is rebuilt and ranked; per unit we report the nominal, mean and median
rank and the 5th-95th percentile interval.

How it is fast
--------------
Assumptions that change the *data* (a normalisation, a winsorisation limit) take few distinct
values, so each distinct combination is prepared once (a *variant*: a :class:`CompiledIndex`).
Assumptions that change *weights* or the *aggregation* are applied to all the runs of a variant
at once as array operations (:meth:`CompiledIndex.evaluate` on a batch of weight vectors), in
chunks that bound memory. Runs are planned up front from the seed, so any engine (local, Dask)
gives the same result for the same seed.

The specification
-----------------
A mapping (YAML/JSON), every key optional::

    weights:                # multiply weights by 1 + U(-noise, +noise)
      - {level: 1, noise: 0.25}      # COINr levels: 1 = indicators, 2 = their parents...
      - {nodes: [AI, Space], noise: 0.1}
    aggregation: [arithmetic, geometric]     # or {method: geometric, rescale: [1, 100]}
    normalisation: [minmax, zscore]          # data alternatives (variants)
    remove: [AI/Data, Space]                 # each run drops one of these, or none
    steps:                                   # alternatives of a build's data steps
      treat.winmax: [1, 2, 3, 4, 5]

A key, level, node or step that does not exist is an error, never ignored. A run that fails
(its variant cannot be built, or it leaves every unit without a score) is counted and reported.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from powerscope.errors import PowerscopeError, SpecError
from powerscope.index.engine import ROOT, CompiledIndex, normalisation_choice
from powerscope.index.engines import Aggregation, Task, evaluate_task, executor
from powerscope.index.spec import AGGREGATIONS, IndexSpec

if TYPE_CHECKING:
    import pandas as pd

KEYS = ("weights", "aggregation", "normalisation", "remove", "steps", "runs", "seed")

#: The default uncertainty specification for the CETI (documented in docs/robustness.md).
CETI_DEFAULT: dict[str, Any] = {
    "weights": [{"level": 1, "noise": 0.25}, {"level": 2, "noise": 0.25}],
    "aggregation": ["arithmetic", {"method": "geometric", "rescale": [1, 100]}],
}


@dataclass(frozen=True)
class WeightNoise:
    """Perturb the weights of ``nodes`` (node numbers) by a factor in ``1 +/- noise``."""

    label: str
    nodes: tuple[int, ...]
    noise: float


@dataclass(frozen=True)
class UncertaintySpec:
    """A parsed, validated uncertainty specification (see module doc)."""

    weights: tuple[WeightNoise, ...] = ()
    aggregations: tuple[Aggregation, ...] = ()
    data: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)  # name -> alternatives
    remove: tuple[str, ...] = ()  # node paths

    def assumptions(self) -> list[str]:
        """Names of the assumptions, one input each in a sensitivity analysis."""
        names = [w.label for w in self.weights]
        if len(self.aggregations) > 1:
            names.append("aggregation")
        names += [k for k, v in self.data.items() if len(v) > 1]
        if self.remove:
            names.append("remove")
        return names


def levels(spec: IndexSpec) -> dict[str, int]:
    """COINr-style level of every node path: leaves 1, a parent 1 + its highest child."""
    out: dict[str, int] = {}
    for path, node in sorted(spec.walk(), key=lambda pn: -pn[0].count("/")):
        out[path] = 1 if node.is_leaf else 1 + max(out[f"{path}/{c.id}"] for c in node.children)
    return out


def parse_uncertainty(
    raw: Mapping[str, Any],
    spec: IndexSpec,
    *,
    data_options: Sequence[str] = ("normalisation",),
    where: str = "uncertainty spec",
) -> UncertaintySpec:
    """Check an uncertainty specification against an index and its build.

    Parameters
    ----------
    raw:
        The mapping (see module doc).
    spec:
        The index whose nodes and levels the specification names.
    data_options:
        The data-step parameters the index's build can vary (e.g. ``treat.winmax``).
    """
    try:
        return _parse_uncertainty(raw, spec, data_options=data_options, where=where)
    except (TypeError, ValueError, AttributeError) as exc:  # a value of the wrong shape
        raise SpecError(
            f"an assumption is not of the documented shape: {exc}",
            where=where,
            fix="see docs/robustness.md for the assumptions' format",
        ) from None


def _parse_uncertainty(
    raw: Mapping[str, Any],
    spec: IndexSpec,
    *,
    data_options: Sequence[str],
    where: str,
) -> UncertaintySpec:
    if not isinstance(raw, Mapping):
        raise SpecError("an uncertainty specification must be a mapping", where=where)
    unknown = set(raw) - set(KEYS)
    if unknown:
        raise SpecError(
            f"unknown assumption(s) {sorted(unknown)}", where=where, fix=f"use {list(KEYS)}"
        )
    paths = ["", *spec.paths()]
    number = {p or ROOT: i for i, p in enumerate(paths)}
    by_level = levels(spec)
    noise: list[WeightNoise] = []
    for i, item in enumerate(raw.get("weights") or ()):
        here = f"{where}: weights[{i}]"
        if not isinstance(item, Mapping) or "noise" not in item:
            raise SpecError("a weight assumption needs 'noise' and 'level' or 'nodes'", where=here)
        factor = float(item["noise"])
        if not 0 <= factor < 1:
            raise SpecError(f"noise {factor} is outside [0, 1)", where=here, fix="e.g. 0.25")
        if "level" in item:
            level = int(item["level"])
            top = max(by_level.values())
            if not 1 <= level <= top:
                raise SpecError(
                    f"level {level} does not exist in index {spec.id!r}",
                    where=here,
                    fix=f"levels run from 1 (indicators) to {top}",
                )
            nodes = tuple(number[p] for p, lv in by_level.items() if lv == level)
            label = f"weights level {level}"
        elif "nodes" in item:
            try:
                found = [spec.find(str(n)) for n in item["nodes"]]
            except PowerscopeError as exc:
                raise SpecError(exc.what, where=here, fix=exc.fix) from None
            nodes = tuple(number[p] for p in found)
            label = "weights " + ",".join(found)
        else:
            raise SpecError("a weight assumption needs 'level' or 'nodes'", where=here)
        noise.append(WeightNoise(label, nodes, factor))
    aggregations = []
    for i, item in enumerate(raw.get("aggregation") or ()):
        here = f"{where}: aggregation[{i}]"
        method = item if isinstance(item, str) else (item or {}).get("method")
        if method not in AGGREGATIONS:
            raise SpecError(
                f"unknown aggregation {method!r}", where=here, fix=f"use {AGGREGATIONS}"
            )
        rescale = None if isinstance(item, str) else item.get("rescale")
        if rescale is not None:
            lo, hi = (float(v) for v in rescale)
            if not lo < hi:
                raise SpecError("rescale needs [lower, upper] with lower < upper", where=here)
            rescale = (lo, hi)
        aggregations.append(Aggregation(str(method), rescale))
    data: dict[str, tuple[Any, ...]] = {}
    if raw.get("normalisation"):
        if "normalisation" not in data_options:
            raise SpecError("this index's build cannot vary the normalisation", where=where)
        for item in raw["normalisation"]:
            try:
                normalisation_choice(item if isinstance(item, str) else dict(item or {}))
            except (SpecError, TypeError, ValueError) as exc:
                raise SpecError(
                    f"normalisation {item!r}: {getattr(exc, 'what', exc)}",
                    where=f"{where}: normalisation",
                    fix=getattr(exc, "fix", None) or "give a method name or {method: NAME}",
                ) from None
        data["normalisation"] = tuple(raw["normalisation"])
    for name, values in (raw.get("steps") or {}).items():
        if name not in data_options:
            raise SpecError(
                f"unknown build step parameter {name!r}",
                where=f"{where}: steps",
                fix="vary one of " + (", ".join(data_options) or "(this index has no data steps)"),
            )
        if not isinstance(values, Sequence) or isinstance(values, str) or not values:
            raise SpecError(f"{name!r} needs a list of alternatives", where=f"{where}: steps")
        data[name] = tuple(values)
    remove: list[str] = []
    for node in raw.get("remove") or ():
        try:
            remove.append(spec.find(str(node)))
        except PowerscopeError as exc:
            raise SpecError(exc.what, where=f"{where}: remove", fix=exc.fix) from None
    return UncertaintySpec(tuple(noise), tuple(aggregations), data, tuple(remove))


# -- planning -----------------------------------------------------------------------------


@dataclass
class Plan:
    """Every run's choices, fixed before anything is evaluated.

    ``variant[r]`` indexes ``variants`` (distinct data choices), ``aggregation[r]`` indexes the
    aggregation alternatives, ``weights[r]`` is the run's node weight vector and ``removed[r]``
    the removed node's number (or -1).
    """

    variants: list[dict[str, Any]]
    variant: np.ndarray
    aggregation: np.ndarray
    weights: np.ndarray
    removed: np.ndarray


def plan_runs(
    uspec: UncertaintySpec,
    base_weights: np.ndarray,
    unit: np.ndarray,
    *,
    noise_pool: Sequence[np.ndarray] | None = None,
    noise_draws: np.ndarray | None = None,
    node_numbers: Mapping[str, int] | None = None,
) -> Plan:
    """Turn points of the unit hypercube (runs x assumptions) into run choices.

    Each column of ``unit`` drives one assumption (in :meth:`UncertaintySpec.assumptions`
    order): a discrete assumption with k alternatives takes alternative ``floor(u k)``; a weight
    assumption picks ``noise_pool[j][floor(u P)]`` (sensitivity analysis) or, when
    ``noise_draws`` (runs x nodes, U(-1, 1)) is given, scales by ``1 + noise * draw``
    (uncertainty analysis).
    """
    runs = unit.shape[0]
    col = iter(range(unit.shape[1]))
    weights = np.tile(base_weights, (runs, 1))
    for j, wn in enumerate(uspec.weights):
        c = next(col)
        nodes = list(wn.nodes)
        if noise_draws is not None:
            weights[:, nodes] *= 1.0 + wn.noise * noise_draws[:, nodes]
        else:
            assert noise_pool is not None
            pool = noise_pool[j]
            pick = np.minimum((unit[:, c] * len(pool)).astype(int), len(pool) - 1)
            weights[:, nodes] *= pool[pick][:, nodes]

    def discrete(k: int) -> np.ndarray:
        if k <= 1:
            return np.zeros(runs, dtype=np.int64)
        return np.minimum((unit[:, next(col)] * k).astype(np.int64), k - 1)

    aggregation = discrete(len(uspec.aggregations))
    choices = {name: discrete(len(values)) for name, values in uspec.data.items()}
    removed = np.full(runs, -1, dtype=np.int64)
    if uspec.remove:
        pick = discrete(len(uspec.remove) + 1) - 1
        assert node_numbers is not None
        numbers = np.array([node_numbers[p] for p in uspec.remove])
        removed = np.where(pick >= 0, numbers[np.maximum(pick, 0)], -1)
        hit = removed >= 0
        weights[np.flatnonzero(hit), removed[hit]] = 0.0
    names = list(uspec.data)
    combos = [
        tuple(int(choices[n][r]) for n in names) for r in range(runs)
    ] if names else [()] * runs  # fmt: skip
    distinct = sorted(set(combos))
    index = {c: i for i, c in enumerate(distinct)}
    variants = [{n: uspec.data[n][c[i]] for i, n in enumerate(names)} for c in distinct]
    return Plan(
        variants=variants,
        variant=np.array([index[c] for c in combos], dtype=np.int64),
        aggregation=aggregation,
        weights=weights,
        removed=removed,
    )


# -- evaluation ---------------------------------------------------------------------------


def rank_rows(scores: np.ndarray) -> np.ndarray:
    """Rank each row (run): 1 = highest; ties share the best rank; NaN stays NaN."""
    s = np.where(np.isnan(scores), -np.inf, scores)
    n = s.shape[1]
    order = np.argsort(-s, axis=1, kind="stable")
    ordered = np.take_along_axis(s, order, axis=1)
    start = np.ones(ordered.shape, dtype=bool)
    start[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    position = np.where(start, np.arange(n)[None, :], 0)
    position = np.maximum.accumulate(position, axis=1) + 1.0
    ranks = np.empty(s.shape)
    np.put_along_axis(ranks, order, position, axis=1)
    ranks[np.isnan(scores)] = np.nan
    return ranks


def plan_tasks(plan: Plan, chunk: int) -> Iterator[Task]:
    """Split runs into tasks of at most ``chunk`` runs with one variant and one aggregation."""
    keys = plan.variant * (int(plan.aggregation.max(initial=0)) + 1) + plan.aggregation
    for key in np.unique(keys):
        runs = np.flatnonzero(keys == key)
        for start in range(0, len(runs), chunk):
            part = runs[start : start + chunk]
            yield Task(int(plan.variant[part[0]]), int(plan.aggregation[part[0]]), part)


def chunk_size(units: int, nodes: int, budget_bytes: int = 64 * 2**20) -> int:
    """Runs per chunk so one chunk's score array (runs x units x nodes) fits the budget."""
    return max(1, budget_bytes // max(1, units * nodes * 8 * 3))


@dataclass
class UncertaintyResult:
    """Scores and ranks of every run, the run parameters, failures, and per-unit summaries."""

    codes: list[str]
    names: list[str]
    nominal_scores: np.ndarray
    nominal_ranks: np.ndarray
    scores: np.ndarray  # runs x units
    ranks: np.ndarray  # runs x units
    parameters: pd.DataFrame
    failed: dict[int, str]
    seed: int | None
    spec: UncertaintySpec
    assumptions: dict[str, Any] = field(default_factory=dict)  # as given, when known
    engine: str = "local"

    @property
    def runs(self) -> int:
        return int(self.scores.shape[0])

    def summary(self) -> pd.DataFrame:
        """Per unit: nominal, mean and median rank, 5th and 95th percentile ranks, scores."""
        import pandas as pd

        ok = np.array([r not in self.failed for r in range(self.runs)])
        ranks = self.ranks[ok]
        with np.errstate(invalid="ignore"), _quiet_nan_warnings():
            frame = pd.DataFrame(
                {
                    "code": self.codes,
                    "name": self.names,
                    "nominal_score": self.nominal_scores,
                    "nominal_rank": self.nominal_ranks,
                    "mean_rank": np.nanmean(ranks, axis=0),
                    "median_rank": np.nanmedian(ranks, axis=0),
                    "q05_rank": np.nanquantile(ranks, 0.05, axis=0),
                    "q95_rank": np.nanquantile(ranks, 0.95, axis=0),
                    "mean_score": np.nanmean(self.scores[ok], axis=0),
                }
            )
        frame["nominal_rank"] = frame["nominal_rank"].astype("Int64")
        return frame.sort_values(["nominal_rank", "name"]).reset_index(drop=True)

    def to_records(self) -> list[dict[str, Any]]:
        """JSON-ready per-unit summaries (ranks as numbers; missing as None)."""
        out = []
        for rec in self.summary().to_dict(orient="records"):
            out.append(
                {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in rec.items()}
            )
        return out

    def rank_shift(self) -> np.ndarray:
        """Mean absolute rank change from the nominal ranks, per run (the SA target)."""
        with np.errstate(invalid="ignore"), _quiet_nan_warnings():
            return np.nanmean(np.abs(self.ranks - self.nominal_ranks[None, :]), axis=1)

    def export(self, path: Path) -> None:
        """Write the summary (and, for Excel, the runs and parameters) as CSV, Parquet or Excel."""
        suffix = path.suffix.lower()
        summary = self.summary()
        if suffix == ".csv":
            summary.to_csv(path, index=False)
        elif suffix == ".parquet":
            summary.to_parquet(path, index=False)
        elif suffix in (".xlsx", ".xls"):
            import pandas as pd

            with pd.ExcelWriter(path) as writer:
                summary.to_excel(writer, sheet_name="summary", index=False)
                pd.DataFrame(self.ranks, columns=self.codes).to_excel(
                    writer, sheet_name="ranks", index_label="run"
                )
                self.parameters.to_excel(writer, sheet_name="parameters", index_label="run")
        else:
            raise SpecError(
                f"cannot export to {path.name!r}", fix="use a .csv, .parquet or .xlsx file name"
            )


@contextmanager
def _quiet_nan_warnings() -> Iterator[None]:
    """Silence numpy's all-NaN slice warnings (failed or missing runs give NaN, on purpose)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        yield


VariantBuilder = Callable[[Mapping[str, Any]], CompiledIndex]


def run_plan(
    plan: Plan,
    uspec: UncertaintySpec,
    build_variant: VariantBuilder,
    *,
    engine: str = "local",
    scheduler: str | None = None,
    chunk: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, dict[int, str], CompiledIndex]:
    """Evaluate every run of a plan with the executor named ``engine``
    (:mod:`powerscope.index.engines`); return root scores (runs x units) and failed runs."""
    execute = executor(engine)
    runs = plan.weights.shape[0]
    compiled: dict[int, CompiledIndex] = {}
    failed: dict[int, str] = {}
    for v, choices in enumerate(plan.variants):
        try:
            compiled[v] = build_variant(choices)
        except PowerscopeError as exc:
            for r in np.flatnonzero(plan.variant == v):
                failed[int(r)] = f"building {dict(choices)} failed: {exc.message}"
    if not compiled:
        raise SpecError(
            "every run failed: " + next(iter(failed.values()), "no runs"),
            fix="check the alternatives of the data steps",
        )
    reference = next(iter(compiled.values()))
    units, nodes = len(reference.units), len(reference.paths)
    size = chunk or chunk_size(units, nodes)
    aggregations = list(uspec.aggregations) or [Aggregation(reference.aggregate)]
    tasks = [t for t in plan_tasks(plan, size) if t.variant in compiled]
    scores = np.full((runs, units), np.nan)
    results = execute(tasks, compiled, aggregations, plan.weights, scheduler, progress)
    for task, chunk_scores in zip(tasks, results, strict=True):
        scores[task.runs] = chunk_scores
    empty = np.isnan(scores).all(axis=1)
    for r in np.flatnonzero(empty):
        failed.setdefault(int(r), "no unit has a score (e.g. every weight of a group is 0)")
    return scores, failed, reference


def uncertainty(
    spec: IndexSpec,
    uspec: UncertaintySpec,
    build_variant: VariantBuilder,
    *,
    runs: int,
    seed: int | None = None,
    units: Mapping[str, tuple[str, bool]] | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    chunk: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> UncertaintyResult:
    """Run an uncertainty analysis.

    Parameters
    ----------
    spec:
        The index (nominal weights and method).
    uspec:
        The assumptions to vary (:func:`parse_uncertainty`).
    build_variant:
        Builds the :class:`CompiledIndex` for one combination of data choices (``{}`` is the
        nominal build).
    runs, seed:
        Number of Monte Carlo runs; the seed makes the analysis reproducible.
    units:
        ``{code: (name, is_aggregate)}`` for the output.
    engine, scheduler:
        ``local`` (numpy in this process) or ``dask`` (a Dask cluster at ``scheduler``, or a
        local multi-process cluster when it is None); same results for the same seed.
    """
    if runs < 1:
        raise SpecError(f"runs must be >= 1, not {runs}", parameter="runs", fix="e.g. 1000 runs")
    nominal = build_variant({})
    rng = np.random.default_rng(seed)
    dims = len(uspec.assumptions())
    unit = rng.random((runs, dims))
    draws = rng.uniform(-1.0, 1.0, (runs, len(nominal.paths)))
    number = {p: i for i, p in enumerate(nominal.paths)}
    plan = plan_runs(uspec, nominal.weights, unit, noise_draws=draws, node_numbers=number)
    scores, failed, _ = run_plan(
        plan, uspec, build_variant, engine=engine, scheduler=scheduler, chunk=chunk,
        progress=progress,
    )  # fmt: skip
    return _result(nominal, plan, uspec, scores, failed, seed, units)


def _result(
    nominal: CompiledIndex,
    plan: Plan,
    uspec: UncertaintySpec,
    scores: np.ndarray,
    failed: dict[int, str],
    seed: int | None,
    units: Mapping[str, tuple[str, bool]] | None,
) -> UncertaintyResult:
    import pandas as pd

    nominal_scores = nominal.evaluate()[:, 0]
    ranks = rank_rows(scores)
    for r in failed:
        scores[r] = np.nan
        ranks[r] = np.nan
    info = units or {}
    aggregations = list(uspec.aggregations) or [Aggregation(nominal.aggregate)]
    params = pd.DataFrame(
        {
            "variant": [
                ", ".join(f"{k}={v}" for k, v in plan.variants[v].items()) or "nominal"
                for v in plan.variant
            ],
            "aggregation": [aggregations[a].label for a in plan.aggregation],
            "removed": [nominal.paths[i] if i >= 0 else "" for i in plan.removed],
            "failed": [failed.get(r, "") for r in range(len(plan.variant))],
        }
    )
    weights = pd.DataFrame(plan.weights[:, 1:], columns=[f"w:{p}" for p in nominal.paths[1:]])
    return UncertaintyResult(
        codes=list(nominal.units),
        names=[info.get(c, (c, False))[0] for c in nominal.units],
        nominal_scores=nominal_scores,
        nominal_ranks=rank_rows(nominal_scores[None, :])[0],
        scores=scores,
        ranks=ranks,
        parameters=pd.concat([params, weights], axis=1),
        failed=failed,
        seed=seed,
        spec=uspec,
    )


def default_assumptions(spec: IndexSpec) -> dict[str, Any]:
    """The documented default uncertainty specification of an index (see docs/robustness.md).

    A spec may declare its own under ``uncertainty:`` (the open military index does). The CETI's:
    sector and pillar weights +/-25%, arithmetic vs geometric aggregation (the
    geometric mean taken on pillar scores mapped from [0, 1] to [1, 100], so that a pillar
    score of 0 does not zero a whole sector). Other indices: weights +/-25% at every level
    above the indicators' parents and arithmetic vs geometric aggregation.
    """
    declared = spec.extra.get("uncertainty")
    if isinstance(declared, Mapping):
        return dict(declared)
    if spec.id == "ceti":
        return CETI_DEFAULT
    top = max(levels(spec).values())
    return {
        "weights": [{"level": lv, "noise": 0.25} for lv in range(2, top + 1)],
        "aggregation": ["arithmetic", {"method": "geometric", "rescale": [1, 100]}],
    }


__all__ = [
    "CETI_DEFAULT",
    "Aggregation",
    "Plan",
    "Task",
    "UncertaintyResult",
    "UncertaintySpec",
    "WeightNoise",
    "default_assumptions",
    "evaluate_task",
    "levels",
    "parse_uncertainty",
    "plan_runs",
    "rank_rows",
    "run_plan",
    "simple_builder",
    "uncertainty",
]


def simple_builder(spec: IndexSpec, matrix: Any) -> VariantBuilder:
    """Variants of an index built straight from its data (no data steps): the choices may
    vary only the normalisation (a method name, or ``{method: name, **parameters}``)."""
    from powerscope.index.engine import compile_index

    cache: dict[str, CompiledIndex] = {}

    def build(choices: Mapping[str, Any]) -> CompiledIndex:
        choice = choices.get("normalisation", spec.normalise)
        method, params = normalisation_choice(choice)
        key = repr((method, sorted(params.items())))
        if key not in cache:
            cache[key] = compile_index(spec, matrix, normalisation={"method": method, **params})
        return cache[key]

    return build
