"""The composite-index engine: normalise indicators, aggregate up the tree, rank.

The method follows the OECD/JRC *Handbook on Constructing Composite Indicators* (OECD, 2008) and
the semantics of COINr (Becker et al., 2022, JOSS 7(78), 4567):

- a leaf's direction is applied before normalising (``x * direction``);
- normalisations (per indicator, ignoring missing values): ``none``; ``max`` (``x / max``);
  ``minmax`` (``(x - min) / (max - min)``); ``zscore`` (``(x - mean) / sd``, sample sd);
  ``rank`` (percentile rank ``(r - 1) / (n - 1)``, ties averaged);
- aggregation goes level by level, each parent from its children. ``arithmetic``: the weighted
  mean over the children present, weights rescaled to sum to 1; ``geometric``:
  ``exp(sum w log x / sum w)`` over the children present (a child of 0 gives 0; negative values
  are an error);
- scores of bounded normalisations (all but ``zscore``) are multiplied by the spec's ``scale``
  (100 for the CETI), so they read as published;
- rank 1 is the highest score; ties share the best rank (``min``).

The hot path (:meth:`CompiledIndex.evaluate`) is plain numpy over all units and, for a batch of
weight vectors, over all runs at once; building result frames happens once, after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from powerscope.errors import DataFormatError, SpecError
from powerscope.index.spec import AGGREGATIONS, NORMALISATIONS, IndexSpec

ROOT = "index"
BOUNDED = {"none", "max", "minmax", "rank"}


def normalise(x: np.ndarray, method: str) -> np.ndarray:
    """Normalise each column of ``x`` (units x indicators), ignoring NaN. See module doc."""
    if method not in NORMALISATIONS:
        raise SpecError(f"unknown normalisation {method!r}", fix=f"use one of {NORMALISATIONS}")
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "none":
            return x.copy()
        if method == "max":
            top = np.nanmax(x, axis=0)
            return x / np.where(top == 0, np.nan, top)
        if method == "minmax":
            lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
            span = hi - lo
            return (x - lo) / np.where(span == 0, np.nan, span)
        if method == "zscore":
            mean = np.nanmean(x, axis=0)
            sd = np.nanstd(x, axis=0, ddof=1)
            return (x - mean) / np.where(sd == 0, np.nan, sd)
    # rank: percentile rank of the observed values, ties averaged
    frame = pd.DataFrame(x)
    ranks = frame.rank(axis=0, method="average").to_numpy()
    n_obs = frame.notna().sum(axis=0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        return (ranks - 1.0) / np.where(n_obs > 1, n_obs - 1, np.nan)


@dataclass
class CompiledIndex:
    """An index spec bound to a data matrix, ready to be evaluated for many weight vectors.

    Nodes are numbered: 0 is the root, then every node in the spec's depth-first order
    (``paths``). ``weights`` holds the default weight of each node (the root's is 1).
    """

    spec: IndexSpec
    units: list[str]
    paths: list[str]
    leaf_nodes: np.ndarray  # node number of each leaf column
    normalised: np.ndarray  # units x leaves, after direction and normalisation
    groups: list[tuple[int, np.ndarray]]  # (parent, children) bottom-up
    weights: np.ndarray
    aggregate: str
    scale: float

    def weight_vector(self, spec: IndexSpec | None = None) -> np.ndarray:
        """Node weight vector of a (re-weighted) copy of this index's spec."""
        spec = spec or self.spec
        by_path = spec.weights()
        return np.array([1.0] + [by_path[p] for p in self.paths[1:]])

    def evaluate(self, weights: np.ndarray | None = None) -> np.ndarray:
        """Scores of every unit at every node.

        Parameters
        ----------
        weights:
            Node weights, shape ``(n_nodes,)`` or a batch ``(runs, n_nodes)``; default: the spec's.

        Returns
        -------
        numpy.ndarray
            ``(units, nodes)`` or ``(runs, units, nodes)``, in the spec's scale.
        """
        w = self.weights if weights is None else np.asarray(weights, dtype=float)
        single = w.ndim == 1
        w = w[None, :] if single else w
        runs, n_units, n_nodes = w.shape[0], len(self.units), len(self.paths)
        scores = np.full((runs, n_units, n_nodes), np.nan)
        scores[:, :, self.leaf_nodes] = self.normalised[None, :, :]
        geometric = self.aggregate == "geometric"
        with np.errstate(invalid="ignore", divide="ignore"):
            for parent, children in self.groups:
                vals = scores[:, :, children]  # runs x units x k
                cw = w[:, None, children]  # runs x 1 x k
                present = ~np.isnan(vals)
                wsum = np.where(present, cw, 0.0).sum(axis=2)
                if geometric:
                    logs = np.where(present, np.log(np.where(present, vals, 1.0)), 0.0)
                    total = (logs * cw).sum(axis=2)
                    agg = np.exp(total / wsum)
                else:
                    total = np.where(present, vals * cw, 0.0).sum(axis=2)
                    agg = total / wsum
                agg[wsum == 0] = np.nan
                scores[:, :, parent] = agg
        if self.scale != 1.0:
            scores *= self.scale
        return scores[0] if single else scores


def compile_index(
    spec: IndexSpec,
    data: pd.DataFrame,
    *,
    normalisation: str | None = None,
    aggregation: str | None = None,
) -> CompiledIndex:
    """Bind a spec to wide data (index: unit codes; columns: indicator names).

    Raises
    ------
    DataFormatError
        An indicator the spec names is not in the data, or a value is not numeric.
    SpecError
        Geometric aggregation of values that are not all >= 0.
    """
    method = normalisation or spec.normalise
    agg = aggregation or spec.aggregate
    if method not in NORMALISATIONS:
        raise SpecError(f"unknown normalisation {method!r}", fix=f"use one of {NORMALISATIONS}")
    if agg not in AGGREGATIONS:
        raise SpecError(f"unknown aggregation {agg!r}", fix=f"use one of {AGGREGATIONS}")
    paths = [ROOT, *spec.paths()]
    number = {p: i for i, p in enumerate(paths)}
    leaves = spec.leaves()
    wanted = [node.indicator for _, node in leaves]
    missing = [w for w in wanted if w not in data.columns]
    if missing:
        raise DataFormatError(
            f"{len(missing)} indicator(s) of index {spec.id!r} are not in the data: "
            + ", ".join(map(str, missing[:8])),
            where=f"table {spec.table or '(given data)'}",
            fix="check the spec's 'indicator' names against the data's columns",
        )
    block = data[wanted]
    try:
        x = block.to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataFormatError(
            f"non-numeric indicator values: {exc}", where=f"table {spec.table or '(given data)'}"
        ) from None
    directions = np.array([node.direction for _, node in leaves], dtype=float)
    normalised = normalise(x * directions, method)
    if agg == "geometric" and np.nanmin(normalised, initial=0.0) < 0:
        raise SpecError(
            "geometric aggregation needs values >= 0, but the normalised data has negatives",
            fix="use min-max, max or rank normalisation (or arithmetic aggregation)",
        )
    children: dict[int, list[int]] = {i: [] for i in range(len(paths))}
    for path in paths[1:]:
        parent = path.rsplit("/", 1)[0] if "/" in path else ROOT
        children[number[parent]].append(number[path])
    depth = {p: (0 if p == ROOT else p.count("/") + 1) for p in paths}
    groups = [
        (i, np.array(kids))
        for i, kids in sorted(children.items(), key=lambda kv: -depth[paths[kv[0]]])
        if kids
    ]
    weights = np.array([1.0] + [spec.node(p).weight for p in paths[1:]])
    return CompiledIndex(
        spec=spec,
        units=[str(u) for u in data.index],
        paths=paths,
        leaf_nodes=np.array([number[p] for p, _ in leaves]),
        normalised=normalised,
        groups=groups,
        weights=weights,
        aggregate=agg,
        scale=spec.scale if method in BOUNDED else 1.0,
    )


def rank_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Rank each column, 1 = highest score, ties share the best rank; NaN stays NaN."""
    return scores.rank(axis=0, ascending=False, method="min").astype("Int64")


@dataclass
class IndexResult:
    """Scores, ranks and contributions of one build of an index.

    ``scores`` and ``ranks`` have one row per unit and one column per node (``index`` for the
    top, then paths such as ``Semiconductors`` and ``Semiconductors/Human Capital``).
    ``ranks_excluding_aggregates`` ranks only the units that are not aggregates (``<NA>`` for
    aggregates). ``contributions`` has, for every parent and child, the points of the parent's
    score that the child contributes (arithmetic aggregation; they sum to the parent's score).
    """

    spec: IndexSpec
    scores: pd.DataFrame
    ranks: pd.DataFrame
    ranks_excluding_aggregates: pd.DataFrame
    contributions: pd.DataFrame
    units: pd.DataFrame  # index code; columns name, is_aggregate
    method: dict[str, Any] = field(default_factory=dict)

    def children_of(self, path: str = ROOT) -> list[str]:
        prefix = "" if path == ROOT else path + "/"
        return [
            p
            for p in self.scores.columns
            if p != ROOT and p.startswith(prefix) and "/" not in p[len(prefix) :]
        ]

    def ranking(self, *, exclude_aggregates: bool = False, level: str = ROOT) -> pd.DataFrame:
        """Units ordered by score at ``level``: code, name, is_aggregate, score, rank."""
        ranks = self.ranks_excluding_aggregates if exclude_aggregates else self.ranks
        frame = self.units.copy()
        frame["score"] = self.scores[level]
        frame["rank"] = ranks[level]
        if exclude_aggregates:
            frame = frame[~frame["is_aggregate"]]
        return frame.sort_values(["rank", "name"], na_position="last")

    def wide_table(self, *, exclude_aggregates: bool = False, level: str = ROOT) -> pd.DataFrame:
        """Ranking at ``level`` with the score and rank of each top-level component beside it."""
        ranks = self.ranks_excluding_aggregates if exclude_aggregates else self.ranks
        frame = self.ranking(exclude_aggregates=exclude_aggregates, level=level).reset_index()
        frame = frame[["rank", "code", "name", "is_aggregate", "score"]]
        for child in self.children_of(ROOT):
            frame[f"{child} score"] = self.scores[child].reindex(frame["code"]).to_numpy()
            frame[f"{child} rank"] = ranks[child].reindex(frame["code"]).to_numpy()
        return frame

    def strengths(self, code: str, level: str = ROOT, n: int = 1) -> dict[str, list[str]]:
        """A unit's strongest and weakest components below ``level``, judged by rank.

        Ties in rank are broken by weight: of two components ranked equally, the one that
        weighs more in the index is the more telling strength (or weakness).
        """
        best, worst = self._orders(level)
        row = self.scores.index.get_loc(code)
        kids = self.children_of(level)
        return {
            "strongest": [kids[j] for j in best[row, :n]],
            "weakest": [kids[j] for j in worst[row, :n]],
        }

    def _orders(self, level: str) -> tuple[np.ndarray, np.ndarray]:
        """Per unit, children of ``level`` from strongest to weakest and weakest to strongest."""
        kids = self.children_of(level)
        weights = self.method.get("weights", {})
        ranks = self.ranks[kids].to_numpy(dtype=float, na_value=np.inf)
        w = np.array([weights.get(k, 0.0) for k in kids])
        heavy_first = np.argsort(-w, kind="stable")
        best = heavy_first[np.argsort(ranks[:, heavy_first], axis=1, kind="stable")]
        worst = heavy_first[np.argsort(-ranks[:, heavy_first], axis=1, kind="stable")]
        return best, worst

    def to_records(self, *, exclude_aggregates: bool = False) -> list[dict[str, Any]]:
        """One JSON-ready record per unit, in rank order, with every level's score and rank."""
        ranks = self.ranks_excluding_aggregates if exclude_aggregates else self.ranks
        paths = list(self.scores.columns[1:])
        score_m = self.scores[paths].to_numpy(dtype=float)
        rank_m = ranks[paths].to_numpy(dtype=float, na_value=np.nan)
        kids = self.children_of(ROOT)
        best, worst = self._orders(ROOT)
        position = {code: i for i, code in enumerate(self.scores.index)}
        records = []
        for code, row in self.ranking(exclude_aggregates=exclude_aggregates).iterrows():
            i = position[code]
            components = {
                path: {"score": _num(score_m[i, j]), "rank": _int(rank_m[i, j])}
                for j, path in enumerate(paths)
            }
            records.append(
                {
                    "code": code,
                    "name": row["name"],
                    "is_aggregate": bool(row["is_aggregate"]),
                    "score": _num(row["score"]),
                    "rank": _int(row["rank"]),
                    "strongest": kids[best[i, 0]] if kids else None,
                    "weakest": kids[worst[i, 0]] if kids else None,
                    "components": components,
                }
            )
        return records


def _num(value: Any) -> float | None:
    return None if pd.isna(value) else round(float(value), 6)


def _int(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def compute(
    spec: IndexSpec,
    data: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    renormalise: bool = False,
    normalisation: str | None = None,
    aggregation: str | None = None,
    units: pd.DataFrame | None = None,
    exclude: Sequence[str] = (),
) -> IndexResult:
    """Build an index: normalise, aggregate, rank, and attribute scores to components.

    Parameters
    ----------
    spec:
        The index tree and default method (:func:`powerscope.index.load_spec`).
    data:
        Wide indicator data: index = unit codes, columns = the spec's indicator names.
    weights:
        Weight overrides ``{node: weight}`` at any level (see :meth:`IndexSpec.with_weights`).
    renormalise:
        Rescale groups whose weights no longer sum to 1 instead of raising.
    normalisation, aggregation:
        Override the spec's methods (``none|max|minmax|zscore|rank``; ``arithmetic|geometric``).
    units:
        Frame indexed by code with ``name`` and ``is_aggregate``; default: names are the codes
        and nothing is an aggregate.
    exclude:
        Unit codes to leave out before normalising (e.g. aggregates).
    """
    if weights:
        spec = spec.with_weights(weights, renormalise=renormalise)
    if exclude:
        data = data.drop(index=[u for u in exclude if u in data.index])
    compiled = compile_index(spec, data, normalisation=normalisation, aggregation=aggregation)
    values = compiled.evaluate()
    scores = pd.DataFrame(
        values, index=pd.Index(compiled.units, name="code"), columns=compiled.paths
    )
    if units is None:
        info = pd.DataFrame({"name": scores.index, "is_aggregate": False}, index=scores.index)
    else:
        info = units.reindex(scores.index)[["name", "is_aggregate"]].copy()
        info["name"] = info["name"].fillna(pd.Series(scores.index, index=scores.index))
        info["is_aggregate"] = info["is_aggregate"].fillna(False).astype(bool)
    ranks = rank_scores(scores)
    countries = scores[~info["is_aggregate"].to_numpy()]
    ranks_ex = rank_scores(countries).reindex(scores.index)
    contributions = _contributions(compiled, values, scores.index)
    method = {
        "normalise": normalisation or spec.normalise,
        "aggregate": aggregation or spec.aggregate,
        "scale": compiled.scale,
        "weights": spec.weights(),
        "excluded": list(exclude),
    }
    return IndexResult(spec, scores, ranks, ranks_ex, contributions, info, method)


def _contributions(compiled: CompiledIndex, values: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """Points of each parent's score contributed by each child (arithmetic aggregation only)."""
    frames = []
    paths = compiled.paths
    for parent, children in compiled.groups:
        vals = values[:, children]
        w = compiled.weights[children]
        present = ~np.isnan(vals)
        wsum = np.where(present, w, 0.0).sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(present, vals * w, 0.0) / wsum
        if compiled.aggregate != "arithmetic":
            share = np.full_like(share, np.nan)
        for j, child in enumerate(children):
            frames.append(
                pd.DataFrame(
                    {
                        "code": index,
                        "parent": paths[parent],
                        "component": paths[child],
                        "contribution": share[:, j],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)
