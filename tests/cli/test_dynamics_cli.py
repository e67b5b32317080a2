"""The dynamics commands: documented JSON fields, scenario files, and bad input exits 2."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from powerscope.cli.main import app
from powerscope.errors import PowerscopeError

runner = CliRunner()


def test_backtest_json_fields() -> None:
    result = runner.invoke(
        app, ["dynamics", "backtest", "KOR", "--runs", "100", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["origins"] == [2005, 2010, 2014]
    assert [b["fit"] for b in payload["backtests"]] == [[1996, 2005], [1996, 2010], [1996, 2014]]
    assert all(b["test"][1] == payload["last"] for b in payload["backtests"])
    for backtest in payload["backtests"]:
        for series in backtest["series"]:
            assert {"model_error", "baseline_error", "last_value_error", "ets_error",
                    "coverage_90_noise", "model_beats_naive"} <= set(series)  # fmt: skip
    for series in payload["series"]:
        assert series["use"] in {"model", "last_value", "drift", "ets"}
        assert series["advice"]
    assert payload["summary"]["cases"] >= 20
    assert set(payload["by_origin"]) == {"2005", "2010", "2014"}
    assert all(0 <= o["coverage_90_noise"] <= 1 for o in payload["by_origin"].values())
    assert "wdi" in payload["sources"]


def test_backtest_one_window() -> None:
    result = runner.invoke(app, ["dynamics", "backtest", "KOR", "--fit", "1996-2014", "--test",
                                 "2015-2023", "--runs", "100", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["fit"] == [1996, 2014] and payload["test"] == [2015, 2023]
    assert all("ets_error" in s for s in payload["series"])


def test_backtest_origins_after_the_data_are_an_error_naming_its_end() -> None:
    result = runner.invoke(app, ["dynamics", "backtest", "KOR", "--origins", "2030"])
    assert isinstance(result.exception, PowerscopeError), result.output
    assert result.exception.parameter == "origins"
    assert "leaves no test years before 20" in str(result.exception)


def test_run_with_a_user_scenario_file(tmp_path) -> None:
    scenario = tmp_path / "talent.yaml"
    scenario.write_text(
        "name: my-talent\nset:\n  recruits: {value: 2000, from: 2026, to: 2030}\n", encoding="utf-8"
    )
    out = tmp_path / "run.csv"
    result = runner.invoke(app, ["dynamics", "run", "KOR", "--scenario", str(scenario),
                                 "--years", "2025-2040", "--runs", "200", "--format", "csv",
                                 "--output", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    header, *rows = out.read_text(encoding="utf-8").splitlines()
    assert header.startswith("output,unit,year,p05,median,p95,effect_p05")
    assert len(rows) == 12 * 16  # 12 outputs x 16 years


def test_bad_scenario_exits_2_and_writes_nothing(tmp_path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("name: bad\nset:\n  recruit_retention: 1.4\n", encoding="utf-8")
    out = tmp_path / "out.json"
    proc = subprocess.run([sys.executable, "-m", "powerscope.cli.main", "dynamics", "run", "KOR",
                           "--scenario", str(scenario), "--output", str(out)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 2
    assert "outside its meaningful range 0 to 1" in proc.stderr and "bad.yaml" in proc.stderr
    assert not out.exists()
    scenario.write_text("name: bad\nset:\n  talent_budget: 5\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "powerscope.cli.main", "dynamics", "run", "KOR",
                           "--scenario", str(scenario)], capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 2 and "unknown parameter 'talent_budget'" in proc.stderr


def test_compare_and_loops_and_listings() -> None:
    result = runner.invoke(app, ["dynamics", "compare", "KOR", "CHN", "--runs", "100", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [c["code"] for c in json.loads(result.output)["countries"]] == ["KOR", "CHN"]
    result = runner.invoke(app, ["dynamics", "loops", "KOR", "--last", "2035", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["years"][-1]["year"] == 2035
    result = runner.invoke(app, ["dynamics", "scenarios", "--format", "json"])
    assert "thousand-talents" in {s["name"] for s in json.loads(result.output)["scenarios"]}
    result = runner.invoke(app, ["dynamics", "parameters", "--format", "csv"])
    assert result.exit_code == 0 and "recruit_retention" in result.output


def test_export_xmile(tmp_path) -> None:
    out = tmp_path / "kor.xmile"
    result = runner.invoke(app, ["dynamics", "export", "KOR", "--scenario", "rd-boost", "--output", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0"') and '<stock name="knowledge">' in text
    assert "IF TIME &gt;= 2026 THEN" in text  # rd-boost adds 1 pp from 2026 (XML-escaped)


def test_calibrate_table_lists_every_equation_fit() -> None:
    # an intercept-only equation has no R² (None): the caption says so instead of crashing
    result = runner.invoke(app, ["dynamics", "calibrate", "KOR"])
    assert result.exit_code == 0, result.output
    assert "Equation fits:" in result.output
    assert "n/a (intercept only)" in result.output


def test_calibrate_json_keeps_a_missing_r2_as_null() -> None:
    result = runner.invoke(app, ["dynamics", "calibrate", "KOR", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    r2s = [e["r2"] for e in payload["equations"]]
    assert None in r2s and any(isinstance(r, float) for r in r2s)


def test_windows_outside_the_data_are_errors_naming_its_years() -> None:
    for args in (["calibrate", "KOR", "--fit", "1900-2023"],
                 ["backtest", "KOR", "--test", "2015-2030", "--runs", "20"]):  # fmt: skip
        result = runner.invoke(app, ["dynamics", *args])
        assert isinstance(result.exception, PowerscopeError), result.output
        assert "outside KOR's data, which cover 1990-" in str(result.exception)
