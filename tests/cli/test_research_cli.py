"""``powerscope research``: articles, world share and rank by country (JSON, CSV, table), the
field-by-field mode, NCSES's citation; bad input exits 2 naming the flag."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from cli_support import run, runner

from powerscope.cli.main import app


def test_json_gives_ncses_2022_counts() -> None:
    args = ["research", "KOR", "CHN", "USA", "IND", "WLD", "--field", "all S&E fields",
            "--format", "json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    latest = {r["code"]: r for r in payload["rows"] if r["year"] == 2022}
    assert round(latest["KOR"]["articles"]) == 76_936
    assert round(latest["CHN"]["articles"]) == 898_949
    assert round(latest["USA"]["articles"]) == 457_335
    assert round(latest["IND"]["articles"]) == 207_390
    assert latest["WLD"]["articles"] == 3_344_037
    assert set(latest["KOR"]) == {"code", "name", "year", "articles", "share", "rank"}
    assert latest["KOR"]["rank"] == 9 and latest["CHN"]["rank"] == 1
    assert latest["KOR"]["share"] == pytest.approx(2.3007, abs=1e-4)
    assert payload["count_type"] == "fractional" and payload["years"] == [2003, 2022]
    assert payload["citation"]["dataset"] == "ncses_sei2024"
    assert "Science and Engineering Indicators 2024" in payload["source"]


def test_table_in_one_field_with_growth(tmp_path: Path) -> None:
    out = tmp_path / "cs.txt"
    args = ["research", "KOR", "CHN", "USA", "JPN", "--field",
            "computer and information sciences", "--from", "2013", "--output", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "computer and information sciences, 2013-2022" in text
    assert "growth % a year" in text and "rank 2022" in text
    words = " ".join(text.split())
    assert "Fractional counts" in words and "National Center for Science" in words


def test_csv_whole_counts(tmp_path: Path) -> None:
    out = tmp_path / "w.csv"
    args = ["research", "KOR", "--count", "whole", "--from", "2021", "--to", "2022",
            "--format", "csv", "--output", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["year"] for r in rows] == ["2021", "2022"]
    assert set(rows[0]) == {"code", "name", "year", "articles", "share", "rank"}
    assert float(rows[1]["articles"]) > 76_936  # whole counts exceed fractional


def test_by_field_json_and_table(tmp_path: Path) -> None:
    result = runner.invoke(app, ["research", "KOR", "CHN", "--by-field", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["code"] == "KOR" and payload["other"] == "CHN"
    assert len(payload["rows"]) == 16 and payload["gaining"] == []
    assert payload["citation"]["dataset"] == "ncses_sei2024"
    out = tmp_path / "by-field.txt"
    result = runner.invoke(
        app, ["research", "KOR", "JPN", "--by-field", "--from", "2013", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    words = " ".join(out.read_text().split())
    assert "South Korea against Japan, field by field, 2013-2022" in words
    assert "Gaining in: " in words and "KOR per 100 JPN" in words


def test_bad_input_exits_2() -> None:
    for args, message in (
        (["research", "KOR", "--field", "computr science"],
         "closest: computer and information sciences"),
        (["research", "KOR", "--field", "computr science"], "(in table research_articles, --field)"),
        (["research", "KOR", "Narnia"], "Narnia"),
        (["research", "KOR", "--from", "2002"], "--from). Fix: NCSES's tables cover 2003-2022"),
        (["research", "KOR", "--to", "2030"], "--to"),
        (["research", "SUN"], "no NCSES article counts for Soviet Union"),
        (["research", "KOR", "--field", "AI", "--count", "fractional"], "whole counts only"),
        (["research", "KOR", "CHN", "JPN", "--by-field"], "compares two countries"),
    ):  # fmt: skip
        proc = run(*args)
        assert proc.returncode == 2 and message in proc.stderr, (args, proc.stderr)
        assert proc.stdout == ""
