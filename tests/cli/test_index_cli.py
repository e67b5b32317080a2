"""`powerscope index ...`: outputs in each format, re-weighting, robustness, imported specs,
and bad input with a clear error and no output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run, runner

from powerscope.cli.main import app


def test_compute_json_has_the_documented_fields() -> None:
    result = runner.invoke(app, ["index", "compute", "ceti", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    first = payload["entities"][0]
    assert {"code", "name", "is_aggregate", "score", "rank", "components"} <= set(first)
    kor = next(e for e in payload["entities"] if e["code"] == "KOR")
    assert kor["rank"] == 5 and round(kor["score"], 1) == 20.0
    assert kor["components"]["AI"] == {"score": pytest.approx(14.1, abs=0.05), "rank": 9}
    assert kor["components"]["Semiconductors"]["rank"] == 5
    europe = next(e for e in payload["entities"] if e["code"] == "EUROPE")
    assert europe["is_aggregate"] is True
    assert "Belfer" in payload["source"]


def test_compute_csv_and_exclude_aggregates(tmp_path: Path) -> None:
    out = tmp_path / "ceti.csv"
    result = runner.invoke(
        app,
        [
            "index",
            "compute",
            "ceti",
            "--exclude-aggregates",
            "--format",
            "csv",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0].startswith("rank,code,name,is_aggregate,score,Semiconductors score")
    assert "EUROPE" not in out.read_text()
    assert lines[4].split(",")[:2] == ["4", "KOR"]


def test_table_output_names_the_source() -> None:
    result = runner.invoke(app, ["index", "compute", "ceti"], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    assert "South Korea" in result.output and "Belfer" in result.output


def test_reweighting_from_the_cli_and_from_a_file(tmp_path: Path) -> None:
    equal = "Semiconductors=0.2,AI=0.2,Biotechnology=0.2,Space=0.2,Quantum=0.2"
    by_flag = runner.invoke(
        app, ["index", "compute", "ceti", "--weights", equal, "--format", "json"]
    )
    weights = tmp_path / "w.yaml"
    weights.write_text(equal.replace("=", ": ").replace(",", "\n"))
    by_file = runner.invoke(
        app, ["index", "compute", "ceti", "--weights-file", str(weights), "--format", "json"]
    )
    assert by_flag.exit_code == 0 and by_file.exit_code == 0
    ranks = {e["code"]: e["rank"] for e in json.loads(by_flag.output)["entities"]}
    assert ranks["GBR"] < ranks["KOR"] and ranks["DEU"] < ranks["KOR"]
    assert json.loads(by_file.output)["entities"] == json.loads(by_flag.output)["entities"]


def test_renormalise_flag() -> None:
    result = runner.invoke(
        app,
        [
            "index",
            "compute",
            "ceti",
            "--weights",
            "Semiconductors=0.7",
            "--renormalise",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0
    weights = json.loads(result.output)["method"]["weights"]
    assert weights["Semiconductors"] == pytest.approx(0.7 / 1.35)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ("Semiconductors=0.5", "sum to 1.15, not 1"),
        ("Semiconductors=-0.35,AI=0.95", ">= 0"),
        ("Chips=0.35", "unknown node 'Chips'"),
        ("AI 0.3", "NODE=WEIGHT"),
        ("AI=lots", "not a number"),
        ("Human Capital=0.3", "ambiguous"),
    ],
)
def test_bad_weights_exit_2_with_one_clear_line_and_nothing_written(
    tmp_path: Path, weights: str, message: str
) -> None:
    out = tmp_path / "out.json"
    proc = run(
        "index", "compute", "ceti", "--weights", weights, "--format", "json", "--output", str(out)
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_bad_weights_file(tmp_path: Path) -> None:
    weights = tmp_path / "w.csv"
    weights.write_text("sector,w\nAI,1\n")
    proc = run("index", "compute", "ceti", "--weights-file", str(weights))
    assert proc.returncode == 2 and "'node' and 'weight'" in proc.stderr


def test_unknown_index() -> None:
    proc = run("index", "compute", "nope")
    assert proc.returncode == 2 and "unknown index 'nope'" in proc.stderr


def test_index_show_and_list() -> None:
    shown = runner.invoke(app, ["index", "show", "ceti"])
    assert "Semiconductors  0.35" in shown.output and "Chip Design and Tools  0.325" in shown.output
    listed = runner.invoke(app, ["index", "list"])
    assert listed.output.startswith("ceti\t")


def test_group_filter_and_highlight() -> None:
    result = runner.invoke(
        app, ["index", "compute", "ceti", "--group", "G7", "--highlight", "LMC", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    entities = json.loads(result.output)["entities"]
    assert {e["code"] for e in entities} == {"USA", "JPN", "GBR", "DEU", "FRA", "CAN", "ITA"}
    by_code = {e["code"]: e for e in entities}
    assert by_code["JPN"]["rank"] == 4  # ranks stay those among all entities
    assert by_code["JPN"]["highlight"] and not by_code["GBR"]["highlight"]
    assert "G7" in by_code["DEU"]["groups"] and "EU" in by_code["DEU"]["groups"]


def test_unknown_group() -> None:
    proc = run("index", "compute", "ceti", "--group", "G8")
    assert proc.returncode == 2 and "unknown country group 'G8'" in proc.stderr


def test_uncertainty_json_fields_and_reproducibility() -> None:
    args = ["index", "uncertainty", "ceti", "--runs", "500", "--seed", "3", "--format", "json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    payload = json.loads(first.output)
    kor = next(e for e in payload["entities"] if e["code"] == "KOR")
    assert {"code", "nominal_rank", "median_rank", "q05_rank", "q95_rank"} <= set(kor)
    assert kor["nominal_rank"] == 5 and kor["q05_rank"] <= 5 <= kor["q95_rank"]
    assert payload["runs"] == 500 and payload["failed_runs"] == 0
    assert json.loads(runner.invoke(app, args).output) == payload
    # the library's one call gives the same figures (the CLI only prints them)
    from powerscope.index.robustness import uncertainty

    library = uncertainty("ceti", runs=500, seed=3)
    assert payload["entities"] == json.loads(json.dumps(library.to_records()))
    assert payload["assumptions"] == library.assumptions


def test_uncertainty_exports(tmp_path: Path) -> None:
    for name in ("u.csv", "u.parquet", "u.xlsx"):
        out = tmp_path / name
        result = runner.invoke(
            app, ["index", "uncertainty", "ceti", "--runs", "50", "--output", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["u.csv", "u.parquet", "u.xlsx"]


def test_uncertainty_with_a_bad_assumptions_file(tmp_path: Path) -> None:
    spec = tmp_path / "ua.yaml"
    spec.write_text("weights:\n  - {nodes: [Chips], noise: 0.25}\n")
    proc = run("index", "uncertainty", "ceti", "--assumptions", str(spec))
    assert proc.returncode == 2 and "unknown node 'Chips'" in proc.stderr
    proc = run("index", "uncertainty", "ceti", "--runs", "0")
    assert proc.returncode == 2 and "runs must be >= 1" in proc.stderr


def test_sensitivity_json() -> None:
    result = runner.invoke(app, ["index", "sensitivity", "ceti", "--n", "64", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    names = [i["assumption"] for i in payload["indices"]]
    assert names == ["weights level 1", "weights level 2", "aggregation"]
    assert payload["runs"] == 64 * 5
    assert all({"S1", "ST", "S1_conf", "ST_conf"} <= set(i) for i in payload["indices"])


@pytest.fixture
def asem_spec(tmp_path: Path) -> Path:
    from support import require_shared

    out = tmp_path / "asem.yaml"
    proc = run(
        "index", "import-coinr",
        str(require_shared("coinr_asem", "ASEM_iData.csv")),
        str(require_shared("coinr_asem", "ASEM_iMeta.csv")),
        "--output", str(out), "--coinr-example-build",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "asem.data.csv").is_file()
    return out


def test_import_coinr_then_compute_from_the_spec(asem_spec: Path, tmp_path: Path) -> None:
    log = tmp_path / "build.yaml"
    args = [
        "index",
        "compute",
        "--spec",
        str(asem_spec),
        "--format",
        "json",
        "--save-log",
        str(log),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    entities = json.loads(result.output)["entities"]
    assert [e["code"] for e in entities[:3]] == ["CHE", "NLD", "DNK"]
    assert round(entities[0]["score"], 2) == 68.38
    physical = entities[0]["components"]["Conn/Physical"]  # every level is reported
    assert round(physical["score"], 2) == 63.41 and physical["rank"] == 4
    assert "Conn/Physical/LPI" in entities[0]["components"]
    assert "treat" in log.read_text() and "EurAsia_group" in log.read_text()


def test_compute_imported_spec_with_minmax_arithmetic(asem_spec: Path) -> None:
    args = ["index", "compute", "--spec", str(asem_spec), "--normalise", "minmax",
            "--aggregate", "arithmetic", "--format", "json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["method"]["normalise"] == "minmax"
    assert len(payload["entities"]) == 51


def test_uncertainty_of_an_imported_spec(asem_spec: Path) -> None:
    assumptions = Path(__file__).parents[2] / "docs" / "examples" / "asem_uncertainty.yaml"
    args = ["index", "uncertainty", str(asem_spec), "--assumptions", str(assumptions),
            "--runs", "100", "--format", "json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["entities"][0]["code"] == "CHE" and payload["failed_runs"] == 0


@pytest.mark.parametrize("what", ["stats", "correlations", "cronbach", "pca", "removal"])
def test_analyse(asem_spec: Path, what: str) -> None:
    result = runner.invoke(
        app, ["index", "analyse", str(asem_spec), "--what", what, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"]


def test_uncertainty_naming_a_step_that_does_not_exist(asem_spec: Path, tmp_path: Path) -> None:
    bad = tmp_path / "ua.yaml"
    bad.write_text("steps:\n  smooth.window: [1, 2]\n")
    proc = run("index", "uncertainty", str(asem_spec), "--assumptions", str(bad))
    assert proc.returncode == 2 and "unknown build step parameter 'smooth.window'" in proc.stderr


def test_compute_needs_exactly_one_index(asem_spec: Path) -> None:
    proc = run("index", "compute", "ceti", "--spec", str(asem_spec))
    assert proc.returncode == 2 and "name one index" in proc.stderr
