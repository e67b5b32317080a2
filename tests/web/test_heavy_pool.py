"""Heavy computations in worker processes (powerscope.web.pool), end to end: the same answers
as in the server's threads, a crashed or overrunning worker answered 503 and replaced, and no
worker left behind when the app stops or the server is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from powerscope.data.store import SnapshotStore
from powerscope.dynamics.service import DEFAULT_FIT
from powerscope.web.api import create_app
from powerscope.web.errors import HeavyFailedError, error_response
from powerscope.web.limits import Limits

SRC = Path(__file__).resolve().parents[2] / "src"

# tasks for the tests: module-level functions, as every heavy task is (a worker imports them)


def pid_task(state: Any) -> int:
    return os.getpid()


def crash_task(state: Any) -> None:
    os._exit(3)  # a worker dying mid-task, as one killed for its memory would


def stall_task(state: Any, seconds: float) -> str:
    time.sleep(seconds)
    return "finished"


def deaf_task(state: Any, seconds: float) -> str:
    """A task stuck where the worker's own time limit cannot stop it (native code)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        time.sleep(seconds)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
    return "finished"


def alive(pid: int) -> bool:
    """Whether process ``pid`` is running (a zombie waiting for init counts as ended)."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            state = next(line for line in handle if line.startswith("State:"))
    except (OSError, StopIteration):
        return False
    return "zombie" not in state


def app_with(workers: int, tmp: Path) -> Any:
    limits = Limits(heavy_workers=workers, heavy={"uncertainty": 2, "dynamics": 2})
    return create_app(store=SnapshotStore(), upload_dir=tmp, limits=limits)


@pytest.fixture(scope="module")
def pooled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(app_with(1, tmp_path_factory.mktemp("pooled"))) as client:
        yield client


@pytest.fixture(scope="module")
def threaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(app_with(0, tmp_path_factory.mktemp("threaded"))) as client:
        yield client


HEAVY = [
    ("GET", "/api/indices/ceti/uncertainty?runs=100&seed=3", None),
    ("GET", "/api/indices/partners/uncertainty?runs=100&seed=3&focal=JPN", None),
    ("GET", "/api/indices/power/trend?codes=KOR,CHN&from=2010&runs=50", None),
    ("GET", "/api/indices/power/trend?codes=KOR,CHN&from=2010&runs=50&renormalise=true"
            "&weights=Military%20capability=1,Economic%20capability=0", None),
    ("GET", "/api/indices/power/trend?codes=KOR,JPN&runs=0&format=csv&renormalise=true"
            "&weights=Technology=0.6", None),
    ("GET", "/api/indices/power/compare-years?from=2014&to=2023&runs=50&seed=3", None),
    ("GET", "/api/alignment/KOR/partners?runs=100&seed=2&top=10", None),
    ("POST", "/api/dynamics/KOR/run", {"runs": 50, "seed": 2, "noise": True}),
    ("POST", "/api/dynamics/KOR/run", {"runs": 20, "scenario": {"name": "mine",
                                                                "add": {"rd_target": 0.5}}}),
    ("GET", "/api/dynamics/KOR/run?scenario=rd-boost&runs=30&format=csv", None),
    ("GET", "/api/dynamics/KOR/loops?scenario=cuts&last=2040", None),
    ("GET", "/api/dynamics/KOR/calibration", None),
    ("GET", "/api/dynamics/KOR/backtest?runs=20", None),
    ("GET", "/api/dynamics/compare?codes=KOR,JPN&runs=20", None),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body"), HEAVY)
def test_worker_answers_are_identical_to_the_threads(
    pooled: TestClient, threaded: TestClient, method: str, path: str, body: Any
) -> None:
    in_worker = pooled.request(method, path, json=body)
    in_thread = threaded.request(method, path, json=body)
    assert in_worker.status_code == in_thread.status_code == 200, in_worker.text[:300]
    assert in_worker.content == in_thread.content


def test_the_work_runs_in_a_worker_process(pooled: TestClient) -> None:
    state = pooled.app.state.powerscope  # type: ignore[attr-defined]
    assert pooled.post("/api/dynamics/KOR/run", json={"runs": 10, "seed": 9}).status_code == 200
    # the calibration the run needed was made and kept in the worker, not in the server
    assert state._dynamics.peek(("calibration", "KOR", DEFAULT_FIT)) is None
    worker = state.heavy_task("dynamics", ("pid", 1), pid_task)
    assert worker != os.getpid() and worker in state.pool.pids()


def test_errors_raised_in_a_worker_are_answered_as_in_the_threads(
    pooled: TestClient, threaded: TestClient
) -> None:
    for path in ("/api/dynamics/SOM/run", "/api/dynamics/KOR/loops?last=2020"):
        in_worker, in_thread = pooled.get(path), threaded.get(path)
        assert in_worker.status_code == in_thread.status_code == 422
        assert in_worker.json() == in_thread.json()
        assert in_worker.json()["error"]["what"]


def test_a_crashed_worker_is_503_and_the_pool_is_replaced(pooled: TestClient) -> None:
    state = pooled.app.state.powerscope  # type: ignore[attr-defined]
    before = state.pool.pids()
    with pytest.raises(HeavyFailedError) as caught:
        state.heavy_task("dynamics", ("crash", 1), crash_task)
    assert "stopped" in caught.value.what and "retry" in caught.value.fix
    response = error_response(caught.value)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert state.heavy.running("dynamics") == 0
    # a new worker serves the next request
    served = pooled.post("/api/dynamics/KOR/run", json={"runs": 10, "seed": 10})
    assert served.status_code == 200
    after = state.pool.pids()
    assert after and not set(after) & set(before)
    assert not any(alive(pid) for pid in before)


def test_a_task_over_its_time_is_stopped_in_its_worker(pooled: TestClient) -> None:
    state = pooled.app.state.powerscope  # type: ignore[attr-defined]
    pool = state.pool
    workers, saved = pool.pids(), pool.timeout
    pool.timeout = 0.5
    try:
        with pytest.raises(HeavyFailedError) as caught:
            state.heavy_task("dynamics", ("stall", 1), stall_task, 30.0)
    finally:
        pool.timeout = saved
    assert caught.value.what == "the dynamics computation took longer than 0.5 s and was stopped"
    assert error_response(caught.value).status_code == 503
    assert pool.pids() == workers  # the worker stopped the task itself and lives on
    assert state.heavy_task("dynamics", ("stall", 2), stall_task, 0.0) == "finished"


def test_a_worker_that_does_not_stop_is_replaced(pooled: TestClient) -> None:
    state = pooled.app.state.powerscope  # type: ignore[attr-defined]
    pool = state.pool
    workers = pool.pids()
    saved = pool.timeout, pool.deadline
    pool.timeout, pool.deadline = 0.5, 1.5
    try:
        started = time.monotonic()
        with pytest.raises(HeavyFailedError) as caught:
            state.heavy_task("dynamics", ("deaf", 1), deaf_task, 60.0)
        assert time.monotonic() - started < 10
    finally:
        pool.timeout, pool.deadline = saved
    assert "did not finish" in caught.value.what
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)
    assert state.heavy_task("dynamics", ("pid", 2), pid_task) not in workers


def test_no_worker_outlives_the_app(tmp_path: Path) -> None:
    app = app_with(2, tmp_path)
    state = app.state.powerscope
    with TestClient(app) as client:
        response = client.get("/api/indices/ceti/uncertainty?runs=100&seed=5")
        assert response.status_code == 200
        deadline = time.monotonic() + 30
        while len(state.pool.pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        workers = state.pool.pids()
    assert len(workers) == 2 and state.pool is None
    assert not any(alive(pid) for pid in workers)


def test_no_worker_outlives_a_killed_server() -> None:
    script = textwrap.dedent(
        """
        import time
        from powerscope.data.store import SnapshotStore
        from powerscope.web.limits import Limits
        from powerscope.web.pool import HeavyPool
        from powerscope.web.uploads import UploadStore

        if __name__ == "__main__":
            pool = HeavyPool(1, SnapshotStore(), UploadStore(__import__("pathlib").Path(".")),
                             Limits(heavy_workers=1))
            pool.start()
            while not pool.pids():
                time.sleep(0.05)
            print(pool.pids()[0], flush=True)
            time.sleep(120)
        """
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              env=env)  # fmt: skip
    try:
        assert server.stdout is not None
        worker = int(server.stdout.readline())
        assert alive(worker)
        server.kill()  # SIGKILL: no shutdown runs
        server.wait(10)
        deadline = time.monotonic() + 15
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(worker)
    finally:
        if server.poll() is None:
            server.kill()


def test_a_busy_pool_is_429_with_retry_after(pooled: TestClient) -> None:
    state = pooled.app.state.powerscope  # type: ignore[attr-defined]
    cap = state.limits.heavy["dynamics"]
    with ThreadPoolExecutor(cap) as threads:
        running = [threads.submit(state.heavy_task, "dynamics", ("busy", n), stall_task, 3.0)
                   for n in range(cap)]  # fmt: skip
        deadline = time.monotonic() + 10
        while state.heavy.running("dynamics") < cap and time.monotonic() < deadline:
            time.sleep(0.02)
        refused = pooled.post("/api/dynamics/KOR/run", json={"runs": 10, "seed": 77})
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "5"
        assert "dynamics computations" in refused.json()["error"]["what"]
        assert [f.result() for f in running] == ["finished"] * cap
    assert state.heavy.running("dynamics") == 0


def test_workers_open_the_same_store_by_its_path(tmp_path: Path) -> None:
    from powerscope.data.store import WarehouseStore
    from powerscope.web.pool import _open, store_recipe

    warehouse = WarehouseStore(tmp_path / "warehouse.duckdb")
    assert store_recipe(warehouse) == ("warehouse", str(tmp_path / "warehouse.duckdb"))
    assert store_recipe(SnapshotStore()) == ("snapshot", None)
    folder = SnapshotStore(tmp_path)
    assert store_recipe(folder) == ("snapshot", str(tmp_path))
    for store in (warehouse, SnapshotStore(), folder):
        opened = _open(store_recipe(store))  # type: ignore[arg-type]
        assert type(opened) is type(store) and opened.location == store.location

    class Custom(SnapshotStore):
        pass

    assert store_recipe(Custom()) is None  # its computations stay in the server's threads
    app = create_app(store=Custom(), upload_dir=tmp_path, limits=Limits(heavy_workers=1))
    with TestClient(app):
        assert app.state.powerscope.pool is None
