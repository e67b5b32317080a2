"""The dashboard under its Content-Security-Policy, and user text in its charts shown as text.

A unit name written as HTML (a link, a style) in an uploaded dataset must reach the charts as
the characters typed: plotly renders a subset of HTML in labels, so the dashboard escapes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from web_server import serve

from powerscope.data.store import SnapshotStore
from powerscope.web.security import CSP

TOKEN = "dashboard-token-0123456789abcdef"
EVIL = '<a href="https://evil.example/">Click &amp; go</a><span style="font-size:80px">Big</span>'
DATASET = f'code,uName,x1,x2\nAAA,"{EVIL.replace(chr(34), chr(34) * 2)}",1,10\nBBB,Beta,2,30\n'
SPEC = """\
id: evil_names
name: Names written as HTML
data_file: evil.csv
normalise: minmax
aggregate: arithmetic
scale: 100
children:
  - {id: x1, weight: 0.5}
  - {id: "<b>x2", indicator: x2, weight: 0.5}
"""


@pytest.fixture(scope="module")
def evil_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with a token, and an uploaded index whose unit and node names are HTML."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POWERSCOPE_API_TOKEN", TOKEN)
        with serve(SnapshotStore(), tmp_path_factory.mktemp("uploads-evil")) as base:
            auth = {"Authorization": f"Bearer {TOKEN}"}
            for kind, name, content in (("datasets", "evil.csv", DATASET),
                                        ("specs", "evil.yaml", SPEC)):  # fmt: skip
                response = httpx.post(f"{base}/api/uploads/{kind}", headers=auth,
                                      files={"file": (name, content.encode())})  # fmt: skip
                assert response.status_code == 201, response.text
            yield base


def open_page(browser: Any, url: str) -> tuple[Any, list[str], list[str]]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    console: list[str] = []
    errors: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return page, console, errors


def violations(console: list[str]) -> list[str]:
    return [m for m in console if "Content Security Policy" in m or "Refused to" in m]


def test_the_dashboard_works_under_its_policy(browser: Any, server_url: str) -> None:
    response = httpx.get(f"{server_url}/")
    assert response.headers["content-security-policy"] == CSP
    page, console, errors = open_page(browser, f"{server_url}/#/index/ceti")
    page.wait_for_selector('[data-testid="ranking-table"][data-state="ready"]')
    page.wait_for_selector('[data-testid="contributions-plot"] .main-svg')
    page.wait_for_selector('[data-testid="comparison-plot"] .main-svg')
    assert violations(console) == [] and errors == []
    page.context.close()


def test_html_in_unit_and_node_names_is_shown_as_text(browser: Any, evil_url: str) -> None:
    page, console, errors = open_page(browser, f"{evil_url}/#/index/evil_names")
    page.wait_for_selector('[data-testid="ranking-table"][data-state="ready"]')
    plot = page.locator('[data-testid="contributions-plot"]')
    plot.locator(".main-svg").first.wait_for()
    # no link and no styled span drawn from the name; the characters typed are shown instead
    assert plot.locator("svg a").count() == 0
    styled = plot.locator("svg [style*='font-size: 80px'], svg [style*='font-size:80px']")
    assert styled.count() == 0
    ticks = " ".join(plot.locator("svg .ytick text").all_text_contents())
    assert '<a href="https://evil.example/">Click &amp; go</a>' in ticks
    legend = " ".join(plot.locator("svg .legendtext").all_text_contents())
    assert "<b>x2" in legend
    assert violations(console) == [] and errors == []
    page.context.close()


def test_the_page_loads_no_inline_script() -> None:
    html = (Path(__file__).resolve().parents[2] / "src/powerscope/web/static/index.html").read_text(
        encoding="utf-8"
    )
    assert "<script>" not in html and "onload=" not in html and "javascript:" not in html
