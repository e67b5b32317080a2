"""The service layer: JSON-safe reports with sources, for the CLI, web app and briefs."""

from __future__ import annotations

import json
import math

import pytest

from powerscope.dynamics.service import (
    calibration_report,
    compare_report,
    finite,
    parse_years,
    scenario_report,
)
from powerscope.errors import SpecError


def test_finite_and_years() -> None:
    assert finite({"a": [1.0, math.nan], "b": math.inf}) == {"a": [1.0, None], "b": None}
    assert parse_years("2025-2050") == (2025, 2050)
    with pytest.raises(SpecError, match="not a year range"):
        parse_years("2025:2050")
    with pytest.raises(SpecError, match="ends before"):
        parse_years("2050-2025")


def test_scenario_report_is_cited_json(korea) -> None:
    report = scenario_report("KOR", "thousand-talents", runs=300, calibration=korea)
    text = json.dumps(report, allow_nan=False)
    assert "World Development Indicators" in text and "SIPRI" in text
    assert report["years"][0] == 2025 and report["years"][-1] == 2050
    articles = report["headline"]["articles"]
    assert articles["p05"] <= articles["median"] <= articles["p95"]
    assert articles["effect_median"] > 0


def test_report_years_must_follow_calibration(korea) -> None:
    with pytest.raises(SpecError, match="start in 2024 or later"):
        scenario_report("KOR", years=(2020, 2050), runs=10, calibration=korea)


def test_calibration_and_compare_reports() -> None:
    cal = calibration_report("KOR")
    names = {p["parameter"] for p in cal["parameters"]}
    assert {"knowledge_elasticity", "rd_target", "knowledge_depreciation"} <= names
    json.dumps(cal, allow_nan=False)
    comp = compare_report(["KOR", "CHN"], runs=100)
    assert [c["code"] for c in comp["countries"]] == ["KOR", "CHN"]
    assert comp["countries"][1]["gdp_median"] > comp["countries"][0]["gdp_median"]
