"""Load an index's indicator data and unit names from the store."""

from __future__ import annotations

import pandas as pd

from powerscope.data.store import ENTITIES_TABLE, Store, open_store
from powerscope.errors import DataFormatError, SpecError
from powerscope.index.spec import IndexSpec


def index_data(spec: IndexSpec, store: Store | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The spec's indicator data, wide (units x indicators), and the units' names and flags.

    The spec's ``table`` is a long table with columns ``code, indicator, value``.
    """
    if not spec.table:
        raise SpecError(f"index {spec.id!r} names no data table", fix="add 'table:' to the spec")
    store = store or open_store()
    long = store.table(spec.table, columns=["code", "indicator", "value"])
    long["code"] = long["code"].astype(str)
    long["indicator"] = long["indicator"].astype(str)
    dup = long.duplicated(["code", "indicator"])
    if dup.any():
        row = long[dup].iloc[0]
        raise DataFormatError(
            f"two values for {row['code']} / {row['indicator']}",
            where=f"table {spec.table} ({store.location})",
            fix="rebuild the warehouse from a file with one value per unit and indicator",
        )
    wide = long.pivot(index="code", columns="indicator", values="value")
    entities = store.table(ENTITIES_TABLE, columns=["code", "name", "is_aggregate"])
    units = entities.set_index("code")
    return wide, units
