"""The composite-index engine: normalise indicators, aggregate up the tree, rank.

The method follows the OECD/JRC *Handbook on Constructing Composite Indicators* (OECD, 2008) and
the semantics of COINr (Becker et al., 2022, JOSS 7(78), 4567):

- a leaf's direction is applied before normalising (``x * direction``);
- normalisations (per indicator, ignoring missing values) are the one catalogue of
  :mod:`powerscope.index.steps.normalise`, with COINr's meaning of every name: ``none``;
  ``max`` (``x / max``, COINr ``n_fracmax``); ``minmax`` (``(x - min) / (max - min)``, here onto
  [0, 1]); ``zscore`` (``(x - mean) / sd``, sample sd); ``rank`` (COINr ``n_rank``: 1 for the
  lowest, ties share the lowest rank); ``percentile_rank`` (COINr ``n_prank``:
  ``(rank - 1) / (n - 1)``); and the others of the catalogue (``borda``, ``dist_to_max``...);
- aggregation goes level by level, each parent from its children, over the children present
  (their weights rescaled to sum to 1): ``arithmetic`` ``sum w x``; ``geometric``
  ``exp(sum w log x)`` (a child of 0 gives 0); ``harmonic`` ``1 / sum (w / x)``; ``generalised``
  ``(sum w x^p)^(1/p)`` with the spec's ``power`` p; ``copeland``: Copeland outranking (Munda &
  Nardo 2009): unit i beats j when the weights of the children where i scores higher exceed
  those where j does, and the score is wins minus losses. Geometric, harmonic and generalised
  means of negative values are an error (use a positive normalisation). A node may set its own
  ``aggregate``. A parent with fewer than ``min_availability`` of its children present is
  missing (COINr's ``dat_thresh``);
- scores of normalisations onto [0, 1] (``none``, taken to be on [0, 1] already, ``max``,
  ``minmax``, ``dist_to_max``, ``percentile_rank``) are multiplied by the spec's ``scale`` (100
  for the CETI), so they read as published; others (``rank``, ``borda``, ``zscore``) are not;
- rank 1 is the highest score; ties share the best rank (``min``).

The hot path (:meth:`CompiledIndex.evaluate`) is plain numpy over all units and, for a batch of
weight vectors, over all runs at once. Results are numpy arrays; pandas views of them
(``IndexResult.scores`` and friends) are built on first use, so the CLI need not import pandas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from powerscope.errors import DataFormatError, SpecError
from powerscope.index.spec import (
    AGGREGATIONS,
    WEIGHT_TOLERANCE,
    IndexSpec,
    check_group,
)

if TYPE_CHECKING:
    import pandas as pd

    from powerscope.data.catalog import Citation

ROOT = "index"
#: normalisations onto [0, 1] (``none``: the data are taken to be), multiplied by a spec's scale
UNIT_INTERVAL = {"none", "fraction_of_max", "minmax", "dist_to_max", "percentile_rank"}


def rank_descending(values: np.ndarray) -> np.ndarray:
    """Rank along axis 0: 1 = highest; ties share the best rank (``min``); NaN stays NaN."""
    values = np.asarray(values, dtype=float)
    out = np.full(values.shape, np.nan)
    flat = values.reshape(values.shape[0], -1)
    res = out.reshape(values.shape[0], -1)
    for j in range(flat.shape[1]):
        col = flat[:, j]
        present = ~np.isnan(col)
        negated = np.sort(-col[present])
        res[present, j] = np.searchsorted(negated, -col[present], side="left") + 1
    return out


def normalise(
    x: np.ndarray, method: str, *, direction: np.ndarray | None = None, **params: Any
) -> np.ndarray:
    """Normalise each column of ``x`` (units x indicators), ignoring NaN: the one catalogue
    (:func:`powerscope.index.steps.normalise.normalise`), with ``minmax`` onto [0, 1] unless
    ``lower``/``upper`` are given (a spec's ``scale`` then multiplies it). See module doc."""
    from powerscope.index.steps.normalise import canonical_method
    from powerscope.index.steps.normalise import normalise as catalogue

    name = canonical_method(method)
    if name == "minmax":
        params = {"lower": 0.0, "upper": 1.0, **params}
    return catalogue(np.asarray(x, dtype=float), name, direction=direction, **params)


def normalisation_choice(choice: str | Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """A normalisation given as a name or as ``{method: name, **parameters}``: its canonical
    name and parameters."""
    from powerscope.index.steps.normalise import canonical_method

    if isinstance(choice, Mapping):
        params = dict(choice)
        method = params.pop("method", None)
        if method is None:
            raise SpecError(
                f"normalisation {dict(choice)!r} names no method",
                where="normalisation",
                fix="give {method: NAME, ...}, e.g. {method: minmax, lower: 1, upper: 100}",
            )
        return canonical_method(str(method)), params
    return canonical_method(str(choice)), {}


@dataclass(frozen=True)
class Matrix:
    """Wide indicator data: ``values[i, j]`` is unit ``units[i]`` on indicator ``indicators[j]``."""

    units: list[str]
    indicators: list[str]
    values: np.ndarray

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Matrix:
        try:
            values = frame.to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise DataFormatError(f"non-numeric indicator values: {exc}") from None
        return cls([str(u) for u in frame.index], [str(c) for c in frame.columns], values)

    def drop_units(self, codes: Sequence[str]) -> Matrix:
        keep = [i for i, u in enumerate(self.units) if u not in set(codes)]
        return Matrix([self.units[i] for i in keep], self.indicators, self.values[keep])


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
    methods: list[str] = field(default_factory=list)  # each group's aggregation
    power: float = 1.0
    min_availability: float = 0.0

    def weight_vector(
        self, overrides: Mapping[str, float] | None = None, *, renormalise: bool = False
    ) -> np.ndarray:
        """The node weight vector with some weights replaced, checked as
        :meth:`IndexSpec.with_weights` checks them (same errors), without rebuilding the spec.
        """
        w = self.weights.copy()
        if overrides:
            number = self._numbers
            for path, weight in self.spec.resolve_weights(overrides).items():
                w[number[path]] = weight
        elif self._weights_checked:
            return w
        for (_, children), (label, ids) in zip(self.groups, self._group_labels, strict=True):
            w[children] = check_group(label, ids, w[children].tolist(), renormalise)
        return w

    @cached_property
    def _weights_checked(self) -> bool:
        """The default weights sum to 1 in every group (a spec read without that check, see
        :func:`powerscope.index.spec.load_spec`, may not)."""
        return all(
            abs(float(self.weights[children].sum()) - 1.0) <= WEIGHT_TOLERANCE
            for _, children in self.groups
        )

    @cached_property
    def _numbers(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(self.paths)}

    @cached_property
    def _group_labels(self) -> list[tuple[str, list[str]]]:
        """Each group's label and its children's ids, for weight-check messages."""
        return [
            (
                self.spec.id if parent == 0 else self.paths[parent],
                [self.paths[c].rsplit("/", 1)[-1] for c in children],
            )
            for parent, children in self.groups
        ]

    def _linear(self, aggregation: str | None) -> bool:
        """Every group an arithmetic mean of complete data: scores are linear in the leaves."""
        methods = [aggregation] if aggregation else (self.methods or [self.aggregate])
        return self._dense and all(m == "arithmetic" for m in methods)

    @cached_property
    def _dense(self) -> bool:
        return not bool(np.isnan(self.normalised).any())

    def _evaluate_linear(self, w: np.ndarray) -> np.ndarray | None:
        """One weight vector on complete data with arithmetic means: each node's score is the
        leaves weighted by the products of the (group-normalised) weights down to them, so the
        whole tree is one matrix product (units x leaves) @ (leaves x nodes). Same figures as the
        group-by-group path (to rounding); several times faster for one re-weighting. None when
        a group's weights sum to 0 (the group-by-group path then applies)."""
        n_leaves = len(self.leaf_nodes)
        through = np.zeros((n_leaves, len(self.paths)))  # leaf weight inside each node
        through[np.arange(n_leaves), self.leaf_nodes] = 1.0
        for parent, children in self.groups:  # bottom-up
            total = w[children].sum()
            if not total > 0:  # a group of zero weights: missing, as the group-by-group path has it
                return None
            through[:, parent] = through[:, children] @ (w[children] / total)
        scores = self.normalised @ through
        if self.scale != 1.0:
            scores *= self.scale
        return scores

    def evaluate(
        self, weights: np.ndarray | None = None, aggregation: str | None = None
    ) -> np.ndarray:
        """Scores of every unit at every node.

        Parameters
        ----------
        weights:
            Node weights, shape ``(n_nodes,)`` or a batch ``(runs, n_nodes)``; default: the spec's.
        aggregation:
            One aggregation for every node, overriding the spec's and the nodes' own.

        Returns
        -------
        numpy.ndarray
            ``(units, nodes)`` or ``(runs, units, nodes)``, in the spec's scale.
        """
        w = self.weights if weights is None else np.asarray(weights, dtype=float)
        single = w.ndim == 1
        if single and self._linear(aggregation):
            linear = self._evaluate_linear(w)
            if linear is not None:
                return linear
        w = w[None, :] if single else w
        runs, n_units, n_nodes = w.shape[0], len(self.units), len(self.paths)
        scores = np.full((runs, n_units, n_nodes), np.nan)
        scores[:, :, self.leaf_nodes] = self.normalised[None, :, :]
        methods = self.methods or [self.aggregate] * len(self.groups)
        with np.errstate(invalid="ignore", divide="ignore"):
            for (parent, children), method in zip(self.groups, methods, strict=True):
                scores[:, :, parent] = aggregate_group(
                    scores[:, :, children],
                    w[:, children],
                    aggregation or method,
                    power=self.power,
                    min_availability=self.min_availability,
                )
        if self.scale != 1.0:
            scores *= self.scale
        return scores[0] if single else scores


def aggregate_group(
    values: np.ndarray,
    weights: np.ndarray,
    method: str,
    *,
    power: float = 1.0,
    min_availability: float = 0.0,
) -> np.ndarray:
    """Aggregate children into their parent for every run and unit at once.

    Parameters
    ----------
    values:
        ``(runs, units, children)``, NaN where missing.
    weights:
        ``(runs, children)``, >= 0 (rescaled over the children present).
    method:
        ``arithmetic``, ``geometric``, ``harmonic``, ``generalised`` or ``copeland``.

    Returns
    -------
    numpy.ndarray
        ``(runs, units)``.
    """
    cw = weights[:, None, :]
    present = ~np.isnan(values)
    wsum = np.where(present, cw, 0.0).sum(axis=2)
    filled = np.where(present, values, 0.0)
    if method == "arithmetic":
        agg = (filled * cw).sum(axis=2) / wsum
    elif method == "geometric":
        logs = np.log(np.where(present, values, 1.0))
        agg = np.exp((np.where(present, logs, 0.0) * cw).sum(axis=2) / wsum)
    elif method == "harmonic":
        inverse = np.where(present, 1.0 / np.where(present, values, 1.0), 0.0)
        agg = wsum / (inverse * cw).sum(axis=2)
        agg = np.where((present & (values == 0)).any(axis=2), 0.0, agg)
    elif method == "generalised":
        powered = np.where(present, np.power(np.where(present, values, 1.0), power), 0.0)
        agg = np.power((powered * cw).sum(axis=2) / wsum, 1.0 / power)
    elif method == "copeland":
        agg = _copeland(values, weights)
    else:
        raise SpecError(f"unknown aggregation {method!r}", fix=f"use one of {AGGREGATIONS}")
    agg = np.where(wsum == 0, np.nan, agg)
    if min_availability > 0:
        share = present.sum(axis=2) / values.shape[2]
        agg = np.where(share < min_availability - 1e-12, np.nan, agg)
    return agg


def _copeland(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Copeland scores: for each pair of units, the weight of the children each wins on.

    ``values`` (runs, units, children), ``weights`` (runs, children). A comparison with a
    missing value counts for neither unit; a tie counts half for each. Score = wins - losses.
    """
    a = values[:, :, None, :]
    b = values[:, None, :, :]
    w = weights[:, None, None, :]
    wins = np.where(a > b, w, 0.0).sum(axis=3) + 0.5 * np.where(a == b, w, 0.0).sum(axis=3)
    outcome = np.sign(wins - np.swapaxes(wins, 1, 2))
    n = values.shape[1]
    outcome[:, np.arange(n), np.arange(n)] = 0.0
    scores = outcome.sum(axis=2)
    all_missing = np.isnan(values).all(axis=2)
    return np.where(all_missing, np.nan, scores)


def compile_index(
    spec: IndexSpec,
    data: Matrix | pd.DataFrame,
    *,
    normalisation: str | Mapping[str, Any] | None = None,
    aggregation: str | None = None,
    prepared: bool = False,
) -> CompiledIndex:
    """Bind a spec to wide data (units x indicators: a :class:`Matrix` or a DataFrame).

    ``normalisation`` is a method name of the catalogue or ``{method: name, **parameters}``.
    With ``prepared=True`` the data are taken as already directed and normalised (the output
    of a build's data steps): no direction is applied and ``normalisation`` must be ``none``.

    Raises
    ------
    DataFormatError
        An indicator the spec names is not in the data, or a value is not numeric.
    SpecError
        Geometric aggregation of values that are not all >= 0.
    """
    matrix = data if isinstance(data, Matrix) else Matrix.from_frame(data)
    method, params = normalisation_choice(normalisation or spec.normalise)
    agg = aggregation or spec.aggregate
    if agg not in AGGREGATIONS:
        raise SpecError(f"unknown aggregation {agg!r}", fix=f"use one of {AGGREGATIONS}")
    paths = [ROOT, *spec.paths()]
    number = {p: i for i, p in enumerate(paths)}
    leaves = spec.leaves()
    column = {name: j for j, name in enumerate(matrix.indicators)}
    wanted = [str(node.indicator) for _, node in leaves]
    missing = [w for w in wanted if w not in column]
    if missing:
        raise DataFormatError(
            f"{len(missing)} indicator(s) of index {spec.id!r} are not in the data: "
            + ", ".join(missing[:8]),
            where=f"table {spec.table or '(given data)'}",
            fix="check the spec's 'indicator' names against the data's columns",
        )
    x = matrix.values[:, [column[w] for w in wanted]]
    if prepared:
        if method != "none":
            raise SpecError("prepared data cannot be normalised again", fix="use 'none'")
        normalised = x.copy()
    else:
        directions = np.array([node.direction for _, node in leaves], dtype=float)
        normalised = normalise(x, method, direction=directions, **params)
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
    by_path = spec.weights()
    methods = [
        agg if aggregation or i == 0 else (spec.node(paths[i]).aggregate or agg) for i, _ in groups
    ]
    check_positive(normalised, methods)
    return CompiledIndex(
        spec=spec,
        units=list(matrix.units),
        paths=paths,
        leaf_nodes=np.array([number[p] for p, _ in leaves]),
        normalised=normalised,
        groups=groups,
        weights=np.array([1.0] + [by_path[p] for p in paths[1:]]),
        aggregate=agg,
        scale=spec.scale if _unit_interval(method, params) and not prepared else 1.0,
        methods=methods,
        power=spec.power,
        min_availability=spec.min_availability,
    )


def _unit_interval(method: str, params: Mapping[str, Any]) -> bool:
    """The normalisation maps onto [0, 1] (so the spec's ``scale`` applies)."""
    return method in UNIT_INTERVAL and not (method == "minmax" and {"lower", "upper"} & set(params))


def check_rescale(rescale: Sequence[float | str]) -> tuple[float, float]:
    """A ``(low, high)`` range to map normalised values onto: finite, ``0 <= low < high``."""
    try:
        low, high = (float(v) for v in rescale)
    except (TypeError, ValueError):
        raise SpecError(
            f"rescale must be two numbers, got {rescale!r}", fix="give LOW,HIGH, e.g. 1,100"
        ) from None
    if not (np.isfinite(low) and np.isfinite(high) and 0 <= low < high):
        raise SpecError(
            f"rescale range {low:g}-{high:g} is not 0 <= low < high",
            fix="give LOW,HIGH with 0 <= LOW < HIGH, e.g. 1,100",
        )
    return low, high


def zero_warnings(compiled: CompiledIndex) -> list[str]:
    """A warning when a geometric or harmonic mean meets zeros (which zero the whole group)."""
    if not any(m in ("geometric", "harmonic") for m in compiled.methods):
        return []
    zeros = int((compiled.normalised == 0).any(axis=1).sum())
    if not zeros:
        return []
    return [
        f"{zeros} units have a 0 on some indicator: a geometric or harmonic mean makes the score "
        "of every group containing it 0 (tied at the bottom); rescale the values to avoid this: "
        "rescale=(1, 100) (--rescale 1,100 in the CLI; 'geometric on 1-100' in the dashboard)"
    ]


def rescaled(compiled: CompiledIndex, rescale: Sequence[float | str]) -> CompiledIndex:
    """``compiled`` with its normalised values mapped linearly from [0, 1] to ``rescale``
    (scores then on that scale): the OECD/JRC handbook's remedy for zeros in a geometric mean."""
    low, high = check_rescale(rescale)
    return replace(compiled, normalised=low + (high - low) * compiled.normalised, scale=1.0)


def check_positive(normalised: np.ndarray, methods: Sequence[str]) -> None:
    """Means of powers and logs need values >= 0: raise :class:`SpecError` if not."""
    needs = sorted({m for m in methods if m in ("geometric", "harmonic", "generalised")})
    if needs and np.nanmin(normalised, initial=0.0) < 0:
        raise SpecError(
            f"{' and '.join(needs)} aggregation needs values >= 0, but the normalised data "
            "has negatives",
            fix="use min-max, max or rank normalisation (or arithmetic aggregation)",
        )


@dataclass
class IndexResult:
    """Scores, ranks and contributions of one build of an index.

    The arrays have one row per unit (``codes``) and one column per node (``paths``: ``index``
    for the top, then ``Semiconductors``, ``Semiconductors/Human Capital``...). ``rank_values``
    ranks all units (1 = best); ``rank_values_excluding_aggregates`` only the units that are not
    aggregates (NaN for aggregates). ``contribution_values`` holds, for every (parent, child)
    pair in ``contribution_pairs``, the points of the parent's score the child contributes
    (arithmetic aggregation; they sum to the parent's score; NaN for geometric).

    ``scores``, ``ranks``, ``ranks_excluding_aggregates``, ``contributions`` and ``units`` are
    pandas views of the same, built on first use.
    """

    spec: IndexSpec
    codes: list[str]
    names: list[str]
    is_aggregate: np.ndarray
    paths: list[str]
    values: np.ndarray
    rank_values: np.ndarray
    rank_values_excluding_aggregates: np.ndarray
    contribution_pairs: list[tuple[str, str]]
    contribution_values: np.ndarray  # units x pairs
    method: dict[str, Any] = field(default_factory=dict)
    #: the datasets the scores were computed from (set by powerscope.index.service)
    citations: tuple[Citation, ...] = ()

    # -- lookups ---------------------------------------------------------------------------
    @cached_property
    def _row(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.codes)}

    @cached_property
    def _col(self) -> dict[str, int]:
        return {path: j for j, path in enumerate(self.paths)}

    def has(self, code: str) -> bool:
        return code in self._row

    def score(self, code: str, path: str = ROOT) -> float:
        return float(self.values[self._row[code], self._col[path]])

    def rank(self, code: str, path: str = ROOT, *, exclude_aggregates: bool = False) -> int | None:
        ranks = self.rank_values_excluding_aggregates if exclude_aggregates else self.rank_values
        return _int(ranks[self._row[code], self._col[path]])

    def contribution(self, code: str, child: str) -> float:
        parent = child.rsplit("/", 1)[0] if "/" in child else ROOT
        j = self.contribution_pairs.index((parent, child))
        return float(self.contribution_values[self._row[code], j])

    def children_of(self, path: str = ROOT) -> list[str]:
        prefix = "" if path == ROOT else path + "/"
        return [
            p
            for p in self.paths
            if p != ROOT and p.startswith(prefix) and "/" not in p[len(prefix) :]
        ]

    # -- orderings -------------------------------------------------------------------------
    def order(self, *, exclude_aggregates: bool = False, level: str = ROOT) -> list[int]:
        """Row numbers in rank order at ``level`` (ties by name), aggregates optionally left out."""
        ranks = self.rank_values_excluding_aggregates if exclude_aggregates else self.rank_values
        col = ranks[:, self._col[level]]
        rows = [
            i for i in range(len(self.codes)) if not (exclude_aggregates and self.is_aggregate[i])
        ]
        return sorted(rows, key=lambda i: (np.inf if np.isnan(col[i]) else col[i], self.names[i]))

    def rows(self, *, exclude_aggregates: bool = False, level: str = ROOT) -> list[dict[str, Any]]:
        """The ranking at ``level`` as plain records, with each top-level component's score and rank."""
        ranks = self.rank_values_excluding_aggregates if exclude_aggregates else self.rank_values
        j = self._col[level]
        kids = self.children_of(ROOT)
        out = []
        for i in self.order(exclude_aggregates=exclude_aggregates, level=level):
            record: dict[str, Any] = {
                "rank": _int(ranks[i, j]),
                "code": self.codes[i],
                "name": self.names[i],
                "is_aggregate": bool(self.is_aggregate[i]),
                "score": _num(self.values[i, j]),
            }
            for kid in kids:
                record[f"{kid} score"] = _num(self.values[i, self._col[kid]])
                record[f"{kid} rank"] = _int(ranks[i, self._col[kid]])
            out.append(record)
        return out

    def strengths(self, code: str, level: str = ROOT, n: int = 1) -> dict[str, list[str]]:
        """A unit's strongest and weakest components below ``level``.

        A component is strong for a unit by the number of units it beats there, and weak by
        the number that beat it; so a pillar on which every unit scores the same (many
        Regulatory pillars in the CETI) is neither. Ties go to the component with the larger
        weight.
        """
        best, worst = self._orders(level)
        row = self._row[code]
        kids = self.children_of(level)
        return {
            "strongest": [kids[j] for j in best[row, :n]],
            "weakest": [kids[j] for j in worst[row, :n]],
        }

    def _orders(self, level: str) -> tuple[np.ndarray, np.ndarray]:
        """Per unit, children of ``level`` from strongest to weakest and weakest to strongest."""
        kids = self.children_of(level)
        weights = self.method.get("weights", {})
        values = self.values[:, [self._col[k] for k in kids]]
        beaten = np.zeros(values.shape)  # units strictly below, per component
        beating = np.zeros(values.shape)  # units strictly above
        for j, col in enumerate(values.T):
            present = np.sort(col[~np.isnan(col)])
            beaten[:, j] = np.searchsorted(present, col, side="left")
            beating[:, j] = present.size - np.searchsorted(present, col, side="right")
            beaten[np.isnan(col), j] = beating[np.isnan(col), j] = -1
        w = np.array([weights.get(k, 0.0) for k in kids])
        heavy_first = np.argsort(-w, kind="stable")
        best = heavy_first[np.argsort(-beaten[:, heavy_first], axis=1, kind="stable")]
        worst = heavy_first[np.argsort(-beating[:, heavy_first], axis=1, kind="stable")]
        return best, worst

    def to_records(self, *, exclude_aggregates: bool = False) -> list[dict[str, Any]]:
        """One JSON-ready record per unit, in rank order, with every level's score and rank."""
        ranks = self.rank_values_excluding_aggregates if exclude_aggregates else self.rank_values
        kids = self.children_of(ROOT)
        best, worst = self._orders(ROOT)
        records = []
        for i in self.order(exclude_aggregates=exclude_aggregates):
            components = {
                path: {"score": _num(self.values[i, j]), "rank": _int(ranks[i, j])}
                for j, path in enumerate(self.paths)
                if path != ROOT
            }
            records.append(
                {
                    "code": self.codes[i],
                    "name": self.names[i],
                    "is_aggregate": bool(self.is_aggregate[i]),
                    "score": _num(self.values[i, 0]),
                    "rank": _int(ranks[i, 0]),
                    "strongest": kids[best[i, 0]] if kids else None,
                    "weakest": kids[worst[i, 0]] if kids else None,
                    "components": components,
                }
            )
        return records

    # -- pandas views ----------------------------------------------------------------------
    def _frame(self, values: np.ndarray) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(values, index=pd.Index(self.codes, name="code"), columns=self.paths)

    @cached_property
    def scores(self) -> pd.DataFrame:
        """Score of every unit (rows) at every node (columns), in the spec's scale."""
        return self._frame(self.values)

    @cached_property
    def ranks(self) -> pd.DataFrame:
        """Rank among all units (``Int64``; 1 = highest score)."""
        return self._frame(self.rank_values).astype("Int64")

    @cached_property
    def ranks_excluding_aggregates(self) -> pd.DataFrame:
        """Rank among units that are not aggregates (``<NA>`` for aggregates)."""
        return self._frame(self.rank_values_excluding_aggregates).astype("Int64")

    @cached_property
    def units(self) -> pd.DataFrame:
        """Each unit's ``name`` and ``is_aggregate``, indexed by code."""
        import pandas as pd

        return pd.DataFrame(
            {"name": self.names, "is_aggregate": self.is_aggregate.astype(bool)},
            index=pd.Index(self.codes, name="code"),
        )

    @cached_property
    def contributions(self) -> pd.DataFrame:
        """Long table: ``code, parent, component, contribution`` (points of the parent's score)."""
        import pandas as pd

        n, k = self.contribution_values.shape
        return pd.DataFrame(
            {
                "code": np.repeat(np.array(self.codes, dtype=object), k),
                "parent": [p for p, _ in self.contribution_pairs] * n,
                "component": [c for _, c in self.contribution_pairs] * n,
                "contribution": self.contribution_values.reshape(-1),
            }
        )

    def ranking(self, *, exclude_aggregates: bool = False, level: str = ROOT) -> pd.DataFrame:
        """Units ordered by score at ``level``: code (index), name, is_aggregate, score, rank."""
        import pandas as pd

        rows = self.rows(exclude_aggregates=exclude_aggregates, level=level)
        frame = pd.DataFrame(rows, columns=["rank", "code", "name", "is_aggregate", "score"])
        frame["rank"] = frame["rank"].astype("Int64")
        return frame.set_index("code")[["name", "is_aggregate", "score", "rank"]]


def _num(value: Any) -> float | None:
    return None if value is None or value != value else round(float(value), 6)


def _int(value: Any) -> int | None:
    return None if value is None or value != value else int(value)


UnitInfo = Mapping[str, tuple[str, bool]]


def compute(
    spec: IndexSpec,
    data: Matrix | pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    renormalise: bool = False,
    normalisation: str | None = None,
    aggregation: str | None = None,
    units: UnitInfo | pd.DataFrame | None = None,
    exclude: Sequence[str] = (),
    prepared: bool = False,
    rescale: tuple[float, float] | None = None,
) -> IndexResult:
    """Build an index: normalise, aggregate, rank, and attribute scores to components.

    Parameters
    ----------
    spec:
        The index tree and default method (:func:`powerscope.index.load_spec`).
    data:
        Wide indicator data: a :class:`Matrix`, or a DataFrame indexed by unit code with the
        spec's indicator names as columns.
    weights:
        Weight overrides ``{node: weight}`` at any level (see :meth:`IndexSpec.with_weights`).
    renormalise:
        Rescale groups whose weights no longer sum to 1 instead of raising.
    normalisation, aggregation:
        Override the spec's methods (``none|max|minmax|zscore|rank``; ``arithmetic|geometric``).
    units:
        ``{code: (name, is_aggregate)}`` or a frame indexed by code with ``name`` and
        ``is_aggregate``; by default names are the codes and nothing is an aggregate.
    exclude:
        Unit codes to leave out before normalising (e.g. aggregates).
    prepared:
        The data are already directed and normalised (a build's output, see
        :mod:`powerscope.index.build`).
    rescale:
        ``(low, high)``: map the normalised indicator values linearly from [0, 1] to
        [low, high] before aggregating, so that a geometric mean is not zeroed by one zero (the
        OECD/JRC handbook's advice; COINr normalises to [1, 100] for it). Scores are then on
        that scale.
    """
    # always: the spec's own weights are checked (or rescaled) with the caller's renormalise
    spec = spec.with_weights(weights or {}, renormalise=renormalise)
    matrix = data if isinstance(data, Matrix) else Matrix.from_frame(data)
    if exclude:
        matrix = matrix.drop_units(exclude)
    compiled = compile_index(
        spec, matrix, normalisation=normalisation, aggregation=aggregation, prepared=prepared
    )
    if rescale is not None:
        compiled = rescaled(compiled, rescale)
    warnings = zero_warnings(compiled)
    values = compiled.evaluate()
    info = _unit_info(units)
    names = [info.get(c, (c, False))[0] or c for c in compiled.units]
    is_agg = np.array([bool(info.get(c, (c, False))[1]) for c in compiled.units])
    ranks = rank_descending(values)
    ranks_ex = np.full(values.shape, np.nan)
    ranks_ex[~is_agg] = rank_descending(values[~is_agg])
    pairs, contributions = attribute(compiled, values)
    method = {
        "normalise": normalisation or spec.normalise,
        "aggregate": aggregation or spec.aggregate,
        "scale": compiled.scale,
        "weights": spec.weights(),
        "excluded": list(exclude),
    }
    if rescale is not None:
        method["rescale"] = list(rescale)
    if warnings:
        method["warnings"] = warnings
    return IndexResult(
        spec, compiled.units, names, is_agg, compiled.paths, values, ranks, ranks_ex,
        pairs, contributions, method,
    )  # fmt: skip


def _unit_info(units: UnitInfo | pd.DataFrame | None) -> dict[str, tuple[str, bool]]:
    if units is None:
        return {}
    if isinstance(units, Mapping):
        return {str(code): (str(name), bool(agg)) for code, (name, agg) in units.items()}
    return {
        str(code): (str(name), bool(agg))
        for code, name, agg in zip(units.index, units["name"], units["is_aggregate"], strict=True)
    }


def attribute(
    compiled: CompiledIndex, values: np.ndarray
) -> tuple[list[tuple[str, str]], np.ndarray]:
    """Points of each parent's score contributed by each child (arithmetic aggregation only)."""
    pairs: list[tuple[str, str]] = []
    blocks = []
    paths = compiled.paths
    for pairs_done, (parent, children) in enumerate(compiled.groups):
        vals = values[:, children]
        w = compiled.weights[children]
        present = ~np.isnan(vals)
        wsum = np.where(present, w, 0.0).sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(present, vals * w, 0.0) / wsum
        if compiled.methods[pairs_done] != "arithmetic":
            share = np.full_like(share, np.nan)
        blocks.append(share)
        pairs.extend((paths[parent], paths[child]) for child in children)
    return pairs, np.hstack(blocks) if blocks else np.empty((values.shape[0], 0))
