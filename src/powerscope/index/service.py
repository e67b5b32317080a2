"""Index computations as the shells (CLI, web, briefs) ask for them: data loaded, cited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from powerscope.countries.identity import resolve
from powerscope.data.store import Store, open_store
from powerscope.errors import PowerscopeError
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
    wide, units = index_data(spec, store)
    exclude = (
        [c for c in wide.index if bool(units["is_aggregate"].get(c, False))]
        if exclude_aggregates
        else []
    )
    result = compute(
        spec,
        wide,
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
            datasets = store.datasets()
            row = datasets[datasets["id"] == spec.source]
            if len(row):
                edition = f" [{row.iloc[0]['publisher']}, edition {row.iloc[0]['edition']}]"
        except PowerscopeError:
            edition = ""
    return f"Source: {spec.citation or spec.name}{edition}"


def country_profile(result: IndexResult, country: str) -> dict[str, Any]:
    """One entity's standing on an index: overall and per top-level component.

    For each component: score, rank, the points it contributes to the overall score, and the
    entity's strongest and weakest sub-components by rank.
    """
    code = resolve(country, where="country argument")
    if code not in result.scores.index:
        from powerscope.errors import UnknownEntityError

        raise UnknownEntityError(
            {country: list(result.scores.index[:0])},
            where=f"index {result.spec.id}",
            fix=f"{result.spec.id} covers: {', '.join(sorted(result.scores.index))}",
        )
    contrib = result.contributions
    top = contrib[(contrib["code"] == code) & (contrib["parent"] == ROOT)].set_index("component")
    sectors = []
    for path in result.children_of(ROOT):
        sub = result.strengths(code, level=path, n=1)
        strongest, weakest = sub["strongest"][0], sub["weakest"][0]
        sectors.append(
            {
                "name": path,
                "score": float(result.scores.at[code, path]),
                "rank": int(result.ranks.at[code, path]),
                "rank_excluding_aggregates": _maybe_int(
                    result.ranks_excluding_aggregates.at[code, path]
                ),
                "contribution": float(top.at[path, "contribution"]),
                "strongest": strongest.split("/")[-1],
                "strongest_rank": int(result.ranks.at[code, strongest]),
                "weakest": weakest.split("/")[-1],
                "weakest_rank": int(result.ranks.at[code, weakest]),
            }
        )
    n_all = int(result.scores[ROOT].notna().sum())
    n_countries = int(result.ranks_excluding_aggregates[ROOT].notna().sum())
    return {
        "code": code,
        "name": str(result.units.at[code, "name"]),
        "index": {
            "id": result.spec.id,
            "score": float(result.scores.at[code, ROOT]),
            "rank": int(result.ranks.at[code, ROOT]),
            "of": n_all,
            "rank_excluding_aggregates": _maybe_int(
                result.ranks_excluding_aggregates.at[code, ROOT]
            ),
            "of_countries": n_countries,
        },
        "sectors": sectors,
        "strongest": result.strengths(code)["strongest"][0],
        "weakest": result.strengths(code)["weakest"][0],
        "source": result.method.get("source"),
    }


def _maybe_int(value: Any) -> int | None:
    import pandas as pd

    return None if pd.isna(value) else int(value)
