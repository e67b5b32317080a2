"""``GET /api/research`` and ``/api/research/by-field``: the library's figures with NCSES's
citation, CSV, and errors that name the parameter."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from powerscope.data.store import SnapshotStore
from powerscope.research import compare_fields
from powerscope.web.api import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(store=SnapshotStore(), upload_dir=tmp_path_factory.mktemp("uploads"))
    with TestClient(app) as test_client:
        yield test_client


def test_articles_shares_and_ranks(client: TestClient) -> None:
    response = client.get("/api/research", params={"codes": "KOR,CHN,USA,IND,WLD",
                                                    "field": "all S&E fields"})  # fmt: skip
    assert response.status_code == 200, response.text
    payload = response.json()
    latest = {r["code"]: r for r in payload["rows"] if r["year"] == 2022}
    assert round(latest["KOR"]["articles"]) == 76_936
    assert round(latest["CHN"]["articles"]) == 898_949
    assert latest["WLD"]["articles"] == 3_344_037
    assert latest["KOR"]["rank"] == 9 and latest["CHN"]["rank"] == 1
    assert latest["KOR"]["share"] == pytest.approx(76_935.71 / 3_344_037 * 100)
    assert payload["fields"][0] == "all S&E fields" and "AI-related" in payload["fields"]
    assert payload["citation"]["dataset"] == "ncses_sei2024"
    assert payload["citation"]["years"] == [2003, 2022]
    growth = {g["code"]: g for g in payload["growth"]}
    assert growth["CHN"]["cagr"] > growth["KOR"]["cagr"] > 0


def test_a_field_whole_counts_and_csv(client: TestClient) -> None:
    params = {"codes": "KOR,JPN", "field": "Computer and Information Sciences",
              "count": "whole", "from": "2018", "to": "2022", "format": "csv"}  # fmt: skip
    response = client.get("/api/research", params=params)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "research-computer" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["code"], r["year"]) for r in rows][:2] == [("KOR", "2018"), ("KOR", "2019")]
    assert len(rows) == 10 and set(rows[0]) == {"code", "name", "year", "articles", "share",
                                                 "rank"}  # fmt: skip
    ai = client.get("/api/research", params={"codes": "KOR", "field": "ai"}).json()
    assert ai["field"] == "AI-related" and ai["count_type"] == "whole"


def test_by_field_is_the_librarys_comparison(client: TestClient) -> None:
    response = client.get("/api/research/by-field", params={"codes": "KOR,CHN"})
    assert response.status_code == 200, response.text
    payload = response.json()
    expected = compare_fields("KOR", "CHN", store=SnapshotStore()).to_dict()
    assert [r["field"] for r in payload["rows"]] == [r["field"] for r in expected["rows"]]
    assert payload["rows"][0]["ratio_trend"] == pytest.approx(expected["rows"][0]["ratio_trend"])
    assert payload["losing"] == expected["losing"] and payload["gaining"] == []
    csv_rows = client.get("/api/research/by-field?codes=KOR,JPN&format=csv").text
    rows = list(csv.DictReader(io.StringIO(csv_rows)))
    assert len(rows) == 16 and {"field", "ratio_trend", "verdict"} <= set(rows[0])


@pytest.mark.parametrize(
    ("url", "status", "parameter", "words"),
    [
        ("/api/research?codes=KOR&field=computr science", 404, "field",
         "closest: computer and information sciences"),
        ("/api/research?codes=KOR,Narnia", 404, "codes", "Narnia"),
        ("/api/research?codes=SUN", 404, "codes", "Soviet Union"),
        ("/api/research?codes=KOR&from=2000", 422, "from", "2003-2022"),
        ("/api/research?codes=KOR&to=2030", 422, "to", "2003-2022"),
        ("/api/research?codes=KOR&field=AI&count=fractional", 422, "count", "whole counts only"),
        ("/api/research/by-field?codes=KOR", 422, "codes", "two countries"),
        ("/api/research/by-field?codes=KOR,CHN&from=2010&to=2010", 422, "from", "two years"),
    ],
)  # fmt: skip
def test_errors(client: TestClient, url: str, status: int, parameter: str, words: str) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["parameter"] == parameter
    assert words in error["what"] + (error["fix"] or "")
