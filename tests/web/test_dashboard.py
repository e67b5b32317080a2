"""The dashboard in a real (headless Chromium) browser against the real app.

Expectations are computed by the library (``compute_index``) or read from the API, never typed in.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from powerscope.index import load_spec
from powerscope.index.service import compute_index

SECTORS = ["Semiconductors", "AI", "Biotechnology", "Space", "Quantum"]
KEPT_SECTOR = "Space"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class Dashboard:
    """A browser page on the dashboard, recording every URL it requests."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, route: str) -> None:
        self.page.goto(f"{self.base}/{route}")

    def ranking_codes(self) -> list[str]:
        rows = self.page.locator('[data-testid="ranking-table"] tbody tr')
        return [str(code) for code in rows.evaluate_all("rows => rows.map(r => r.dataset.code)")]

    def wait_ranking_ready(self) -> None:
        self.page.wait_for_selector('[data-testid="ranking-table"][data-state="ready"]')

    def outside_requests(self) -> list[str]:
        allowed = (self.base + "/", "data:", "blob:")
        return [url for url in self.requests if not url.startswith(allowed)]


@pytest.fixture()
def dashboard(browser: Any, server_url: str) -> Iterator[Dashboard]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    board = Dashboard(page, server_url)
    yield board
    context.close()


def _library_order(weights: dict[str, float] | None = None) -> list[str]:
    """Codes of the CETI ranking (best first) as the library computes it."""
    return [row["code"] for row in compute_index(load_spec("ceti"), weights=weights).rows()]


def _is_png(path: Path) -> bool:
    data = path.read_bytes()
    return data.startswith(PNG_MAGIC) and len(data) > 20_000


def test_default_ceti_ranking_puts_korea_fifth(dashboard: Dashboard) -> None:
    dashboard.open("#/index/ceti")
    dashboard.wait_ranking_ready()
    expected = _library_order()
    assert dashboard.ranking_codes() == expected
    korea = dashboard.page.locator('[data-testid="ranking-table"] tr[data-code="KOR"]')
    assert korea.get_attribute("data-rank") == "5"
    assert korea.locator("td").first.inner_text().strip() == "5"
    # a slider for every weight at every level, labelled with its node's label
    tree = httpx.get(f"{dashboard.base}/api/indices/ceti").json()
    sliders = dashboard.page.locator('input[type="range"][data-path]')
    assert sliders.count() == len(tree["nodes"])
    semis = dashboard.page.locator('input[type="range"][data-path="Semiconductors"]')
    assert semis.get_attribute("aria-label") == "Semiconductors"
    # the ranking cites its source and edition, visibly and on hover
    note = dashboard.page.locator('[data-testid="ranking-table-figure"] [data-testid="source"]')
    assert "Belfer" in note.inner_text() and "2025" in note.inner_text()
    assert "Belfer" in (note.get_attribute("title") or "")


def test_moving_sliders_reranks_to_the_library_order(dashboard: Dashboard, artifacts: Path) -> None:
    dashboard.open("#/index/ceti")
    dashboard.wait_ranking_ready()
    before = dashboard.ranking_codes()
    weights = {sector: 1.0 if sector == KEPT_SECTOR else 0.0 for sector in SECTORS}
    expected = _library_order(weights)
    assert expected != before  # the test must be able to see a change
    for sector in SECTORS:
        if sector != KEPT_SECTOR:
            slider = dashboard.page.locator(f'input[type="range"][data-path="{sector}"]')
            slider.focus()
            dashboard.page.keyboard.press("Home")  # keyboard: the slider's minimum, 0
    dashboard.page.wait_for_function(
        """expected => {
            const rows = [...document.querySelectorAll('[data-testid="ranking-table"] tbody tr')];
            return JSON.stringify(rows.map(r => r.dataset.code)) === JSON.stringify(expected);
        }""",
        arg=expected,
    )
    assert dashboard.ranking_codes() == expected
    share = dashboard.page.locator(
        f'input[data-path="{KEPT_SECTOR}"] ~ .w-readout [data-testid="weight-share"]'
    )
    assert share.inner_text().startswith("100.0%")
    # the rank change against the default weights is shown (Russia climbs with Space alone)
    moved = next(code for code in expected if expected.index(code) < before.index(code))
    change = dashboard.page.locator(f'[data-testid="ranking-table"] tr[data-code="{moved}"] td')
    assert change.nth(1).inner_text().startswith("▲")

    dashboard.page.locator('[data-testid="reset"]').click()
    dashboard.page.wait_for_function(
        """expected => {
            const rows = [...document.querySelectorAll('[data-testid="ranking-table"] tbody tr')];
            return JSON.stringify(rows.map(r => r.dataset.code)) === JSON.stringify(expected);
        }""",
        arg=before,
    )
    assert dashboard.outside_requests() == []
    assert dashboard.errors == []


def test_geometric_aggregation_warns_of_zeros_and_rescales(dashboard: Dashboard) -> None:
    dashboard.open("#/index/ceti")
    dashboard.wait_ranking_ready()
    order = "rows => rows.map(r => r.dataset.code)"
    select = dashboard.page.locator('[data-testid="aggregation"]')
    select.select_option("geometric")
    warning = dashboard.page.locator('[data-testid="method-warning"]')
    warning.wait_for(state="visible")
    assert "geometric" in warning.inner_text() and "rescale" in warning.inner_text()
    select.select_option("geometric-1-100")
    expected = [
        row["code"]
        for row in compute_index(
            load_spec("ceti"), aggregation="geometric", rescale=(1, 100)
        ).rows()
    ]
    dashboard.page.wait_for_function(
        """expected => {
            const rows = [...document.querySelectorAll('[data-testid="ranking-table"] tbody tr')];
            return JSON.stringify(rows.map(r => r.dataset.code)) === JSON.stringify(expected);
        }""",
        arg=expected,
    )
    codes = dashboard.page.locator('[data-testid="ranking-table"] tbody tr').evaluate_all(order)
    assert codes[:2] == ["USA", "CHN"] and codes.index("KOR") == 5  # Korea 6th
    assert warning.inner_text() == ""
    assert dashboard.errors == []


def test_ranking_csv_download_has_the_rows_shown(dashboard: Dashboard) -> None:
    dashboard.open("#/index/ceti")
    dashboard.wait_ranking_ready()
    shown = dashboard.ranking_codes()
    with dashboard.page.expect_download() as info:
        dashboard.page.locator('[data-testid="ranking-table-csv"]').click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["Code"] for row in rows] == shown
    assert rows[shown.index("KOR")]["Rank"] == "5"
    float(rows[0]["Score"])  # numbers, not formatted text


def test_uncertainty_intervals_drawn_on_the_ranking(dashboard: Dashboard, artifacts: Path) -> None:
    dashboard.open("#/index/ceti")
    dashboard.wait_ranking_ready()
    dashboard.page.wait_for_selector('[data-testid="uncertainty"][data-state="ready"]')
    api = httpx.get(
        f"{dashboard.base}/api/indices/ceti/uncertainty", params={"runs": 1000, "seed": 1}
    ).json()
    korea = next(c for c in api["countries"] if c["code"] == "KOR")
    cell = dashboard.page.locator('[data-testid="ranking-table"] tr[data-code="KOR"] td').last
    assert cell.inner_text().startswith(f"{korea['p05']:.0f}\u2013{korea['p95']:.0f}")
    traces = dashboard.page.locator('[data-testid="uncertainty-plot"]').evaluate(
        "div => div.data.map(t => ({name: t.name, x: t.x, y: t.y, "
        "plus: t.error_x ? t.error_x.array : null, minus: t.error_x ? t.error_x.arrayminus : null}))"
    )
    nominal, median = traces
    i = nominal["y"].index(korea["name"])
    assert nominal["x"][i] == korea["nominal"]
    assert nominal["x"][i] + nominal["plus"][i] == pytest.approx(korea["p95"])
    assert nominal["x"][i] - nominal["minus"][i] == pytest.approx(korea["p05"])
    assert median["x"][median["y"].index(korea["name"])] == korea["median"]
    note = dashboard.page.locator('[data-testid="uncertainty-assumptions"]').inner_text()
    assert "1000 runs" in note and "±25%" in note
    # the contribution bars: one stacked trace per sector
    names = dashboard.page.locator('[data-testid="contributions-plot"]').evaluate(
        "div => div.data.map(t => t.name)"
    )
    assert names == SECTORS
    dashboard.page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    assert _is_png(artifacts / "dashboard.png")
    assert dashboard.outside_requests() == []


def test_country_profile_sections_with_figures_and_sources(
    dashboard: Dashboard, artifacts: Path
) -> None:
    dashboard.open("#/country/KOR")
    page = dashboard.page
    page.wait_for_selector('[data-testid="technology-table"] tbody tr')
    for section in ("technology", "military", "arms", "alignment"):
        located = page.locator(f"section#{section}")
        located.locator('[data-testid="source"]').first.wait_for()
        assert located.locator('[data-testid="source"]').first.inner_text().startswith("Source: ")
    page.wait_for_selector("section#arms .js-plotly-plot")
    page.wait_for_selector('section#alignment [data-testid="partners-table"] tbody tr')
    page.wait_for_selector('[data-testid="dynamics-results"][data-state="ready"]')
    page.wait_for_selector('[data-testid="dynamics-backtest-table"] tbody tr')
    profile = httpx.get(f"{dashboard.base}/api/countries/KOR").json()
    sector_rows = page.locator('[data-testid="technology-table"] tbody tr')
    assert sector_rows.count() == len(profile["technology"]["sectors"])
    assert page.locator("section#technology .js-plotly-plot").count() == 1
    assert page.locator("section#military .js-plotly-plot").count() == 1
    assert page.locator('[data-testid="alert"]').is_hidden()
    page.wait_for_timeout(300)  # let the charts settle before the picture
    page.screenshot(path=str(artifacts / "country-KOR.png"), full_page=True)
    assert _is_png(artifacts / "country-KOR.png")
    assert dashboard.outside_requests() == []
    assert dashboard.errors == []


def test_api_error_shown_in_the_alert_region(dashboard: Dashboard) -> None:
    dashboard.open("#/country/XXX")
    alert = dashboard.page.locator('[role="alert"]')
    alert.locator('[data-testid="alert-item"]').wait_for()
    body = httpx.get(f"{dashboard.base}/api/countries/XXX")
    assert body.status_code == 404
    error = body.json()["error"]
    text = alert.inner_text()
    assert error["what"] in text
    assert f"Fix: {error['fix']}" in text


def test_arms_and_partners_views_cite_and_stay_on_loopback(dashboard: Dashboard) -> None:
    dashboard.open("#/arms")
    page = dashboard.page
    page.wait_for_selector('[data-testid="exporters-table"] tbody tr')
    api = httpx.get(
        f"{dashboard.base}/api/arms/exporters", params={"period": "2020-2024", "top": 25}
    ).json()
    codes = page.locator('[data-testid="exporters-table"] tbody tr').evaluate_all(
        "rows => rows.map(r => r.dataset.code)"
    )
    assert codes == [row["code"] for row in api["ranking"]]
    page.wait_for_selector('[data-testid="arms-trend"] .js-plotly-plot')
    link = page.locator('[data-testid="exporters-table-csv"]').get_attribute("href") or ""
    assert "format=csv" in link
    csv_text = httpx.get(dashboard.base + link).text
    assert csv_text.count("\n") >= len(codes)

    dashboard.open("#/partners/KOR")
    page.wait_for_selector('[data-testid="partners-table"] tbody tr')
    page.wait_for_selector('[data-testid="agreement-table"] tbody tr')
    titles = page.locator('[data-testid="source"]').evaluate_all(
        "notes => notes.map(n => n.getAttribute('title'))"
    )
    assert titles and all(title and title.startswith("Source: ") for title in titles)
    outside = dashboard.outside_requests()
    assert outside == [], json.dumps(outside)
    assert any(url.endswith("/static/vendor/plotly-basic.min.js") for url in dashboard.requests)
    assert dashboard.errors == []


def test_partners_view_shows_components_evidence_data_years_and_trend(
    dashboard: Dashboard, artifacts: Path
) -> None:
    dashboard.open("#/partners/KOR")
    page = dashboard.page
    page.wait_for_selector('[data-testid="partners-table"] tbody tr')
    page.wait_for_selector('[data-testid="partners-moving"] tbody tr')
    page.wait_for_selector('[data-testid="partners-trend"] .js-plotly-plot')
    api = httpx.get(f"{dashboard.base}/api/alignment/KOR/partners", params={"top": 0}).json()
    years = page.locator('[data-testid="partners-years"]').inner_text()
    assert f"UN votes {api['years']['un_votes']}" in years and "Alliance 2018" in years
    headers = page.locator('[data-testid="partners-table"] thead th').all_inner_texts()
    for header in ("UN votes 2021-2025", "Alliance 2018", "Trade 2014", "ATOP obligations 2018"):
        assert header in headers, headers
    usa = page.locator('[data-testid="partners-table"] tbody tr[data-code="USA"]').inner_text()
    assert "defence pact" in usa and "100" in usa
    # the trend lines: the top partners and the major powers, each with its slope
    names = page.locator('[data-testid="partners-trend-plot"]').evaluate(
        "div => div.data.map(t => t.name)"
    )
    assert any(n.startswith("North Korea (") for n in names) and len(names) >= 8
    moving = page.locator('[data-testid="partners-moving"] tbody tr').evaluate_all(
        "rows => rows.map(r => r.dataset.code)"
    )
    by_code = {p["code"]: p for p in api["partners"]}
    assert moving and all(by_code[c]["evidence"]["un_trend"] != "steady" for c in moving)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "partners-KOR.png"), full_page=True)
    assert dashboard.errors == []
    assert dashboard.outside_requests() == []


def test_scenario_runner_recruits_raise_korean_articles(dashboard: Dashboard) -> None:
    dashboard.open("#/country/KOR")
    page = dashboard.page
    results = page.locator('[data-testid="dynamics-results"]')
    page.wait_for_selector('[data-testid="dynamics-results"][data-state="ready"]')
    assert results.get_attribute("data-scenario") == "baseline"
    page.locator('[data-testid="dynamics-recruits"]').fill("800")
    page.locator('[data-testid="dynamics-from"]').fill("2026")
    page.locator('[data-testid="dynamics-to"]').fill("2035")
    assert page.locator('[data-testid="dynamics-scenario"]').input_value() == "__levers__"
    page.locator('[data-testid="dynamics-run"]').click()
    page.wait_for_selector(
        '[data-testid="dynamics-results"][data-scenario="levers"][data-state="ready"]'
    )
    # the chart: the 5-95% band (filled) and the median of the chosen output, as the API answers
    traces = page.locator('[data-testid="dynamics-chart-plot"]').evaluate(
        "div => div.data.map(t => ({name: t.name, fill: t.fill || null, y: t.y}))"
    )
    assert [t["fill"] for t in traces] == [None, "tonexty", None]
    body = {
        "scenario": {
            "name": "levers",
            "title": "Levers set on the dashboard",
            "set": {
                "recruits": {"value": 800, "from": 2026, "to": 2035},
                "recruit_retention": 0.9,
                "recruit_productivity": 1.5,
            },
        },
        "years": "2025-2050",
        "runs": 2000,
        "seed": 1,
    }
    api = httpx.post(f"{dashboard.base}/api/dynamics/KOR/run", json=body, timeout=30).json()
    articles = next(s for s in api["series"] if s["name"] == "articles")
    assert traces[2]["y"] == pytest.approx(articles["median"])
    row = page.locator('[data-testid="dynamics-headline-table"] tr[data-output="articles"]')
    effect = float(row.get_attribute("data-effect") or "nan")
    assert effect > 0
    assert effect == pytest.approx(api["headline"]["articles"]["effect_median"])
    assert row.locator("td").nth(4).inner_text().startswith("+")
    effect_traces = page.locator('[data-testid="dynamics-effect-chart-plot"]').evaluate(
        "div => div.data.map(t => t.y)"
    )
    assert effect_traces[2] == pytest.approx(articles["effect_median"])
    # the chart cites every dataset of the run, as the API's citations name them
    note = page.locator('[data-testid="dynamics-chart"] [data-testid="source"]')
    for citation in api["citations"]:
        assert citation["short"] in note.inner_text()
    assert "World Bank" in (note.get_attribute("title") or "")
    # the backtest beside it (tested in test_backtest_compares_the_model_from_three_origins)
    page.wait_for_selector('[data-testid="dynamics-backtest-table"] tbody tr')
    assert page.locator('[data-testid="dynamics-backtest-table"] tbody tr').count() == 8
    assert (
        page.locator('[data-testid="dynamics-loops-summary"]')
        .inner_text()
        .startswith("Years by mode")
    )
    # a bad lever value: the server's explanation in the alert region, naming the range
    page.locator('[data-testid="dynamics-recruit_retention"]').fill("1.4")
    page.locator('[data-testid="dynamics-run"]').click()
    alert = page.locator('[data-testid="alert-item"]')
    alert.wait_for()
    assert "recruit_retention" in alert.inner_text() and "0 to 1" in alert.inner_text()
    assert dashboard.outside_requests() == []
    assert dashboard.errors == []


# -- citations: every figure names its source, edition and data years, from the API ----------


EN_DASH = "\u2013"


def _period(citation: dict[str, Any]) -> tuple[str, ...]:
    """The citation's data years as the dashboard may print them (en dash or hyphen)."""
    years = citation["years"]
    if not years:
        return ()
    if years[0] == years[1]:
        return (str(years[0]),)
    return tuple(f"{years[0]}{dash}{years[1]}" for dash in (EN_DASH, "-"))


def _assert_cited(text: str, citation: dict[str, Any], where: str) -> None:
    """``text`` (a source line) names the citation's short name, edition and data years."""
    assert citation["short"] in text, f"{where}: {citation['short']!r} not in {text!r}"
    assert citation["edition"] in text, f"{where}: edition {citation['edition']!r} not in {text!r}"
    period = _period(citation)
    assert not period or any(p in text for p in period), f"{where}: {period} not in {text!r}"


def _source_text(scope: Any) -> str:
    notes = scope.locator('[data-testid="source"]')
    return " | ".join(str(t) for t in notes.all_inner_texts())


def test_backtest_compares_the_model_from_three_origins(
    dashboard: Dashboard, artifacts: Path
) -> None:
    dashboard.open("#/country/KOR")
    page = dashboard.page
    table = page.locator('[data-testid="dynamics-backtest-table"]')
    page.wait_for_selector('[data-testid="dynamics-backtest-table"] tbody tr')
    params = {"origins": "2005,2010,2014", "runs": 300, "seed": 1}
    api = httpx.get(f"{dashboard.base}/api/dynamics/KOR/backtest", params=params,
                    timeout=60).json()  # fmt: skip
    assert api["origins"] == [2005, 2010, 2014]
    headers = [h.strip() for h in table.locator("th").all_inner_texts()]
    assert headers == ["Series", "Model", "Last value", "Drift (trend)", "ETS",
                       "Model beats both naive", "In 90% band", "Forecast to use"]  # fmt: skip
    rows = table.locator("tbody tr")
    assert rows.count() == len(api["series"]) == 8
    words = {"model": "the model", "last_value": "the last value",
             "drift": "the drift (trend)", "ets": "exponential smoothing (ETS)"}  # fmt: skip
    for i, series in enumerate(api["series"]):
        row = rows.nth(i)
        assert row.get_attribute("data-series") == series["name"]
        assert row.get_attribute("data-use") == series["use"]
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        assert cells[1] == f"{series['model_error']:,.1f}"
        assert cells[4] == f"{series['ets_error']:,.1f}"
        assert cells[5] == f"{series['model_beats_naive']} of {series['origins']}"
        assert abs(float(cells[6].rstrip("%")) - 100 * series["coverage_90_noise"]) <= 0.5
        assert cells[7].startswith(words[series["use"]])
        # where the recommended forecast is not the model, the row says so
        assert cells[7].endswith("not the model") == (series["use"] != "model")
    assert table.locator('tr[data-series="rd_intensity"] td').first.inner_text() == (
        "R&D, % of GDP"
    )
    assert any(s["use"] != "model" for s in api["series"])  # KOR: ETS wins GDP
    summary = page.locator('[data-testid="dynamics-backtest-summary"]').inner_text()
    total = api["summary"]
    assert (
        f"beats both naive forecasts (last value and drift) in {total['model_beats_naive']} of "
        f"{total['cases']} cases" in summary
    )
    assert f"(AutoETS) in {total['ets_beats_naive']}." in summary
    share = float(summary.split("% of the test values")[0].rsplit(" ", 1)[-1])
    assert abs(share - 100 * total["coverage_90_noise"]) <= 0.5
    note = page.locator('[data-testid="dynamics-backtest-table-figure"] [data-testid="source"]')
    for citation in api["citations"]:
        assert citation["short"] in note.inner_text()
    link = page.locator('[data-testid="dynamics-backtest-table-csv"]')
    href = link.get_attribute("href") or ""
    assert "origins=2005%2C2010%2C2014" in href or "origins=2005,2010,2014" in href
    assert "format=csv" in href
    csv_text = httpx.get(dashboard.base + href, timeout=60).text
    assert csv_text.splitlines()[0].startswith("name,unit,metric,origins,model_error")
    assert len(csv_text.strip().splitlines()) == 9
    page.locator('[data-testid="dynamics-backtest"]').scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.locator('[data-testid="dynamics-backtest"]').screenshot(
        path=str(artifacts / "dynamics-backtest-KOR.png")
    )
    assert dashboard.errors == []
    assert dashboard.outside_requests() == []


def test_country_and_arms_views_cite_edition_and_years(
    dashboard: Dashboard, artifacts: Path
) -> None:
    dashboard.open("#/country/KOR")
    page = dashboard.page
    profile = httpx.get(f"{dashboard.base}/api/countries/KOR").json()
    for part in ("technology", "military", "arms"):
        section = page.locator(f"section#{part}")
        for citation in profile[part]["citations"]:
            cited = section.locator(f'.citation[data-dataset="{citation["dataset"]}"]').first
            cited.wait_for()
            _assert_cited(_source_text(section), citation, f"section {part}")
            if citation["url"]:
                assert cited.get_attribute("href") == citation["url"]
            assert cited.get_attribute("title") == citation["text"]
    # the arms headline says the periods the library chose
    arms = page.locator("section#arms")
    assert f"Rank among exporters, {profile['arms']['period']}" in arms.inner_text()
    assert f"Rank, {profile['arms']['previous_period']}" in arms.inner_text()
    alignment = page.locator("section#alignment")
    alignment.locator('[data-testid="agreement-table"] tbody tr').first.wait_for()
    votes = next(c for c in profile["alignment"]["citations"] if c["dataset"] == "unvotes")
    _assert_cited(_source_text(alignment), votes, "section alignment")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "country-KOR-citations.png"), full_page=True)

    dashboard.open("#/arms")
    page.wait_for_selector('[data-testid="exporters-table"] tbody tr')
    api = httpx.get(f"{dashboard.base}/api/arms/exporters", params={"top": 25}).json()
    asked = [u for u in dashboard.requests if "/api/arms/exporters" in u]
    assert asked and "period=" not in asked[0]  # the API chose the period
    assert page.locator('[data-testid="arms-period"]').input_value() == api["period"]
    assert api["period"] in page.locator('[data-testid="arms-period-used"]').inner_text()
    table = page.locator('[data-testid="exporters-table-figure"]')
    assert api["period"] in table.locator("h3").inner_text()
    for citation in api["citations"]:
        _assert_cited(_source_text(table), citation, "exporters table")
    page.wait_for_selector('[data-testid="arms-trend"] .js-plotly-plot')
    page.screenshot(path=str(artifacts / "arms.png"), full_page=True)
    assert dashboard.errors == []
    assert dashboard.outside_requests() == []


def test_the_index_explorer_cites_edition_and_years(dashboard: Dashboard) -> None:
    dashboard.open("#/index/ceti")
    page = dashboard.page
    page.wait_for_selector('[data-testid="ranking-table"] tbody tr')
    (citation,) = httpx.post(f"{dashboard.base}/api/indices/ceti/compute", json={}).json()[
        "citations"
    ]
    table = page.locator('[data-testid="ranking-table-figure"]')
    table.locator(f'.citation[data-dataset="{citation["dataset"]}"]').first.wait_for()
    _assert_cited(_source_text(table), citation, "ranking table")
    assert dashboard.errors == []


def test_footer_names_the_store_without_a_local_path(dashboard: Dashboard) -> None:
    dashboard.open("#/arms")
    page = dashboard.page
    page.wait_for_function("document.getElementById('health').textContent.length > 0")
    footer = page.locator("footer").inner_text()
    described = httpx.get(f"{dashboard.base}/api/health").json()["store"]
    assert described in footer
    assert not re.search(r"(^|[\s:])/[A-Za-z]", footer), footer
    assert str(Path.home()) not in footer and str(Path.cwd()) not in footer


@pytest.fixture()
def next_dashboard(browser: Any, next_edition_url: str) -> Iterator[Dashboard]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(15_000)
    yield Dashboard(context.new_page(), next_edition_url)
    context.close()


def test_a_later_edition_changes_what_the_dashboard_says(
    next_dashboard: Dashboard, artifacts: Path
) -> None:
    from support import NEXT_EDITIONS

    next_dashboard.open("#/country/KOR")
    page = next_dashboard.page
    military = page.locator("section#military")
    military.locator('.citation[data-dataset="gfp"]').first.wait_for()
    text = _source_text(military)
    gfp = NEXT_EDITIONS["gfp"]
    assert gfp["short"] in text and "Global Firepower 2026" not in text
    gfp_row = military.locator('[data-testid="military-table"] tbody tr').first
    assert "2027" in gfp_row.inner_text()
    technology = page.locator("section#technology")
    technology.locator('.citation[data-dataset="belfer_ceti"]').first.wait_for()
    assert NEXT_EDITIONS["belfer_ceti"]["short"] in _source_text(technology)
    page.screenshot(path=str(artifacts / "country-KOR-next-edition.png"), full_page=True)
    assert next_dashboard.errors == []
