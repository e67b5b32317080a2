"""The align commands: agreement, ideal points, distance and partners from the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
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
    assert len(payload["partners"]) == 10 and payload["partners"][0]["code"] == "AUS"
    assert {"median_rank", "q05_rank", "q95_rank"} <= set(payload["partners"][0])
    weights = "un_votes=0,alliance=0.6,democracy=0.1,institutions=0.1,shared_igos=0.1,trade=0.1,"
    weights += "embassies=0,trade_agreements=0"
    moved = runner.invoke(
        app, ["align", "partners", "KOR", "--runs", "0", "--weights", weights, "--format", "json"]
    )
    assert json.loads(moved.output)["partners"][0]["code"] == "USA"


def test_partners_json_alliance_obligations_years_and_trend() -> None:
    args = ["align", "partners", "KOR", "--runs", "0", "--top", "0", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    partners = {p["code"]: p for p in payload["partners"]}
    for code in ("PRK", "CHN"):  # non-aggression obligations only
        assert partners[code]["components"]["alliance"] == 0
        assert partners[code]["evidence"]["alliance"] == "non-aggression pact"
    assert partners["USA"]["components"]["alliance"] == 100
    years = payload["years"]
    assert years["un_votes"] == "2021-2025" and years["un_trend"] == "2016-2025"
    assert set(partners["USA"]["components"]) <= set(years)
    assert partners["JPN"]["evidence"]["un_by_year"]["2025"] > 80
    assert payload["trend"]["years"] == "2016-2025"
    table = runner.invoke(app, ["align", "partners", "KOR", "--runs", "0", "--top", "5",
                                "--years", "2019-2023", "--trend-years", "5", "--format", "csv"])  # fmt: skip
    assert table.exit_code == 0, table.output
    header = table.output.splitlines()[0].split(",")
    for text in ("un_votes 2019-2023", "alliance 2018", "trade 2014", "UN trend 2019-2023 pp/yr"):
        assert text in header, (text, header)
    assert {"trend", "ATOP obligations"} <= set(header)


def test_partners_alliance_obligations_reweight() -> None:
    weights = "alliance/defence=0.5,alliance/consultation=0,alliance/nonaggression=0.5"
    args = ["align", "partners", "KOR", "--runs", "0", "--top", "0", "--format", "json"]
    result = runner.invoke(app, [*args, "--weights", weights])
    assert result.exit_code == 0, result.output
    partners = {p["code"]: p for p in json.loads(result.output)["partners"]}
    assert partners["PRK"]["components"]["alliance"] == 50


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
        (["align", "partners", "Atlantis"], "Atlantis"),
        (["align", "partners", "KOR", "--years", "2021-2030"], "the votes cover 1946-2025"),
        (["align", "partners", "KOR", "--years", "1900-1950"], "(in --years)"),
        (["align", "partners", "KOR", "--years", "recent"], "cannot read the years"),
        (["align", "partners", "KOR", "--weights", "alliance/defence=2"], "sum to 2.2"),
        (["align", "partners", "KOR", "--weights", "alliance=-1"], "must be finite and >= 0"),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "powerscope.cli.main", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 2 and message in proc.stderr, (args, proc.stderr)


def test_agreement_in_a_year_without_enough_roll_calls_is_an_error() -> None:
    # 1951 holds 7 roll calls
    result = runner.invoke(app, ["align", "agreement", "USA", "--year", "1951"])
    assert isinstance(result.exception, PowerscopeError), result.output
    assert "choose a year with at least 10 roll calls" in str(result.exception)


def test_a_year_after_the_votes_is_a_period_error_naming_the_last_year() -> None:
    from powerscope.alignment import service
    from powerscope.errors import PeriodError

    last = service.last_vote_year()
    for args in (
        ["align", "agreement", "KOR", "--year", str(last + 1)],
        ["align", "idealpoints", "--from", str(last - 2), "--to", str(last + 1)],
    ):
        result = runner.invoke(app, args)
        assert isinstance(result.exception, PeriodError), result.output
        assert str(last) in str(result.exception)


def test_the_default_last_year_follows_the_votes(monkeypatch: pytest.MonkeyPatch) -> None:
    from powerscope.alignment import service
    from powerscope.alignment.partners import last_full_year
    from powerscope.data.store import open_store

    calls = open_store().table("un_roll_calls")
    assert service.last_vote_year() == last_full_year(calls) == int(calls["year"].max())
    monkeypatch.setattr(service, "last_vote_year", lambda store=None: 2017)
    result = runner.invoke(
        app, ["align", "distance", "KOR", "USA", "--from", "2015", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["to"] == 2017 and {r["year"] for r in payload["rows"]} == {2015, 2016, 2017}
    assert payload["citations"][0]["dataset"] == "unvotes"
    assert [c["dataset"] for c in payload["citations"]] == ["unvotes", "unvotes_undl"]
    assert payload["source"] == "Source: " + "; ".join(c["text"] for c in payload["citations"])


def test_a_full_session_makes_the_last_year() -> None:
    import pandas as pd

    from powerscope.alignment.partners import last_full_year

    calls = pd.DataFrame({"year": [2018] * 30 + [2019] * 25 + [2020] * 3})
    assert last_full_year(calls) == 2019
