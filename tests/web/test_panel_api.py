"""The API on a panel index (the test spec of generated data, 2000-2010, served as a built-in
index here): years in the metadata, a year's computation and uncertainty, trends with rank
bands, movers; 4xx with what, where and how to fix on bad input."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import numpy as np
import pytest
from fastapi.testclient import TestClient

from panel_support import PANEL_SPEC
from powerscope.data.store import SnapshotStore
from powerscope.index import load_spec
from powerscope.index.panel import compare_years, compute_panel, trend
from powerscope.web import models
from powerscope.web.api import create_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    import powerscope.web.state as state_module

    real = state_module.load_spec
    patch = pytest.MonkeyPatch()
    patch.setattr(
        state_module, "load_spec", lambda name: real(PANEL_SPEC if name == "panel_test" else name)
    )
    app = create_app(store=SnapshotStore(), upload_dir=tmp_path_factory.mktemp("uploads"))
    app.state.powerscope._builtin.append("panel_test")
    with TestClient(app) as test_client:
        yield test_client
    patch.undo()


def error_of(response: object, status: int) -> dict[str, str]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()["error"]  # type: ignore[attr-defined]
    assert body["what"] and body["fix"]
    return body  # type: ignore[no-any-return]


def test_metadata_gives_a_panels_years_and_null_for_snapshots(client: TestClient) -> None:
    entries = {e["name"]: e for e in client.get("/api/indices").json()["indices"]}
    assert entries["ceti"]["years"] is None
    assert entries["panel_test"]["years"] == [2000, 2010]
    assert client.get("/api/indices/panel_test").json()["years"] == [2000, 2010]


def test_compute_a_year_gives_the_librarys_figures(client: TestClient) -> None:
    body = client.post("/api/indices/panel_test/compute", json={"year": 2004}).json()
    assert body["year"] == 2004 and body["method"]["year"] == 2004
    expected = compute_panel(load_spec(PANEL_SPEC), store=SnapshotStore()).for_year(2004)
    top = body["ranking"][0]
    assert top["code"] == expected.codes[int(np.nanargmin(expected.rank_values[:, 0]))]
    assert top["score"] == pytest.approx(float(np.nanmax(expected.values[:, 0])), abs=1e-6)
    latest = client.post("/api/indices/panel_test/compute", json={}).json()
    assert latest["year"] == 2010 and latest["method"]["custom_weights"] is False
    custom = client.post(
        "/api/indices/panel_test/compute",
        json={"year": 2004, "weights": {"Economy": 0.1, "Military": 0.9}},
    ).json()
    assert custom["method"]["custom_weights"] is True


def test_a_bad_year_is_refused_naming_the_range_or_the_snapshot(client: TestClient) -> None:
    body = error_of(client.post("/api/indices/panel_test/compute", json={"year": 2020}), 422)
    assert "2000-2010" in body["what"] and body["field"] == "year"
    body = error_of(client.post("/api/indices/ceti/compute", json={"year": 2023}), 422)
    assert "has no years" in body["what"]
    body = error_of(client.get("/api/indices/ceti/uncertainty?year=2023&runs=100"), 422)
    assert "has no years" in body["what"]


def test_trend_rows_are_the_librarys(client: TestClient) -> None:
    response = client.get("/api/indices/panel_test/trend?codes=KOR,CHN&from=2004&to=2008&runs=200")
    assert response.status_code == 200, response.text
    body = response.json()
    rows = body["rows"]
    assert len(rows) == 10 and body["runs"] == 200 and body["from"] == 2004
    assert {"code", "name", "year", "score", "rank", "median_rank", "q05_rank",
            "q95_rank"} <= set(rows[0])  # fmt: skip
    expected = trend(load_spec(PANEL_SPEC), ["KOR", "CHN"], first=2004, last=2008, runs=200,
                     seed=1, store=SnapshotStore())  # fmt: skip
    assert [r["q95_rank"] for r in rows] == pytest.approx(expected["q95_rank"].tolist())
    assert [r["rank"] for r in rows] == expected["rank"].tolist()
    text = client.get("/api/indices/panel_test/trend?codes=KOR&runs=0&format=csv").text.splitlines()
    assert text[0].startswith("code,name,year,score,rank") and len(text) == 12


def test_trend_errors(client: TestClient) -> None:
    body = error_of(client.get("/api/indices/panel_test/trend?codes=KOR&from=1990"), 422)
    assert "2000-2010" in body["what"] and body["field"] == "from"
    body = error_of(client.get("/api/indices/panel_test/trend?codes=ATL"), 404)
    assert "'ATL' is not a unit" in body["what"]
    body = error_of(client.get("/api/indices/ceti/trend?codes=KOR"), 422)
    assert "has no years" in body["what"]


def test_compare_years_and_a_years_uncertainty(client: TestClient) -> None:
    body = client.get("/api/indices/panel_test/compare-years?from=2002&to=2010").json()
    rows = body["rows"]
    assert len(rows) == 12 and body["from"] == 2002
    assert {"rank_change", "score_change", "top_measure", "measures"} <= set(rows[0])
    total = sum(v for v in rows[0]["measures"].values() if v is not None)
    assert total == pytest.approx(rows[0]["score_change"], abs=1e-5)
    body = error_of(client.get("/api/indices/panel_test/compare-years?from=2002&to=2030"), 422)
    assert body["field"] == "to"
    ranks = client.get("/api/indices/panel_test/uncertainty?year=2008&runs=200").json()
    assert ranks["year"] == 2008 and len(ranks["countries"]) == 12


def test_movers_with_runs_say_how_robust_each_move_is(client: TestClient) -> None:
    url = "/api/indices/panel_test/compare-years?from=2002&to=2010&runs=300&seed=2"
    body = client.get(url).json()
    assert body["runs"] == 300 and "share_up" in body["change"]
    expected = compare_years(load_spec(PANEL_SPEC), first=2002, last=2010, runs=300, seed=2,
                             store=SnapshotStore()).set_index("code")  # fmt: skip
    for row in body["rows"]:
        want = expected.loc[row["code"]]
        assert row["change_q05"] == pytest.approx(want["change_q05"])
        assert row["change_q95"] == pytest.approx(want["change_q95"])
        assert row["share_up"] == pytest.approx(want["share_up"], abs=1e-6)  # 6 decimals
    assert models.CompareYearsOut.model_validate(body).runs == 300
    text = client.get(url + "&format=csv").text
    header = next(csv.reader(io.StringIO(text)))
    assert header[7:11] == ["rank_change", "change_q05", "change_q95", "share_up"]
    plain = client.get("/api/indices/panel_test/compare-years?from=2002&to=2010").json()
    assert "runs" not in plain and "share_up" not in plain["rows"][0]
    assert error_of(client.get(url.replace("runs=300", "runs=-1")), 422)["field"] == "runs"


# -- custom weights: the trend and the movers of the weights given, labelled as such ------------

MILITARY = "Economy=0,Military=1"
CODES = ["KOR", "CHN", "JPN", "USA"]


def trend_of(client: TestClient, **params: object) -> dict:
    query = {"codes": ",".join(CODES), "from": 2004, "to": 2008, "runs": 100, **params}
    response = client.get("/api/indices/panel_test/trend", params=query)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_reweighted_trend_is_the_librarys_for_those_weights_and_says_so(
    client: TestClient,
) -> None:
    published = trend_of(client)
    custom = trend_of(client, weights=MILITARY, renormalise="true")
    assert published["custom_weights"] is False and custom["custom_weights"] is True
    assert published["weights"]["Military"] == 0.4
    assert custom["weights"]["Military"] == 1.0 and custom["weights"]["Economy"] == 0.0
    expected = trend(load_spec(PANEL_SPEC), CODES, first=2004, last=2008, runs=100, seed=1,
                     weights={"Economy": 0, "Military": 1}, store=SnapshotStore())  # fmt: skip
    assert [r["rank"] for r in custom["rows"]] == expected["rank"].tolist()
    assert [r["q95_rank"] for r in custom["rows"]] == pytest.approx(expected["q95_rank"].tolist())
    # the re-weighting moves units: the trend is not the published one
    assert [r["rank"] for r in custom["rows"]] != [r["rank"] for r in published["rows"]]
    # cached by weights: the published trend asked again is the published one
    assert trend_of(client) == published
    assert models.IndexTrendOut.model_validate(custom).custom_weights is True


def test_reweighted_movers_are_the_librarys_for_those_weights_and_say_so(
    client: TestClient,
) -> None:
    url = "/api/indices/panel_test/compare-years?from=2002&to=2010"
    published = client.get(url).json()
    custom = client.get(f"{url}&weights={MILITARY}&renormalise=true").json()
    assert published["custom_weights"] is False and custom["custom_weights"] is True
    assert custom["weights"]["Military"] == 1.0
    expected = compare_years(load_spec(PANEL_SPEC), first=2002, last=2010, store=SnapshotStore(),
                             weights={"Economy": 0, "Military": 1})  # fmt: skip
    assert [r["code"] for r in custom["rows"]] == expected["code"].tolist()
    assert [r["rank_change"] for r in custom["rows"]] == expected["rank_change"].tolist()
    moves = {r["code"]: r["rank_change"] for r in published["rows"]}
    assert {r["code"]: r["rank_change"] for r in custom["rows"]} != moves
    # every score change is the military measure's alone
    for row in custom["rows"]:
        if row["score_change"] is not None:
            assert row["measures"]["Military"] == pytest.approx(row["score_change"], abs=1e-5)
    assert models.CompareYearsOut.model_validate(custom).custom_weights is True


@pytest.mark.parametrize("what", ["trend", "compare-years"])
def test_csv_of_custom_weights_is_named_so(client: TestClient, what: str) -> None:
    query = "codes=KOR,CHN&runs=0" if what == "trend" else "from=2002&to=2010"
    url = f"/api/indices/panel_test/{what}?{query}&format=csv"
    published = client.get(url)
    assert f'filename="panel_test-{what}.csv"' in published.headers["content-disposition"]
    custom = client.get(f"{url}&weights={MILITARY}&renormalise=true")
    assert custom.status_code == 200, custom.text
    disposition = custom.headers["content-disposition"]
    assert f'filename="panel_test-{what}-custom-weights.csv"' in disposition
    as_json = client.get(url.replace("&format=csv", "") + f"&weights={MILITARY}&renormalise=true")
    rows = list(csv.DictReader(io.StringIO(custom.text)))
    assert [r["code"] for r in rows] == [r["code"] for r in as_json.json()["rows"]]
    assert custom.text != published.text


@pytest.mark.parametrize("what", ["trend", "compare-years"])
@pytest.mark.parametrize(
    ("weights", "renormalise", "words", "fix"),
    [
        ("Navy=0.5", "true", "unknown node 'Navy'", "Economy"),
        ("Military=-1", "true", "weight of 'Military' is -1.0", "between 0 and 1"),
        ("Military=inf", "true", "'Military' is inf; weights must be finite", "between 0 and 1"),
        ("Economy=0,Military=0", "true", "sum to 0", "at least one"),
        ("Military=1", "false", "sum to 1.6, not 1", "renormalise"),
        ("Military", "true", "cannot read weight 'Military'", "NODE=W"),
    ],
)
def test_impossible_weights_are_422_naming_the_node_and_the_fix(
    client: TestClient, what: str, weights: str, renormalise: str, words: str, fix: str
) -> None:
    query = "codes=KOR&runs=0" if what == "trend" else "from=2002&to=2010"
    response = client.get(
        f"/api/indices/panel_test/{what}?{query}&weights={weights}&renormalise={renormalise}"
    )
    body = error_of(response, 422)
    assert words in body["what"] and fix in body["fix"]
    assert body["field"] == "weights"
