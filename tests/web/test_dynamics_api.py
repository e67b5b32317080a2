"""The dynamic model through the HTTP API: the library's reports, cited, with clear refusals."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from powerscope.data.store import SnapshotStore
from powerscope.dynamics.scenario import shipped
from powerscope.web.api import create_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOKEN = "dynamics-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RUNS = 200
MY_SCENARIO = """\
name: big-programme
title: 2,000 recruits a year
set:
  recruits: {value: 2000, from: 2026, to: 2035}
  recruit_productivity: 2.0
"""


@pytest.fixture(scope="module")
def upload_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("uploads")


@pytest.fixture(scope="module")
def client(upload_dir: Path) -> Iterator[TestClient]:
    app = create_app(store=SnapshotStore(), token=TOKEN, upload_dir=upload_dir)
    with TestClient(app) as test_client:
        yield test_client


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def error_of(response: object, status: int) -> dict[str, str]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body["error"]) == {"what", "where", "fix", "parameter", "field"}
    return dict(body["error"])


def stored(upload_dir: Path) -> list[Path]:
    folder = upload_dir / "scenarios"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_scenarios_list_the_shipped_ones(client: TestClient) -> None:
    rows = client.get("/api/dynamics/scenarios").json()["scenarios"]
    names = {row["name"] for row in rows if row["kind"] == "shipped"}
    assert names == set(shipped())
    talents = next(row for row in rows if row["name"] == "thousand-talents")
    assert "800" in talents["description"] and talents["title"]


def test_parameters_with_ranges_as_json_and_csv(client: TestClient) -> None:
    rows = client.get("/api/dynamics/parameters").json()["parameters"]
    retention = next(row for row in rows if row["name"] == "recruit_retention")
    assert (retention["low"], retention["high"]) == (0.0, 1.0)
    response = client.get("/api/dynamics/parameters", params={"format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    table = parse_csv(response.text)
    assert [row["name"] for row in table] == [row["name"] for row in rows]
    assert float(next(r for r in table if r["name"] == "recruit_retention")["high"]) == 1.0


def test_calibration_is_cited(client: TestClient) -> None:
    body = client.get("/api/dynamics/KOR/calibration", params={"fit": "1996-2023"}).json()
    assert (body["code"], body["fit"]) == ("KOR", [1996, 2023])
    assert "World Development Indicators" in body["source"]
    assert {"wdi", "sipri_milex"} <= set(body["sources"])
    names = {p["parameter"] for p in body["parameters"]}
    assert {"growth_base", "knowledge_elasticity"} <= names
    assert all(e["r2"] is None or e["r2"] <= 1 for e in body["equations"])
    table = parse_csv(client.get("/api/dynamics/KOR/calibration?format=csv").text)
    assert {row["parameter"] for row in table} == names


def test_backtest_scores_eight_series(client: TestClient) -> None:
    params = {"fit": "1996-2014", "test": "2015-2023", "runs": 300, "seed": 1}
    body = client.get("/api/dynamics/KOR/backtest", params=params).json()
    assert len(body["series"]) == 8
    for row in body["series"]:
        assert {"name", "metric", "model_error", "baseline_error"} <= set(row)
    rd = next(row for row in body["series"] if row["name"] == "rd_intensity")
    assert rd["model_error"] < rd["baseline_error"]  # the model catches R&D levelling off
    assert body["source"]
    response = client.get("/api/dynamics/KOR/backtest", params={**params, "format": "csv"})
    table = parse_csv(response.text)
    assert list(table[0]) == ["name", "metric", "model_error", "last_value_error",
                              "baseline_error", "ets_error", "ets_model", "model_beats_naive",
                              "best", "coverage_90", "coverage_90_noise", "test_years"]  # fmt: skip
    for row in body["series"]:  # the best of the four forecasts has the lowest error
        errors = {k: row[f] for k, f in (("model", "model_error"), ("last_value",
                  "last_value_error"), ("drift", "baseline_error"), ("ets", "ets_error"))
                  if row[f] is not None}  # fmt: skip
        assert row["best"] == min(errors, key=errors.get)
    assert [row["name"] for row in table] == [row["name"] for row in body["series"]]
    assert float(table[0]["model_error"]) == pytest.approx(body["series"][0]["model_error"])


def test_backtest_from_several_origins(client: TestClient) -> None:
    params = {"origins": "2014,2005,2010", "runs": 50, "seed": 1}
    body = client.get("/api/dynamics/KOR/backtest", params=params).json()
    assert body["origins"] == [2005, 2010, 2014]
    assert len(body["backtests"]) == 3 and set(body["by_origin"]) == {"2005", "2010", "2014"}
    assert [row["name"] for row in body["series"]] == [
        "gdp", "rd_intensity", "researchers", "articles", "patents", "hightech_exports",
        "milex", "arms_exports"]  # fmt: skip
    for row in body["series"]:  # 'use' names the forecast with the lowest mean error
        errors = {k: row[f] for k, f in (("model", "model_error"), ("last_value",
                  "last_value_error"), ("drift", "baseline_error"), ("ets", "ets_error"))
                  if row[f] is not None}  # fmt: skip
        assert row["use"] == min(errors, key=errors.get)
        assert 0 <= row["model_beats_naive"] <= row["origins"] <= 3
        assert ("the model:" in row["advice"]) == (row["use"] == "model")
    summary = body["summary"]
    assert 0 < summary["cases"] <= sum(row["origins"] for row in body["series"]) <= 24
    assert summary["model_beats_naive"] == sum(row["model_beats_naive"] for row in body["series"])
    assert 0 < summary["coverage_90_noise"] <= 1
    assert body["source"] and {c["dataset"] for c in body["citations"]} == set(body["sources"])
    # the single window is unchanged for callers that give none
    single = client.get("/api/dynamics/KOR/backtest", params={"runs": 50}).json()
    assert single["fit"] == [1996, 2014] and single["test"] == [2015, 2023]
    response = client.get("/api/dynamics/KOR/backtest", params={**params, "format": "csv"})
    assert "KOR-dynamics-backtest-origins-2005-2010-2014.csv" in response.headers[
        "content-disposition"]  # fmt: skip
    table = parse_csv(response.text)
    assert [row["name"] for row in table] == [row["name"] for row in body["series"]]
    assert {"model_error", "last_value_error", "baseline_error", "ets_error", "use",
            "advice"} <= set(table[0])  # fmt: skip


@pytest.mark.parametrize(
    ("params", "what"),
    [
        ({"origins": "2005,abc"}, "not a list of years"),
        ({"origins": ""}, "not a list of years"),
        ({"origins": "2005,2010,2014,2015,2016,2017,2018"}, "7 origins"),
        ({"origins": "1950"}, "outside the years of data"),
        ({"origins": "1980"}, "outside KOR's data"),
        ({"origins": "1997"}, "too short"),
        ({"origins": "2030"}, "no test years"),
        ({"origins": "2005", "fit": "1996-2004"}, "origins and fit given together"),
        ({"origins": "2005", "fit": "1996-2004", "test": "2005-2010"}, "fit, test"),
    ],
)
def test_bad_origins_are_refused(client: TestClient, params: dict[str, str], what: str) -> None:
    error = error_of(client.get("/api/dynamics/KOR/backtest", params={**params, "runs": 50}),
                     422)  # fmt: skip
    assert what in error["what"]
    assert error["where"] == "origins" and error["fix"]


def test_thousand_talents_raises_korean_articles(client: TestClient) -> None:
    body = {"scenario": "thousand-talents", "years": "2025-2050", "runs": RUNS, "seed": 1}
    response = client.post("/api/dynamics/KOR/run", json=body)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["years"][0] == 2025 and report["years"][-1] == 2050
    assert report["runs"] == RUNS and report["scenario"]["name"] == "thousand-talents"
    articles = next(s for s in report["series"] if s["name"] == "articles")
    assert len(articles["median"]) == len(report["years"])
    head = report["headline"]["articles"]
    assert head["year"] == 2050
    assert head["effect_median"] > 0
    assert head["effect_p05"] <= head["effect_median"] <= head["effect_p95"]
    assert "SIPRI" in report["source"] and "World Bank" in report["source"]
    # the same run by name over GET, as a long CSV table
    response = client.get(
        "/api/dynamics/KOR/run",
        params={"scenario": "thousand-talents", "years": "2025-2050", "runs": RUNS,
                "format": "csv"},
    )  # fmt: skip
    assert response.headers["content-type"].startswith("text/csv")
    rows = parse_csv(response.text)
    assert list(rows[0]) == ["output", "unit", "year", "p05", "median", "p95", "effect_p05",
                             "effect_median", "effect_p95"]  # fmt: skip
    last = next(r for r in rows if r["output"] == "articles" and r["year"] == "2050")
    assert float(last["effect_median"]) == pytest.approx(head["effect_median"])
    assert len(rows) == len(report["series"]) * len(report["years"])


def test_inline_scenario_runs(client: TestClient) -> None:
    scenario = {"name": "rd-up", "add": {"rd_target": {"value": 1.0, "from": 2026}}}
    response = client.post("/api/dynamics/KOR/run", json={"scenario": scenario, "runs": RUNS})
    assert response.status_code == 200, response.text
    head = response.json()["headline"]
    assert head["rd_intensity"]["effect_median"] > 10  # +1 pp on about 5% of GDP


def test_unknown_parameter_is_refused_with_the_closest_name(client: TestClient) -> None:
    scenario = {"name": "typo", "set": {"recruit_retentoin": 0.5}}
    error = error_of(client.post("/api/dynamics/KOR/run", json={"scenario": scenario}), 422)
    assert "recruit_retentoin" in error["what"]
    assert "recruit_retention" in error["fix"]
    assert "recruit_retentoin" in error["where"]


def test_retention_out_of_range_is_refused(client: TestClient) -> None:
    scenario = {"name": "leaky", "set": {"recruit_retention": 1.4}}
    error = error_of(client.post("/api/dynamics/KOR/run", json={"scenario": scenario}), 422)
    assert "1.4" in error["what"] and "0 to 1" in error["what"]
    assert "recruit_retention" in error["where"]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"runs": 20001}, "runs"),
        ({"runs": 0}, "runs"),
        ({"years": "2025-2150"}, "years"),
        ({"years": "2050-2025"}, "years"),
        ({"years": "2010-2030"}, "years"),
        ({"scenario": "no-such-scenario"}, "scenario"),
    ],
)
def test_costly_or_impossible_runs_are_refused(
    client: TestClient, body: dict[str, object], where: str
) -> None:
    response = client.post("/api/dynamics/KOR/run", json=body)
    assert response.status_code in (404, 422)
    assert where in error_of(response, response.status_code)["where"]


def test_unknown_country_and_country_without_data(client: TestClient) -> None:
    error = error_of(client.get("/api/dynamics/XXX/run"), 404)
    assert "XXX" in error["what"]
    error = error_of(client.get("/api/dynamics/SOM/calibration"), 422)
    assert "SOM" in error["what"] and "R&D" in error["what"]
    error_of(client.get("/api/dynamics/SOM/run", params={"runs": RUNS}), 422)


def test_loops_read_the_korean_baseline_as_balancing(client: TestClient) -> None:
    body = client.get("/api/dynamics/KOR/loops", params={"scenario": "baseline", "last": 2050})
    report = body.json()
    assert report["years"][-1]["year"] == 2050
    assert report["summary"]["balancing"] >= report["summary"]["virtuous"]
    assert {lp["id"] for lp in report["loops"]} == {"R1", "R2", "R3", "R4", "B1", "B2"}
    assert report["years"][-1]["dominant_loop"] in {lp["id"] for lp in report["loops"]}
    assert report["source"]
    rows = parse_csv(client.get("/api/dynamics/KOR/loops?format=csv").text)
    assert [int(r["year"]) for r in rows] == [row["year"] for row in report["years"]]


def test_compare_two_countries_and_limits(client: TestClient) -> None:
    params = {"codes": "KOR,CHN", "scenario": "baseline", "years": "2025-2050", "runs": RUNS}
    report = client.get("/api/dynamics/compare", params=params).json()
    assert [row["code"] for row in report["countries"]] == ["KOR", "CHN"]
    chn, kor = report["countries"][1], report["countries"][0]
    assert chn["gdp_median"] > kor["gdp_median"]
    assert report["year"] == 2050 and report["source"]
    rows = parse_csv(client.get("/api/dynamics/compare", params={**params, "format": "csv"}).text)
    assert [r["code"] for r in rows] == ["KOR", "CHN"]
    many = ",".join(["KOR", "CHN", "JPN", "DEU", "USA", "FRA", "GBR"])
    assert "codes" in error_of(client.get(f"/api/dynamics/compare?codes={many}"), 422)["where"]
    assert client.get("/api/dynamics/compare?codes=KOR").status_code == 422


def test_saving_a_scenario_needs_the_token(tmp_path: Path) -> None:
    headers = {"Content-Type": "application/yaml"}
    disabled = create_app(store=SnapshotStore(), token=None, upload_dir=tmp_path / "a")
    with TestClient(disabled) as off:
        response = off.post("/api/dynamics/scenarios", content=MY_SCENARIO, headers=headers)
        error_of(response, 403)
    app = create_app(store=SnapshotStore(), token=TOKEN, upload_dir=tmp_path / "b")
    with TestClient(app) as on:
        wrong = {**headers, "Authorization": "Bearer not-the-token"}
        response = on.post("/api/dynamics/scenarios", content=MY_SCENARIO, headers=wrong)
        error_of(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
        response = on.post(
            "/api/dynamics/scenarios", content=MY_SCENARIO, headers={**headers, **AUTH}
        )
        assert response.status_code == 201, response.text
    assert not (tmp_path / "a" / "scenarios").exists()
    assert len(stored(tmp_path / "b")) == 2  # the scenario and its record


def test_saved_scenario_runs_by_name(client: TestClient, upload_dir: Path) -> None:
    response = client.post(
        "/api/dynamics/scenarios",
        content=MY_SCENARIO,
        headers={**AUTH, "Content-Type": "application/yaml"},
    )
    assert response.status_code == 201, response.text
    saved = response.json()
    assert saved["name"] == "big-programme" and saved["kind"] == "scenarios"
    assert len(saved["sha256"]) == 64
    files = [p.name for p in stored(upload_dir)]
    assert f"{saved['id']}.yaml" in files and f"{saved['id']}.json" in files
    listed = client.get("/api/dynamics/scenarios").json()["scenarios"]
    assert {"name": "big-programme", "kind": "saved"}.items() <= next(
        row for row in listed if row["name"] == "big-programme"
    ).items()
    run = client.get("/api/dynamics/KOR/run", params={"scenario": "big-programme", "runs": RUNS})
    assert run.status_code == 200, run.text
    report = run.json()
    assert report["scenario"]["name"] == "big-programme"
    assert report["headline"]["articles"]["effect_median"] > 0
    loops = client.get("/api/dynamics/KOR/loops", params={"scenario": "big-programme"})
    assert loops.status_code == 200 and loops.json()["scenario"] == "big-programme"


def test_saved_scenario_as_a_json_file(client: TestClient) -> None:
    content = b'{"name": "json-programme", "set": {"recruits": 100}}'
    response = client.post(
        "/api/dynamics/scenarios", files={"file": ("mine.json", content)}, headers=AUTH
    )
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "json-programme"
    wrong_type = client.post(
        "/api/dynamics/scenarios", files={"file": ("mine.exe", content)}, headers=AUTH
    )
    error_of(wrong_type, 415)


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        ("name: bad\nset:\n  recruit_retention: 1.4\n", 422, "outside its meaningful range"),
        ("name: bad\nset:\n  recruitz: 10\n", 422, "unknown parameter"),
        ("name: bad\nset:\n  recruits: {value: 5, from: 2030, to: 2020}\n", 422, "before"),
        ("name: ../../etc/passwd\n", 422, "not a safe name"),
        ("name: thousand-talents\n", 409, "shipped scenario"),
        ("- just\n- a list\n", 422, "must be a mapping"),
        ("name: [unclosed\n", 422, "not valid YAML"),
        ("a: &x [1]\nb: *x\n", 422, "aliases"),
        ("name: big\ntitle: " + "x" * 70_000 + "\n", 413, "larger than"),
    ],
)
def test_invalid_scenarios_are_refused_and_nothing_is_stored(
    client: TestClient, upload_dir: Path, content: str, status: int, words: str
) -> None:
    before = stored(upload_dir)
    response = client.post(
        "/api/dynamics/scenarios",
        content=content,
        headers={**AUTH, "Content-Type": "application/yaml"},
    )
    assert words in error_of(response, status)["what"]
    assert stored(upload_dir) == before


def test_invalid_json_scenario_is_refused(client: TestClient) -> None:
    headers = {**AUTH, "Content-Type": "application/json"}
    response = client.post("/api/dynamics/scenarios", content=b"{not json", headers=headers)
    assert "not valid JSON" in error_of(response, 422)["what"]


def test_run_with_noise_widens_the_level_bands(client: TestClient) -> None:
    body = {"scenario": "baseline", "years": "2025-2040", "runs": 300}
    quiet = client.post("/api/dynamics/KOR/run", json=body).json()
    noisy = client.post("/api/dynamics/KOR/run", json={**body, "noise": True}).json()
    assert quiet["noise"] is False and noisy["noise"] is True
    gdp = (
        {r["name"]: r for r in quiet["series"]}["gdp"],
        {r["name"]: r for r in noisy["series"]}["gdp"],
    )
    width = [s["p95"][-1] - s["p05"][-1] for s in gdp]
    assert width[1] > width[0]
