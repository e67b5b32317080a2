"""Dataverse download client, driven by an in-process fake transport: no test touches the network.

The JSON answers are generated in the shape of the Dataverse native API (``status``,
``data.latestVersion.{versionNumber, versionMinorNumber, files[].dataFile}``), with ids and
contents made up for the tests.
"""

from __future__ import annotations

import hashlib
import io
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from fake_transport import FakeTransport

from powerscope.data.sources.dataverse import (
    UN_VOTES_PID,
    ChecksumError,
    DataFile,
    DataverseClient,
    DataverseError,
    HTTPStatusError,
    NetworkError,
    ResponseFormatError,
    UnknownFileError,
    UrllibTransport,
)
from powerscope.errors import PowerscopeError

BASE = "https://dataverse.example.org"
DATASET_URL = f"{BASE}/api/datasets/:persistentId/?persistentId=hdl:1902.1/12379"
VOTES_CSV = b"rcid,ccode,member,vote,Country,Countryname,year\n3,2,1,1,USA,United States,1946\n"
ISSUES_CSV = b"rcid,short,descr\n3,me,Palestinian conflict\n"
TAB_ORIGINAL = b"rcid\tsession\n3\t1\n"


def _file_entry(file_id: int, name: str, content: bytes, **extra: Any) -> dict[str, Any]:
    data_file: dict[str, Any] = {
        "id": file_id,
        "persistentId": "",
        "filename": name,
        "contentType": "text/csv",
        "filesize": len(content),
        "md5": hashlib.md5(content).hexdigest(),
        "checksum": {"type": "MD5", "value": hashlib.md5(content).hexdigest()},
        "rootDataFileId": -1,
    }
    data_file.update(extra)
    return {"label": name, "restricted": False, "version": 1, "dataFile": data_file}


def _dataset(files: list[dict[str, Any]], major: int = 31, minor: int = 0) -> bytes:
    payload = {
        "status": "OK",
        "data": {
            "id": 123,
            "identifier": "1902.1/12379",
            "protocol": "hdl",
            "authority": "1902.1",
            "publisher": "Harvard Dataverse",
            "latestVersion": {
                "id": 456,
                "datasetPersistentId": UN_VOTES_PID,
                "versionNumber": major,
                "versionMinorNumber": minor,
                "versionState": "RELEASED",
                "metadataBlocks": {
                    "citation": {
                        "fields": [
                            {
                                "typeName": "title",
                                "value": "United Nations General Assembly Voting Data",
                            }
                        ]
                    }
                },
                "files": files,
            },
        },
    }
    return json.dumps(payload).encode()


def _standard() -> dict[str, bytes | BaseException]:
    tab_entry = _file_entry(
        30,
        "RollCalls.tab",
        TAB_ORIGINAL,
        contentType="text/tab-separated-values",
        filesize=999,  # the archival .tab, not what is downloaded
        originalFileFormat="text/csv",
        originalFileName="RollCalls.csv",
        originalFileSize=len(TAB_ORIGINAL),
        checksum={"type": "SHA-256", "value": hashlib.sha256(TAB_ORIGINAL).hexdigest()},
        md5=None,
    )
    return {
        DATASET_URL: _dataset(
            [
                _file_entry(10, "UNVotes.csv", VOTES_CSV),
                _file_entry(20, "Issues.csv", ISSUES_CSV),
                tab_entry,
            ]
        ),
        f"{BASE}/api/access/datafile/10": VOTES_CSV,
        f"{BASE}/api/access/datafile/20": ISSUES_CSV,
        f"{BASE}/api/access/datafile/30?format=original": TAB_ORIGINAL,
    }


def _client(answers: dict[str, bytes | BaseException]) -> tuple[DataverseClient, FakeTransport]:
    transport = FakeTransport(answers)
    return DataverseClient(transport=transport, base_url=BASE + "/"), transport


# ------------------------------------------------------------------------------------------
# Resolving and listing
# ------------------------------------------------------------------------------------------


def test_resolves_the_un_votes_dataset_and_lists_files() -> None:
    client, transport = _client(_standard())
    version = client.dataset()
    assert transport.calls == [DATASET_URL]
    assert version.persistent_id == "hdl:1902.1/12379"
    assert version.version == "31.0"
    assert version.title == "United Nations General Assembly Voting Data"
    assert [f.filename for f in version.files] == ["UNVotes.csv", "Issues.csv", "RollCalls.tab"]
    votes = version.file("UNVotes.csv")
    assert (votes.id, votes.size, votes.checksum_type) == (10, len(VOTES_CSV), "MD5")
    assert votes.checksum == hashlib.md5(VOTES_CSV).hexdigest()
    assert not votes.ingested
    tab = version.file("RollCalls.csv")  # found by its original name too
    assert tab.ingested and tab.save_as == "RollCalls.csv" and tab.size == len(TAB_ORIGINAL)
    assert version.file(20).filename == "Issues.csv"
    assert version.file("20").filename == "Issues.csv"
    assert [f.id for f in client.files()] == [10, 20, 30]


def test_specific_version_uses_the_versions_endpoint() -> None:
    url = f"{BASE}/api/datasets/:persistentId/versions/3.0?persistentId=hdl:1902.1/12379"
    latest = json.loads(_dataset([_file_entry(10, "UNVotes.csv", VOTES_CSV)], major=3))
    answer = json.dumps({"status": "OK", "data": latest["data"]["latestVersion"]}).encode()
    client, transport = _client({url: answer})
    version = client.dataset(version="3.0")
    assert transport.calls == [url]
    assert version.version == "3.0"
    assert version.files[0].filename == "UNVotes.csv"


def test_unknown_file_names_the_files_that_exist() -> None:
    client, _ = _client(_standard())
    with pytest.raises(UnknownFileError, match="no file 'votes.csv'") as info:
        client.dataset().file("votes.csv")
    assert "UNVotes.csv (id 10)" in str(info.value) and DATASET_URL in str(info.value)


def test_md5_only_files_and_drafts_without_numbers() -> None:
    entry = _file_entry(10, "UNVotes.csv", VOTES_CSV)
    del entry["dataFile"]["checksum"]
    payload = json.loads(_dataset([entry]))
    version_obj = payload["data"]["latestVersion"]
    del version_obj["versionNumber"], version_obj["versionMinorNumber"]
    version_obj["versionState"] = "DRAFT"
    client, _ = _client({DATASET_URL: json.dumps(payload).encode()})
    version = client.dataset()
    assert version.version == "DRAFT"
    assert version.files[0].checksum_type == "MD5"
    assert version.files[0].checksum == hashlib.md5(VOTES_CSV).hexdigest()


# ------------------------------------------------------------------------------------------
# Downloading
# ------------------------------------------------------------------------------------------


def test_download_writes_the_verified_file_atomically(tmp_path: Path) -> None:
    client, transport = _client(_standard())
    target = tmp_path / "new" / "folder"
    path = client.download("UNVotes.csv", target)
    assert path == target / "UNVotes.csv"
    assert path.read_bytes() == VOTES_CSV
    assert transport.calls == [DATASET_URL, f"{BASE}/api/access/datafile/10"]
    assert sorted(p.name for p in target.iterdir()) == ["UNVotes.csv"]  # no temp file left


def test_ingested_tabular_file_is_fetched_as_original(tmp_path: Path) -> None:
    client, transport = _client(_standard())
    path = client.download("RollCalls.tab", tmp_path)
    assert transport.calls[-1] == f"{BASE}/api/access/datafile/30?format=original"
    assert path.name == "RollCalls.csv"
    assert path.read_bytes() == TAB_ORIGINAL  # SHA-256 verified


def test_download_all_and_skip_when_present_and_verified(tmp_path: Path) -> None:
    client, transport = _client(_standard())
    paths = client.download_all(tmp_path)
    assert [p.name for p in paths] == ["UNVotes.csv", "Issues.csv", "RollCalls.csv"]
    assert len(transport.calls) == 4
    transport.calls.clear()
    again = client.download_all(tmp_path)  # every file already there with its checksum
    assert again == paths
    assert transport.calls == [DATASET_URL]
    client.download_all(tmp_path, names=["Issues.csv"], force=True)
    assert transport.calls[-1] == f"{BASE}/api/access/datafile/20"


def test_checksum_mismatch_names_the_url_and_writes_nothing(tmp_path: Path) -> None:
    answers = _standard()
    answers[f"{BASE}/api/access/datafile/10"] = VOTES_CSV.replace(b"1946", b"1947")
    client, _ = _client(answers)
    (tmp_path / "UNVotes.csv").write_bytes(b"the previous good copy")
    with pytest.raises(ChecksumError, match="MD5 checksum .* does not match") as info:
        client.download("UNVotes.csv", tmp_path, force=True)
    assert f"{BASE}/api/access/datafile/10" in str(info.value)
    assert (tmp_path / "UNVotes.csv").read_bytes() == b"the previous good copy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["UNVotes.csv"]


def test_truncated_download_is_a_size_mismatch(tmp_path: Path) -> None:
    answers = _standard()
    answers[f"{BASE}/api/access/datafile/20"] = ISSUES_CSV[:-5]
    client, _ = _client(answers)
    with pytest.raises(ChecksumError, match=f"received {len(ISSUES_CSV) - 5} bytes"):
        client.download("Issues.csv", tmp_path)
    assert not (tmp_path / "Issues.csv").exists()


def test_unknown_checksum_type_is_refused(tmp_path: Path) -> None:
    item = DataFile(id=10, filename="UNVotes.csv", checksum_type="CRC32", checksum="abcd")
    client, _ = _client(_standard())
    with pytest.raises(ChecksumError, match="cannot verify checksum type 'CRC32'"):
        client.download(item, tmp_path)


def test_failed_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = _client(_standard())

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("powerscope.data.sources.dataverse.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        client.download("UNVotes.csv", tmp_path)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------
# Errors
# ------------------------------------------------------------------------------------------


def _http_error(url: str, code: int, body: bytes = b"") -> urllib.error.HTTPError:
    return urllib.error.HTTPError(url, code, "Not Found", {}, io.BytesIO(body))  # type: ignore[arg-type]


def test_http_status_from_a_transport_names_the_url_and_the_server_message() -> None:
    body = json.dumps({"status": "ERROR", "message": "Dataset not found"}).encode()
    client, _ = _client({DATASET_URL: _http_error(DATASET_URL, 404, body)})
    with pytest.raises(HTTPStatusError, match="HTTP 404 Not Found: Dataset not found") as info:
        client.dataset()
    assert info.value.status == 404
    assert info.value.url == DATASET_URL
    assert DATASET_URL in str(info.value) and "persistent id" in str(info.value)


def test_network_failure_is_a_network_error() -> None:
    refused = urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))
    client, _ = _client({DATASET_URL: refused})
    with pytest.raises(NetworkError, match="no answer from the server") as info:
        client.dataset()
    assert DATASET_URL in str(info.value)
    client, _ = _client({DATASET_URL: TimeoutError("timed out")})
    with pytest.raises(NetworkError, match="timed out"):
        client.dataset()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>Service Unavailable</html>", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "JSON list, not an object"),
        (b'{"status": "ERROR", "message": "bad persistent id"}', "status 'ERROR': bad persistent"),
        (b'{"status": "OK"}', "no 'data' object"),
        (b'{"status": "OK", "data": {"id": 1}}', "no 'data.latestVersion'"),
        (b'{"status": "OK", "data": {"latestVersion": {}}}', "no 'files' list"),
    ],
)
def test_malformed_answers(body: bytes, message: str) -> None:
    client, _ = _client({DATASET_URL: body})
    with pytest.raises(ResponseFormatError, match=message) as info:
        client.dataset()
    assert DATASET_URL in str(info.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"filename": "", "label": ""}, r"files\[0\] \(id 10\) has no file name"),
        ({"filename": None, "label": None}, "has no file name"),
        ({"id": "ten"}, "no integer dataFile.id"),
    ],
)
def test_file_entries_without_name_or_id(change: dict[str, Any], message: str) -> None:
    entry = _file_entry(10, "UNVotes.csv", VOTES_CSV)
    entry["dataFile"].update(change)
    if "label" in change:
        entry["label"] = change["label"]
    client, _ = _client({DATASET_URL: _dataset([entry])})
    with pytest.raises(ResponseFormatError, match=message):
        client.dataset()


def test_unsafe_file_name_is_refused(tmp_path: Path) -> None:
    answers = _standard()
    answers[DATASET_URL] = _dataset([_file_entry(10, "../../etc/evil.csv", VOTES_CSV)])
    client, transport = _client(answers)
    with pytest.raises(ResponseFormatError, match="unsafe or empty file name"):
        client.download(10, tmp_path)
    assert transport.calls == [DATASET_URL]  # refused before downloading
    assert not (tmp_path.parent / "etc").exists()


def test_errors_are_powerscope_errors() -> None:
    for kind in (HTTPStatusError, NetworkError, ResponseFormatError, ChecksumError):
        assert issubclass(kind, DataverseError)
        assert issubclass(kind, PowerscopeError)


# ------------------------------------------------------------------------------------------
# The default transport (the shared urllib transport: tests/data/sources/test_transport.py)
# ------------------------------------------------------------------------------------------


def test_default_transport_is_blocked_in_tests() -> None:
    client = DataverseClient(base_url=BASE)
    assert isinstance(client.transport, UrllibTransport)
    with pytest.raises(RuntimeError, match="network access attempted"):
        client.dataset()
