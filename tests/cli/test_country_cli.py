"""`powerscope country`: a country's cross-domain profile."""

from __future__ import annotations

import json

from cli_support import run, runner

from powerscope.cli.main import app


def test_country_profile() -> None:
    result = runner.invoke(app, ["country", "Korea, Rep.", "--format", "json"])
    assert result.exit_code == 0, result.output
    profile = json.loads(result.output)
    assert profile["index"]["rank"] == 5 and profile["index"]["rank_excluding_aggregates"] == 4
    assert [s["rank"] for s in profile["sectors"]] == [5, 9, 10, 13, 12]


def test_unknown_country() -> None:
    proc = run("country", "Atlantis")
    assert proc.returncode == 2 and "Atlantis" in proc.stderr and "closest" in proc.stderr
