"""The arms commands: the documented JSON fields, the debate's figures, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from powerscope.cli.main import app
from powerscope.errors import PowerscopeError

runner = CliRunner()


def test_shares_json_rows() -> None:
    result = runner.invoke(
        app, ["arms", "shares", "--period", "2017-2021", "--top", "25", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert len(payload["rows"]) == 25
    assert set(payload["rows"][0]) == {"code", "name", "tiv", "share", "rank"}
    kor = next(r for r in payload["rows"] if r["code"] == "KOR")
    assert kor["rank"] == 8 and round(kor["share"], 1) == 2.8
    assert "SIPRI" in payload["source"] and payload["edition"].startswith("2025")


def test_compare_csv() -> None:
    result = runner.invoke(
        app, ["arms", "compare", "--periods", "2012-2016,2017-2021", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    header, *rows = result.output.strip().splitlines()
    assert header.startswith("code,name,tiv 2012-2016,share 2012-2016,rank 2012-2016")
    assert header.endswith(",change")
    assert any(r.startswith("KOR,South Korea,") for r in rows)


def test_editions() -> None:
    result = runner.invoke(app, ["arms", "editions", "--period", "2017-2021", "--format", "json"])
    assert result.exit_code == 0, result.output
    kor = next(r for r in json.loads(result.output)["rows"] if r["code"] == "KOR")
    assert kor["rank 2022"] == 8 and round(kor["share 2022"], 1) == 2.8


def test_profile_json() -> None:
    result = runner.invoke(app, ["arms", "profile", "South Korea", "--format", "json"])
    assert result.exit_code == 0, result.output
    profile = json.loads(result.output)
    assert profile["code"] == "KOR" and profile["clients"][0]["code"] == "POL"
    assert {r["period"] for r in profile["trend"]} >= {"2012-2016", "2017-2021", "2020-2024"}
    assert profile["categories"] and profile["pending_tiv"] > 0
    assert abs(sum(c["share"] for c in profile["categories"]) - 100) < 1e-6


def test_bad_period_and_country_exit_2() -> None:
    proc = subprocess.run([sys.executable, "-m", "powerscope.cli.main", "arms", "shares", "--period", "2021-2017"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 2 and "ends before it starts" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "powerscope.cli.main", "arms", "profile", "Atlantis"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 2 and "Atlantis" in proc.stderr


def test_a_period_beyond_the_data_is_an_error_not_a_misleading_title() -> None:
    result = runner.invoke(app, ["arms", "shares", "--period", "2021-2026"])
    assert isinstance(result.exception, PowerscopeError), result.output
    assert "2021-2026 is outside the data, which cover 1950-2024" in str(result.exception)


def test_the_default_period_follows_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    from powerscope.arms import service

    assert json.loads(runner.invoke(app, ["arms", "shares", "--format", "json"]).output)[
        "period"
    ] == "{}-{}".format(*service.latest_period(service.load()))
    load = service.load

    def to_2018(*args: object, **kwargs: object) -> service.ArmsData:
        data = load(*args, **kwargs)  # type: ignore[arg-type]
        data.deliveries = data.deliveries[data.deliveries["year"] <= 2018]
        return data

    monkeypatch.setattr(service, "load", to_2018)
    shares = runner.invoke(app, ["arms", "shares", "--format", "json"])
    assert shares.exit_code == 0, shares.output
    assert json.loads(shares.output)["period"] == "2014-2018"
    profile = runner.invoke(app, ["arms", "profile", "KOR", "--format", "json"])
    assert json.loads(profile.output)["period"] == "2014-2018"
