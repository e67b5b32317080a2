"""The ties view (#/ties/{code}) in headless Chromium against the real app: the region table and
its thin marks as the API answers them, the chart of vote agreement by region, the peers
chooser, and a source line under every table and chart."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest


@pytest.fixture()
def page(browser: Any, server_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(20_000)
    opened = context.new_page()
    opened.requests = []  # type: ignore[attr-defined]
    opened.errors = []  # type: ignore[attr-defined]
    opened.on("request", lambda request: opened.requests.append(request.url))
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    yield opened
    context.close()


def test_ties_view_shows_the_apis_regions_and_thin_marks(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/#/ties/KOR")
    page.wait_for_selector('[data-testid="ties-table"] tbody tr')
    api = httpx.get(
        f"{server_url}/api/alignment/KOR/ties", params={"peers": "JPN,AUS,TUR,IND"}, timeout=60
    ).json()
    rows = page.locator('[data-testid="ties-table"] tbody tr')
    shown = rows.evaluate_all("rows => rows.map(r => [r.dataset.region, r.dataset.thin])")
    assert shown == [[r["id"], " ".join(r["thin"])] for r in api["regions"]]
    gulf = page.locator('[data-testid="ties-table"] tr[data-region="gulf"] td')
    expected = next(r for r in api["regions"] if r["id"] == "gulf")
    assert f"{expected['vote_agreement']:.1f}" in gulf.nth(5).inner_text()
    assert page.locator(
        '[data-testid="ties-table"] span[data-thin="vote_agreement"]'
    ).count() == sum("vote_agreement" in r["thin"] for r in api["regions"])
    page.wait_for_selector('[data-testid="ties-chart"] .js-plotly-plot')
    names = page.locator('[data-testid="ties-chart-plot"]').evaluate(
        "div => div.data.map(t => t.name)"
    )
    assert names == [r["name"] for r in api["regions"]]
    peers_header = page.locator('[data-testid="ties-peers-table"] thead th').all_inner_texts()
    assert peers_header[1:] == ["KOR", "JPN", "AUS", "TUR", "IND"]
    for testid in ("ties-table-figure", "ties-chart", "ties-peers-table-figure"):
        note = page.locator(f'[data-testid="{testid}"] [data-testid="source"]')
        assert "Voeten" in (note.get_attribute("title") or ""), testid
    link = page.locator('[data-testid="ties-table-csv"]').get_attribute("href") or ""
    assert "format=csv" in link and "KOR" in httpx.get(server_url + link, timeout=60).text
    outside = [u for u in page.requests if not u.startswith((server_url + "/", "data:", "blob:"))]
    assert outside == [], json.dumps(outside)
    assert page.errors == []


def test_the_peers_chooser_and_an_unknown_country(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/#/ties/KOR")
    page.wait_for_selector('[data-testid="ties-table"] tbody tr')
    page.locator('[data-testid="ties-peers"]').fill("jpn, ind")
    page.locator('[data-testid="ties-peers-apply"]').click()
    page.wait_for_function("location.hash.includes('peers=JPN%2CIND')")
    page.wait_for_selector('[data-testid="ties-table-figure"] h3:has-text("vs JPN, IND")')
    header = page.locator('[data-testid="ties-peers-table"] thead th').all_inner_texts()
    assert header[1:] == ["KOR", "JPN", "IND"]
    page.wait_for_selector('[data-testid="ties-peers"]')
    page.locator('[data-testid="ties-peers"]').fill(" tur ,, ")
    page.locator('[data-testid="ties-peers"]').press("Enter")  # Enter applies, blanks dropped
    page.wait_for_function("location.hash.endsWith('peers=TUR')")
    page.goto(f"{server_url}/#/ties/Atlantis")
    alert = page.locator('[data-testid="alert-item"]')
    alert.wait_for()
    assert "ATLANTIS" in alert.inner_text().upper()
    assert page.errors == []


def test_the_peers_embassy_table_shows_the_apis_shares(page: Any, server_url: str) -> None:
    api = httpx.get(
        f"{server_url}/api/alignment/KOR/ties", params={"peers": "JPN"}, timeout=60
    ).json()
    if not api["editions"]:
        pytest.skip("no embassy data in this store")
    page.goto(f"{server_url}/#/ties/KOR?peers=JPN")
    page.wait_for_selector('[data-testid="ties-embassies-table"] tbody tr')
    cells = page.locator('[data-testid="ties-embassies-table"] tbody tr').evaluate_all(
        "rows => rows.map(r => [...r.cells].slice(1).map(c => c.innerText))"
    )
    expected = [[r["embassy_share"], r["peers"]["JPN"]["embassy_share"]] for r in api["regions"]]
    assert len(cells) == len(expected)
    for shown, wanted in zip(cells, expected, strict=True):
        assert [abs(float(a) - b) <= 0.5 for a, b in zip(shown, wanted, strict=True)] == [
            True,
            True,
        ]
    note = page.locator('[data-testid="ties-embassies-table-figure"] [data-testid="source"]')
    assert "Lowy" in (note.get_attribute("title") or "")
