"""What the web service gives out: uploaded specs read no file outside the data folders, CSV
cells are never spreadsheet formulas, every response carries the security headers, and no
answer shows an absolute server path. Each attack is reproduced and its refusal asserted."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from powerscope.data.store import SnapshotStore
from powerscope.errors import SpecError
from powerscope.index.data import index_data
from powerscope.index.spec import parse_spec
from powerscope.web.api import create_app
from powerscope.web.security import CSP
from powerscope.web.tables import csv_response, safe_cell

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOKEN = "outputs-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SPEC = """\
id: probe
name: Probe
table: {table}
normalise: minmax
aggregate: arithmetic
scale: 100
children:
  - {{id: A, indicator: "{indicator}", weight: 1, direction: {direction}}}
{extra}"""


def spec(
    table: str = "ceti_pillars",
    indicator: str = "AI/Algorithms",
    direction: str = "1",
    extra: str = "",
) -> bytes:
    return SPEC.format(table=table, indicator=indicator, direction=direction, extra=extra).encode()


@pytest.fixture
def upload_dir(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def client(upload_dir: Path) -> Iterator[TestClient]:
    app = create_app(store=SnapshotStore(), token=TOKEN, upload_dir=upload_dir)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def upload(client: TestClient, kind: str, name: str, content: bytes):  # type: ignore[no-untyped-def]
    return client.post(f"/api/uploads/{kind}", files={"file": (name, content)}, headers=AUTH)


def stored(upload_dir: Path, kind: str) -> list[Path]:
    folder = upload_dir / kind
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


# -- (a) an uploaded spec's table: a built-in table's name, never a path --------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A Parquet file outside the data folders with exactly the columns an index table has."""
    folder = tmp_path / "outside"
    folder.mkdir()
    table = pa.table({"code": ["SECRET"], "indicator": ["x"], "value": [42.0]})
    pq.write_table(table, folder / "secret.parquet")
    return folder


def test_a_spec_naming_a_file_outside_is_refused_and_nothing_read(
    client: TestClient, upload_dir: Path, outside: Path
) -> None:
    existing = upload(client, "specs", "p.yaml", spec(str(outside / "secret"), "x"))
    assert existing.status_code == 422, existing.text
    error = existing.json()["error"]
    assert error["what"] == "no table (a path) among the built-in tables"
    assert error["where"] == "p.yaml: table"
    assert "ceti_pillars" in error["fix"] and "data_file" in error["fix"]
    assert str(outside) not in existing.text
    assert stored(upload_dir, "specs") == []
    assert "probe" not in client.get("/api/indices").text
    assert client.get("/api/indices/probe/ranking").status_code == 404


@pytest.mark.parametrize(
    "table",
    ["/etc/passwd", "../../secret", "..", "./ceti_pillars", "ceti_pillars/../entities",
     "C:\\\\secret", "~/secret", "_datasets", "no_such_table", "5", "[a, b]", "{a: 1}"],
)  # fmt: skip
def test_path_like_or_unknown_tables_answer_alike(
    client: TestClient, upload_dir: Path, outside: Path, table: str
) -> None:
    """Whether the named file exists or not, the answer is the same: nothing is looked up."""
    response = upload(client, "specs", "p.yaml", spec(table, "x"))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["what"].startswith("no table ")
    assert response.json()["error"]["what"].endswith(" among the built-in tables")
    missing = upload(client, "specs", "p.yaml", spec(str(outside / "absent"), "x"))
    present = upload(client, "specs", "p.yaml", spec(str(outside / "secret"), "x"))
    assert missing.json() == present.json()
    assert stored(upload_dir, "specs") == []


def test_a_built_in_table_is_still_accepted(client: TestClient) -> None:
    response = upload(client, "specs", "p.yaml", spec())
    assert response.status_code == 201, response.text
    ranking = client.get("/api/indices/probe/ranking")
    assert ranking.status_code == 200
    assert len(ranking.json()["ranking"]) > 10


def test_the_library_refuses_a_path_as_table(outside: Path) -> None:
    """A spec stored before the upload check (or given to the library) still reads no file."""
    raw = {"id": "p", "table": str(outside / "secret"), "children": [{"id": "x"}]}
    with pytest.raises(SpecError, match="not a path"):
        index_data(parse_spec(raw), SnapshotStore())


# -- the 500s of issue #14 now answer 422 with what, where and fix -----------------------------


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (spec(direction="abc"), "direction 'abc' is not +1 or -1"),
        (spec().replace(b"scale: 100", b"scale: abc"), "'scale' must be numbers"),
        (SPEC.split("children:")[0].format(table="ceti_pillars").encode() + b"children: 5\n",
         "'children' must be a list of nodes"),
        (spec(extra="steps: {impute: 5}\n"), "the parameters of step 'impute' must be a mapping"),
        (spec(extra="steps: {impute: [1, 2]}\n"), "must be a mapping"),
        (spec(extra="steps: {5: {}}\n"), "step 5 or its parameters"),
    ],
)  # fmt: skip
def test_malformed_specs_are_422_not_500(
    client: TestClient, upload_dir: Path, content: bytes, words: str
) -> None:
    response = upload(client, "specs", "p.yaml", content)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert words in error["what"]
    assert error["where"] and error["where"].startswith("p.yaml")
    assert stored(upload_dir, "specs") == []


def test_a_step_parameter_of_the_wrong_shape_is_422(client: TestClient) -> None:
    """``denominate: {by: text}`` broke deep in the build (a 500 before)."""
    data = b"code,x1,x2\nAAA,1,10\nBBB,2,30\nCCC,3,20\n"
    assert upload(client, "datasets", "d.csv", data).status_code == 201
    content = (
        b"id: tiny\nname: T\ndata_file: d.csv\nnormalise: minmax\naggregate: arithmetic\n"
        b"steps: {denominate: {by: nothing}}\nchildren: [{id: x1, weight: 0.5}, {id: x2, weight: 0.5}]\n"
    )
    response = upload(client, "specs", "s.yaml", content)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["what"].startswith("the spec cannot be computed")


def test_an_inline_scenario_with_uncertain_not_a_mapping_is_422(client: TestClient) -> None:
    response = client.post(
        "/api/dynamics/KOR/run", json={"scenario": {"name": "x", "uncertain": 5}, "runs": 10}
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert "`uncertain` must map parameters to [low, high]" in error["what"]
    assert error["where"] == "scenario: uncertain" and error["fix"]


# -- (b) CSV injection (OWASP): text that starts a formula gets a leading ' --------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        ("-1e3-cmd", "'-1e3-cmd"),
        # numbers are data: left as numbers, negative ones too
        (-3.5, -3.5),
        (-7, -7),
        ("-3.5", "-3.5"),
        ("+2", "+2"),
        ("-1.5e-3", "-1.5e-3"),
        ("Korea", "Korea"),
        ("a=b", "a=b"),
        (None, ""),
    ],
)
def test_formula_cells_are_neutralised_and_numbers_kept(value: object, cell: object) -> None:
    assert safe_cell(value) == cell


def test_nested_values_are_checked_too() -> None:
    assert safe_cell(["=1"]) == '["=1"]'  # JSON text starts with [: no formula
    response = csv_response([{"=h": "-x", "v": -1.0}], ["=h", "v"], "t.csv")
    rows = list(csv.reader(io.StringIO(bytes(response.body).decode())))
    assert rows == [["'=h", "v"], ["'-x", "-1.0"]]


def test_a_downloaded_csv_holds_no_formula(client: TestClient) -> None:
    """A user's file name starting with '-' reaches the uploads table as text, not a formula."""
    assert upload(client, "datasets", "-2+3.csv", b"code,x\nAAA,1\n").status_code == 201
    response = client.get("/api/uploads?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["name"] for r in rows] == ["'-2_3.csv"]
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")) or _number(value)


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# -- (c) security headers on every response ---------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/static/app.js", "/static/app.css", "/api/health", "/api/indices/ceti/ranking",
     "/api/indices/ceti/ranking?format=csv", "/api/nothing", "/api/indices/nope/ranking",
     "/api/indices/ceti/ranking?top=-1", "/openapi.json"],
)  # fmt: skip
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_the_policy_allows_no_inline_or_foreign_script() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-eval" not in CSP and "http" not in CSP


def test_errors_of_refused_uploads_carry_the_headers(client: TestClient) -> None:
    response = client.post("/api/uploads/specs", files={"file": ("s.yaml", b"a: [")})
    assert response.status_code == 401
    assert response.headers["content-security-policy"] == CSP


# -- (e) no absolute server path in answers ---------------------------------------------------


def test_no_absolute_path_in_health_errors_or_uploads(
    client: TestClient, upload_dir: Path, outside: Path
) -> None:
    assert (
        upload(client, "datasets", "d.csv", b"code,x1,x2\nAAA,1,10\nBBB,2,x\n").status_code == 201
    )
    bad = b"id: t\nname: T\ndata_file: d.csv\nchildren: [{id: x1}, {id: x2}]\n"
    answers = [
        client.get("/api/health"),
        client.get("/api/datasets"),
        client.get("/api/uploads"),
        client.get("/api/uploads?format=csv"),
        upload(client, "specs", "s.yaml", bad),
        upload(client, "specs", "s.yaml", spec(str(outside / "secret"), "x")),
        client.get("/api/indices/nope/ranking"),
    ]
    for response in answers:
        for root in (str(upload_dir), str(outside), str(Path.home()), "/tmp/", "/work/"):
            assert root not in response.text, (response.request.url, response.text)
    assert (
        answers[0].json()["store"]
        == "embedded snapshot, powerscope " + answers[0].json()["version"]
    )


class FarStore(SnapshotStore):
    """The embedded snapshot, describing itself with an absolute path (as a store outside the
    data folder might)."""

    def describe(self) -> str:
        return "warehouse /srv/secret/data/warehouse.duckdb"


def test_health_shows_no_absolute_path(tmp_path: Path) -> None:
    app = create_app(store=FarStore(), token=TOKEN, upload_dir=tmp_path / "uploads")
    client = TestClient(app)
    assert client.get("/api/health").json()["store"] == "warehouse warehouse.duckdb"
    assert "/srv/" not in client.get("/api/datasets").text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("no table /tmp/x/secret.parquet (in a)", "no table secret.parquet (in a)"),
        (
            "{home}/uploads/datasets/ab.csv, row 2",
            "$POWERSCOPE_HOME/uploads/datasets/ab.csv, row 2",
        ),
        ("/etc/passwd", "passwd"),
        ("GET /api/uploads; see /openapi.json", "GET /api/uploads; see /openapi.json"),
        ("N/A in km/h", "N/A in km/h"),
        (None, None),
    ],
)
def test_error_texts_show_paths_relative_to_the_data_folder(
    text: str | None, shown: str | None
) -> None:
    from powerscope.files import home
    from powerscope.web.errors import portable

    if text is not None:
        text = text.replace("{home}", home().resolve().as_posix())
    assert portable(text) == shown


def test_an_error_naming_a_server_file_answers_its_name_only(client: TestClient) -> None:
    """Errors are rewritten as they are answered, whatever raised them."""
    from powerscope.errors import DataFormatError
    from powerscope.web.errors import body_of

    path = "/var/lib/ps/x.csv"
    exc = DataFormatError(f"bad row in {path}", where=f"{path}, row 3", fix=f"edit {path}")
    error = body_of(exc)["error"]
    assert (error["what"], error["where"], error["fix"]) == (
        "bad row in x.csv",
        "x.csv, row 3",
        "edit x.csv",
    )


def test_a_spec_far_over_the_node_limit_is_refused_before_it_is_built(
    client: TestClient, upload_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20,000 index nodes (the limit is 5,000): refused on the parser's events, before a spec
    is built from the document (a 100,000-node spec used to cost 14 s of CPU first)."""
    import yaml

    from powerscope.web import uploads

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the document was built")

    monkeypatch.setattr(yaml, "load", never)
    nodes = "\n".join(
        f"  - {{id: N{i}, indicator: AI/Algorithms, weight: 1}}" for i in range(20_000)
    )
    content = f"id: big\nname: Big\ntable: ceti_pillars\nchildren:\n{nodes}\n".encode()
    response = upload(client, "specs", "big.yaml", content)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert f"more than {uploads.MAX_SPEC_COLLECTIONS:,} mappings and lists" in error["what"]
    assert stored(upload_dir, "specs") == []
