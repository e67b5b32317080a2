"""Litter: temporary files of killed runs are removed at the next start; a saved scenario name
keeps its newest versions only."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from security_support import cli

from powerscope.data.store import warehouse_path
from powerscope.files import (
    ABANDONED_AFTER,
    STALE_AFTER,
    remove_stale_temporaries,
    write_atomic,
)
from powerscope.web.uploads import SCENARIO_VERSIONS, UploadStore

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def litter(path: Path, age: float, size: int = 1024) -> Path:
    """A temporary file last touched ``age`` seconds ago."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * size)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_a_killed_builds_files_are_removed_by_the_next_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, pid = warehouse_path().parent, dead_pid()
    tmp = litter(folder / f".warehouse.duckdb.{pid}.tmp", STALE_AFTER + 5, 1 << 20)
    wal = litter(folder / f".warehouse.duckdb.{pid}.tmp.wal", STALE_AFTER + 5)
    live = litter(folder / f".warehouse.duckdb.{os.getpid()}.tmp", STALE_AFTER + 5)
    fresh = litter(folder / f".warehouse.duckdb.{pid + 1}.tmp", 0)
    mine = litter(folder / "notes.tmp", ABANDONED_AFTER * 2)
    (tmp_path / "empty").mkdir()
    code, err = cli(capsys, "data", "build", "--from", str(tmp_path / "empty"))
    assert code == 2 and "file(s) not found" in err  # the build fails, yet cleans first
    assert not tmp.exists() and not wal.exists()
    assert live.exists()  # a build running now keeps its file
    assert fresh.exists() or not _running(pid + 1)  # touched just now: kept for a while
    assert mine.exists()  # not powerscope's


def _running(pid: int) -> bool:
    from powerscope.files import process_running

    return process_running(pid)


def test_an_abandoned_temporary_is_removed_whatever_its_process(tmp_path: Path) -> None:
    old = litter(tmp_path / f".out.csv.{os.getpid()}-abc123.tmp", ABANDONED_AFTER + 5)
    assert remove_stale_temporaries(tmp_path) == [old]


def test_only_the_named_targets_are_cleaned(tmp_path: Path) -> None:
    pid = dead_pid()
    other = litter(tmp_path / f".other.duckdb.{pid}.tmp", STALE_AFTER + 5)
    ours = litter(tmp_path / f".warehouse.duckdb.{pid}.tmp", STALE_AFTER + 5)
    assert remove_stale_temporaries(tmp_path, ["warehouse.duckdb"]) == [ours]
    assert other.exists()


def test_write_atomic_names_its_temporary_with_its_pid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def spy(src: str, dst: str) -> None:
        seen.append(Path(src).name)
        raise OSError("killed")

    monkeypatch.setattr(os, "replace", spy)
    with pytest.raises(OSError):
        write_atomic(tmp_path / "a.csv", "x")
    assert seen[0].startswith(f".a.csv.{os.getpid()}-") and seen[0].endswith(".tmp")


def test_uploads_cut_short_are_removed_when_the_store_opens(tmp_path: Path) -> None:
    pid = dead_pid()
    stale = litter(tmp_path / "datasets" / f".0123456789abcdef.csv.{pid}-x1y2z3.tmp", 3600)
    legacy = litter(tmp_path / "specs" / ".0123456789abcdef.yaml.q9w8e7r6.tmp", ABANDONED_AFTER + 1)
    kept = litter(tmp_path / "datasets" / "0123456789abcdef.csv", 3600)
    UploadStore(tmp_path)
    assert not stale.exists() and not legacy.exists() and kept.exists()


SCENARIO = "name: my-plan\ntitle: version {n}\nset:\n  recruits: {{value: {r}, from: 2026}}\n"
TOKEN = "correct-horse-battery-staple-0123456789"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    from powerscope.data.store import SnapshotStore
    from powerscope.web.api import create_app

    app = create_app(store=SnapshotStore(), token=TOKEN, upload_dir=tmp_path / "up")
    with TestClient(app) as test_client:
        yield test_client


def test_saving_one_scenario_60_times_keeps_the_newest_10(
    client: TestClient, tmp_path: Path
) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/yaml"}
    ids = []
    for n in range(60):
        body = SCENARIO.format(n=n, r=100 + n)
        response = client.post("/api/dynamics/scenarios", content=body, headers=headers)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    assert SCENARIO_VERSIONS == 10
    folder = tmp_path / "up" / "scenarios"
    assert sorted(p.stem for p in folder.glob("*.json")) == sorted(ids[-10:])
    assert len(list(folder.glob("*.yaml"))) == 10
    rows = client.get("/api/dynamics/scenarios").json()["scenarios"]
    mine = [r for r in rows if r["name"] == "my-plan"]
    assert len(mine) == 1 and mine[0]["id"] == ids[-1] and mine[0]["title"] == "version 59"


def test_other_names_are_not_pruned(tmp_path: Path) -> None:
    store = UploadStore(tmp_path, scenario_versions=2)
    for name in ("a", "b", "a", "a"):
        store.save("scenarios", "s.yaml", b"name: x\n", {"name": name})
    names = [r["name"] for r in store.records("scenarios")]
    assert names == ["b", "a", "a"]


def test_keeping_no_version_is_refused(tmp_path: Path) -> None:
    from powerscope.errors import SpecError

    with pytest.raises(SpecError, match="scenario_versions must be >= 1"):
        UploadStore(tmp_path, scenario_versions=0)
