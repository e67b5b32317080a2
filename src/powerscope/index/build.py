"""Builds: the full construction of a composite index, recorded so it can be repeated.

A build runs the data steps of the OECD/JRC Handbook (OECD, 2008) in COINr's order (Becker et
al., 2022): denominate -> impute -> screen -> treat -> normalise, then aggregates up the tree
(:mod:`powerscope.index.engine`). Each step is a plain function of
:mod:`powerscope.index.steps`; a build's :class:`BuildLog` records every step and parameter, the
aggregation, the weights and the sha256 of the data, so :func:`rebuild` repeats it exactly and
:func:`compare` shows the rank changes between two builds.

Steps are declared in a spec's top-level ``steps`` mapping (or passed in), e.g. COINr's example
build of the ASEM index::

    steps:
      denominate: {}                        # by the spec's 'denominators' (iMeta's Denominator)
      impute: {method: group_mean, group: EurAsia_group}
      screen: {threshold: 0.9}
      treat: {winmax: 5}
      normalise: {method: minmax, lower: 0, upper: 100}

A step that is absent is skipped, except ``normalise`` (default: the spec's ``normalise``).
Imputation never changes observed values and every imputed cell is flagged in the build.
A ``weights`` step (``{method: equal}`` or ``{method: pca}``) sets the weights of every group of
indicators from the prepared data: equal, or PCA-based (each indicator's squared loading on the
group's first principal component, which sum to 1: the Handbook's section 6.1). The effective
weight of every indicator in the index is in ``Build.reports["effective_weights"]``.
"""

from __future__ import annotations

import copy
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from powerscope.errors import DataFormatError, SpecError
from powerscope.files import read_csv_rows, shown_path
from powerscope.index.engine import CompiledIndex, IndexResult, Matrix, compile_index, compute
from powerscope.index.spec import IndexSpec

if TYPE_CHECKING:
    import pandas as pd

STEPS = ("denominate", "impute", "screen", "treat", "normalise", "weights")
DATA_STEPS = STEPS[:5]
STEP_PARAMS: dict[str, tuple[str, ...]] = {
    "denominate": ("by",),
    "impute": ("method", "group"),
    "screen": ("threshold", "force_in", "force_out"),
    "treat": ("winmax", "skew_thresh", "kurt_thresh", "f2"),
    "normalise": ("method", "lower", "upper", "mean", "sd", "centre", "scale", "trunc"),
    "weights": ("method",),
}
#: COINr's example build of its ASEM index (COINr ``build_example_coin()``).
COINR_EXAMPLE_STEPS: dict[str, dict[str, Any]] = {
    "denominate": {},
    "impute": {"method": "group_mean", "group": "EurAsia_group"},
    "screen": {"threshold": 0.9},
    "treat": {"winmax": 5},
    "normalise": {"method": "minmax", "lower": 0, "upper": 100},
}


def unit_column(frame: pd.DataFrame) -> str:
    for name in ("uCode", "code"):
        if name in frame.columns:
            return name
    raise DataFormatError(
        "the index data has no unit code column", fix="add a 'uCode' (or 'code') column"
    )


@dataclass
class BuildLog:
    """Everything needed to repeat a build: steps with parameters, aggregation, weights, data."""

    index: str
    steps: dict[str, dict[str, Any]]
    aggregation: str
    weights: dict[str, float]
    data_sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "steps": copy.deepcopy(self.steps),
            "aggregation": self.aggregation,
            "weights": dict(self.weights),
            "data_sha256": self.data_sha256,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> BuildLog:
        missing = {"index", "steps", "aggregation", "weights", "data_sha256"} - set(raw)
        if missing:
            raise SpecError(
                f"build log lacks {sorted(missing)}", fix="use a log written by powerscope"
            )
        return cls(
            str(raw["index"]),
            dict(raw["steps"]),
            str(raw["aggregation"]),
            {str(k): float(v) for k, v in raw["weights"].items()},
            str(raw["data_sha256"]),
        )


@dataclass
class Build:
    """A built index: its result, the log that repeats it, imputed cells and step reports."""

    log: BuildLog
    result: IndexResult
    compiled: CompiledIndex
    imputed: np.ndarray  # (units, indicators) bool, for the units kept
    reports: dict[str, Any] = field(default_factory=dict)
    removed_units: list[str] = field(default_factory=list)


def data_sha256(frame: pd.DataFrame) -> str:
    """A digest of the data a build reads (values and labels)."""
    import pandas as pd

    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    digest.update(",".join(map(str, frame.columns)).encode())
    return digest.hexdigest()


def default_steps(spec: IndexSpec) -> dict[str, dict[str, Any]]:
    """The spec's declared steps, or just its normalisation."""
    raw = spec.extra.get("steps")
    steps = {k: dict(v or {}) for k, v in (raw or {}).items()}
    steps.setdefault("normalise", {"method": spec.normalise})
    return steps


def _check_steps(steps: Mapping[str, Any]) -> None:
    for name, params in steps.items():
        if name not in STEPS:
            raise SpecError(f"unknown build step {name!r}", fix=f"use {list(STEPS)}")
        if params is not None and not isinstance(params, Mapping):
            raise SpecError(f"the parameters of step {name!r} must be a mapping")


def prepare(
    spec: IndexSpec, frame: pd.DataFrame, steps: Mapping[str, Mapping[str, Any]]
) -> tuple[Matrix, np.ndarray, dict[str, Any], list[str]]:
    """Run the data steps; return the prepared matrix, imputed cells, reports, removed units.

    The matrix holds the leaf indicators after direction and normalisation, ready for
    :func:`~powerscope.index.engine.compile_index` with ``prepared=True``.
    """
    from powerscope.index import steps as st

    _check_steps(steps)
    code_col = unit_column(frame)
    leaves = spec.leaves()
    indicators = [str(node.indicator) for _, node in leaves]
    missing = [c for c in indicators if c not in frame.columns]
    if missing:
        raise DataFormatError(
            f"indicator column(s) not in the data: {', '.join(missing[:8])}",
            where=str(spec.extra.get("data_file", "index data")),
            fix="check the spec's indicators against the data file's columns",
        )
    units = frame[code_col].astype(str).tolist()
    import pandas as pd

    numeric = frame[indicators].apply(pd.to_numeric, errors="coerce")
    bad = numeric.isna() & frame[indicators].notna()
    if bad.to_numpy().any():
        row, col = np.argwhere(bad.to_numpy())[0]
        raise DataFormatError(
            f"non-numeric value {frame[indicators].iat[row, col]!r}",
            where=f"index data row {row + 2}, column {indicators[col]!r}",
            fix="indicator values must be numbers (leave missing values empty)",
        )
    x = numeric.to_numpy(dtype=float)
    reports: dict[str, Any] = {}
    if "denominate" in steps:
        params = dict(steps["denominate"] or {})
        by = params.get("by") or spec.extra.get("denominators") or {}
        names = sorted({d for d in by.values() if d})
        absent = [d for d in names if d not in frame.columns]
        if absent:
            raise DataFormatError(
                f"denominator column(s) not in the data: {', '.join(absent)}",
                fix="add them to the data or drop the 'denominate' step",
            )
        dens = {d: frame[d].to_numpy(dtype=float) for d in names}
        x, reports["denominate"] = st.denominate(
            x, dens, [by.get(c) for c in indicators], indicator_codes=indicators
        )
    imputed = np.zeros(x.shape, dtype=bool)
    if "impute" in steps:
        params = dict(steps["impute"] or {})
        method = params.pop("method", "mean")
        group = params.pop("group", None)
        groups = None
        if group is not None:
            if group not in frame.columns:
                raise DataFormatError(
                    f"group column {group!r} not in the data", fix="name a column of the data"
                )
            groups = frame[group].to_numpy()
        x, imputed = st.impute(x, method, groups=groups, **params)
    removed: list[str] = []
    if "screen" in steps:
        params = dict(steps["screen"] or {})
        keep, reports["screen"] = st.screen_units(
            x,
            float(params.get("threshold", 2 / 3)),
            force_in=params.get("force_in", ()),
            force_out=params.get("force_out", ()),
            unit_codes=units,
        )
        removed = [u for u, k in zip(units, keep, strict=True) if not k]
        units = [u for u, k in zip(units, keep, strict=True) if k]
        x, imputed = x[keep], imputed[keep]
    if "treat" in steps:
        params = dict(steps["treat"] or {})
        x, reports["treat"] = st.treat(x, **params)
    params = dict(steps.get("normalise") or {"method": spec.normalise})
    method = str(params.pop("method", spec.normalise))
    directions = np.array([node.direction for _, node in leaves], dtype=float)
    x = st.normalise(x, method, direction=directions, **params)
    return Matrix(units, indicators, x), imputed, reports, removed


def build(
    spec: IndexSpec,
    frame: pd.DataFrame,
    steps: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    aggregation: str | None = None,
    weights: Mapping[str, float] | None = None,
    renormalise: bool = False,
    units: Mapping[str, tuple[str, bool]] | None = None,
) -> Build:
    """Build an index from its data: data steps, then aggregation and ranking."""
    plan: dict[str, dict[str, Any]] = {
        k: dict(v or {}) for k, v in (steps or default_steps(spec)).items()
    }
    spec = spec.with_weights(weights or {}, renormalise=renormalise)
    matrix, imputed, reports, removed = prepare(spec, frame, plan)
    if "weights" in plan:
        spec = spec.with_weights(group_weights(spec, matrix, plan["weights"]))
    from powerscope.index.steps import effective_weights

    reports["effective_weights"] = effective_weights(spec.weights())
    info = units or unit_names(frame)
    result = compute(
        spec, matrix, normalisation="none", aggregation=aggregation, units=info, prepared=True
    )
    compiled = compile_index(
        spec, matrix, normalisation="none", aggregation=aggregation, prepared=True
    )
    log = BuildLog(
        index=spec.id,
        steps=plan,
        aggregation=aggregation or spec.aggregate,
        weights=spec.weights(),
        data_sha256=data_sha256(frame),
    )
    return Build(log, result, compiled, imputed, reports, removed)


def group_weights(spec: IndexSpec, matrix: Matrix, params: Mapping[str, Any]) -> dict[str, float]:
    """Weights of every group of indicators from the prepared data: equal or PCA-based."""
    from powerscope.index.steps import pca_weights

    method = str(params.get("method", "equal"))
    if method not in ("equal", "pca"):
        raise SpecError(f"unknown weighting {method!r}", fix="use 'equal' or 'pca'")
    column = {c: j for j, c in enumerate(matrix.indicators)}
    out: dict[str, float] = {}
    for path, node in spec.walk():
        if node.is_leaf or not all(c.is_leaf for c in node.children):
            continue
        kids = [f"{path}/{c.id}" for c in node.children]
        if method == "equal" or len(kids) < 2:
            values = np.full(len(kids), 1.0 / len(kids))
        else:
            cols = [column[str(c.indicator)] for c in node.children]
            values = pca_weights(matrix.values[:, cols], method="squared")
        out.update(zip(kids, (float(v) for v in values / values.sum()), strict=True))
    return out


def rebuild(spec: IndexSpec, frame: pd.DataFrame, log: BuildLog | Mapping[str, Any]) -> Build:
    """Repeat a build from its log; the data must be the data the log was made from."""
    log = log if isinstance(log, BuildLog) else BuildLog.from_dict(log)
    if log.index != spec.id:
        raise SpecError(f"the log is of index {log.index!r}, not {spec.id!r}")
    digest = data_sha256(frame)
    if digest != log.data_sha256:
        raise DataFormatError(
            "the data differ from the data the build log was made from",
            fix="rebuild from the same data file (its sha256 is in the log)",
        )
    return build(spec, frame, log.steps, aggregation=log.aggregation, weights=log.weights)


def compare(a: Build, b: Build) -> pd.DataFrame:
    """Rank of every unit in two builds and the change, largest moves first."""
    import pandas as pd

    left = pd.Series(a.result.rank_values[:, 0], index=a.result.codes, name="rank_a")
    right = pd.Series(b.result.rank_values[:, 0], index=b.result.codes, name="rank_b")
    frame = pd.concat([left, right], axis=1)
    frame["change"] = frame["rank_a"] - frame["rank_b"]
    frame.index.name = "code"
    order = frame["change"].abs().sort_values(ascending=False, kind="stable").index
    return frame.loc[order].reset_index()


def unit_names(frame: pd.DataFrame) -> dict[str, tuple[str, bool]]:
    """``{code: (name, False)}`` from the data's ``uCode``/``uName`` columns."""
    code_col = unit_column(frame)
    names = frame["uName"] if "uName" in frame.columns else frame[code_col]
    return {str(c): (str(n), False) for c, n in zip(frame[code_col], names, strict=True)}


def load_data(spec: IndexSpec) -> pd.DataFrame:
    """The data file a spec names (``data_file``, relative to the spec's YAML)."""
    import pandas as pd

    name = spec.extra.get("data_file")
    if not name:
        raise SpecError(f"index {spec.id!r} names no data file", fix="add 'data_file:' to the spec")
    path = Path(str(name))
    if not path.is_absolute() and spec.path is not None:
        path = spec.path.parent / path
    text, _, _ = read_csv_rows(path, "index data file", where=shown_path(path))
    return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])


def variant_steps(
    base: Mapping[str, Mapping[str, Any]], choices: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """The steps of one uncertainty variant: ``normalisation`` or ``step.param`` replaced."""
    steps = {k: dict(v) for k, v in base.items()}
    for key, value in choices.items():
        if key == "normalisation":
            steps["normalise"] = {"method": value} if isinstance(value, str) else dict(value)
        else:
            step, _, param = key.partition(".")
            steps.setdefault(step, {})[param] = value
    return steps


def build_inputs(
    spec: IndexSpec,
    *,
    steps: Mapping[str, Mapping[str, Any]] | None = None,
    exclude_aggregates: bool = False,
    frame: pd.DataFrame | None = None,
) -> tuple[Any, list[str], dict[str, tuple[str, bool]]]:
    """Variant builder, variable data options and unit names for an uncertainty analysis."""
    frame = load_data(spec) if frame is None else frame
    base = {k: dict(v or {}) for k, v in (steps or default_steps(spec)).items()}
    options = ["normalisation"] + [
        f"{step}.{param}" for step in DATA_STEPS for param in STEP_PARAMS[step]
    ]
    cache: dict[str, CompiledIndex] = {}

    def builder(choices: Mapping[str, Any]) -> CompiledIndex:
        key = repr(sorted(choices.items()))
        if key not in cache:
            matrix, _, _, _ = prepare(spec, frame, variant_steps(base, choices))
            cache[key] = compile_index(spec, matrix, normalisation="none", prepared=True)
        return cache[key]

    return builder, options, unit_names(frame)
