"""A re-weighting session: an index bound to its data once, re-weighted and re-aggregated fast.

An interactive shell (the web app's sliders) asks for the same index many times with other
weights or methods. :class:`IndexSession` compiles the index once per (normalisation,
aggregation, exclusion, rescale) and answers each request with one evaluation of the compiled
index (well under a millisecond for the CETI), returning :class:`Scores` and plain,
JSON-ready data (:meth:`IndexSession.payload`, :meth:`IndexSession.uncertainty_payload`). The
figures are those of :func:`powerscope.index.service.compute_index`.

An index built through its own data steps (a spec with a ``data_file``) has no matrix; it is
rebuilt on each request.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from powerscope.index.engine import (
    ROOT,
    CompiledIndex,
    IndexResult,
    Matrix,
    attribute,
    compile_index,
    rank_descending,
    rescaled,
    zero_warnings,
)
from powerscope.index.panel import CompiledPanel, Panel, compile_panel, without_aggregates
from powerscope.index.spec import IndexSpec
from powerscope.index.weights import RENORMALISE_DEFAULT


@dataclass
class Scores:
    """What a computation answers: every unit's score at every node, its overall rank (among
    all units and among units that are not aggregates), and the points each top-level
    component contributes to the overall score (arithmetic aggregation; NaN otherwise)."""

    codes: list[str]
    names: list[str]
    is_aggregate: list[bool]
    paths: list[str]
    values: np.ndarray  # units x nodes
    rank: np.ndarray  # units
    rank_excluding_aggregates: np.ndarray  # units (NaN for aggregates)
    children: list[str]
    contributions: np.ndarray  # units x children
    method: dict[str, Any]

    @classmethod
    def of_result(cls, result: IndexResult) -> Scores:
        kids = result.children_of(ROOT)
        pairs = [result.contribution_pairs.index((ROOT, k)) for k in kids]
        return cls(
            list(result.codes), list(result.names), [bool(a) for a in result.is_aggregate],
            list(result.paths), result.values, result.rank_values[:, 0],
            result.rank_values_excluding_aggregates[:, 0], kids,
            result.contribution_values[:, pairs], dict(result.method),
        )  # fmt: skip

    @classmethod
    def of_compiled(
        cls, compiled: CompiledIndex, weights: np.ndarray, units: Mapping[str, tuple[str, bool]]
    ) -> Scores:
        """The steps of :func:`powerscope.index.engine.compute` after compiling, for one
        checked node-weight vector: evaluate, rank (overall only), attribute."""
        values = compiled.evaluate(weights)
        info = [units.get(c, (c, False)) for c in compiled.units]
        is_agg = np.array([bool(a) for _, a in info], dtype=bool)
        total = values[:, :1]
        rank = rank_descending(total)[:, 0]
        rank_ex = np.full(len(info), np.nan)
        rank_ex[~is_agg] = rank_descending(total[~is_agg])[:, 0]
        # attribute only the overall score: the root's group (the last, groups go bottom-up)
        top = replace(
            compiled, weights=weights, groups=compiled.groups[-1:], methods=compiled.methods[-1:]
        )
        pairs, contributions = attribute(top, values)
        kids = [child for _, child in pairs]
        method = {
            "scale": compiled.scale,
            "weights": dict(zip(compiled.paths[1:], clean(weights[1:]), strict=True)),
        }
        return cls(
            list(compiled.units), [n or c for c, (n, _) in zip(compiled.units, info, strict=True)],
            is_agg.tolist(), list(compiled.paths), values, rank, rank_ex, kids,
            contributions, method,
        )  # fmt: skip

    def order(self) -> list[int]:
        """Row numbers by rank (ties by name), unranked last."""
        ranks = [r if r == r else float("inf") for r in self.rank.tolist()]
        return sorted(range(len(self.codes)), key=lambda i: (ranks[i], self.names[i]))


def clean(values: np.ndarray) -> list[Any]:
    """Numbers rounded to 6 decimals (as :mod:`powerscope.index.engine` reports them) as
    Python lists; NaN as None."""
    rounded = np.round(np.asarray(values, dtype=float), 6)
    finite = np.isfinite(rounded)
    if finite.all():
        return rounded.tolist()  # type: ignore[no-any-return]
    out = rounded.astype(object)
    out[~finite] = None
    return out.tolist()  # type: ignore[no-any-return]


def _ranks(values: np.ndarray) -> list[int | None]:
    return [None if v is None else int(v) for v in clean(values)]


@dataclass
class IndexSession:
    """An index bound to its data: compiled once per (normalisation, aggregation, exclusion,
    rescale), then re-weighted by one evaluation.

    ``matrix`` is None for an index built through its own data steps (a spec with a
    ``data_file``), which :func:`powerscope.index.service.compute_index` rebuilds on each
    request. ``default`` is the index with its default weights and methods (a panel index: its
    last year).

    A panel index (a spec with ``panel:``, :mod:`powerscope.index.panel`) holds its ``panel``
    data instead of a matrix: it is normalised over the panel once per (normalisation,
    aggregation, exclusion), and a year is then re-weighted as fast as a snapshot index.
    """

    spec: IndexSpec
    source: str
    units: dict[str, tuple[str, bool]]
    matrix: Matrix | None
    default: IndexResult
    #: the most compiled variants kept, least recently used out: each distinct normalisation,
    #: aggregation, exclusion or ``rescale`` is one (a service re-weighting for many clients
    #: would otherwise keep one for every ``rescale`` it was ever asked)
    max_compiled: int = 16
    _compiled: dict[tuple[Any, ...], CompiledIndex] = field(
        default_factory=dict, init=False, repr=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    panel: Panel | None = None
    _panels: dict[tuple[Any, ...], CompiledPanel] = field(
        default_factory=dict, init=False, repr=False
    )

    @property
    def built(self) -> bool:
        return self.matrix is None and self.panel is None

    @property
    def years(self) -> list[int] | None:
        """``[first, last]`` of a panel index's span; None for a snapshot index."""
        options = self.spec.panel
        return None if options is None else [options.first, options.last]

    def year(self, year: int | None) -> int | None:
        """The year a computation is for: None for a snapshot index (a year given to one is a
        :class:`~powerscope.errors.PeriodError`), the last of the span when none is given."""
        from powerscope.index.panel import check_years, require_panel

        if self.spec.panel is None and year is None:
            return None
        options = require_panel(self.spec)
        if year is None:
            return options.last
        check_years(options, year, year, "year")
        return int(year)

    def compiled_panel(
        self, normalisation: str | None, aggregation: str | None, exclude_aggregates: bool
    ) -> CompiledPanel:
        """The panel normalised over its span (or each year) and compiled, kept per choice."""
        key = (normalisation, aggregation, exclude_aggregates)
        with self._lock:
            found = self._panels.get(key)
        if found is not None:
            return found
        assert self.panel is not None
        panel = without_aggregates(self.panel, self.units) if exclude_aggregates else self.panel
        made = compile_panel(self.spec, panel, normalisation=normalisation, aggregation=aggregation)
        with self._lock:
            made = self._panels.setdefault(key, made)
            while len(self._panels) > max(self.max_compiled, 1):
                del self._panels[next(iter(self._panels))]
        return made

    def compiled_year(
        self,
        year: int,
        normalisation: str | None,
        aggregation: str | None,
        exclude_aggregates: bool,
        rescale: tuple[float, float] | None = None,
    ) -> CompiledIndex:
        """One year of the compiled panel, as a compiled index of the units with data then."""
        key = ("year", year, normalisation, aggregation, exclude_aggregates, rescale)
        with self._lock:
            found = self._compiled.pop(key, None)
            if found is not None:
                self._compiled[key] = found
                return found
        panel = self.compiled_panel(normalisation, aggregation, exclude_aggregates)
        t = panel.years.index(year)
        present = np.flatnonzero(panel.present[t])
        rows = t * len(panel.units) + present
        compiled = replace(
            panel.compiled,
            units=[panel.units[i] for i in present],
            normalised=panel.compiled.normalised[rows],
        )
        if rescale is not None:
            compiled = rescaled(compiled, rescale)
        with self._lock:
            compiled = self._compiled.setdefault(key, compiled)
            while len(self._compiled) > max(self.max_compiled, 1):
                del self._compiled[next(iter(self._compiled))]
        return compiled

    def citations(self) -> list[dict[str, Any]]:
        """The citations of the index's data (those of its default computation), as JSON."""
        return [c.to_dict() for c in self.default.citations]

    def compiled(
        self,
        normalisation: str | None,
        aggregation: str | None,
        exclude_aggregates: bool,
        rescale: tuple[float, float] | None = None,
    ) -> CompiledIndex:
        """The spec compiled on the data (aggregates dropped before normalising if asked;
        normalised values mapped to ``rescale`` if given)."""
        key = (normalisation, aggregation, exclude_aggregates, rescale)
        with self._lock:
            found = self._compiled.pop(key, None)
            if found is not None:
                self._compiled[key] = found  # the most recently used last
                return found
        assert self.matrix is not None
        matrix = self.matrix
        if exclude_aggregates:
            matrix = matrix.drop_units(
                [c for c in matrix.units if self.units.get(c, ("", False))[1]]
            )
        compiled = compile_index(
            self.spec, matrix, normalisation=normalisation, aggregation=aggregation
        )
        if rescale is not None:
            compiled = rescaled(compiled, rescale)
        with self._lock:
            compiled = self._compiled.setdefault(key, compiled)
            while len(self._compiled) > max(self.max_compiled, 1):
                del self._compiled[next(iter(self._compiled))]
        return compiled

    def evaluate(
        self,
        weights: Mapping[str, float] | None = None,
        *,
        renormalise: bool = RENORMALISE_DEFAULT,
        normalisation: str | None = None,
        aggregation: str | None = None,
        exclude_aggregates: bool = False,
        rescale: tuple[float, float] | None = None,
        year: int | None = None,
    ) -> Scores:
        """Scores, ranks and contributions for these weights and methods.

        The same figures as :func:`powerscope.index.service.compute_index` (a panel index's
        ``year``: those of :func:`powerscope.index.panel.compute_panel`), from the compiled
        index instead of a rebuild. ``year`` given to a snapshot index, or outside a panel's
        span, is a :class:`~powerscope.errors.PeriodError`.
        """
        chosen = self.year(year)
        if chosen is not None:
            compiled = self.compiled_year(
                chosen, normalisation, aggregation, exclude_aggregates, rescale
            )
            vector = compiled.weight_vector(weights or None, renormalise=renormalise)
            scores = Scores.of_compiled(compiled, vector, self.units)
            options = self.spec.panel
            assert options is not None
            scores.method.update(
                normalise=normalisation or self.spec.normalise,
                aggregate=aggregation or self.spec.aggregate,
                excluded=[c for c in self.units if self.units[c][1]] if exclude_aggregates else [],
                year=chosen,
                years=[options.first, options.last],
                normalise_over=options.normalise_over,
                carry_forward=options.carry_forward,
                custom_weights=bool(weights),
            )
            if rescale is not None:
                scores.method["rescale"] = list(rescale)
            return scores
        if self.matrix is None:
            from powerscope.index.service import compute_index

            result = compute_index(
                self.spec,
                weights=weights,
                renormalise=renormalise,
                normalisation=normalisation,
                aggregation=aggregation,
                rescale=rescale,
            )
            return Scores.of_result(result)
        compiled = self.compiled(normalisation, aggregation, exclude_aggregates, rescale)
        vector = compiled.weight_vector(weights or None, renormalise=renormalise)
        scores = Scores.of_compiled(compiled, vector, self.units)
        scores.method.update(
            normalise=normalisation or self.spec.normalise,
            aggregate=aggregation or self.spec.aggregate,
            excluded=[c for c in self.units if c not in set(compiled.units)]
            if exclude_aggregates
            else [],
        )
        if rescale is not None:
            scores.method["rescale"] = list(rescale)
        warnings = zero_warnings(compiled)
        if warnings:
            scores.method["warnings"] = warnings
        return scores

    def payload(self, scores: Scores) -> dict[str, Any]:
        """Plain data of a computation: title, source, method, ranking, each unit's component
        scores and contributions (numbers rounded to 6 decimals, missing as None)."""
        kids = scores.children
        col = [scores.paths.index(k) for k in kids]
        total = clean(scores.values[:, 0])
        kid_scores = clean(scores.values[:, col])
        kid_points = clean(scores.contributions)
        rank = _ranks(scores.rank)
        rank_ex = _ranks(scores.rank_excluding_aggregates)
        ranking = []
        node_scores: dict[str, dict[str, float | None]] = {}
        contributions: dict[str, dict[str, float | None]] = {}
        for i in scores.order():
            code = scores.codes[i]
            ranking.append(
                {
                    "code": code,
                    "name": scores.names[i],
                    "is_aggregate": scores.is_aggregate[i],
                    "score": total[i],
                    "rank": rank[i],
                    "rank_excluding_aggregates": rank_ex[i],
                }
            )
            node_scores[code] = dict(zip(kids, kid_scores[i], strict=True))
            contributions[code] = dict(zip(kids, kid_points[i], strict=True))
        year = {"year": scores.method["year"]} if "year" in scores.method else {}
        return {
            "title": self.spec.name,
            "edition": self.spec.edition,
            **year,
            "source": self.source,
            "citations": self.citations(),
            "method": {k: v for k, v in scores.method.items() if k != "source"},
            "ranking": ranking,
            "children": kids,
            "contributions": contributions,
            "node_scores": node_scores,
        }

    def uncertainty_payload(
        self, runs: int, seed: int, *, engine: str = "local", year: int | None = None
    ) -> dict[str, Any]:
        """Rank uncertainty under the index's documented assumptions
        (:func:`powerscope.index.robustness.uncertainty`; a panel index's ``year``, default its
        last: :func:`powerscope.index.panel.panel_uncertainty`), as plain data."""
        chosen = self.year(year)
        if chosen is not None:
            return self._panel_uncertainty_payload(runs, seed, engine, chosen)
        from powerscope.index.robustness import uncertainty

        data = {} if self.matrix is None else {"data": self.matrix, "units": self.units}
        result = uncertainty(self.spec, runs=runs, seed=seed, engine=engine, **data)  # type: ignore[arg-type]
        countries = [
            {
                "code": rec["code"],
                "name": rec["name"],
                "nominal": rec["nominal_rank"],
                "median": rec["median_rank"],
                "p05": rec["q05_rank"],
                "p95": rec["q95_rank"],
                "mean": rec["mean_rank"],
                "nominal_score": rec["nominal_score"],
                "mean_score": rec["mean_score"],
            }
            for rec in result.to_records()
        ]
        return {
            "title": self.spec.name,
            "source": self.source,
            "citations": self.citations(),
            "runs": result.runs,
            "seed": seed,
            "assumptions": result.assumptions,
            "failed_runs": len(result.failed),
            "ranks": "1 = best; nominal: the default build; p05/p95: 5th and 95th percentile",
            "countries": countries,
        }

    def _panel_uncertainty_payload(
        self, runs: int, seed: int, engine: str, year: int
    ) -> dict[str, Any]:
        from powerscope.index.panel import panel_uncertainty

        assert self.panel is not None
        result = panel_uncertainty(
            self.spec, runs=runs, seed=seed, years=year, engine=engine, data=self.panel,
            units=self.units,
        )  # fmt: skip
        frame = result.for_year(year)
        countries = [
            {
                "code": rec["code"],
                "name": rec["name"],
                "nominal": _none(rec["rank"]),
                "median": _none(rec["median_rank"]),
                "p05": _none(rec["q05_rank"]),
                "p95": _none(rec["q95_rank"]),
                "mean": _none(rec["mean_rank"]),
                "nominal_score": _none(rec["score"]),
                "mean_score": None,
            }
            for rec in frame.to_dict(orient="records")
        ]
        return {
            "title": self.spec.name,
            "year": year,
            "source": self.source,
            "citations": self.citations(),
            "runs": result.runs,
            "seed": seed,
            "assumptions": result.assumptions,
            "failed_runs": result.failed,
            "ranks": "1 = best; nominal: the default build; p05/p95: 5th and 95th percentile",
            "countries": countries,
        }


def _none(value: Any) -> Any:
    """A number as JSON has it: NaN and pandas' NA as None, numpy scalars as Python's."""
    import pandas as pd

    if value is None or value is pd.NA:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else round(float(value), 6)
    return int(value)


__all__ = ["IndexSession", "Scores", "clean"]
