"""``powerscope align ties``: regions as a table, JSON and CSV; bad input exits 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from cli_support import run, runner

from powerscope.cli.main import app


def test_ties_json_lists_each_region_with_every_measure() -> None:
    args = ["align", "ties", "KOR", "--peers", "JPN,AUS,TUR,IND", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["focal"] == "KOR" and payload["peers"] == ["JPN", "AUS", "TUR", "IND"]
    regions = {r["id"]: r for r in payload["regions"]}
    assert {"central_asia", "asean", "south_asia", "gulf", "africa", "latin_america", "pacific",
            "indian_ocean_rim", "g77"} == set(regions)  # fmt: skip
    for region in regions.values():
        assert {"embassies", "agreements", "forums", "vote_agreement", "thin"} <= set(region)
        assert set(region["peers"]) == {"JPN", "AUS", "TUR", "IND"}
    assert regions["central_asia"]["forums"] == ["KCACF"]
    first, last = payload["years"]
    assert first == 2000 and str(last) in regions["gulf"]["vote_agreement_by_year"]
    assert 0 < regions["g77"]["vote_agreement"] < 100
    assert "Voeten" in payload["source"] and "regions.yaml" in payload["source"]
    assert {c["dataset"] for c in payload["citations"]} >= {"unvotes", "powerscope_regions"}


def test_ties_table_and_csv(tmp_path: Path) -> None:
    table = tmp_path / "ties.txt"
    args = ["align", "ties", "KOR", "--from", "2015", "--to", "2019", "--output", str(table)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = table.read_text()
    assert "Central Asia" in text and "UN agreement % 2015-2019" in text
    out = tmp_path / "ties.csv"
    result = runner.invoke(
        app, ["align", "ties", "KOR", "--peers", "JPN", "--format", "csv", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert {r["country"] for r in rows} == {"KOR", "JPN"} and len(rows) == 18
    assert {"region", "members", "forums", "vote_agreement", "thin"} <= set(rows[0])


def test_ties_with_a_users_regions_file(tmp_path: Path) -> None:
    path = tmp_path / "regions.yaml"
    path.write_text("north:\n  name: North\n  source: me\n  members: [MNG]\n", encoding="utf-8")
    result = runner.invoke(
        app, ["align", "ties", "KOR", "--regions", str(path), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.output)["regions"]] == ["north"]


def test_ties_bad_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("x:\n  name: X\n  source: me\n  members: [FJI, QQQ]\n", encoding="utf-8")
    for args, message in (
        (["align", "ties", "Atlantis"], "Atlantis"),
        (["align", "ties", "KOR", "--peers", "JPN,Narnia"], "Narnia"),
        (["align", "ties", "KOR", "--from", "2000", "--to", "2031"], "1946 to 20"),
        (["align", "ties", "KOR", "--from", "1900"], "no UN votes in 1900"),
        (["align", "ties", "KOR", "--regions", str(bad)], "QQQ"),
    ):
        proc = run(*args)
        assert proc.returncode == 2 and message in proc.stderr, (args, proc.stderr)
        assert proc.stdout == ""
