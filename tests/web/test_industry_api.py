"""``GET /api/industry/{code}``: the library's companies and summary with exports beside them,
peers, a company, years, CSV, and 4xx answers that name the parameter."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from powerscope.data.store import SnapshotStore
from powerscope.industry import industry
from powerscope.web.api import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(store=SnapshotStore(), upload_dir=tmp_path_factory.mktemp("uploads"))
    with TestClient(app) as test_client:
        yield test_client


def test_industry_answers_the_librarys_figures(client: TestClient) -> None:
    response = client.get("/api/industry/KOR?peers=JPN,DEU,ISR")
    assert response.status_code == 200, response.text
    payload = response.json()
    expected = industry("KOR", SnapshotStore(), peers=["JPN", "DEU", "ISR"]).to_dict()
    assert payload["peers"] == ["JPN", "DEU", "ISR"]
    assert payload["rows"] == expected["rows"]
    hanwha = next(r for r in payload["rows"] if r["year"] == 2022 and r["rank"] == 48)
    assert (hanwha["company"], hanwha["arms_revenue"]) == ("Hanwha Aerospace", 2780.0)
    for got, want in zip(payload["by_year"], expected["by_year"], strict=True):
        assert got["arms_revenue"] == want["arms_revenue"]
        assert got["tiv_exports"] == pytest.approx(want["tiv_exports"])
    assert set(payload["peers_by_year"]) == {"JPN", "DEU", "ISR"}
    assert {c["dataset"] for c in payload["citations"]} == {"sipri_top100", "sipri_arms"}
    assert "not money" in payload["units"]["tiv_exports"]


def test_industry_company_years_and_csv(client: TestClient) -> None:
    payload = client.get("/api/industry/South Korea?company=Hanwha&from=2020&to=2022").json()
    assert payload["years"] == [2020, 2022]
    assert {r["company"] for r in payload["rows"]} == {"Hanwha Aerospace", "Hanwha Corp."}
    assert [r["year"] for r in payload["by_year"]] == [2020, 2021, 2022]
    response = client.get("/api/industry/KOR?format=csv&from=2022")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "KOR-industry.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["company"], r["rank"]) for r in rows] == [
        ("Hanwha Aerospace", "48"), ("LIG Nex1", "67"), ("Korea Aerospace Industries", "73"),
        ("Hyundai Rotem", "98"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "status", "parameter", "words"),
    [
        ("/api/industry/Atlantis", 404, "code", "Atlantis"),
        ("/api/industry/NZL", 404, None, "has no company in the SIPRI Top 100"),
        ("/api/industry/KOR?peers=JPN,Narnia", 404, "peers", "Narnia"),
        ("/api/industry/KOR?peers=JPN,NZL", 404, "peers", "New Zealand"),
        ("/api/industry/KOR?company=Hanwa", 404, "company", "closest: Hanwha"),
        ("/api/industry/KOR?from=1999", 422, "from", "2002-2022"),
        ("/api/industry/KOR?to=2024", 422, "to", "2002-2022"),
        ("/api/industry/KOR?from=2015&to=2010", 422, "from", "2015-2010"),
        ("/api/industry/KOR?from=abc", 422, "from", ""),
    ],
)
def test_industry_errors(
    client: TestClient, url: str, status: int, parameter: str | None, words: str
) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error.get("parameter") == parameter
    assert words in error["what"] + (error["fix"] or "")
