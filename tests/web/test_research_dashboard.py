"""The research view (#/research/{codes}) in headless Chromium against the real app: the API's
counts, shares and ranks in the table and charts, the field picker, the field-by-field gap
table, a source line under each, CSV and PNG downloads, and an unknown field."""

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
    context.set_default_timeout(20_000)
    opened = context.new_page()
    opened.requests = []  # type: ignore[attr-defined]
    opened.errors = []  # type: ignore[attr-defined]
    opened.on("request", lambda request: opened.requests.append(request.url))
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    yield opened
    context.close()


def test_research_view_shows_the_apis_figures(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/#/research/KOR,CHN,USA,JPN")
    page.wait_for_selector('[data-testid="research-table"] tbody tr')
    api = httpx.get(f"{server_url}/api/research", params={"codes": "KOR,CHN,USA,JPN"},
                    timeout=60).json()  # fmt: skip
    rows = page.locator('[data-testid="research-table"] tbody tr')
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.code)") == [
        "KOR",
        "CHN",
        "USA",
        "JPN",
    ]
    korea = page.locator('[data-testid="research-table"] tr[data-code="KOR"] td').all_inner_texts()
    assert korea[3] == "76,936" and korea[5] == "2.30" and korea[7] == "9"
    growth = next(g for g in api["growth"] if g["code"] == "KOR")
    assert korea[8] == f"{growth['cagr']:.1f}"
    for testid in ("research-articles", "research-share"):
        page.wait_for_selector(f'[data-testid="{testid}"] .js-plotly-plot')
        traces = page.locator(f'[data-testid="{testid}-plot"]').evaluate(
            "div => div.data.map(t => [t.name, t.x.length])"
        )
        assert traces == [["South Korea", 20], ["China", 20], ["United States", 20], ["Japan", 20]]
    share = page.locator('[data-testid="research-share-plot"]').evaluate("div => div.data[0].y")
    expected = [r["share"] for r in api["rows"] if r["code"] == "KOR"]
    assert share == pytest.approx(expected)
    page.wait_for_selector('[data-testid="research-gap"] tbody tr')
    gap = httpx.get(f"{server_url}/api/research/by-field", params={"codes": "KOR,CHN"},
                    timeout=60).json()  # fmt: skip
    shown = page.locator('[data-testid="research-gap"] tbody tr').evaluate_all(
        "rows => rows.map(r => [r.dataset.field, r.dataset.verdict])"
    )
    assert shown == [[r["field"], r["verdict"]] for r in gap["rows"]]
    for testid in ("research-table-figure", "research-articles", "research-share",
                   "research-gap-figure"):  # fmt: skip
        note = page.locator(f'[data-testid="{testid}"] [data-testid="source"]')
        title = note.get_attribute("title") or ""
        assert "National Center for Science and Engineering Statistics" in title, testid
        assert "data 2003-2022" in title, testid  # the data years, as the store measures them
    link = page.locator('[data-testid="research-table-csv"]').get_attribute("href") or ""
    assert "format=csv" in link and "KOR,South Korea" in httpx.get(server_url + link).text
    gap_link = page.locator('[data-testid="research-gap-csv"]').get_attribute("href") or ""
    assert "by-field" in gap_link and "verdict" in httpx.get(server_url + gap_link).text
    outside = [u for u in page.requests if not u.startswith((server_url + "/", "data:", "blob:"))]
    assert outside == [], json.dumps(outside)
    assert page.errors == []


def test_field_picker_ai_and_png(page: Any, server_url: str, tmp_path: Path) -> None:
    page.goto(f"{server_url}/#/research/KOR,JPN")
    page.wait_for_selector('[data-testid="research-table"] tbody tr')
    options = page.locator('[data-testid="research-field"] option').all_inner_texts()
    assert len(options) == 16 and options[0] == "all S&E fields"
    page.locator('[data-testid="research-field"]').select_option("AI-related")
    page.wait_for_function("location.hash.includes('field=AI-related')")
    page.wait_for_selector('[data-testid="research-table-figure"] h3:has-text("AI-related (whole")')
    assert page.locator('[data-testid="research-count"]').is_disabled()
    assert page.locator('[data-testid="research-count"]').input_value() == "whole"
    korea = page.locator('[data-testid="research-table"] tr[data-code="KOR"] td').all_inner_texts()
    assert korea[3] == "2,569"  # AI-related articles of Korea in 2022, whole counts
    page.wait_for_selector('[data-testid="research-articles"] .js-plotly-plot')
    with page.expect_download() as download:
        page.locator('[data-testid="research-articles-png"]').click()
    saved = tmp_path / "chart.png"
    download.value.save_as(saved)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.errors == []


def test_an_unknown_field_and_country_say_why(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/#/research/KOR,CHN?field=computr%20science")
    alert = page.locator('[data-testid="alert-item"]')
    alert.wait_for()
    assert "computer and information sciences" in alert.inner_text()
    page.goto(f"{server_url}/#/research/KOR,Narnia")
    page.wait_for_selector('[data-testid="alert-item"]:has-text("NARNIA")')
    assert page.errors == []


def test_a_hostile_field_name_stays_text(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/#/research/KOR?field=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    alert = page.locator('[data-testid="alert-item"]')
    alert.wait_for()
    assert "<img src=x" in alert.inner_text()  # shown as text, never as markup
    assert page.locator("img[src=x]").count() == 0
    assert page.errors == []
