"""One transport interface: both download clients run on the same in-process fake transport,
default to the same urllib transport, and report its failures naming the URL. No network."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from fake_transport import FakeTransport

from powerscope.data.sources import dataverse, wdi
from powerscope.data.sources.transport import (
    DEFAULT_TIMEOUT,
    USER_AGENT,
    HTTPStatusError,
    NetworkError,
    Transport,
    TransportError,
    UrllibTransport,
    fetch,
)

DV = "https://dataverse.example.org"
DATASET_URL = f"{DV}/api/datasets/:persistentId/?persistentId=hdl:1902.1/12379"


def _dataset() -> bytes:
    entry = {"label": "votes.csv", "dataFile": {"id": 10, "filename": "votes.csv", "md5": "x"}}
    version = {"versionNumber": 1, "versionMinorNumber": 0, "files": [entry]}
    return json.dumps({"status": "OK", "data": {"latestVersion": version}}).encode()


def test_both_clients_run_on_the_same_fake_transport() -> None:
    world_bank = wdi.WorldBankClient()
    gdp_url = world_bank.url("NY.GDP.MKTP.CD", 2020, 2020)
    row = {"indicator": {"id": "NY.GDP.MKTP.CD"}, "countryiso3code": "KOR", "date": "2020",
           "value": 1.6e12}  # fmt: skip
    fake = FakeTransport(
        {
            DATASET_URL: _dataset(),
            gdp_url: json.dumps([{"page": 1, "pages": 1}, [row]]).encode(),
        }
    )
    assert isinstance(fake, Transport)
    files = dataverse.DataverseClient(transport=fake, base_url=DV).files()
    frame = wdi.WorldBankClient(transport=fake).indicator("NY.GDP.MKTP.CD", 2020, 2020)
    assert [f.filename for f in files] == ["votes.csv"]
    assert frame["code"].astype(str).tolist() == ["KOR"] and frame["value"].tolist() == [1.6e12]
    assert fake.calls == [DATASET_URL, gdp_url]


def test_both_clients_default_to_the_one_urllib_transport() -> None:
    for client in (dataverse.DataverseClient(), wdi.WorldBankClient()):
        assert isinstance(client.transport, UrllibTransport)
        assert client.transport.timeout == DEFAULT_TIMEOUT
        assert client.transport.user_agent == USER_AGENT


@pytest.mark.parametrize(
    "failure",
    [
        urllib.error.URLError("no route to host"),
        TimeoutError("timed out"),
        ConnectionResetError("connection reset by peer"),
    ],
)
def test_both_clients_name_the_url_of_a_network_failure(failure: BaseException) -> None:
    world_bank = wdi.WorldBankClient()
    gdp_url = world_bank.url("NY.GDP.MKTP.CD", 2020, 2020)
    fake = FakeTransport({DATASET_URL: failure, gdp_url: failure})
    with pytest.raises(NetworkError, match="no answer from the server") as dv:
        dataverse.DataverseClient(transport=fake, base_url=DV).dataset()
    assert dv.value.url == DATASET_URL
    with pytest.raises(wdi.WorldBankAPIError, match="cannot reach the World Bank API") as wb:
        wdi.WorldBankClient(transport=fake).indicator("NY.GDP.MKTP.CD", 2020, 2020)
    assert gdp_url in str(wb.value)


def test_fetch_turns_urllib_errors_into_transport_errors() -> None:
    url = f"{DV}/api/access/datafile/10"
    body = io.BytesIO(json.dumps({"message": "File is restricted"}).encode())
    denied = urllib.error.HTTPError(url, 403, "Forbidden", {}, body)  # type: ignore[arg-type]
    with pytest.raises(HTTPStatusError, match="HTTP 403 Forbidden: File is restricted") as info:
        fetch(FakeTransport({url: denied}), url)
    assert info.value.status == 403 and info.value.detail == "File is restricted"
    assert "restricted" in (info.value.fix or "") and info.value.url == url
    assert issubclass(HTTPStatusError, TransportError) and issubclass(NetworkError, TransportError)
    # a powerscope error raised by a transport passes through unchanged
    own = NetworkError("stop", url=url)
    with pytest.raises(NetworkError) as passed:
        fetch(FakeTransport({url: own}), url)
    assert passed.value is own


def test_urllib_transport_sends_timeout_and_user_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_urlopen(request: urllib.request.Request, timeout: float) -> io.BytesIO:
        seen.update(url=request.full_url, agent=request.get_header("User-agent"), timeout=timeout)
        return io.BytesIO(b"body")

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    assert UrllibTransport(timeout=3.0)("https://api.worldbank.org/v2/x") == b"body"
    assert seen == {"url": "https://api.worldbank.org/v2/x", "agent": USER_AGENT, "timeout": 3.0}
    with pytest.raises(NetworkError, match="refusing a file URL"):
        UrllibTransport()("file:///etc/passwd")


def test_urllib_transport_maps_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"{DV}/api/access/datafile/10"
    body = json.dumps({"status": "ERROR", "message": "File is restricted"}).encode()

    def forbidden(request: urllib.request.Request, timeout: float) -> None:
        raise urllib.error.HTTPError(request.full_url, 403, "Forbidden", {}, io.BytesIO(body))  # type: ignore[arg-type]

    monkeypatch.setattr(urllib.request, "urlopen", forbidden)
    with pytest.raises(HTTPStatusError, match="HTTP 403 Forbidden: File is restricted") as info:
        UrllibTransport()(url)
    assert info.value.status == 403 and "restricted" in (info.value.fix or "")

    def unreachable(request: urllib.request.Request, timeout: float) -> None:
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", unreachable)
    with pytest.raises(NetworkError, match="Name or service not known") as failed:
        UrllibTransport()(url)
    assert failed.value.url == url


def test_dataverse_adds_its_own_advice_to_a_status() -> None:
    missing = urllib.error.HTTPError(DATASET_URL, 404, "Not Found", {}, None)  # type: ignore[arg-type]
    client = dataverse.DataverseClient(transport=FakeTransport({DATASET_URL: missing}), base_url=DV)
    with pytest.raises(HTTPStatusError, match="HTTP 404") as info:
        client.dataset()
    assert "persistent id" in (info.value.fix or "")
    assert isinstance(info.value, dataverse.DataverseError)
