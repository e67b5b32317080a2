"""The warehouse build is atomic and provenance-tracked; the snapshot serves a fresh install."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from powerscope.data.sources import all_sources, belfer
from powerscope.data.store import (
    SnapshotStore,
    WarehouseStore,
    build_warehouse,
    open_store,
    warehouse_path,
)
from powerscope.errors import WarehouseError


def _copy_ceti(shared: Path, dest: Path) -> Path:
    (dest / "belfer_ceti").mkdir(parents=True)
    for name in ("ceti_pillars_long.csv", "ceti_default_weights.csv"):
        shutil.copy(shared / "belfer_ceti" / name, dest / "belfer_ceti" / name)
    return dest


def test_build_records_provenance_and_sha256(shared_data: Path) -> None:
    report = build_warehouse(shared_data, [belfer.SOURCE])
    assert report.path == warehouse_path() and report.rows["ceti_pillars"] == 26 * 44
    store = open_store()
    assert isinstance(store, WarehouseStore)
    datasets = store.datasets()
    row = datasets.set_index("id").loc["belfer_ceti"]
    assert row["publisher"].startswith("Belfer Center")
    digest = row["sha256"]["belfer_ceti/ceti_pillars_long.csv"]
    import hashlib

    expected = hashlib.sha256((shared_data / "belfer_ceti/ceti_pillars_long.csv").read_bytes())
    assert digest == expected.hexdigest()
    assert store.table("entities").set_index("code").at["EUROPE", "is_aggregate"]


def test_failed_build_leaves_the_previous_warehouse_intact(
    shared_data: Path, tmp_path: Path
) -> None:
    good = _copy_ceti(shared_data, tmp_path / "good")
    build_warehouse(good, [belfer.SOURCE])
    before = warehouse_path().read_bytes()
    bad = _copy_ceti(shared_data, tmp_path / "bad")
    path = bad / "belfer_ceti" / "ceti_pillars_long.csv"
    path.write_text(path.read_text().replace("0.01097818951054052", "n/a", 1))
    with pytest.raises(WarehouseError, match=r"belfer_ceti.*failed to read.*'n/a'.*line 2"):
        build_warehouse(bad, [belfer.SOURCE])
    assert warehouse_path().read_bytes() == before
    assert [p.name for p in warehouse_path().parent.iterdir()] == ["warehouse.duckdb"]


def test_missing_source_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(
        WarehouseError, match=r"file\(s\) not found: belfer_ceti/ceti_pillars_long.csv"
    ):
        build_warehouse(tmp_path, [belfer.SOURCE])
    assert not warehouse_path().exists()


def test_missing_source_folder(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="source data directory not found"):
        build_warehouse(tmp_path / "nowhere")


def test_without_a_warehouse_the_snapshot_is_used() -> None:
    store = open_store()
    assert isinstance(store, SnapshotStore)
    assert "ceti_pillars" in store.tables()


def test_snapshot_covers_every_dataset_with_provenance() -> None:
    store = SnapshotStore()
    datasets = store.datasets().set_index("id")
    for source in all_sources():
        info = source.info
        assert info.id in datasets.index, info.id
        assert set(info.tables) <= set(store.tables()), info.id
        assert all(len(h) == 64 for h in datasets.at[info.id, "sha256"].values())


def test_snapshot_is_small() -> None:
    total = sum(p.stat().st_size for p in SnapshotStore().folder.iterdir())
    assert total < 12 * 2**20, f"snapshot is {total / 2**20:.1f} MiB"


def test_unknown_table_lists_the_tables() -> None:
    with pytest.raises(WarehouseError, match="no table 'nope'.*ceti_pillars"):
        SnapshotStore().table("nope")


def test_ceti_from_the_warehouse_equals_ceti_from_the_snapshot(shared_data: Path) -> None:
    from powerscope.index import load_spec
    from powerscope.index.service import compute_index

    build_warehouse(shared_data, [belfer.SOURCE])
    spec = load_spec("ceti")
    warehouse = compute_index(spec, store=WarehouseStore(warehouse_path()))
    snapshot = compute_index(spec, store=SnapshotStore())
    assert warehouse.codes == snapshot.codes
    assert (warehouse.values == snapshot.values).all()
    assert warehouse.rank("KOR") == 5 and warehouse.rank("KOR", exclude_aggregates=True) == 4
    assert "belfer_ceti" in str(warehouse.method["source"])


def test_columns_read_without_pandas_agree_with_the_table() -> None:
    store = SnapshotStore()
    table = store.table("ceti_pillars")
    columns = store.columns("ceti_pillars", ["code", "value"])
    assert list(columns["code"]) == table["code"].astype(str).tolist()
    assert (columns["value"] == table["value"].to_numpy()).all()
