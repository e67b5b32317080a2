"""The operator's token: at least 16 characters however it is given, and wrong guesses limited
per client (429 with Retry-After) so that it cannot be guessed at thousands a second."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.types import ASGIApp

from powerscope.cli.web import read_token
from powerscope.data.store import SnapshotStore
from powerscope.errors import PowerscopeError
from powerscope.web.api import create_app
from powerscope.web.errors import RateLimitedError, WebError
from powerscope.web.security import MAX_FAILURES, MIN_TOKEN_LENGTH, FailedAuth, check_token

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOKEN = "auth-token-0123456789abcdef"
DATASET = ("d.csv", b"code,x\nAAA,1\nBBB,2\n")


def make_app(tmp_path: Path, token: str | None = TOKEN) -> ASGIApp:
    return create_app(store=SnapshotStore(), token=token, upload_dir=tmp_path / "uploads")


def post(client: TestClient, token: str | None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post("/api/uploads/datasets", files={"file": DATASET}, headers=headers)


# -- minimum length, however the token is given ----------------------------------------------


@pytest.mark.parametrize("token", ["x", "a" * (MIN_TOKEN_LENGTH - 1), " " * 20, "short  "])
def test_a_short_token_given_to_the_app_stops_it(tmp_path: Path, token: str) -> None:
    with pytest.raises(WebError, match="shorter than 16 characters") as caught:
        make_app(tmp_path, token)
    assert caught.value.fix and "secrets.token_urlsafe" in caught.value.fix


def test_a_short_token_in_the_environment_stops_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERSCOPE_API_TOKEN", "1")
    with pytest.raises(WebError, match="shorter than 16 characters") as caught:
        create_app(store=SnapshotStore(), upload_dir=tmp_path / "uploads")
    assert "POWERSCOPE_API_TOKEN" in str(caught.value.where)


def test_a_short_token_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text("abc\n", encoding="utf-8")
    with pytest.raises(PowerscopeError, match="shorter than 16 characters"):
        read_token(path)


def test_a_token_of_16_characters_works_and_none_disables_uploads(tmp_path: Path) -> None:
    assert check_token("k" * MIN_TOKEN_LENGTH) == "k" * MIN_TOKEN_LENGTH
    assert check_token(None) is None and check_token("") is None
    client = TestClient(make_app(tmp_path, "k" * MIN_TOKEN_LENGTH))
    assert post(client, "k" * MIN_TOKEN_LENGTH).status_code == 201
    disabled = TestClient(make_app(tmp_path, None))
    assert post(disabled, "k" * MIN_TOKEN_LENGTH).status_code == 403


# -- failed tokens are rate limited per client -------------------------------------------------


def test_wrong_tokens_are_limited_then_even_the_right_one_waits(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    client = TestClient(app, client=("203.0.113.7", 40000))
    for guess in range(MAX_FAILURES):
        response = post(client, f"guess-{guess:012d}")
        assert response.status_code == 401, response.text
    limited = post(client, "another-guess-0000")
    assert limited.status_code == 429, limited.text
    error = limited.json()["error"]
    assert error["what"].startswith("too many wrong API tokens from this client")
    assert error["where"] == "Authorization header" and error["fix"].startswith("wait ")
    retry = int(limited.headers["Retry-After"])
    assert 1 <= retry <= 60
    # while limited, the right token is refused as well: the answer tells a guesser nothing
    assert post(client, TOKEN).status_code == 429
    assert not (tmp_path / "uploads" / "datasets").exists() or not list(
        (tmp_path / "uploads" / "datasets").glob("*.csv")
    )
    # another client is not affected
    other = TestClient(app, client=("198.51.100.2", 40000))
    assert post(other, TOKEN).status_code == 201
    # a missing token counts as a wrong one too
    third = TestClient(app, client=("198.51.100.3", 40000))
    statuses = [post(third, None).status_code for _ in range(MAX_FAILURES + 1)]
    assert statuses == [401] * MAX_FAILURES + [429]


def test_scenario_saving_is_limited_too(tmp_path: Path) -> None:
    client = TestClient(make_app(tmp_path), client=("203.0.113.9", 40000))
    body = {"name": "mine", "set": {}}
    headers = {"Authorization": "Bearer wrong-token-000000000"}
    statuses = [
        client.post("/api/dynamics/scenarios", json=body, headers=headers).status_code
        for _ in range(MAX_FAILURES + 1)
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}


def test_failures_leave_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr("powerscope.web.security.time.monotonic", lambda: now[0])
    limit = FailedAuth(max_failures=3, window=60)
    for _ in range(3):
        limit.check("c")
        limit.failed("c")
        now[0] += 10
    with pytest.raises(RateLimitedError) as caught:
        limit.check("c")
    assert caught.value.retry_after == 30  # the first failure (t=1000) leaves at t=1060
    now[0] = 1060.0
    limit.check("c")  # two failures left in the window: allowed again


def test_the_failure_record_is_bounded() -> None:
    limit = FailedAuth(max_failures=1, window=60, max_clients=100)
    for n in range(1000):
        limit.failed(f"10.0.{n // 256}.{n % 256}")
    assert len(limit._failures) == 100
    with pytest.raises(RateLimitedError):
        limit.check("10.0.3.231")  # the newest are kept


def test_behind_a_trusted_proxy_failures_count_per_forwarded_client(tmp_path: Path) -> None:
    """uvicorn's proxy headers (``FORWARDED_ALLOW_IPS``, as ``powerscope serve`` runs it): the
    proxy's X-Forwarded-For names the client, so one guesser does not block the others."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    proxied = ProxyHeadersMiddleware(make_app(tmp_path), trusted_hosts="10.0.0.5")
    proxy = TestClient(proxied, client=("10.0.0.5", 40000))

    def via(client_address: str, token: str) -> int:
        headers = {"Authorization": f"Bearer {token}", "X-Forwarded-For": client_address}
        return proxy.post("/api/uploads/datasets", files={"file": DATASET},
                          headers=headers).status_code  # fmt: skip

    statuses = [via("203.0.113.9", f"guess-{n:012d}") for n in range(MAX_FAILURES + 1)]
    assert statuses == [401] * MAX_FAILURES + [429]
    assert via("198.51.100.4", TOKEN) == 201  # another client behind the same proxy
    # an untrusted sender's X-Forwarded-For is ignored: its own address is counted
    direct = TestClient(proxied, client=("192.0.2.1", 40000))
    headers = {"Authorization": "Bearer wrong-guess-000000", "X-Forwarded-For": "198.51.100.4"}
    for _ in range(MAX_FAILURES):
        direct.post("/api/uploads/datasets", files={"file": DATASET}, headers=headers)
    assert via("198.51.100.4", TOKEN) == 201
