"""The server's limits (issue #14): big bodies, protected routes without their token, heavy
computations beyond the limit, and the compiled variants an attacker can make the server keep,
each reproduced and refused before the work is done."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from powerscope.data.store import SnapshotStore
from powerscope.web.api import create_app
from powerscope.web.limits import BodyLimit, Limits

TOKEN = "a-long-enough-test-token-0123456789"
LIMITS = Limits(body_bytes=64 * 1024, heavy={"uncertainty": 1, "dynamics": 1}, retry_after=7,
                compiled_variants=4)  # fmt: skip


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    uploads = tmp_path_factory.mktemp("uploads")
    app = create_app(store=SnapshotStore(), token=TOKEN, upload_dir=uploads, limits=LIMITS)
    with TestClient(app) as test_client:
        yield test_client


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    return dict(body["error"])


def test_declared_big_body_is_413_before_parsing(client: TestClient) -> None:
    body = json.dumps({"weights": {"AI": 0.3}, "pad": "x" * 100_000})
    response = client.post("/api/indices/ceti/compute", content=body,
                           headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 413
    error = error_of(response)
    assert error["what"] == "request body larger than 64 KB"
    assert error["where"] == "request body" and "smaller" in error["fix"]


def test_streamed_big_body_without_length_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"weights": {"AI": 0.3}, "pad": "'
        for _ in range(20):
            yield b"x" * 8192
        yield b'"}'

    response = client.post("/api/indices/ceti/compute", content=chunks(),
                           headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 413
    assert "larger than 64 KB" in error_of(response)["what"]


def test_body_under_the_limit_is_served(client: TestClient) -> None:
    response = client.post("/api/indices/ceti/compute", json={"weights": {"AI": 0.3},
                                                              "renormalise": True})  # fmt: skip
    assert response.status_code == 200
    assert response.json()["ranking"][0]["rank"] == 1


def test_every_route_is_limited_not_only_uploads(client: TestClient) -> None:
    big = b"x" * (LIMITS.body_bytes + 1)
    for path in ("/api/dynamics/KOR/run", "/api/indices/ceti/compute", "/api/nowhere"):
        assert client.post(path, content=big).status_code == 413, path


def test_upload_limit_is_larger_than_the_json_limit(client: TestClient) -> None:
    # over the JSON limit but under the upload one: refused for the token, not the size
    body = b"x" * (LIMITS.body_bytes * 2)
    response = client.post("/api/uploads/datasets", content=body,
                           headers={"Authorization": "Bearer wrong"})  # fmt: skip
    assert response.status_code == 401


def run_asgi(app: Any, scope: dict[str, Any], chunks: list[bytes]) -> tuple[int, int]:
    """Run one request through ``app``; return its status and how many body chunks it read."""
    pulled = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        more = pulled < len(chunks)
        return {"type": "http.request", "body": chunks[pulled - 1], "more_body": more}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    # in a thread of its own: another test's event loop may be running in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return status, pulled


def scope_of(app: Any, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {"type": "http", "method": "POST", "path": path, "headers": headers, "app": app,
            "query_string": b"", "http_version": "1.1", "scheme": "http"}  # fmt: skip


@pytest.mark.parametrize("path", ["/api/uploads/datasets", "/api/uploads/specs",
                                  "/api/dynamics/scenarios"])  # fmt: skip
def test_protected_routes_check_the_token_before_reading_the_body(
    client: TestClient, path: str
) -> None:
    reached: list[str] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["path"])

    app = client.app
    limited = BodyLimit(inner, LIMITS)
    chunks = [b"x" * 1024] * 100
    for headers in ([], [(b"authorization", b"Bearer wrong")]):
        status, pulled = run_asgi(limited, scope_of(app, path, headers), chunks)
        assert (status, pulled, reached) == (401, 0, [])
    right = [(b"authorization", f"Bearer {TOKEN}".encode())]
    status, pulled = run_asgi(limited, scope_of(app, path, right), chunks)
    assert pulled == 100 and reached == [path]


def test_protected_route_without_a_configured_token_is_403_before_the_body(
    tmp_path: Path,
) -> None:
    app = create_app(store=SnapshotStore(), token="", upload_dir=tmp_path, limits=LIMITS)
    limited = BodyLimit(app, LIMITS)
    status, pulled = run_asgi(limited, scope_of(app, "/api/uploads/specs", []), [b"x"] * 10)
    assert (status, pulled) == (403, 0)


def test_heavy_endpoint_over_its_limit_is_429_with_retry_after(client: TestClient) -> None:
    heavy = client.app.state.powerscope.heavy  # type: ignore[attr-defined]
    with heavy.slot("uncertainty"):  # the one uncertainty computation allowed is running
        response = client.get("/api/indices/ceti/uncertainty?runs=100&seed=11")
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "7"
        error = error_of(response)
        assert "uncertainty computations" in error["what"] and "retry in 7 s" in error["fix"]
        partners = client.get("/api/alignment/KOR/partners?runs=100&seed=11")
        assert partners.status_code == 429 and partners.headers["Retry-After"] == "7"
    assert heavy.running("uncertainty") == 0
    served = client.get("/api/indices/ceti/uncertainty?runs=100&seed=11")
    assert served.status_code == 200
    with heavy.slot("uncertainty"):  # a cached result needs no slot
        again = client.get("/api/indices/ceti/uncertainty?runs=100&seed=11")
        assert again.status_code == 200 and again.json() == served.json()


def test_dynamics_run_over_its_limit_is_429(client: TestClient) -> None:
    heavy = client.app.state.powerscope.heavy  # type: ignore[attr-defined]
    with heavy.slot("dynamics"):
        response = client.post("/api/dynamics/KOR/run", json={"runs": 20, "seed": 5})
        assert response.status_code == 429 and response.headers["Retry-After"] == "7"
        assert "dynamics computations" in error_of(response)["what"]
    assert heavy.running("dynamics") == 0
    assert client.post("/api/dynamics/KOR/run", json={"runs": 20, "seed": 5}).status_code == 200


def test_a_refused_scenario_takes_no_slot(client: TestClient) -> None:
    heavy = client.app.state.powerscope.heavy  # type: ignore[attr-defined]
    body = {"runs": 20, "scenario": {"name": "bad", "set": {"no-such-lever": 1}}}
    assert client.post("/api/dynamics/KOR/run", json=body).status_code == 422
    assert heavy.running("dynamics") == 0


def test_compiled_variants_never_exceed_their_limit(client: TestClient) -> None:
    state = client.app.state.powerscope  # type: ignore[attr-defined]
    last = None
    for high in range(2, 42):  # 40 distinct rescales
        body = {"aggregation": "geometric", "rescale": [1, high]}
        last = client.post("/api/indices/ceti/compute", json=body)
        assert last.status_code == 200
        assert len(state.index("ceti")._compiled) <= LIMITS.compiled_variants
    assert len(state.index("ceti")._compiled) == LIMITS.compiled_variants
    assert last is not None and last.json()["method"]["rescale"] == [1, 41]
    # an evicted variant is compiled again, with the same figures
    first = client.post("/api/indices/ceti/compute", json={"aggregation": "geometric",
                                                           "rescale": [1, 2]})  # fmt: skip
    again = client.post("/api/indices/ceti/compute", json={"aggregation": "geometric",
                                                           "rescale": [1, 2]})  # fmt: skip
    assert first.json()["ranking"] == again.json()["ranking"]


def test_heavy_workers_come_from_the_environment_or_the_cores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from powerscope.errors import PowerscopeError
    from powerscope.web.limits import HEAVY_WORKERS_ENV, default_heavy_workers

    monkeypatch.setenv(HEAVY_WORKERS_ENV, "3")
    assert default_heavy_workers() == 3 and Limits().heavy_workers == 3
    monkeypatch.setenv(HEAVY_WORKERS_ENV, "0")
    assert Limits().heavy_workers == 0
    for bad in ("-1", "two", "33"):
        monkeypatch.setenv(HEAVY_WORKERS_ENV, bad)
        with pytest.raises(PowerscopeError, match=f"{HEAVY_WORKERS_ENV}='{bad}'"):
            default_heavy_workers()
    monkeypatch.delenv(HEAVY_WORKERS_ENV)
    for cores, expected in ((1, 1), (2, 1), (4, 2), (8, 4), (64, 4)):
        monkeypatch.setattr("os.cpu_count", lambda cores=cores: cores)
        assert default_heavy_workers() == expected


def test_an_app_without_its_lifespan_runs_heavy_work_in_its_threads(tmp_path: Path) -> None:
    app = create_app(store=SnapshotStore(), upload_dir=tmp_path, limits=Limits(heavy_workers=1))
    client = TestClient(app)  # no `with`: the lifespan does not run, no process is started
    assert client.get("/api/indices/ceti/uncertainty?runs=100&seed=4").status_code == 200
    assert app.state.powerscope.pool is None
