"""``powerscope industry``: South Korea's Top 100 companies as JSON, CSV and a table, with its
exports beside them and both datasets cited; bad input exits 2 with one line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from cli_support import run, runner

from powerscope.cli.main import app


def test_json_rows_by_year_and_citations() -> None:
    args = ["industry", "KOR", "--peers", "JPN,DEU,ISR", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    latest = [r for r in payload["rows"] if r["year"] == 2022]
    assert [(r["company"], r["rank"], r["arms_revenue"]) for r in latest] == [
        ("Hanwha Aerospace", 48, 2780.0),
        ("LIG Nex1", 67, 1720.0),
        ("Korea Aerospace Industries", 73, 1550.0),
        ("Hyundai Rotem", 98, 820.0),
    ]
    assert {"code", "total_revenue", "arms_share"} <= set(latest[0])
    by_year = {r["year"]: r for r in payload["by_year"]}
    assert sorted(by_year) == list(range(2002, 2023))
    assert by_year[2022]["arms_revenue"] == 6870.0 and by_year[2022]["companies"] == 4
    assert by_year[2022]["tiv_exports"] > 0 and "tiv_exports_index" in by_year[2022]
    assert payload["peers"] == ["JPN", "DEU", "ISR"]
    assert [c["code"] for c in payload["comparison"]] == ["KOR", "JPN", "DEU", "ISR"]
    cited = {c["dataset"]: c for c in payload["citations"]}
    assert cited["sipri_top100"]["years"] == [2002, 2022]
    assert "December 2023" in cited["sipri_top100"]["edition"]
    assert cited["sipri_arms"]["years"] == [1950, 2024]
    assert "SIPRI Arms Industry Database" in payload["source"]


def test_company_filter_csv_and_table(tmp_path: Path) -> None:
    out = tmp_path / "hanwha.csv"
    args = ["industry", "KOR", "--company", "hanwha aerospace", "--from", "2018", "--to",
            "2022", "--format", "csv", "--output", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [(r["year"], r["rank"], r["arms_revenue"]) for r in rows] == [
        ("2018", "53", "2320.0"), ("2019", "50", "2730.0"), ("2020", "47", "2810.0"),
        ("2021", "44", "3250.0"), ("2022", "48", "2780.0"),
    ]  # fmt: skip
    table = tmp_path / "kor.txt"
    result = runner.invoke(app, ["industry", "KOR", "--peers", "JPN", "--output", str(table)])
    assert result.exit_code == 0, result.output
    text = table.read_text()
    assert "Defence industry of South Korea (KOR) in the SIPRI Top 100, 2002-2022" in text
    assert "Hanwha Aerospace" in text and "2780" in text and "not money" in text
    assert "South Korea and its peers, 2022" in text and "JPN" in text
    assert "SIPRI Arms Transfers Database" in text


def test_bad_input_exits_2_with_one_line() -> None:
    for args, message in (
        (["industry", "Atlantis"], "Atlantis"),
        (["industry", "NZL"], "New Zealand (NZL) has no company in the SIPRI Top 100"),
        (["industry", "KOR", "--company", "Hanwa"], "closest: Hanwha"),
        (["industry", "KOR", "--company", "Boeing"], "United States"),
        (["industry", "KOR", "--from", "1999"], "covers 2002-2022 (in --from)"),
        (["industry", "KOR", "--to", "2024"], "covers 2002-2022 (in --to)"),
        (["industry", "KOR", "--peers", "JPN,Narnia"], "Narnia"),
    ):
        proc = run(*args)
        assert proc.returncode == 2 and message in proc.stderr, (args, proc.stderr)
        assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1
