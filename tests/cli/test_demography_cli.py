"""``powerscope demography``: working-age population as a table, JSON and CSV, with the UN's
citation; bad input exits 2 naming the flag."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from cli_support import run, runner

from powerscope.cli.main import app


def test_json_rows_changes_and_citation() -> None:
    args = ["demography", "KOR", "--peers", "JPN", "--from", "2021", "--to", "2050", "--format",
            "json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["codes"] == ["KOR", "JPN"] and payload["period"] == [2021, 2050]
    korea = {r["year"]: r for r in payload["rows"] if r["code"] == "KOR"}
    assert sorted(korea) == list(range(2021, 2051))  # json: every year
    assert korea[2021]["pop_15_64"] == 37036.0 and korea[2021]["variant"] == "estimates"
    assert korea[2050]["pop_15_64"] == 23984.0 and korea[2050]["variant"] == "medium"
    change = payload["changes"][0]
    assert change["code"] == "KOR" and change["change"] == 23984.0 - 37036.0
    assert change["percent"] == pytest.approx(-35.24, abs=0.01)
    assert payload["citation"]["dataset"] == "wpp2022"
    assert "World Population Prospects 2022" in payload["source"]


def test_table_shows_millions_and_the_source(tmp_path: Path) -> None:
    out = tmp_path / "kor.txt"
    result = runner.invoke(app, ["demography", "KOR", "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    rows = {line.split("│")[1].strip(): line for line in text.splitlines() if "│" in line}
    # a row every ten years and the last estimated year, in millions
    assert {"1950", "2021", "2030", "2050", "2100"} <= set(rows) and "2022" not in rows
    assert "37.0" in rows["2021"] and "33.7" in rows["2030"] and "24.0" in rows["2050"]
    assert "11.2" in rows["2100"]
    words = " ".join(text.split())  # the caption wraps at the table's width
    assert "medium-variant projection" in words and "Population Division" in words


def test_csv_every_five_years(tmp_path: Path) -> None:
    out = tmp_path / "pop.csv"
    args = ["demography", "KOR", "--peers", "CHN", "--from", "2020", "--to", "2030", "--every",
            "5", "--format", "csv", "--output", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [(r["code"], r["year"]) for r in rows] == [
        ("KOR", "2020"), ("KOR", "2021"), ("KOR", "2025"), ("KOR", "2030"),
        ("CHN", "2020"), ("CHN", "2021"), ("CHN", "2025"), ("CHN", "2030"),
    ]  # fmt: skip
    assert set(rows[0]) == {"code", "name", "year", "variant", "pop_total", "pop_0_14",
                            "pop_15_64", "pop_65plus"}  # fmt: skip


def test_bad_input_exits_2() -> None:
    for args, message in (
        (["demography", "Atlantis"], "in country argument"),
        (["demography", "KOR", "--peers", "JPN,Narnia"], "Narnia"),
        (["demography", "KOR", "--from", "1900"], "covers 1950-2100"),
        (["demography", "KOR", "--from", "1900"], "--from"),
        (["demography", "KOR", "--to", "2101"], "--to"),
        (["demography", "SUN"], "no World Population Prospects data for Soviet Union"),
    ):
        proc = run(*args)
        assert proc.returncode == 2 and message in proc.stderr, (args, proc.stderr)
        assert proc.stdout == ""
