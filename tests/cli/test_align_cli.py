"""The align commands: agreement, ideal points, distance and partners from the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from powerscope.cli.main import app
from powerscope.errors import PowerscopeError

runner = CliRunner()


def test_agreement_json() -> None:
    result = runner.invoke(app, ["align", "agreement", "KOR", "--year", "2019", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    partners = {p["partner"]: p for p in payload["partners"]}
    assert partners["JPN"]["percent_agreement"] > partners["USA"]["percent_agreement"]
    assert {"kappa", "pi", "s_unweighted", "n"} <= set(partners["JPN"])
    assert "Voeten" in payload["source"]


def test_partners_json_and_reweighting() -> None:
    args = ["align", "partners", "KOR", "--runs", "100", "--top", "10", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert len(payload["partners"]) == 10 and payload["partners"][0]["code"] == "JPN"
    assert {"median_rank", "q05_rank", "q95_rank"} <= set(payload["partners"][0])
    weights = "un_votes=0,alliance=0.6,democracy=0.1,institutions=0.1,shared_igos=0.1,trade=0.1"
    moved = runner.invoke(
        app, ["align", "partners", "KOR", "--runs", "0", "--weights", weights, "--format", "json"]
    )
    assert json.loads(moved.output)["partners"][0]["code"] == "USA"


def test_idealpoints_and_distance(tmp_path: Path) -> None:
    out = tmp_path / "ip.csv"
    result = runner.invoke(
        app, ["align", "idealpoints", "--from", "2015", "--to", "2019", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    header = out.read_text().splitlines()[0].split(",")
    assert header[:3] == ["code", "year", "idealpoint"] and {"lower", "upper"} <= set(header)
    result = runner.invoke(
        app,
        [
            "align",
            "distance",
            "KOR",
            "USA",
            "CHN",
            "--from",
            "2015",
            "--to",
            "2019",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rows"]
    by_other = {}
    for row in rows:
        by_other.setdefault(row["other"], []).append(row["distance"])
    assert sum(by_other["USA"]) / len(by_other["USA"]) > 0 and set(by_other) == {"USA", "CHN"}


def test_bad_input_exit_2() -> None:
    for args, message in (
        (["align", "agreement", "KOR", "--year", "1964"], "1964"),
        (["align", "agreement", "Atlantis"], "Atlantis"),
        (["align", "partners", "KOR", "--weights", "votes=1"], "unknown node 'votes'"),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "powerscope.cli.main", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 2 and message in proc.stderr, (args, proc.stderr)


def test_agreement_in_a_year_without_enough_roll_calls_is_an_error() -> None:
    result = runner.invoke(app, ["align", "agreement", "KOR", "--year", "2020"])
    assert isinstance(result.exception, PowerscopeError), result.output
    assert "choose a year with at least 10 roll calls" in str(result.exception)
