"""The talent view (#/talent/{code}) in headless Chromium against the real app: the figures the
API answers, provisional years marked, the main partners, the two sources side by side, the
peers and source chooser, a source line under every table and chart, and CSV/PNG downloads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

FIGURES = (
    "talent-rate-chart",
    "talent-flow-chart",
    "talent-partners-figure",
    "talent-partners-chart",
    "talent-peers-figure",
    "talent-sources-chart",
    "talent-sources-figure",
    "talent-years-figure",
)


@pytest.fixture()
def page(browser: Any, server_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    context.set_default_timeout(20_000)
    opened = context.new_page()
    opened.requests = []  # type: ignore[attr-defined]
    opened.errors = []  # type: ignore[attr-defined]
    opened.on("request", lambda request: opened.requests.append(request.url))
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    opened.console = []  # type: ignore[attr-defined]
    opened.on("console", lambda message: opened.console.append(message.text))
    yield opened
    context.close()


def test_talent_view_shows_the_apis_figures(page: Any, server_url: str, artifacts: Path) -> None:
    page.goto(f"{server_url}/#/talent/KOR?peers=JPN,CHN,USA")
    page.wait_for_selector('[data-testid="talent-years"] tbody tr')
    api = httpx.get(
        f"{server_url}/api/talent/KOR", params={"peers": "JPN,CHN,USA"}, timeout=60
    ).json()
    lead = page.locator('[data-testid="talent-lead"]').inner_text()
    assert "lost 375 researchers" in lead and "2021" in lead
    # every year of the API, provisional ones marked
    rows = page.locator('[data-testid="talent-years"] tbody tr')
    shown = rows.evaluate_all("rows => rows.map(r => [r.dataset.year, r.dataset.provisional])")
    assert shown == [[str(r["year"]), str(r["provisional"]).lower()] for r in api["rows"]]
    assert rows.locator("td").nth(0).inner_text() == str(api["rows"][0]["year"])
    marked = page.locator('[data-testid="talent-years"] tr[data-year="2022"] td').first
    assert marked.inner_text() == "2022*"
    assert "after 2021" in page.locator('[data-testid="talent-provisional"]').inner_text()
    # the main partners: KOR -> USA 2021, 850 moves and 797 back
    usa = page.locator('[data-testid="talent-partners"] tr[data-partner="USA"] td')
    assert [usa.nth(i).inner_text() for i in (1, 2, 3)] == ["850", "797", "-53"]
    # the two sources side by side, OpenAlex's 2021 provisional
    row_2021 = page.locator('[data-testid="talent-sources"] tr[data-year="2021"]')
    assert row_2021.get_attribute("data-provisional") == "openalex_2023"
    assert "-33*" in row_2021.inner_text() and "-375" in row_2021.inner_text()
    robust = page.locator('[data-testid="talent-robustness"]').inner_text()
    assert (
        f"{api['sources']['same_sign_years']} of {len(api['sources']['reliable_years'])}" in robust
    )
    # the rate chart draws the country and each peer, with the provisional band
    page.wait_for_selector('[data-testid="talent-rate-chart"] .js-plotly-plot')
    names = page.locator('[data-testid="talent-rate-chart-plot"]').evaluate(
        "div => div.data.map(t => t.name)"
    )
    assert [n.split(" (")[-1].rstrip(")") for n in names] == ["KOR", "JPN", "CHN", "USA"]
    shapes = page.locator('[data-testid="talent-rate-chart-plot"]').evaluate(
        "div => div.layout.shapes.map(s => [s.x0, s.x1])"
    )
    assert shapes == [[2021.5, 2023.5]]
    for testid in FIGURES:
        note = page.locator(f'[data-testid="{testid}"] [data-testid="source"]')
        title = note.get_attribute("title") or ""
        assert "Max Planck" in title and "V1" in title and "1996" in title, testid
    for testid in FIGURES:
        if testid.endswith("chart"):
            assert page.locator(f'[data-testid="{testid}-png"]').count() == 1
    link = page.locator('[data-testid="talent-years-csv"]').get_attribute("href") or ""
    assert "format=csv" in link and "-375" in httpx.get(server_url + link, timeout=60).text
    with page.expect_download() as download:
        page.locator('[data-testid="talent-partners-csv"]').click()
    saved = Path(download.value.path()).read_text()
    assert "USA" in saved and "850" in saved
    page.screenshot(path=str(artifacts / "talent.png"), full_page=True)
    outside = [u for u in page.requests if not u.startswith((server_url + "/", "data:", "blob:"))]
    assert outside == [], json.dumps(outside)
    assert page.errors == []
    refused = [m for m in page.console if "Content Security Policy" in m or "Refused to" in m]
    assert refused == []


def test_the_chooser_openalex_and_an_unknown_country(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/#/talent/KOR")
    page.wait_for_selector('[data-testid="talent-years"] tbody tr')
    assert page.locator('[data-testid="nav-talent"]').get_attribute("aria-current") == "page"
    page.locator('[data-testid="talent-peers-input"]').fill("jpn")
    page.locator('[data-testid="talent-release"]').select_option("openalex_2023")
    page.wait_for_function("location.hash.includes('release=openalex_2023')")
    page.wait_for_selector('[data-testid="talent-years-figure"] h3:has-text("OpenAlex")')
    assert "peers=JPN" in page.evaluate("location.hash")
    peers = page.locator('[data-testid="talent-peers"] tbody tr td:first-child').all_inner_texts()
    assert sorted(peers) == ["Japan (JPN)", "South Korea (KOR)"]
    page.goto(f"{server_url}/#/talent/Atlantis")
    alert = page.locator('[data-testid="alert-item"]')
    alert.wait_for()
    assert "ATLANTIS" in alert.inner_text().upper()
    assert page.errors == []
