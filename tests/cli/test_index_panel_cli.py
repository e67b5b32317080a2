"""`powerscope index` on a panel index (the test spec of generated data, 2000-2010): compute a
year, trends with rank bands, one year's uncertainty, movers between two years, in each format;
a year given to a snapshot index is one clear line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from cli_support import run, runner

from panel_support import PANEL_SPEC
from powerscope.cli.errors import format_error
from powerscope.cli.main import app
from powerscope.errors import PowerscopeError

SPEC = str(PANEL_SPEC)


def invoke(*args: str) -> str:
    result = runner.invoke(app, ["index", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_compute_a_year_as_json_names_the_year_and_the_method() -> None:
    payload = json.loads(invoke("compute", SPEC, "--year", "2005", "--format", "json"))
    assert payload["year"] == 2005 and payload["years"] == [2000, 2010]
    assert payload["custom_weights"] is False
    assert "citations" in payload and "Generated test data" in payload["source"]
    first = payload["entities"][0]
    assert {"code", "name", "score", "rank", "components"} <= set(first)
    assert first["rank"] == 1 and "Economy" in first["components"]
    assert payload["method"]["normalise_over"] == "panel"


def test_reweighted_years_are_labelled_custom_weights() -> None:
    table = invoke("compute", SPEC, "--year", "2005", "--weights", "Economy=0.2,Military=0.8")
    assert "Test panel index 2005 (custom weights)" in table
    payload = json.loads(
        invoke("compute", SPEC, "--year", "2005", "--weights", "Economy=0.2,Military=0.8",
               "--format", "json")
    )  # fmt: skip
    assert payload["custom_weights"] is True


def test_a_panel_index_without_a_year_is_its_last_year() -> None:
    payload = json.loads(invoke("compute", SPEC, "--format", "json"))
    assert payload["year"] == 2010
    shown = invoke("show", SPEC)
    assert "years 2000-2010, normalised over the panel, values carried forward at most 2" in shown


def test_trend_json_has_one_row_per_unit_and_year_with_the_rank_band() -> None:
    payload = json.loads(
        invoke("trend", SPEC, "KOR", "CHN", "--from", "2004", "--to", "2008", "--runs", "200",
               "--format", "json")
    )  # fmt: skip
    rows = payload["rows"]
    assert len(rows) == 10 and payload["runs"] == 200
    assert {"year", "score", "rank", "median_rank", "q05_rank", "q95_rank"} <= set(rows[0])
    assert [r["year"] for r in rows[:5]] == [2004, 2005, 2006, 2007, 2008]
    assert all(r["q05_rank"] <= r["median_rank"] <= r["q95_rank"] for r in rows)
    table = invoke("trend", SPEC, "KOR", "--from", "2009", "--runs", "100")
    assert "South Korea" in table and "band" in table and "5th-95th percentile" in table


def test_trend_to_csv_and_parquet(tmp_path: Path) -> None:
    text = invoke("trend", SPEC, "JPN", "--runs", "0", "--format", "csv")
    assert text.splitlines()[0] == "code,name,year,score,rank,median_rank,q05_rank,q95_rank"
    out = tmp_path / "trend.parquet"
    invoke("trend", SPEC, "JPN", "USA", "--runs", "50", "--output", str(out))
    frame = pd.read_parquet(out)
    assert len(frame) == 22 and set(frame["code"]) == {"JPN", "USA"}


def test_uncertainty_of_one_year() -> None:
    payload = json.loads(
        invoke("uncertainty", SPEC, "--year", "2008", "--runs", "300", "--format", "json")
    )
    assert payload["year"] == 2008 and payload["runs"] == 300
    ranks = {e["code"]: e for e in payload["entities"]}
    assert len(ranks) == 12
    assert all(e["q05_rank"] <= e["median_rank"] <= e["q95_rank"] for e in ranks.values())


def test_compare_years_lists_movers_with_the_measure_that_moved_them() -> None:
    payload = json.loads(
        invoke("compare-years", SPEC, "--from", "2002", "--to", "2010", "--format", "json")
    )
    rows = payload["rows"]
    assert payload["from"] == 2002 and payload["to"] == 2010
    assert {"rank_change", "score_change", "top_measure", "Economy change"} <= set(rows[0])
    assert abs(rows[0]["rank_change"]) >= abs(rows[-1]["rank_change"])
    assert "movers 2002-2010" in invoke("compare-years", SPEC, "--from", "2002", "--to", "2010")
    # how robust each move is, over 1,000 runs by default
    assert payload["runs"] == 1000 and "share of runs in which" in payload["caption"]
    for row in rows:
        assert row["change_q05"] <= row["change_q95"] and 0 <= row["share_up"] <= 1
    bare = json.loads(invoke("compare-years", SPEC, "--from", "2002", "--to", "2010",
                             "--runs", "0", "--format", "json"))  # fmt: skip
    assert "runs" not in bare and "change_q05" not in bare["rows"][0]


def test_sensitivity_of_one_year() -> None:
    payload = json.loads(
        invoke("sensitivity", SPEC, "--year", "2006", "--n", "32", "--bootstrap", "20",
               "--format", "json")
    )  # fmt: skip
    assert payload["year"] == 2006
    assert {r["assumption"] for r in payload["indices"]} >= {"weights level 1"}


def test_sensitivity_over_a_period_gives_each_year_and_the_period() -> None:
    payload = json.loads(
        invoke("sensitivity", SPEC, "--from", "2004", "--to", "2007", "--n", "32",
               "--bootstrap", "20", "--format", "json")
    )  # fmt: skip
    assert (payload["from"], payload["to"]) == (2004, 2007)
    periods = [r["period"] for r in payload["indices"]]
    assert sorted(set(periods)) == ["2004", "2004-2007", "2005", "2006", "2007"]
    assert set(payload["mean_rank_shift"]) == {"2004", "2005", "2006", "2007"}
    assert payload["runs"] == 32 * (len({r["assumption"] for r in payload["indices"]}) + 2)
    assert "2004-2007" in payload["title"] and "S1 first-order" in payload["caption"]
    csv = invoke("sensitivity", SPEC, "--from", "2004", "--to", "2005", "--n", "16",
                 "--bootstrap", "10", "--format", "csv")  # fmt: skip
    assert csv.strip().splitlines()[0] == "period,assumption,S1,S1_conf,ST,ST_conf"  # after stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sensitivity", SPEC, "--from", "1990", "--n", "8"], "outside the panel's years"),
        (["sensitivity", SPEC, "--year", "2006", "--from", "2004", "--n", "8"], "not both"),
        (["sensitivity", "ceti", "--from", "2014", "--n", "8"], "has no years"),
        (["compute", "ceti", "--year", "2023"], "index 'ceti' has no years"),
        (["uncertainty", "ceti", "--year", "2023", "--runs", "100"], "has no years"),
        (["trend", "ceti", "KOR"], "has no years"),
        (["compare-years", "ceti", "--from", "2014", "--to", "2023"], "has no years"),
    ],
)
def test_a_snapshot_index_has_no_years(args: list[str], message: str) -> None:
    result = run("index", *args)
    assert result.returncode == 2
    assert message in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_year_outside_the_panel_names_the_range() -> None:
    result = runner.invoke(app, ["index", "trend", SPEC, "KOR", "--from", "1990"])
    assert result.exit_code != 0
    assert isinstance(result.exception, PowerscopeError)
    line = format_error(result.exception)
    assert "year 1990 is outside the panel's years 2000-2010 (in --from)" in line
