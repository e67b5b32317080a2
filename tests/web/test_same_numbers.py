"""One weights grammar and one set of defaults: the same weights string gives byte-identical
scores from the CLI (``powerscope index compute --format json``), the API (``POST
/api/indices/ceti/compute``) and the dashboard (``#/index/ceti?weights=...``), and is refused
in the same words by the CLI (exit 2) and the API (422) when a group does not sum to 1 and
``renormalise`` is not asked for.

Scores are compared as JSON-serialised floats (strings), country by country.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from powerscope.data.store import SnapshotStore
from powerscope.index.weights import RENORMALISE_DEFAULT
from powerscope.web.api import create_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

#: (weights string, renormalise): both separators, every level, groups summing to 1 or not
CASES = [
    ("Semiconductors=0.4,AI=0.3,Biotechnology=0.1,Space=0.1,Quantum=0.1", False),
    ("AI/Human Capital:0.3", True),
    ("Semiconductors:0.3, AI=0.3,Biotechnology:0.2 ,Space=0.15,Quantum:0.05", False),
    ("Semiconductors=2,AI:1,Space/Security=0.6", True),
]
IDS = ["sectors", "pillar-renormalised", "both-separators", "relative-renormalised"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(store=SnapshotStore(), upload_dir=tmp_path_factory.mktemp("uploads"))
    with TestClient(app) as test_client:
        yield test_client


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real console entry point, as a user runs it (the embedded snapshot's data, as the
    test app serves: every test has an empty POWERSCOPE_HOME)."""
    return subprocess.run(
        [sys.executable, "-m", "powerscope.cli.main", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def cli_compute(weights: str, renormalise: bool) -> dict[str, Any]:
    args = ["index", "compute", "ceti", "--weights", weights, "--format", "json"]
    proc = cli(*args, *(["--renormalise"] if renormalise else []))
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout))


def api_compute(client: TestClient, weights: str, renormalise: bool) -> dict[str, Any]:
    response = client.post(
        "/api/indices/ceti/compute", json={"weights": weights, "renormalise": renormalise}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def scores(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Every country's score as its JSON text."""
    return {row["code"]: json.dumps(row["score"]) for row in rows}


@pytest.mark.parametrize(("weights", "renormalise"), CASES, ids=IDS)
def test_cli_and_api_give_byte_identical_scores(
    client: TestClient, weights: str, renormalise: bool
) -> None:
    by_cli = cli_compute(weights, renormalise)
    by_api = api_compute(client, weights, renormalise)
    assert scores(by_api["ranking"]) == scores(by_cli["entities"])
    assert [r["code"] for r in by_api["ranking"]] == [r["code"] for r in by_cli["entities"]]
    # the weights as applied, echoed by both (the API's rounded to 6 decimals)
    assert by_api["method"]["weights"] == pytest.approx(by_cli["method"]["weights"], abs=5e-7)


def test_the_default_is_the_librarys() -> None:
    from powerscope.web.models import ComputeRequest

    assert ComputeRequest().renormalise is RENORMALISE_DEFAULT is False


@pytest.mark.parametrize(
    "weights", ["AI=0.3", "Semiconductors:2,AI:1", "AI/Human Capital=0.5", "AI 0.3", "AI=x"]
)
def test_refused_in_the_same_words_by_the_cli_and_the_api(client: TestClient, weights: str) -> None:
    proc = cli("index", "compute", "ceti", "--weights", weights, "--format", "json")
    response = client.post("/api/indices/ceti/compute", json={"weights": weights})
    assert proc.returncode == 2 and proc.stdout == ""
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["parameter"] == "weights" == error["field"]
    # the one message: the CLI's line is what, where (its flag) and fix
    assert proc.stderr.strip() == f"error: {error['what']} (in --weights). Fix: {error['fix']}"


# -- the dashboard -----------------------------------------------------------------------------


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def is_compute(response: Any) -> bool:
    """The dashboard's re-weighted request (the baseline for rank changes sends no weights)."""
    request = response.request
    return (
        request.method == "POST"
        and request.url.endswith("/api/indices/ceti/compute")
        and "weights" in (request.post_data_json or {})
    )


def shown_scores(page: Any) -> dict[str, str]:
    """The scores of the rendered ranking table (full precision, in data-score)."""
    page.wait_for_selector('[data-testid="ranking-table"][data-state="ready"]')
    cells = page.locator('[data-testid="ranking-table"] tbody tr').evaluate_all(
        "rows => rows.map(r => [r.dataset.code, r.dataset.score])"
    )
    return {code: json.dumps(float(score)) for code, score in cells if score is not None}


@pytest.mark.parametrize(("weights", "renormalise"), CASES, ids=IDS)
def test_the_dashboard_shows_the_same_scores_for_a_weights_address(
    page: Any, server_url: str, client: TestClient, weights: str, renormalise: bool
) -> None:
    with page.expect_response(is_compute) as info:
        page.goto(f"{server_url}/#/index/ceti?weights={quote(weights, safe='')}")
    sent = info.value.request.post_data_json
    assert sent["weights"] == weights and sent["renormalise"] is True  # as written
    received = info.value.json()
    expected = scores(cli_compute(weights, renormalise)["entities"])
    assert scores(received["ranking"]) == expected
    assert scores(api_compute(client, weights, renormalise)["ranking"]) == expected
    assert shown_scores(page) == expected
    # labelled as re-weighted, with the weights string as written
    label = page.locator('[data-testid="weights-label"]')
    assert label.get_attribute("data-state") == "reweighted"
    assert page.locator('[data-testid="weights-string"]').inner_text() == weights
    assert (
        "(custom weights)" in page.locator('[data-testid="ranking-table-figure"] h3').inner_text()
    )
    # the sliders show the weights the server applied
    applied = received["method"]["weights"]
    readouts = page.locator('input[type="range"][data-path] ~ .w-readout output').evaluate_all(
        "outs => outs.map(o => [o.closest('.slider-row').querySelector('input').dataset.path,"
        " o.textContent])"
    )
    for path, text in readouts:
        assert float(text) == pytest.approx(applied[path], abs=5e-4), path


def test_sliders_send_raw_weights_and_write_a_shareable_address(
    page: Any, server_url: str, browser: Any
) -> None:
    page.goto(f"{server_url}/#/index/ceti")
    page.wait_for_selector('[data-testid="ranking-table"][data-state="ready"]')
    label = page.locator('[data-testid="weights-label"]')
    assert label.get_attribute("data-state") == "default"
    slider = page.locator('input[type="range"][data-path="Semiconductors"]')
    with page.expect_response(is_compute) as info:
        slider.focus()
        page.keyboard.press("Home")  # Semiconductors to 0
    sent = info.value.request.post_data_json
    # the raw slider weights: the group now sums to 0.65, the library rescales it
    assert sent["renormalise"] is True
    assert sent["weights"]["Semiconductors"] == 0 and sent["weights"]["AI"] == 0.25
    received = info.value.json()
    assert received["method"]["weights"]["AI"] == round(0.25 / 0.65, 6)
    page.wait_for_function("() => location.hash.includes('weights=')")
    address = page.evaluate("location.href")
    assert address.endswith("#/index/ceti?weights=" + quote("Semiconductors=0", safe=""))
    page.wait_for_selector('[data-testid="weights-label"][data-state="reweighted"]')
    mine = shown_scores(page)
    # the address shared: another page opened on it shows the same scores
    other = browser.new_page()
    try:
        other.goto(address)
        other.wait_for_selector('[data-testid="weights-label"][data-state="reweighted"]')
        assert shown_scores(other) == mine
    finally:
        other.close()
    # back to the defaults: the address loses its weights, the label says so
    page.locator('[data-testid="reset"]').click()
    page.wait_for_selector('[data-testid="weights-label"][data-state="default"]')
    assert page.evaluate("location.hash") == "#/index/ceti"


def test_unreadable_weights_in_the_address_are_explained(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/#/index/ceti?weights={quote('AI 0.3', safe='')}")
    alert = page.locator('[data-testid="alert-item"]')
    alert.wait_for()
    assert "cannot read weight 'AI 0.3'" in alert.inner_text()
    assert page.locator('[data-testid="weights-label"]').get_attribute("data-state") == "error"
