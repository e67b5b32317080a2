"""`powerscope country`: a country's cross-domain profile."""

from __future__ import annotations

import json

from cli_support import run, runner

from powerscope.cli.main import app


def test_country_profile_json() -> None:
    result = runner.invoke(app, ["country", "Korea, Rep.", "--format", "json"])
    assert result.exit_code == 0, result.output
    profile = json.loads(result.output)
    tech = profile["technology"]
    assert tech["index"]["rank"] == 5 and tech["index"]["rank_excluding_aggregates"] == 4
    assert [s["rank"] for s in tech["sectors"]] == [5, 9, 10, 13, 12]
    assert profile["military"]["measures"]["gfp"]["rank"] == 5
    assert profile["arms"]["current"]["rank"] == 10
    assert profile["alignment"]["partners"][0]["code"] == "AUS"
    for part in ("technology", "military", "arms", "alignment"):
        cited = profile[part]["citations"]
        assert cited and all(c["dataset"] and c["edition"] and c["text"] for c in cited), part
    assert profile["store"].startswith("embedded snapshot, powerscope ")


def test_country_profile_table() -> None:
    result = runner.invoke(app, ["country", "KOR"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "score 20.0, rank 5 of 26 (4 of 25 countries)" in out
    assert "Chip Design and Tools (2)" in out
    assert "gfp" in out and "145" in out  # GFP rank of 145
    assert "2.18% of world exports, rank 10, in 2020-2024" in out and "Poland 46%" in out
    from powerscope.alignment.service import last_vote_year

    assert "1. Australia" in out and f"UN vote agreement {last_vote_year()}" in out
    assert "sipri_arms" in out and "1950-2024" in out  # the data behind each part
    assert "Data: embedded snapshot, powerscope" in out


def test_a_country_outside_the_index_says_why_and_shows_the_rest() -> None:
    result = runner.invoke(app, ["country", "Norway"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Technology: not available (Norway is not covered" in result.output
    assert "Military strength" in result.output


def test_unknown_country() -> None:
    proc = run("country", "Atlantis")
    assert proc.returncode == 2 and "Atlantis" in proc.stderr and "closest" in proc.stderr
