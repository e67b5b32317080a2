"""Load an index's indicator data and unit names from the store, as numpy arrays."""

from __future__ import annotations

import numpy as np

from powerscope.data.catalog import Citation
from powerscope.data.store import ENTITIES_TABLE, Store, open_store
from powerscope.errors import DataFormatError, PowerscopeError, SpecError
from powerscope.index.engine import Matrix
from powerscope.index.spec import IndexSpec


def index_data(
    spec: IndexSpec, store: Store | None = None
) -> tuple[Matrix, dict[str, tuple[str, bool]]]:
    """The spec's indicator data (units x indicators) and each unit's name and aggregate flag.

    The spec's ``table`` is a long table with columns ``code, indicator, value``; or the spec's
    ``derive: NAME`` names a registered deriver (:mod:`powerscope.index.derive`), a function of
    the store returning such a table (a derived index such as the open military index). A unit and indicator pair given twice is
    an error.
    """
    if spec.panel is not None:
        raise SpecError(
            f"index {spec.id!r} is a panel (years {spec.panel.first}-{spec.panel.last}): its data "
            "have one value per unit, indicator and year",
            where=f"index {spec.id}",
            fix="compute one year (year=..., --year) or read its data with "
            "powerscope.index.panel.panel_data",
        )
    store = store or open_store()
    derive = spec.extra.get("derive")
    if derive:
        long = _derived(str(derive), store, spec)
    elif spec.table:
        table = str(spec.table)
        if "/" in table or "\\" in table or table.startswith(".") or "\x00" in table:
            raise SpecError(
                "'table' must name a table of the store, not a path",
                where=f"index {spec.id!r}: table",
                parameter="table",
                fix="give the name of a table of the data store (GET /api/datasets lists them)",
            )
        long = store.columns(table, ["code", "indicator", "value"])
    else:
        raise SpecError(
            f"index {spec.id!r} names no data table",
            fix="add 'table:' (a store table) or 'derive: NAME' (a registered deriver) to the spec",
        )
    codes = np.asarray(long["code"]).astype(str)
    indicators = np.asarray(long["indicator"]).astype(str)
    units, row = np.unique(codes, return_inverse=True)
    names, col = np.unique(indicators, return_inverse=True)
    cell = row * len(names) + col
    uniq, counts = np.unique(cell, return_counts=True)
    if (counts > 1).any():
        first = uniq[counts > 1][0]
        raise DataFormatError(
            f"two values for {units[first // len(names)]} / {names[first % len(names)]}",
            where=f"table {spec.table} ({store.location})",
            fix="rebuild the warehouse from a file with one value per unit and indicator",
        )
    values = np.full((len(units), len(names)), np.nan)
    values[row, col] = np.asarray(long["value"], dtype=float)
    entities = store.columns(ENTITIES_TABLE, ["code", "name", "is_aggregate"])
    info = {
        str(c): (str(n), bool(a))
        for c, n, a in zip(
            entities["code"], entities["name"], entities["is_aggregate"], strict=True
        )
    }
    return Matrix(units.tolist(), names.tolist(), values), info


def _derived(name: str, store: Store, spec: IndexSpec) -> dict[str, np.ndarray]:
    """Call the registered deriver ``name`` (:mod:`powerscope.index.derive`) on the store."""
    from powerscope.index.derive import get_deriver

    long = get_deriver(name, where=f"index {spec.id}: derive")(store)
    return {col: long[col].to_numpy() for col in ("code", "indicator", "value")}


def index_citations(spec: IndexSpec, store: Store) -> tuple[Citation, ...]:
    """The citations of the datasets an index is computed from: its ``source`` and any further
    ``sources`` its spec lists (ids the store does not hold are left out)."""
    extra = spec.extra.get("sources") or []
    ids = [spec.source, *(extra if isinstance(extra, list) else [extra])]
    out: list[Citation] = []
    for dataset in dict.fromkeys(str(i) for i in ids if i):
        try:
            out.append(store.citation(dataset))
        except PowerscopeError:
            continue
    return tuple(out)


def source_text(spec: IndexSpec, citations: tuple[Citation, ...]) -> str:
    """The index's one-line source: its own citation, then each dataset's edition and years."""
    data = "; ".join(f"data: {c.dataset}, {c.edition_and_years()}" for c in citations)
    return f"Source: {spec.citation or spec.name}" + (f" [{data}]" if data else "")
