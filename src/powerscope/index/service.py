"""Index computations as the shells (CLI, web, briefs) ask for them: data loaded, cited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from powerscope.countries.identity import resolve
from powerscope.data.store import Store, open_store
from powerscope.errors import SpecError, UnknownEntityError
from powerscope.index.data import index_citations, index_data, source_text
from powerscope.index.engine import ROOT, IndexResult, compute
from powerscope.index.spec import IndexSpec
from powerscope.index.uncertainty import default_assumptions

__all__ = [
    "compute_index",
    "country_profile",
    "default_assumptions",
    "index_citations",
    "source_text",
]


def compute_index(
    spec: IndexSpec,
    *,
    weights: Mapping[str, float] | None = None,
    renormalise: bool = False,
    normalisation: str | None = None,
    aggregation: str | None = None,
    exclude_aggregates: bool = False,
    store: Store | None = None,
    rescale: tuple[float, float] | None = None,
    year: int | None = None,
) -> IndexResult:
    """Compute an index on the data in the store (warehouse or embedded snapshot).

    A panel index (a spec with ``panel:``) is computed for ``year`` (default: the last year of
    its span) by :func:`powerscope.index.panel.compute_panel`, normalised over the panel as its
    spec says; a ``year`` given to a snapshot index is a :class:`~powerscope.errors.PeriodError`
    saying it has no years.

    With ``exclude_aggregates`` the aggregates (e.g. the CETI's "Europe") are dropped *before*
    normalising, so they do not set a min or max; ranks excluding aggregates are always in the
    result either way. ``rescale`` maps normalised values to ``(low, high)`` before
    aggregating (see :func:`powerscope.index.engine.compute`).
    """
    if spec.panel is not None or year is not None:
        from powerscope.index.panel import compute_panel, require_panel

        options = require_panel(spec)
        if rescale is not None:
            raise SpecError(
                "rescale applies to snapshot indices, not to a panel index",
                parameter="rescale",
                fix="set the normalisation's range in the spec instead",
            )
        chosen = options.last if year is None else year
        panel = compute_panel(
            spec, years=chosen, weights=weights, renormalise=renormalise,
            normalisation=normalisation, aggregation=aggregation, store=store,
            exclude_aggregates=exclude_aggregates,
        )  # fmt: skip
        result = panel.for_year(chosen)
        if store is not None:
            result.method["store"] = store.describe()
        return result
    if spec.extra.get("data_file"):
        if rescale is not None:
            raise SpecError(
                "rescale applies to indices computed from the warehouse, not to a built spec",
                fix="set the normalisation's range in the spec's steps instead",
            )
        return _compute_built(spec, weights, renormalise, normalisation, aggregation)
    store = store or open_store()
    matrix, units = index_data(spec, store)
    exclude = [c for c in matrix.units if units.get(c, (c, False))[1]] if exclude_aggregates else []
    result = compute(
        spec,
        matrix,
        weights=weights,
        renormalise=renormalise,
        normalisation=normalisation,
        aggregation=aggregation,
        units=units,
        exclude=exclude,
        rescale=rescale,
    )
    result.citations = index_citations(spec, store)
    result.method["source"] = source_text(spec, result.citations)
    result.method["citations"] = [c.to_dict() for c in result.citations]
    result.method["store"] = store.describe()
    return result


def _compute_built(
    spec: IndexSpec,
    weights: Mapping[str, float] | None,
    renormalise: bool,
    normalisation: str | None,
    aggregation: str | None,
) -> IndexResult:
    """An index with its own data file (e.g. imported from COINr), built through its steps."""
    from powerscope.index.build import build, default_steps, load_data

    steps = default_steps(spec)
    if normalisation:
        steps["normalise"] = {"method": normalisation}
    built = build(
        spec, load_data(spec), steps, aggregation=aggregation, weights=weights,
        renormalise=renormalise,
    )  # fmt: skip
    result = built.result
    result.method["normalise"] = steps["normalise"].get("method", spec.normalise)
    result.method["build_log"] = built.log.to_dict()
    result.method["imputed_cells"] = int(built.imputed.sum())
    result.method["removed_units"] = built.removed_units
    result.method["source"] = f"Source: {spec.citation or spec.name}"
    return result


def country_profile(result: IndexResult, country: str) -> dict[str, Any]:
    """One entity's standing on an index: overall and per top-level component.

    For each component: score, rank, the points it contributes to the overall score, and the
    entity's strongest and weakest sub-components by rank.
    """
    code = country if result.has(country) else resolve(country, where="country argument")
    if not result.has(code):
        raise UnknownEntityError(
            {country: []},
            where=f"index {result.spec.id}",
            fix=f"{result.spec.id} covers: {', '.join(sorted(result.codes))}",
        )
    sectors = []
    for path in result.children_of(ROOT):
        sub = result.strengths(code, level=path, n=1)
        strongest, weakest = sub["strongest"][0], sub["weakest"][0]
        sectors.append(
            {
                "name": path,
                "score": result.score(code, path),
                "rank": result.rank(code, path),
                "rank_excluding_aggregates": result.rank(code, path, exclude_aggregates=True),
                "contribution": result.contribution(code, path),
                "strongest": strongest.split("/")[-1],
                "strongest_rank": result.rank(code, strongest),
                "weakest": weakest.split("/")[-1],
                "weakest_rank": result.rank(code, weakest),
            }
        )
    top = result.strengths(code)
    return {
        "code": code,
        "name": result.names[result.codes.index(code)],
        "index": {
            "id": result.spec.id,
            "score": result.score(code),
            "rank": result.rank(code),
            "of": int(np.isfinite(result.values[:, 0]).sum()),
            "rank_excluding_aggregates": result.rank(code, exclude_aggregates=True),
            "of_countries": int(np.isfinite(result.rank_values_excluding_aggregates[:, 0]).sum()),
        },
        "sectors": sectors,
        "strongest": top["strongest"][0],
        "weakest": top["weakest"][0],
        "source": result.method.get("source"),
        "citations": [c.to_dict() for c in result.citations],
    }
