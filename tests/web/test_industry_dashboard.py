"""The defence industry view (#/industry/{code}) in headless Chromium against the real app: the
companies stacked as the API answers them, revenue and exports on their own axes, the peers
chooser, a source line under every chart and table, CSV and PNG downloads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest


@pytest.fixture()
def page(browser: Any, server_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    context.set_default_timeout(30_000)
    opened = context.new_page()
    opened.requests = []  # type: ignore[attr-defined]
    opened.errors = []  # type: ignore[attr-defined]
    opened.console = []  # type: ignore[attr-defined]
    opened.on("console", lambda message: opened.console.append(message.text))
    opened.on("request", lambda request: opened.requests.append(request.url))
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    yield opened
    context.close()


def test_industry_view_shows_the_apis_companies_and_exports(
    page: Any, server_url: str, artifacts: Path
) -> None:
    page.goto(f"{server_url}/#/industry/KOR")
    page.wait_for_selector('[data-testid="industry-table"] tbody tr')
    page.wait_for_selector('[data-testid="industry-exports"] .js-plotly-plot')
    api = httpx.get(
        f"{server_url}/api/industry/KOR", params={"peers": "JPN,DEU,ISR"}, timeout=60
    ).json()
    # the companies chart: one stacked trace per company, 2022's values as the API's rows
    traces = page.locator('[data-testid="industry-companies-plot"]').evaluate(
        "div => div.data.map(t => ({name: t.name, x: t.x, y: t.y}))"
    )
    assert [t["name"] for t in traces] == list(dict.fromkeys(r["company"] for r in api["rows"]))
    hanwha = next(t for t in traces if t["name"] == "Hanwha Aerospace")
    assert hanwha["y"][hanwha["x"].index(2022)] == 2780
    # revenue (US$) and exports (TIV) on two axes, never one series
    exports = page.locator('[data-testid="industry-exports-plot"]').evaluate(
        "div => div.data.map(t => ({yaxis: t.yaxis || 'y', y: t.y}))"
    )
    assert [t["yaxis"] for t in exports] == ["y", "y2"]
    assert exports[0]["y"] == [r["arms_revenue"] for r in api["by_year"]]
    assert exports[1]["y"] == pytest.approx([r["tiv_exports"] for r in api["by_year"]])
    peers = page.locator('[data-testid="industry-vs-peers-plot"]').evaluate(
        "div => div.data.map(t => t.name)"
    )
    assert peers == ["South Korea (KOR)", "Japan (JPN)", "Germany (DEU)", "Israel (ISR)"]
    row = page.locator('[data-testid="industry-table"] tr[data-year="2022"] td').all_inner_texts()
    assert row[:5] == ["2022", "4", "6,870", "1.15", "Hanwha Aerospace (48)"]
    companies = page.locator('[data-testid="industry-companies-table"] tbody tr').evaluate_all(
        "rows => rows.map(r => r.dataset.company)"
    )
    assert companies == ["Hanwha Aerospace", "LIG Nex1", "Korea Aerospace Industries",
                         "Hyundai Rotem"]  # fmt: skip
    for testid, datasets in (
        ("industry-companies", ["sipri_top100"]),
        ("industry-exports", ["sipri_top100", "sipri_arms"]),
        ("industry-vs-peers", ["sipri_top100"]),
        ("industry-share", ["sipri_top100"]),
        ("industry-table-figure", ["sipri_top100", "sipri_arms"]),
        ("industry-companies-table-figure", ["sipri_top100"]),
    ):
        note = page.locator(f'[data-testid="{testid}"] [data-testid="source"]')
        shown = note.locator("[data-dataset]").evaluate_all(
            "els => els.map(e => e.dataset.dataset)"
        )
        assert shown == datasets, testid
        assert "2002" in note.inner_text() or "2002" in (note.get_attribute("title") or "")
    link = page.locator('[data-testid="industry-companies-table-csv"]').get_attribute("href") or ""
    assert (
        "format=csv" in link and "Hanwha Aerospace" in httpx.get(server_url + link, timeout=60).text
    )
    with page.expect_download() as download:
        page.locator('[data-testid="industry-table-csv"]').click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("Year,Companies,Arms revenue (US$ m)")
    assert any(line.startswith("2022,4,6870,") for line in text.splitlines())
    assert page.locator('[data-testid="industry-exports-png"]').is_visible()
    page.screenshot(path=str(artifacts / "industry-KOR.png"), full_page=True)
    outside = [u for u in page.requests if not u.startswith((server_url + "/", "data:", "blob:"))]
    assert outside == [], json.dumps(outside)
    assert page.errors == []
    assert [m for m in page.console if "Content Security Policy" in m or "Refused" in m] == []


def test_the_peers_chooser_and_a_country_without_companies(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/#/industry/KOR")
    page.wait_for_selector('[data-testid="industry-table"] tbody tr')
    page.locator('[data-testid="industry-peers"]').fill("fra, tur")
    page.locator('[data-testid="industry-peers-apply"]').click()
    page.wait_for_function("location.hash.includes('peers=FRA%2CTUR')")
    page.wait_for_function(
        "() => { const d = document.querySelector('[data-testid=\"industry-vs-peers-plot\"]');"
        " return d && d.data && d.data.length === 3 && d.data[1].name.includes('FRA'); }"
    )
    page.goto(f"{server_url}/#/industry/NZL")
    alert = page.locator('[data-testid="alert-item"]')
    alert.wait_for()
    assert "has no company in the SIPRI Top 100" in alert.inner_text()
    assert page.errors == []
