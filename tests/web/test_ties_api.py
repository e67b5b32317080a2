"""``GET /api/alignment/{code}/ties``: regions with every measure, peers, CSV, and errors that
name the parameter."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from powerscope.alignment.ties import ties
from powerscope.data.store import SnapshotStore
from powerscope.web.api import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(store=SnapshotStore(), upload_dir=tmp_path_factory.mktemp("uploads"))
    with TestClient(app) as test_client:
        yield test_client


def test_ties_answer_the_librarys_figures(client: TestClient) -> None:
    response = client.get("/api/alignment/KOR/ties?peers=JPN,AUS,TUR,IND")
    assert response.status_code == 200, response.text
    payload = response.json()
    expected = ties("KOR", SnapshotStore(), peers=["JPN", "AUS", "TUR", "IND"]).to_dict()
    assert payload["peers"] == ["JPN", "AUS", "TUR", "IND"]
    got = {r["id"]: r for r in payload["regions"]}
    for region in expected["regions"]:
        mine = got[region["id"]]
        assert mine["vote_agreement"] == pytest.approx(region["vote_agreement"])
        assert mine["thin"] == region["thin"] and mine["forums"] == region["forums"]
        assert mine["embassies"] == region["embassies"]
    assert payload["citations"] and "Voeten" in payload["source"]
    assert "rows" not in payload


def test_ties_years_and_csv(client: TestClient) -> None:
    payload = client.get("/api/alignment/South Korea/ties?from=2010&to=2014").json()
    assert payload["focal"] == "KOR" and payload["years"] == [2010, 2014]
    gulf = next(r for r in payload["regions"] if r["id"] == "gulf")
    assert set(gulf["vote_agreement_by_year"]) == {"2010", "2011", "2012", "2013", "2014"}
    response = client.get("/api/alignment/KOR/ties?peers=JPN&format=csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "KOR-ties.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["country"] for r in rows} == {"KOR", "JPN"}
    assert {"region", "vote_agreement", "forums", "thin"} <= set(rows[0])


@pytest.mark.parametrize(
    ("url", "status", "parameter", "words"),
    [
        ("/api/alignment/Atlantis/ties", 404, "code", "Atlantis"),
        ("/api/alignment/KOR/ties?peers=JPN,Narnia", 404, "peers", "Narnia"),
        ("/api/alignment/KOR/ties?from=2000&to=2090", 422, "to", "1946"),
        ("/api/alignment/KOR/ties?from=2015&to=2010", 422, "from", "2015-2010"),
    ],
)
def test_ties_errors(client: TestClient, url: str, status: int, parameter: str, words: str) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["parameter"] == parameter
    assert words in error["what"] + (error["fix"] or "")
