"""The API on a panel index (the test spec of generated data, 2000-2010, served as a built-in
index here): years in the metadata, a year's computation and uncertainty, trends with rank
bands, movers; 4xx with what, where and how to fix on bad input."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from fastapi.testclient import TestClient

from panel_support import PANEL_SPEC
from powerscope.data.store import SnapshotStore
from powerscope.index import load_spec
from powerscope.index.panel import compute_panel, trend
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
