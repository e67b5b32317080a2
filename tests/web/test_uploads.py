"""Uploads: the token guards them, bad files are refused whole, good files are stored safely."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from powerscope.data.store import SnapshotStore
from powerscope.web.api import create_app
from powerscope.web.errors import UnsupportedTypeError
from powerscope.web.uploads import sanitise_filename

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOKEN = "correct-horse-battery-staple-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

EQUAL_CETI = """\
id: ceti_equal
name: CETI with equal sector weights
table: ceti_pillars
citation: Belfer Center CETI 2025, sectors weighted equally
normalise: none
aggregate: arithmetic
scale: 100
children:
{sectors}
"""

DATASET = "code,uName,x1,x2\nAAA,Alpha,1,10\nBBB,Beta,2,30\nCCC,Gamma,3,20\n"
DATA_SPEC = """\
id: tiny
name: Tiny index
data_file: {ref}
normalise: minmax
aggregate: arithmetic
scale: 100
children:
  - {{id: x1, weight: 0.5}}
  - {{id: x2, weight: 0.5}}
"""


def equal_ceti_spec() -> str:
    from powerscope.index import load_spec

    ceti = load_spec("ceti")
    lines = []
    for sector in ceti.root.children:
        lines.append(f"  - id: {sector.id}\n    weight: 0.2\n    children:")
        for pillar in sector.children:
            lines.append(
                f'      - {{id: "{pillar.id}", weight: {pillar.weight}, '
                f'indicator: "{pillar.indicator}"}}'
            )
    return EQUAL_CETI.format(sectors="\n".join(lines))


@pytest.fixture
def upload_dir(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def client(upload_dir: Path) -> Iterator[TestClient]:
    app = create_app(store=SnapshotStore(), token=TOKEN, upload_dir=upload_dir)
    with TestClient(app) as test_client:
        yield test_client


def upload(client: TestClient, kind: str, name: str, content: str | bytes, **kw: object):  # type: ignore[no-untyped-def]
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        f"/api/uploads/{kind}", files={"file": (name, data, "application/octet-stream")}, **kw
    )


def stored_files(upload_dir: Path) -> list[Path]:
    return sorted(p for p in upload_dir.rglob("*") if p.is_file()) if upload_dir.exists() else []


def test_no_token_configured_means_403(upload_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POWERSCOPE_API_TOKEN", raising=False)
    app = create_app(store=SnapshotStore(), upload_dir=upload_dir)
    with TestClient(app) as client:
        for kind, name in (("datasets", "d.csv"), ("specs", "s.yaml")):
            response = upload(client, kind, name, DATASET, headers=AUTH)
            assert response.status_code == 403
            assert "POWERSCOPE_API_TOKEN" in response.json()["error"]["fix"]
    assert stored_files(upload_dir) == []


def test_token_from_the_environment(upload_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERSCOPE_API_TOKEN", TOKEN)
    with TestClient(create_app(store=SnapshotStore(), upload_dir=upload_dir)) as client:
        assert upload(client, "datasets", "d.csv", DATASET, headers=AUTH).status_code == 201


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}],
)
def test_missing_or_wrong_token_is_401(
    client: TestClient, upload_dir: Path, headers: dict[str, str]
) -> None:
    response = upload(client, "datasets", "d.csv", DATASET, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["where"] == "Authorization header"
    assert stored_files(upload_dir) == []


def test_oversize_is_413_and_nothing_stored(client: TestClient, upload_dir: Path) -> None:
    big = "code,x\n" + "AAA,1\n" * (5 * 1024 * 1024 // 6 + 10)
    response = upload(client, "datasets", "big.csv", big, headers=AUTH)
    assert response.status_code == 413
    assert "5 MB" in response.json()["error"]["what"]
    assert stored_files(upload_dir) == []


def test_path_tricks_are_stored_safely(client: TestClient, upload_dir: Path) -> None:
    response = upload(client, "specs", "../../x.yaml", equal_ceti_spec(), headers=AUTH)
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["name"] == "x.yaml" and record["kind"] == "specs"
    files = stored_files(upload_dir)
    assert {f.name for f in files} == {f"{record['id']}.yaml", f"{record['id']}.json"}
    for path in files:
        assert path.parent == upload_dir / "specs"
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert not (upload_dir.parent / "x.yaml").exists()
    assert not list(upload_dir.rglob("*.tmp"))


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("../a/b\\..\\c.csv", "datasets"),
        ("....//evil name!.yaml", "specs"),
        ("x.yml", "specs"),
    ],
)
def test_sanitised_names_have_no_directories(raw: str, kind: str) -> None:
    name = sanitise_filename(raw, kind)
    assert "/" not in name and "\\" not in name and ".." not in name
    assert name.endswith((".csv", ".yaml", ".yml"))


def test_wrong_type_is_415(client: TestClient, upload_dir: Path) -> None:
    with pytest.raises(UnsupportedTypeError):
        sanitise_filename("spec.exe", "specs")
    response = upload(client, "specs", "spec.json", "{}", headers=AUTH)
    assert response.status_code == 415
    assert stored_files(upload_dir) == []


@pytest.mark.parametrize(
    ("kind", "name", "content", "words"),
    [
        ("specs", "bad.yaml", "id: [unclosed\n", "not valid YAML"),
        ("specs", "list.yaml", "- a\n- b\n", "must be a mapping"),
        ("specs", "bomb.yaml", "a: &x [1]\nb: *x\n", "aliases"),
        ("specs", "weights.yaml", "id: w\nchildren:\n  - {id: a, weight: 0.7}\n", "sum to"),
        ("specs", "derive.yaml", "id: d\nderive: powerscope.x:y\nchildren: [{id: a}]\n", "derive"),
        ("specs", "nodata.yaml", DATA_SPEC.format(ref="missing.csv"), "not an uploaded dataset"),
        ("specs", "table.yaml", "id: t\ntable: no_such_table\nchildren: [{id: a}]\n", "no table"),
        ("datasets", "nocode.csv", "country,x\nKOR,1\n", "no unit code column"),
        ("datasets", "text.csv", "code,x\nKOR,high\n", "no numeric column"),
        ("datasets", "ragged.csv", "code,x\nKOR,1,2\n", "cells where the header has"),
        ("datasets", "dupes.csv", "code,x\nKOR,1\nKOR,2\n", "repeated code"),
        ("datasets", "empty.csv", "", "empty"),
        ("datasets", "latin1.csv", "code,x\nK\xd6R,1\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_malformed_uploads_are_422_and_nothing_stored(
    client: TestClient, upload_dir: Path, kind: str, name: str, content: str | bytes, words: str
) -> None:
    response = upload(client, kind, name, content, headers=AUTH)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert words in error["what"]
    assert stored_files(upload_dir) == []


def test_a_spec_cannot_shadow_a_builtin_index(client: TestClient) -> None:
    spec = equal_ceti_spec().replace("id: ceti_equal", "id: CETI")
    assert upload(client, "specs", "c.yaml", spec, headers=AUTH).status_code == 409


def test_uploaded_spec_is_listed_and_computed(client: TestClient) -> None:
    response = upload(client, "specs", "equal.yaml", equal_ceti_spec(), headers=AUTH)
    assert response.status_code == 201
    assert len(response.json()["sha256"]) == 64
    names = [i["name"] for i in client.get("/api/indices").json()["indices"]]
    assert "ceti_equal" in names
    mine = client.post("/api/indices/ceti_equal/compute", json={}).json()
    equal = dict.fromkeys(("Semiconductors", "AI", "Biotechnology", "Space", "Quantum"), 0.2)
    ceti = client.post("/api/indices/ceti/compute", json={"weights": equal}).json()
    assert [r["code"] for r in mine["ranking"]] == [r["code"] for r in ceti["ranking"]]
    # docs/ceti.md: with equal sector weights the United Kingdom and Germany pass South Korea
    ranks = {r["code"]: r["rank_excluding_aggregates"] for r in mine["ranking"]}
    assert ranks["GBR"] < ranks["KOR"] and ranks["DEU"] < ranks["KOR"]
    listed = client.get("/api/uploads").json()["uploads"]
    assert [u["name"] for u in listed] == ["equal.yaml"]


def test_spec_on_an_uploaded_dataset(client: TestClient, upload_dir: Path) -> None:
    dataset = upload(client, "datasets", "tiny.csv", DATASET, headers=AUTH)
    assert dataset.status_code == 201
    assert dataset.json()["numeric"] == ["x1", "x2"]
    for ref in ("tiny.csv", dataset.json()["id"]):
        spec = upload(client, "specs", "tiny.yaml", DATA_SPEC.format(ref=ref), headers=AUTH)
        assert spec.status_code == 201, spec.text
    body = client.post("/api/indices/tiny/compute", json={}).json()
    # min-max: Alpha (0, 0) -> 0; Beta (0.5, 1) -> 75; Gamma (1, 0.5) -> 75
    scores = {r["code"]: r["score"] for r in body["ranking"]}
    assert scores == pytest.approx({"AAA": 0.0, "BBB": 75.0, "CCC": 75.0})
    reweighted = client.post(
        "/api/indices/tiny/compute", json={"weights": {"x2": 3}, "renormalise": True}
    ).json()
    assert reweighted["ranking"][0]["code"] == "BBB"
    bad = client.post("/api/indices/tiny/compute", json={"weights": {"x3": 1}})
    assert bad.status_code == 422
    # uploads never touch the warehouse
    assert not (Path(os.environ["POWERSCOPE_HOME"]) / "warehouse.duckdb").exists()
    assert {p.parent.name for p in stored_files(upload_dir)} == {"datasets", "specs"}


def test_spec_indicators_must_be_in_the_dataset(client: TestClient, upload_dir: Path) -> None:
    upload(client, "datasets", "tiny.csv", DATASET.replace("x2", "y2"), headers=AUTH)
    response = upload(client, "specs", "tiny.yaml", DATA_SPEC.format(ref="tiny.csv"), headers=AUTH)
    assert response.status_code == 422
    assert "x2" in response.json()["error"]["what"]
    assert [p.parent.name for p in stored_files(upload_dir)] == ["datasets", "datasets"]
