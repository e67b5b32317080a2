"""``GET /api/talent/{code}``: the library's figures, peers, the two sources, CSV, and errors
that name the parameter."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from powerscope.data.store import SnapshotStore
from powerscope.talent import talent_flows
from powerscope.web.api import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(store=SnapshotStore(), upload_dir=tmp_path_factory.mktemp("uploads"))
    with TestClient(app) as test_client:
        yield test_client


def test_talent_answers_the_librarys_figures(client: TestClient) -> None:
    response = client.get("/api/talent/KOR?peers=JPN,CHN,USA")
    assert response.status_code == 200, response.text
    payload = response.json()
    expected = talent_flows("KOR", peers=["JPN", "CHN", "USA"], store=SnapshotStore()).to_dict()
    assert payload["rows"] == expected["rows"]
    row = next(r for r in payload["rows"] if r["year"] == 2021)
    assert row["net"] == -375 and row["provisional"] is False
    usa = next(f for f in payload["flows"] if f["partner"] == "USA")
    assert {"year": 2021, "moves_out": 850, "moves_in": 797, "net": -53,
            "provisional": False} in usa["by_year"]  # fmt: skip
    assert payload["peers"] == ["JPN", "CHN", "USA"]
    assert payload["sources"]["releases"] == ["scopus_2024", "openalex_2023"]
    assert payload["citation"]["dataset"] == "scholarly_migration"
    assert "Max Planck" in payload["source"] and payload["provisional_years"] == [2022, 2023]
    assert "table" not in payload


def test_talent_years_release_and_csv(client: TestClient) -> None:
    payload = client.get("/api/talent/South Korea?from=2010&release=openalex_2023").json()
    assert payload["code"] == "KOR" and payload["years"] == [2010, 2023]
    assert payload["release"] == "openalex_2023" and 2021 in payload["provisional_years"]
    response = client.get("/api/talent/KOR?peers=JPN&format=csv&to=2015")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "KOR-talent.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["code"] for r in rows} == {"KOR", "JPN"}
    assert {"year", "inflow", "outflow", "net", "rate", "provisional"} <= set(rows[0])
    assert max(int(r["year"]) for r in rows) == 2015


@pytest.mark.parametrize(
    ("url", "status", "parameter", "words"),
    [
        ("/api/talent/Atlantis", 404, "code", "Atlantis"),
        ("/api/talent/KOR?peers=JPN,Narnia", 404, "peers", "Narnia"),
        ("/api/talent/KOR?release=wos", 422, "release", "scopus_2024, openalex_2023"),
        ("/api/talent/KOR?release=scopus_2022_07", 422, "release", "flows"),
        ("/api/talent/KOR?from=1990", 422, "from", "1997 to 2023"),
        ("/api/talent/KOR?from=2015&to=2010", 422, "from", "2015-2010"),
        ("/api/talent/Kosovo", 404, "code", "not in the Scholarly Migration Database"),
    ],
)
def test_talent_errors(
    client: TestClient, url: str, status: int, parameter: str | None, words: str
) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert {"what", "where", "fix"} <= set(error)
    assert error.get("parameter") == parameter
    assert words in error["what"] + (error["fix"] or "")


def test_too_many_partners_is_refused(client: TestClient) -> None:
    response = client.get("/api/talent/KOR?partners=51")
    assert response.status_code == 422
    assert "error" in response.json()
