"""ReadOnceStore: each table read once for a short job, handed out as copies."""

from __future__ import annotations

from typing import Any

import pandas as pd

from powerscope.data.store import ReadOnceStore, SnapshotStore


class Counting(SnapshotStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads: list[tuple[str, Any]] = []

    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        self.reads.append((name, columns))
        return super().table(name, columns)


def test_each_table_is_read_once_and_handed_out_as_a_copy() -> None:
    inner = Counting()
    store = ReadOnceStore(inner)
    first = store.table("gfp_index")
    first.loc[first.index[0], "pwr_index"] = -1.0  # a caller changing its frame
    second = store.table("gfp_index")
    assert inner.reads == [("gfp_index", None)]
    pd.testing.assert_frame_equal(second, inner.table("gfp_index"))
    store.table("gfp_index", ["code"])
    assert inner.reads[-1] == ("gfp_index", ["code"])  # another selection: read on its own
    assert store.citation("gfp") == inner.citation("gfp")
    assert (store.kind, store.location) == (inner.kind, inner.location)
