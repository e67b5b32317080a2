"""The index explorer over time and space, in headless Chromium: the world map drawn with the
network blocked, the year slider and rank trends of a panel index (``power``), and an address
that restores the whole view (year, weights, countries)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

WEIGHTS = "Economic capability=0.5"


class Page:
    """A browser page on the dashboard whose requests outside the app are refused (aborted)."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.refused: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda request: self.requests.append(request.url))
        page.route("**/*", self._only_the_app)

    def _only_the_app(self, route: Any) -> None:
        url = route.request.url
        if url.startswith((self.base + "/", "data:", "blob:")):
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()

    def open(self, route: str) -> None:
        self.page.goto(f"{self.base}/{route}")
        self.page.wait_for_selector('[data-testid="ranking-table"][data-state="ready"]')

    def scores(self) -> dict[str, float]:
        rows = self.page.locator('[data-testid="ranking-table"] tbody tr')
        pairs = rows.evaluate_all("rows => rows.map(r => [r.dataset.code, r.dataset.score])")
        return {str(code): float(score) for code, score in pairs}

    def plot_data(self, testid: str) -> list[dict[str, Any]]:
        return list(
            self.page.locator(f'[data-testid="{testid}-plot"]').evaluate(
                "div => div.data.map(t => ({type: t.type, name: t.name, fill: t.fill, "
                "locations: t.locations, z: t.z, x: t.x, y: t.y}))"
            )
        )


@pytest.fixture()
def board(browser: Any, server_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    context.set_default_timeout(60_000)
    yield Page(context.new_page(), server_url)
    context.close()


def _api_scores(base: str, name: str, body: dict[str, Any]) -> dict[str, float]:
    answer = httpx.post(f"{base}/api/indices/{name}/compute", json=body, timeout=60)
    assert answer.status_code == 200, answer.text
    return {r["code"]: float(r["score"]) for r in answer.json()["ranking"]}


def test_the_world_map_draws_from_local_shapes_with_the_network_blocked(board: Page) -> None:
    board.open("#/index/ceti")
    board.page.wait_for_selector('[data-testid="map"][data-state="ready"]')
    drawn = board.page.locator('[data-testid="map-plot"] path.choroplethlocation').count()
    (trace,) = board.plot_data("map")
    assert trace["type"] == "choropleth"
    # countries keyed by ISO3; every country of the ranking on the map, with its score
    scores = board.scores()
    on_map = dict(zip(trace["locations"], trace["z"], strict=True))
    assert on_map["KOR"] == scores["KOR"] and on_map["USA"] == scores["USA"]
    assert "EUROPE" not in on_map  # an aggregate has no shape
    assert drawn >= len(on_map) - 2  # one shape per country (a city state may have none)
    assert any(url.endswith("/static/vendor/topojson/world_50m.json") for url in board.requests)
    assert any(url.endswith("/static/vendor/plotly-geo.min.js") for url in board.requests)
    assert board.refused == [] and board.errors == []
    source = board.page.locator('[data-testid="map"] [data-testid="source"]').inner_text()
    assert "CETI 2025" in source and "custom weights" not in source


def test_custom_weights_are_named_on_the_map_its_source_and_downloads(board: Page) -> None:
    board.open("#/index/ceti?weights=" + quote("Semiconductors=0", safe=""))
    board.page.wait_for_selector('[data-testid="map"][data-state="ready"]')
    map_figure = board.page.locator('[data-testid="map"]')
    assert "(custom weights)" in map_figure.locator("h3").inner_text()
    assert map_figure.locator('[data-testid="source-qualifier"]').inner_text() == "custom weights"
    with board.page.expect_download() as download:
        map_figure.locator('[data-testid="map-png"]').click()
    assert download.value.suggested_filename == "ceti-map-custom-weights.png"
    link = board.page.locator('[data-testid="ranking-table-csv"]')
    assert link.get_attribute("download") == "ceti-ranking-custom-weights.csv"
    assert board.refused == [] and board.errors == []


def test_a_panel_address_restores_year_weights_and_countries(board: Page, server_url: str) -> None:
    route = f"#/index/power?year=2010&weights={quote(WEIGHTS, safe='')}&countries=KOR,CHN"
    board.open(route)
    page = board.page
    assert page.locator('[data-testid="year-slider"]').input_value() == "2010"
    assert page.locator('[data-testid="ranking-table"]').get_attribute("data-year") == "2010"
    expected = _api_scores(
        server_url, "power", {"year": 2010, "weights": WEIGHTS, "renormalise": True}
    )
    assert board.scores() == expected
    assert board.scores() != _api_scores(server_url, "power", {"year": 2010})
    ticked = page.locator(".compare-picks input:checked").evaluate_all(
        "boxes => boxes.map(b => b.value)"
    )
    assert sorted(ticked) == ["CHN", "KOR"]
    title = page.locator('[data-testid="ranking-table-figure"] h3').inner_text()
    assert "2010" in title and "(custom weights)" in title
    page.wait_for_selector('[data-testid="trend"][data-state="ready"]')
    traces = board.plot_data("trend")
    bands = [t for t in traces if t["fill"] == "tonexty"]
    lines = [t["name"] for t in traces if t["fill"] != "tonexty" and t["name"]]
    assert len(bands) == 2 and sorted(lines) == ["China", "South Korea"]
    # the trends of the address's weights, said to be custom weights
    assert "(custom weights)" in page.locator('[data-testid="trend"] h3').inner_text()
    trend = httpx.get(
        f"{server_url}/api/indices/power/trend?codes=KOR,CHN&from=2000&to=2024&runs=200&seed=1"
        f"&weights={quote(WEIGHTS, safe='')}&renormalise=true",
        timeout=60,
    ).json()
    assert trend["custom_weights"] is True
    korea = [r for r in trend["rows"] if r["code"] == "KOR"]
    shown = next(t for t in traces if t["name"] == "South Korea")
    assert shown["y"] == [r["rank"] for r in korea]
    assert shown["x"] == [r["year"] for r in korea]
    page.wait_for_selector('[data-testid="map"][data-state="ready"]')
    (choropleth,) = board.plot_data("map")
    assert (
        dict(zip(choropleth["locations"], choropleth["z"], strict=True))["KOR"] == expected["KOR"]
    )
    assert page.evaluate("location.hash") == route
    assert board.refused == [] and board.errors == []


def test_the_year_slider_recomputes_that_year_and_writes_the_address(
    board: Page, server_url: str
) -> None:
    board.open("#/index/power")
    page = board.page
    assert page.locator('[data-testid="year-slider"]').input_value() == "2024"
    page.locator('[data-testid="year-slider"]').evaluate(
        "s => { s.value = '2015'; s.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    page.wait_for_selector('[data-testid="ranking-table"][data-state="ready"][data-year="2015"]')
    assert board.scores() == _api_scores(server_url, "power", {"year": 2015})
    assert page.evaluate("location.hash") == "#/index/power?year=2015"
    box = page.locator('.compare-picks input[value="KOR"]')
    if box.is_checked():
        box.uncheck()
    else:
        box.check()
    page.wait_for_function("() => location.hash.includes('countries=')")
    assert page.evaluate("location.hash").startswith("#/index/power?year=2015&countries=")
    assert board.refused == [] and board.errors == []


def test_a_year_outside_the_panel_is_explained(board: Page) -> None:
    board.page.goto(f"{board.base}/#/index/power?year=1990")
    alert = board.page.locator('[data-testid="alert"]')
    alert.wait_for(state="visible")
    assert "1990" in alert.inner_text()
    assert board.refused == []


def _trend_ranks(base: str, codes: str, weights: str | None = None) -> dict[str, list[int]]:
    query = f"codes={codes}&from=2000&to=2024&runs=200&seed=1"
    if weights:
        query += f"&weights={quote(weights, safe='')}&renormalise=true"
    answer = httpx.get(f"{base}/api/indices/power/trend?{query}", timeout=60)
    assert answer.status_code == 200, answer.text
    out: dict[str, list[int]] = {}
    for row in answer.json()["rows"]:
        out.setdefault(row["name"], []).append(row["rank"])
    return out


def test_reweighting_redraws_the_trends_for_those_weights_labelled_custom_weights(
    board: Page, server_url: str
) -> None:
    board.open("#/index/power?countries=KOR,CHN")
    page = board.page
    figure = page.locator('[data-testid="trend"]')
    page.wait_for_selector('[data-testid="trend"][data-state="ready"][data-weights="published"]')
    assert "custom weights" not in figure.locator("h3").inner_text()
    assert figure.locator('[data-testid="source-qualifier"]').count() == 0
    assert (
        "rank with the published weights"
        in figure.locator('[data-testid="trend-note"]').inner_text()
    )
    # all the military weight, none of the economic: ranks move
    for path, key in (("Military capability", "End"), ("Economic capability", "Home")):
        page.locator(f'input[type="range"][data-path="{path}"]').focus()
        page.keyboard.press(key)
    page.wait_for_selector('[data-testid="trend"][data-state="ready"][data-weights="custom"]')
    title = figure.locator("h3").inner_text()
    assert title.endswith("(custom weights)") and title.startswith("Rank over time")
    assert figure.locator('[data-testid="source-qualifier"]').inner_text() == "custom weights"
    note = figure.locator('[data-testid="trend-note"]').inner_text()
    assert "custom weights" in note and "published weights even" not in note
    # the lines are the API's trends for the weights set (those of the address)
    weights = page.evaluate("new URLSearchParams(location.hash.split('?')[1]).get('weights')")
    assert "Military capability=1" in weights and "Economic capability=0" in weights
    expected = _trend_ranks(server_url, "KOR,CHN", weights)
    assert expected != _trend_ranks(server_url, "KOR,CHN")
    drawn = {t["name"]: t["y"] for t in board.plot_data("trend") if t["fill"] != "tonexty"}
    assert {name: drawn[name] for name in expected} == expected
    # its downloads say so too
    csv_link = figure.locator('[data-testid="trend-csv"]')
    assert csv_link.get_attribute("download") == "power-trend-KOR-CHN-custom-weights.csv"
    answer = httpx.get(server_url + str(csv_link.get_attribute("href")), timeout=60)
    assert 'filename="power-trend-custom-weights.csv"' in answer.headers["content-disposition"]
    with page.expect_download() as download:
        figure.locator('[data-testid="trend-png"]').click()
    assert download.value.suggested_filename == "power-trend-KOR-CHN-custom-weights.png"
    # back to the published weights: the published trends, not labelled
    page.locator('[data-testid="reset"]').click()
    page.wait_for_selector('[data-testid="trend"][data-state="ready"][data-weights="published"]')
    assert "custom weights" not in figure.locator("h3").inner_text()
    assert csv_link.get_attribute("download") == "power-trend-KOR-CHN.csv"
    assert board.refused == [] and board.errors == []
