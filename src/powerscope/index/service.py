"""Index computations as the shells (CLI, web, briefs) ask for them: data loaded, cited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from powerscope.countries.identity import resolve
from powerscope.data.store import Store, open_store
from powerscope.errors import PowerscopeError, UnknownEntityError
from powerscope.index.data import index_data
from powerscope.index.engine import ROOT, IndexResult, compute
from powerscope.index.spec import IndexSpec


def compute_index(
    spec: IndexSpec,
    *,
    weights: Mapping[str, float] | None = None,
    renormalise: bool = False,
    normalisation: str | None = None,
    aggregation: str | None = None,
    exclude_aggregates: bool = False,
    store: Store | None = None,
) -> IndexResult:
    """Compute an index on the data in the store (warehouse or embedded snapshot).

    With ``exclude_aggregates`` the aggregates (e.g. the CETI's "Europe") are dropped *before*
    normalising, so they do not set a min or max; ranks excluding aggregates are always in the
    result either way.
    """
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
    )
    result.method["source"] = _citation(spec, store)
    result.method["store"] = f"{store.kind}: {store.location}"
    return result


def _citation(spec: IndexSpec, store: Store) -> str:
    edition = ""
    if spec.source:
        try:
            record = store.dataset(spec.source)
        except PowerscopeError:
            record = None
        if record:
            edition = f" [data: {record['id']}, edition {record['edition']}]"
    return f"Source: {spec.citation or spec.name}{edition}"


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
    }
