"""Every answer with figures cites the store's datasets: the citations are the store's own
(edition and data years measured on its tables), a later edition in the store changes what the
API says, and nothing names a local path."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from powerscope.data.store import SnapshotStore, Store
from powerscope.web.api import create_app
from powerscope.web.tables import plain
from support import NEXT_EDITIONS, next_edition_store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

#: Answers with figures, and where their citations are (a key path; "*" for each value).
FIGURES: list[tuple[str, str, tuple[str, ...]]] = [
    ("POST", "/api/indices/ceti/compute", ("citations",)),
    ("POST", "/api/indices/partners/compute", ("citations",)),
    ("GET", "/api/indices/ceti/ranking", ("citations",)),
    ("GET", "/api/indices/military/uncertainty?runs=100", ("citations",)),
    ("GET", "/api/countries/KOR", ("technology", "citations")),
    ("GET", "/api/countries/KOR", ("military", "citations")),
    ("GET", "/api/countries/KOR", ("arms", "citations")),
    ("GET", "/api/countries/KOR", ("alignment", "citations")),
    ("GET", "/api/military/rank?measure=gfp", ("citations",)),
    ("GET", "/api/military/rank?measure=milex", ("citations",)),
    ("GET", "/api/military/rank?measure=cinc", ("citations",)),
    ("GET", "/api/military/rank?measure=open", ("citations",)),
    ("GET", "/api/military/KOR", ("citations",)),
    ("GET", "/api/arms/exporters", ("citations",)),
    ("GET", "/api/arms/trend?codes=KOR", ("citations",)),
    ("GET", "/api/arms/KOR", ("citations",)),
    ("GET", "/api/alignment/KOR/partners?runs=0", ("citations",)),
    ("GET", "/api/alignment/KOR/agreement", ("citations",)),
    ("GET", "/api/claims", ("citations",)),
    ("GET", "/api/datasets", ("citations",)),
    ("GET", "/api/dynamics/KOR/calibration", ("citations",)),
]
#: what names a dataset in a citation (the rest may describe one table of it)
IDENTITY = ("dataset", "publisher", "licence", "url")


def _app(store: Store, uploads: Path) -> Iterator[TestClient]:
    with TestClient(create_app(store=store, upload_dir=uploads)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def store() -> Store:
    return SnapshotStore()


@pytest.fixture(scope="module")
def client(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from _app(store, tmp_path_factory.mktemp("uploads"))


@pytest.fixture(scope="module")
def next_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from _app(next_edition_store(), tmp_path_factory.mktemp("uploads-next"))


def answer(client: TestClient, method: str, url: str) -> dict[str, Any]:
    response = client.post(url, json={}) if method == "POST" else client.get(url)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def at(body: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        body = body[key]
    return body


@pytest.mark.parametrize(("method", "url", "path"), FIGURES, ids=lambda v: str(v))
def test_figures_cite_the_stores_datasets(
    client: TestClient, store: Store, method: str, url: str, path: tuple[str, ...]
) -> None:
    citations = at(answer(client, method, url), path)
    assert citations, f"{url}: no citations at {'.'.join(path)}"
    for cited in citations:
        own = store.citation(cited["dataset"]).to_dict()
        if url == "/api/claims":  # a verdict may cite one table of a dataset, with its edition
            assert {k: cited[k] for k in IDENTITY} == {k: own[k] for k in IDENTITY}
        else:
            assert cited == own


def test_claims_cite_each_verdicts_datasets(client: TestClient) -> None:
    body = client.get("/api/claims").json()
    cited = {c["dataset"] for c in body["citations"]}
    assert "powerscope_claims" in cited
    for claim in body["claims"]:
        assert {c["dataset"] for c in claim["citations"]} <= cited


def test_country_answer_is_the_librarys_profile(client: TestClient, store: Store) -> None:
    from powerscope.arms.service import load
    from powerscope.index import load_spec
    from powerscope.index.service import compute_index
    from powerscope.profile import country_profile

    profile = country_profile(
        "KOR",
        store=store,
        index_result=compute_index(load_spec("ceti"), store=store),
        arms_data=load(store),
    )
    expected = json.loads(json.dumps(plain(profile.to_dict())))
    assert client.get("/api/countries/KOR").json() == expected


def test_arms_default_period_is_the_latest_of_the_data(client: TestClient, store: Store) -> None:
    from powerscope.arms.service import latest_period, load

    first, last = latest_period(load(store))
    latest = f"{first}-{last}"
    assert client.get("/api/arms/exporters").json()["period"] == latest
    profile = client.get("/api/arms/KOR").json()
    assert (profile["period"], profile["previous_period"]) == (latest, f"{first - 5}-{last - 5}")
    country = client.get("/api/countries/KOR").json()["arms"]
    assert (country["period"], country["current"]["period"]) == (latest, latest)
    assert country["previous"]["period"] == f"{first - 5}-{last - 5}"
    assert client.get("/api/arms/trend?codes=KOR").json()["series"][0]["years"][-1] == last
    # a period asked for is kept
    assert client.get("/api/arms/exporters?period=2017-2021").json()["period"] == "2017-2021"


def test_agreement_defaults_to_the_last_full_session(client: TestClient, store: Store) -> None:
    from powerscope.alignment.service import last_vote_year, votes_citations
    from powerscope.data.catalog import cite_all

    body = client.get("/api/alignment/KOR/agreement").json()
    assert body["year"] == last_vote_year(store)
    assert body["source"] == cite_all(votes_citations(store))
    assert [c["dataset"] for c in body["citations"]] == ["unvotes", "unvotes_undl"]


def test_a_later_edition_changes_what_the_api_says(next_client: TestClient) -> None:
    gfp = NEXT_EDITIONS["gfp"]
    ranking = next_client.get("/api/military/rank?measure=gfp").json()
    assert ranking["year"] == 2027
    assert [c["edition"] for c in ranking["citations"]] == [gfp["edition"]]
    assert "edition 2027" in ranking["source"] and "2026" not in ranking["source"]
    country = next_client.get("/api/countries/KOR").json()
    measure = country["military"]["measures"]["gfp"]
    assert measure["year"] == 2027 and measure["citations"][0]["short"] == gfp["short"]
    ceti = NEXT_EDITIONS["belfer_ceti"]
    assert [c["edition"] for c in country["technology"]["citations"]] == [ceti["edition"]]
    datasets = {c["dataset"]: c for c in next_client.get("/api/datasets").json()["citations"]}
    assert datasets["gfp"]["edition"] == gfp["edition"]


def test_no_edition_is_written_into_the_api_description(client: TestClient, store: Store) -> None:
    schema = json.dumps(client.get("/openapi.json").json())
    for dataset in ("gfp", "belfer_ceti", "sipri_arms", "unvotes"):
        cited = store.citation(dataset)
        assert cited.short not in schema, f"{cited.short!r} is written into the API's schema"


def test_health_and_datasets_name_no_local_path(client: TestClient, store: Store) -> None:
    described = client.get("/api/health").json()["store"]
    assert described == store.describe()
    assert client.get("/api/datasets").json()["store"] == described
    assert not re.search(r"(^|[\s:])/[A-Za-z]", described), described
    assert str(Path.home()) not in described and str(Path.cwd()) not in described
