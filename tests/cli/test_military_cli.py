"""The military commands: documented JSON fields, Korea's ranks, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from powerscope.cli.main import app
from powerscope.errors import PowerscopeError

runner = CliRunner()


def test_rank_json_rows() -> None:
    for measure, expected in (("gfp", 5), ("milex", 11), ("open", 5)):
        result = runner.invoke(
            app, ["military", "rank", "--measure", measure, "--format", "json", "--top", "0"]
        )
        assert result.exit_code == 0, result.output
        payload = json.loads(result.output)
        assert set(payload["rows"][0]) == {"code", "name", "value", "rank"}
        kor = next(r for r in payload["rows"] if r["code"] == "KOR")
        assert kor["rank"] == expected, measure
        assert payload["source"]


def test_rank_with_year() -> None:
    result = runner.invoke(
        app, ["military", "rank", "--measure", "cinc", "--year", "1990", "--format", "json"]
    )
    assert result.exit_code == 0 and json.loads(result.output)["year"] == 1990


def test_compare_and_movers_csv() -> None:
    result = runner.invoke(app, ["military", "compare", "--format", "csv"])
    assert result.exit_code == 0
    assert (
        result.output.splitlines()[0]
        == "code,name,gfp_rank,milex_rank,cinc_rank,open_rank,open_minus_gfp"
    )
    moved = runner.invoke(app, ["military", "compare", "--movers", "--top", "5", "--format", "csv"])
    assert moved.exit_code == 0 and moved.output.splitlines()[0].endswith(",why")


def test_profile_json() -> None:
    result = runner.invoke(app, ["military", "profile", "Korea, South", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["measures"]["gfp"]["value"] == 0.1642


def test_unknown_measure_exit_2() -> None:
    proc = subprocess.run([sys.executable, "-m", "powerscope.cli.main", "military", "rank", "--measure", "tanks"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 2 and "unknown measure 'tanks'" in proc.stderr


def test_explain_gfp_json() -> None:
    result = runner.invoke(app, ["military", "explain-gfp", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["metrics"]["spearman_oof"] > 0.95
    assert payload["dropped_factors"] == ["total_naval_fleet_tonnage_mt"]
    assert len(payload["coefficients"]) == 15


def test_explain_gfp_for_korea_with_imputation_flagged() -> None:
    result = runner.invoke(
        app,
        ["military", "explain-gfp", "--country", "KOR", "--impute", "median", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["imputed_cells"] == 94 and payload["country"] == "KOR"
    assert payload["explanation"][0]["factor"] == "submarines"


def test_a_year_outside_the_data_is_an_error_naming_its_years() -> None:
    result = runner.invoke(app, ["military", "rank", "--measure", "milex", "--year", "2030"])
    assert isinstance(result.exception, PowerscopeError), result.output
    assert "use a year from 1949 to 2024" in str(result.exception)


def test_profile_of_a_country_a_measure_does_not_cover() -> None:
    # SIPRI has no 2024 spending for Venezuela: its milex cells are empty, not a crash
    result = runner.invoke(app, ["military", "profile", "VEN"])
    assert result.exit_code == 0, result.output
    milex = next(line for line in result.output.splitlines() if "│ milex" in line)
    assert "None" not in milex


def test_rank_cites_the_edition_in_the_store(monkeypatch: pytest.MonkeyPatch) -> None:
    from powerscope.military import measures
    from support import next_edition_store

    monkeypatch.setattr(measures, "open_store", next_edition_store)
    result = runner.invoke(app, ["military", "rank", "--format", "json", "--top", "3"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["year"] == 2027 and "edition 2027" in payload["source"]
    assert [c["edition"] for c in payload["citations"]] == ["2027"]
    assert "2026" not in payload["source"]
    table = runner.invoke(app, ["military", "rank", "--top", "3"], env={"COLUMNS": "300"})
    assert "Military strength: gfp (2027)" in table.output and "edition 2027" in table.output
    stale = runner.invoke(app, ["military", "rank", "--year", "2026"])
    assert stale.exit_code != 0 and "the 2027 edition, not 2026" in str(stale.exception)


def test_compare_cites_every_dataset_of_the_four_measures() -> None:
    result = runner.invoke(app, ["military", "compare", "--format", "json", "--top", "3"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert [c["dataset"] for c in payload["citations"]] == ["gfp", "sipri_milex", "cow_nmc"]
    assert payload["source"].startswith("Source: Global Firepower")
