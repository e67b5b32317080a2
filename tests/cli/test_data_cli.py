"""`powerscope data ...`: provenance of the datasets, and a failed build keeps the warehouse."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run, runner

from powerscope.cli.main import app


def test_data_list_shows_provenance() -> None:
    result = runner.invoke(app, ["data", "list", "--format", "json"])
    assert result.exit_code == 0
    payload = json.loads(result.output)
    ids = {d["id"] for d in payload["datasets"]}
    assert {"belfer_ceti", "sipri_arms", "sipri_milex", "unvotes", "wdi", "gfp"} <= ids
    for dataset in payload["datasets"]:
        assert dataset["publisher"] and dataset["citation"] and dataset["licence"]
        assert all(len(h) == 64 for h in dataset["sha256"].values())


def test_data_build_failure_exits_2_and_keeps_the_previous_warehouse(tmp_path: Path) -> None:
    from powerscope.data.store import warehouse_path

    warehouse_path().parent.mkdir(parents=True, exist_ok=True)
    warehouse_path().write_bytes(b"previous warehouse")
    (tmp_path / "belfer_ceti").mkdir()
    (tmp_path / "belfer_ceti" / "ceti_pillars_long.csv").write_text("country,value\nJapan,1\n")
    proc = run("data", "build", "--from", str(tmp_path))
    assert proc.returncode == 2
    assert "error: dataset 'belfer_ceti'" in proc.stderr
    assert warehouse_path().read_bytes() == b"previous warehouse"
    assert [p.name for p in warehouse_path().parent.iterdir()] == ["warehouse.duckdb"]


def test_data_build_from_a_missing_folder() -> None:
    proc = run("data", "build", "--from", "/nonexistent/data")
    assert proc.returncode == 2 and "source data directory not found" in proc.stderr
