"""The open power index through `powerscope index compute --year` and `index trend`: a year's
ranking of every state with its components and every source's edition, and Korea's trend."""

from __future__ import annotations

import json

from cli_support import runner

from powerscope.cli.main import app
from powerscope.power.indicators import INDICATORS


def test_compute_a_year_of_the_power_index_as_json() -> None:
    result = runner.invoke(app, ["index", "compute", "power", "--year", "2023", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["year"] == 2023
    entities = payload["entities"]
    assert len(entities) >= 150
    first = entities[0]
    assert {"code", "name", "score", "rank", "components"} <= set(first)
    assert first["code"] == "USA" and first["rank"] == 1
    kor = next(e for e in entities if e["code"] == "KOR")
    assert "Military capability" in kor["components"]
    assert "Technology/ai_articles" in kor["components"]
    editions = {c["dataset"]: c["edition"] for c in payload["citations"]}
    assert {i.dataset for i in INDICATORS.values()} <= set(editions)
    assert all(editions.values())
    assert payload["method"]["carried_forward"] > 0  # carried values are counted, not hidden


def test_korea_trend_2000_2024_with_a_rank_band() -> None:
    result = runner.invoke(
        app,
        ["index", "trend", "power", "KOR", "--from", "2000", "--to", "2024", "--runs", "50",
         "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["runs"] == 50 and (payload["from"], payload["to"]) == (2000, 2024)
    rows = payload["rows"]
    assert [r["year"] for r in rows] == list(range(2000, 2025))
    assert all(r["code"] == "KOR" and r["q05_rank"] <= r["rank"] + 0.5 for r in rows)
    assert rows[0]["rank"] == 13 and rows[-1]["rank"] == 10  # docs/power.md
