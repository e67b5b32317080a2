"""``powerscope talent``: researcher migration as a table, JSON and CSV; bad input exits 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from cli_support import run, runner

from powerscope.cli.main import app


def test_talent_json_has_rows_flows_sources_and_citation() -> None:
    args = ["talent", "KOR", "--peers", "JPN,CHN,USA", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    row = next(r for r in payload["rows"] if r["year"] == 2021)
    assert {
        "code",
        "year",
        "inflow",
        "outflow",
        "net",
        "rate",
        "researchers",
        "provisional",
    } <= set(row)
    assert row["net"] == -375 and row["provisional"] is False
    assert row["rate"] == round(row["rate"], 6) and -2 < row["rate"] < -1.9  # per 1,000
    usa = next(f for f in payload["flows"] if f["partner"] == "USA")
    in_2021 = next(y for y in usa["by_year"] if y["year"] == 2021)
    assert (in_2021["moves_out"], in_2021["moves_in"]) == (850, 797)
    assert set(payload["sources"]["releases"]) == {"scopus_2024", "openalex_2023"}
    assert payload["citation"]["edition"] and payload["citation"]["years"] == [1996, 2024]
    assert payload["peers"] == ["JPN", "CHN", "USA"]
    assert payload["provisional_years"] == [2022, 2023]


def test_talent_table_marks_provisional_years_and_cites(tmp_path: Path) -> None:
    out = tmp_path / "talent.txt"
    result = runner.invoke(app, ["talent", "KOR", "--peers", "JPN", "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "2022*" in text and "provisional: after 2021" in text
    assert "-375" in text and "850" in text and "797" in text
    assert "Compared with peers" in text and "side by side" in text
    assert "Max Planck Institute for Demographic Research" in text and "data 1996-2024" in text


def test_talent_csv_and_a_period(tmp_path: Path) -> None:
    out = tmp_path / "talent.csv"
    args = ["talent", "KOR", "--peers", "JPN", "--from", "2010", "--to", "2020",
            "--release", "openalex_2023", "--format", "csv", "--output", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert {r["code"] for r in rows} == {"KOR", "JPN"} and len(rows) == 22
    assert {r["release"] for r in rows} == {"openalex_2023"}
    kor = next(r for r in rows if r["code"] == "KOR" and r["year"] == "2020")
    assert kor["net"] == "-219"


def test_talent_only_from_fills_the_last_year() -> None:
    result = runner.invoke(app, ["talent", "KOR", "--from", "2019", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["years"] == [2019, 2023]


def test_talent_bad_input_exits_2() -> None:
    for args, message in (
        (["talent", "Atlantis"], "Atlantis"),
        (["talent", "KOR", "--peers", "JPN,Narnia"], "Narnia"),
        (["talent", "KOR", "--release", "wos"], "scopus_2024, openalex_2023"),
        (["talent", "KOR", "--from", "1990"], "1997 to 2023"),
        (["talent", "Kosovo"], "not in the Scholarly Migration Database"),
        (["talent", "KOR", "--partners", "99"], "--partners"),
    ):
        proc = run(*args)
        assert proc.returncode == 2 and message in proc.stderr, (args, proc.stderr)
        assert proc.stdout == ""
