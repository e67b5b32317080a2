"""Every error class answers with its own HTTP status, chosen by type (never by the message's
text), and every error body names the parameter at fault."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from powerscope.data.store import SnapshotStore
from powerscope.dynamics.service import backtest_report
from powerscope.errors import (
    DataFormatError,
    NotFoundError,
    OutOfRangeError,
    PeriodError,
    PowerscopeError,
    SpecError,
    UnknownEntityError,
    WarehouseError,
    WeightsError,
)
from powerscope.index.engines import EngineError
from powerscope.web.api import create_app
from powerscope.web.errors import (
    ConflictError,
    TooLargeError,
    UnauthorizedError,
    UnsupportedTypeError,
    WritesDisabledError,
    body_of,
    status_of,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFoundError("unknown index 'x'"), 404),
        (UnknownEntityError({"Atlantis": []}), 404),
        (PeriodError("no data for 1700"), 422),
        (OutOfRangeError("projection to 2300"), 422),
        (SpecError("bad choice"), 422),
        (WeightsError("negative weight"), 422),
        (DataFormatError("missing column"), 422),
        (WarehouseError("warehouse unreadable"), 503),
        (UnauthorizedError("wrong token"), 401),
        (WritesDisabledError("no token"), 403),
        (ConflictError("shadows ceti"), 409),
        (TooLargeError("6 MB"), 413),
        (UnsupportedTypeError("not a CSV"), 415),
        (EngineError("no scheduler"), 422),  # a subclass not listed takes its base's status
        (PowerscopeError("anything else"), 422),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_each_error_class_maps_to_its_status(error: PowerscopeError, status: int) -> None:
    assert status_of(error) == status


@pytest.mark.parametrize("cls", [SpecError, WeightsError, PeriodError, DataFormatError])
def test_a_422_error_that_says_not_found_stays_422(cls: type[PowerscopeError]) -> None:
    assert status_of(cls("unknown index 'x': file not found")) == 422


def test_a_not_found_error_in_any_words_is_404() -> None:
    assert status_of(NotFoundError("nothing called that")) == 404


def test_the_body_names_the_parameter_and_the_api_field() -> None:
    error = body_of(PeriodError("no data for 1700", parameter="year", fix="use 2000"))["error"]
    assert error == {"what": "no data for 1700", "where": "year", "fix": "use 2000",
                     "parameter": "year", "field": "year"}  # fmt: skip
    error = body_of(UnknownEntityError({"X": []}, where="a.csv", parameter="country"))["error"]
    assert (error["where"], error["parameter"], error["field"]) == ("a.csv", "country", "code")
    assert body_of(SpecError("bad"))["error"]["parameter"] is None


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(store=SnapshotStore(), upload_dir=tmp_path_factory.mktemp("uploads"))
    probe = APIRouter()

    @probe.get("/probe/{kind}")
    def raise_(kind: str) -> None:
        raise {"spec": SpecError("index 'x' not found"), "missing": NotFoundError("gone")}[kind]

    app.include_router(probe)
    with TestClient(app) as test_client:
        yield test_client


def test_the_status_is_by_type_through_the_app(client: TestClient) -> None:
    assert client.get("/probe/spec").status_code == 422
    assert client.get("/probe/missing").status_code == 404


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "parameter"),
    [
        ("GET", "/api/indices/ceti/ranking?weights=AI:lots", None, 422, "weights"),
        ("GET", "/api/indices/nope", None, 404, "name"),
        ("GET", "/api/indices/partners?focal=Atlantis", None, 404, "focal"),
        ("GET", "/api/countries/Atlantis", None, 404, "code"),
        ("GET", "/api/arms/exporters?period=2020", None, 422, "period"),
        ("GET", "/api/arms/KOR?period=2024-2020", None, 422, "period"),
        ("GET", "/api/arms/trend?codes=KOR,Atlantis", None, 404, "codes"),
        ("GET", "/api/military/rank?measure=gfp&year=2020", None, 422, "year"),
        ("GET", "/api/alignment/KOR/agreement?year=2099", None, 422, "year"),
        ("GET", "/api/dynamics/KOR/run?scenario=no-such", None, 404, "scenario"),
        ("GET", "/api/dynamics/KOR/run?years=2050-2025", None, 422, "years"),
        ("GET", "/api/dynamics/KOR/backtest?test=2016-2023", None, 422, "test"),
        ("POST", "/api/dynamics/KOR/run", {"years": "2010-2030"}, 422, "years"),
        ("GET", "/api/military/rank?top=-1", None, 422, "top"),
    ],
)
def test_error_bodies_name_the_parameter(
    client: TestClient, method: str, url: str, body: object, status: int, parameter: str
) -> None:
    response = client.request(method, url, json=body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["parameter"] == parameter and error["field"] == parameter
    assert not str(error["where"] or "").startswith("--")
    assert "--" not in error["what"] and "--" not in (error["fix"] or "")


def test_library_errors_through_the_api_name_no_flag() -> None:
    with pytest.raises(PeriodError) as info:
        backtest_report("KOR", (1996, 2014), (2016, 2023))
    assert info.value.parameter == "test" and info.value.where is None
    assert "--" not in info.value.message
