"""Download client for Dataverse repositories, set up for the UN General Assembly votes.

The dataset: Erik Voeten, Anton Strezhnev and Michael Bailey, *United Nations General Assembly
Voting Data*, Harvard Dataverse, hdl:1902.1/12379 (licence CC0 1.0;
https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379). Method paper:
Bailey, Strezhnev & Voeten (2017), "Estimating Dynamic State Preferences from United Nations
Voting Data", *Journal of Conflict Resolution* 61(2): 430-456.

Two endpoints of the Dataverse APIs are used (https://guides.dataverse.org/en/latest/api/):

- native API, dataset metadata:
  ``GET {base}/api/datasets/:persistentId/?persistentId={pid}`` (the latest version) or
  ``GET {base}/api/datasets/:persistentId/versions/{version}?persistentId={pid}``; the JSON
  holds ``data.latestVersion`` (or, for a given version, ``data``) with ``versionNumber``,
  ``versionMinorNumber`` and ``files[]``, each with ``dataFile.id``, ``dataFile.filename`` and a
  checksum (``dataFile.checksum = {type, value}`` or the older ``dataFile.md5``);
- access API, file content: ``GET {base}/api/access/datafile/{id}``. Tabular files that
  Dataverse ingested are served by default as its tab-separated archival copy, whose bytes are
  not those the checksum describes; for them ``?format=original`` fetches the uploaded original,
  saved under its original name.

A download is verified (checksum, and size when listed) before anything is written; it is
written to a temporary file in the target folder, flushed to disk and renamed over the final
name, so an interrupted or corrupt download never leaves a partial file under the real name.

The HTTP layer is a *transport* (:mod:`powerscope.data.sources.transport`, shared with the
World Bank client): any callable ``(url) -> bytes`` that raises on failure. The default,
:class:`~powerscope.data.sources.transport.UrllibTransport`, uses the standard library with a
timeout and a User-Agent; tests pass an in-process fake, so nothing touches the network.

These are the publishers' files; :mod:`powerscope.data.sources.unvotes` reads the
``un_votes``/``un_roll_calls``/``un_roll_call_issues`` CSV layout, so converting a Dataverse
release to it is a separate step.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

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
from powerscope.files import write_atomic

__all__ = [
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "ChecksumError",
    "DataFile",
    "DatasetVersion",
    "DataverseClient",
    "DataverseError",
    "HTTPStatusError",
    "NetworkError",
    "ResponseFormatError",
    "Transport",
    "UnknownFileError",
    "UrllibTransport",
]

#: Persistent identifier of the UN General Assembly voting data (Voeten, Strezhnev & Bailey).
UN_VOTES_PID: Final = "hdl:1902.1/12379"
DEFAULT_BASE_URL: Final = "https://dataverse.harvard.edu"

#: Dataverse checksum type names -> hashlib algorithm names.
CHECKSUM_ALGORITHMS: Final[dict[str, str]] = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-512": "sha512",
}

#: The client's errors are transport errors: HTTPStatusError and NetworkError (from the shared
#: transport) and the Dataverse-specific ones below; ``except DataverseError`` catches them all.
DataverseError = TransportError

#: What to do about an HTTP error status from Dataverse (others: the transport's advice).
DATAVERSE_FIXES: Final[dict[int, str]] = {
    401: "the file or dataset needs an API token; powerscope downloads public files only",
    403: "the file is restricted or embargoed; request access on the dataset page",
    404: "check the persistent id, version and file id (the dataset page lists them)",
}


class ResponseFormatError(DataverseError):
    """The answer is not what the Dataverse API documents: bad JSON, an ERROR status, missing
    fields (a file without a name or id), an unsafe file name."""


class ChecksumError(DataverseError):
    """The downloaded bytes do not match the checksum (or size) the dataset lists."""


class UnknownFileError(DataverseError):
    """A file name (or id) asked for is not in the dataset version."""


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset version, as listed by the native API.

    Attributes
    ----------
    id:
        Database id of the file (``dataFile.id``), used by the access API.
    filename:
        The name Dataverse lists (``dataFile.filename``; ``.tab`` for ingested tabular files).
    checksum_type, checksum:
        Algorithm (``MD5``, ``SHA-1``, ``SHA-256``, ``SHA-512``) and hex digest, or None.
    size:
        Size in bytes of the bytes downloaded (the original for ingested files), or None.
    original_filename:
        For ingested tabular files, the name of the uploaded original (else None).
    content_type, description, restricted:
        As listed.
    """

    id: int
    filename: str
    checksum_type: str | None = None
    checksum: str | None = None
    size: int | None = None
    original_filename: str | None = None
    content_type: str | None = None
    description: str = ""
    restricted: bool = False

    @property
    def ingested(self) -> bool:
        """True for a tabular file Dataverse ingested (served as ``.tab`` unless asked)."""
        return self.original_filename is not None

    @property
    def save_as(self) -> str:
        """The local file name: the original name for ingested files, else ``filename``."""
        return self.original_filename or self.filename


@dataclass(frozen=True)
class DatasetVersion:
    """A dataset version: its persistent id, version number, title and files."""

    persistent_id: str
    version: str
    title: str | None
    files: tuple[DataFile, ...]
    url: str

    def file(self, name_or_id: str | int) -> DataFile:
        """The file with this name (listed or original) or id.

        Raises
        ------
        UnknownFileError
            Naming the files the version holds.
        """
        for item in self.files:
            if name_or_id in (item.id, item.filename, item.original_filename) or (
                isinstance(name_or_id, str) and name_or_id.isdigit() and int(name_or_id) == item.id
            ):
                return item
        listed = ", ".join(f"{f.save_as} (id {f.id})" for f in self.files) or "none"
        raise UnknownFileError(
            f"no file {name_or_id!r} in {self.persistent_id} version {self.version}",
            url=self.url,
            fix=f"files in this version: {listed}",
        )


class DataverseClient:
    """Resolve, list and download the files of a Dataverse dataset.

    Parameters
    ----------
    transport:
        ``(url) -> bytes`` (:class:`~powerscope.data.sources.transport.Transport`);
        :class:`UrllibTransport` when omitted. Exceptions it raises that are OSError, ``urllib``
        or ``http.client`` errors become :class:`HTTPStatusError` or :class:`NetworkError`
        naming the URL; powerscope errors pass through.
    base_url:
        The Dataverse installation.

    Examples
    --------
    >>> client = DataverseClient()  # doctest: +SKIP
    >>> version = client.dataset()  # the UN votes, latest version  # doctest: +SKIP
    >>> paths = client.download_all("data/unvotes-dataverse")  # doctest: +SKIP
    """

    def __init__(
        self, transport: Transport | None = None, base_url: str = DEFAULT_BASE_URL
    ) -> None:
        self.transport: Transport = transport if transport is not None else UrllibTransport()
        self.base_url = base_url.rstrip("/")

    # -- URLs ---------------------------------------------------------------------------------

    def dataset_url(self, pid: str = UN_VOTES_PID, version: str | None = None) -> str:
        """The native-API URL of a dataset's latest version, or of ``version`` (e.g. ``"3.0"``,
        ``":latest-published"``)."""
        query = urllib.parse.urlencode({"persistentId": pid}, safe=":/")
        if version is None:
            return f"{self.base_url}/api/datasets/:persistentId/?{query}"
        quoted = urllib.parse.quote(str(version), safe=":.")
        return f"{self.base_url}/api/datasets/:persistentId/versions/{quoted}?{query}"

    def file_url(self, file: DataFile) -> str:
        """The access-API URL of a file (``?format=original`` for ingested tabular files)."""
        url = f"{self.base_url}/api/access/datafile/{int(file.id)}"
        return url + "?format=original" if file.ingested else url

    # -- requests -----------------------------------------------------------------------------

    def fetch(self, url: str) -> bytes:
        """The body at ``url`` through the transport, with errors named by URL (an HTTP error
        status with Dataverse's own advice)."""
        try:
            return fetch(self.transport, url)
        except HTTPStatusError as exc:
            if exc.status not in DATAVERSE_FIXES:
                raise
            raise HTTPStatusError(
                exc.status, exc.reason, url=exc.url, detail=exc.detail,
                fix=DATAVERSE_FIXES[exc.status],
            ) from None  # fmt: skip

    def fetch_json(self, url: str) -> dict[str, Any]:
        """The JSON object at ``url``; its ``status`` must be ``"OK"``.

        Raises
        ------
        ResponseFormatError
            Not UTF-8 JSON, not an object, or ``status`` other than OK (with the server's
            ``message``).
        """
        body = self.fetch(url)
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            preview = body[:80].decode("utf-8", errors="replace")
            raise ResponseFormatError(
                f"the answer is not JSON ({exc.__class__.__name__}: {exc}); it starts {preview!r}",
                url=url,
                fix="check base_url points at a Dataverse installation (its /api answers JSON)",
            ) from None
        if not isinstance(payload, dict):
            raise ResponseFormatError(
                f"the answer is a JSON {type(payload).__name__}, not an object",
                url=url,
                fix="check base_url points at a Dataverse installation",
            )
        if payload.get("status") != "OK":
            message = payload.get("message") or "no message"
            raise ResponseFormatError(
                f"Dataverse answered status {payload.get('status')!r}: {message}",
                url=url,
                fix="check the persistent id and version",
            )
        return payload

    # -- datasets -----------------------------------------------------------------------------

    def dataset(self, pid: str = UN_VOTES_PID, version: str | None = None) -> DatasetVersion:
        """Resolve a dataset version (the latest unless ``version`` is given) and its files.

        Raises
        ------
        DataverseError
            HTTP/network failure, malformed answer, a file without id or name.
        """
        url = self.dataset_url(pid, version)
        return parse_dataset(self.fetch_json(url), url=url, pid=pid)

    def files(self, pid: str = UN_VOTES_PID, version: str | None = None) -> tuple[DataFile, ...]:
        """The files of a dataset version."""
        return self.dataset(pid, version).files

    # -- downloads ----------------------------------------------------------------------------

    def download(
        self,
        file: DataFile | str | int,
        target: str | os.PathLike[str],
        *,
        pid: str = UN_VOTES_PID,
        version: str | None = None,
        force: bool = False,
    ) -> Path:
        """Download one file into the folder ``target``, verified and atomically.

        Parameters
        ----------
        file:
            A :class:`DataFile`, or a file name or id of the dataset version (resolved first).
        target:
            The folder (created when missing).
        pid, version:
            The dataset, when ``file`` is a name or id.
        force:
            Download even when the file is already there with the listed checksum.

        Returns
        -------
        Path
            The file written (``target / file.save_as``).

        Raises
        ------
        ChecksumError
            The bytes do not match the listed checksum or size; nothing is written and an
            existing file of that name is left as it was.
        DataverseError
            Any failure of the request (see the subclasses).
        """
        item = file if isinstance(file, DataFile) else self.dataset(pid, version).file(file)
        url = self.file_url(item)
        folder = Path(target)
        final = folder / _safe_name(item.save_as, url)
        if (
            not force
            and item.checksum
            and final.is_file()
            and _digest(final.read_bytes(), item, url) == item.checksum.lower()
        ):
            return final  # already here, verified
        data = self.fetch(url)
        verify(data, item, url)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(final, data, mode=0o644, durable=True)
        return final

    def download_all(
        self,
        target: str | os.PathLike[str],
        *,
        pid: str = UN_VOTES_PID,
        version: str | None = None,
        names: Sequence[str] | None = None,
        force: bool = False,
    ) -> list[Path]:
        """Download every file of a dataset version (or those ``names``) into ``target``."""
        dataset = self.dataset(pid, version)
        chosen = dataset.files if names is None else [dataset.file(name) for name in names]
        return [self.download(item, target, force=force) for item in chosen]


# -- parsing -----------------------------------------------------------------------------------


def parse_dataset(payload: dict[str, Any], *, url: str, pid: str) -> DatasetVersion:
    """A :class:`DatasetVersion` from a native-API answer (latest-version or version form).

    Raises
    ------
    ResponseFormatError
        No ``data``/``latestVersion``, no ``files`` list, a file without ``dataFile``, id or
        file name, or two files of one name.
    """
    data = payload.get("data")
    if not isinstance(data, dict):
        raise _format(url, "no 'data' object")
    version_obj = data.get("latestVersion", data if "files" in data else None)
    if not isinstance(version_obj, dict):
        raise _format(url, "no 'data.latestVersion' object")
    major = version_obj.get("versionNumber")
    minor = version_obj.get("versionMinorNumber")
    if isinstance(major, int) and isinstance(minor, int):
        version = f"{major}.{minor}"
    else:  # an unpublished draft has no number
        version = str(version_obj.get("versionState") or "unnumbered")
    files_obj = version_obj.get("files")
    if not isinstance(files_obj, list):
        raise _format(url, "no 'files' list in the dataset version")
    files = tuple(_parse_file(entry, index, url) for index, entry in enumerate(files_obj))
    names = [item.save_as for item in files]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise _format(
            url,
            f"two files would be saved as {duplicated[0]!r}",
            fix="download them one by one into different folders",
        )
    return DatasetVersion(
        persistent_id=str(version_obj.get("datasetPersistentId") or pid),
        version=version,
        title=_title(version_obj),
        files=files,
        url=url,
    )


def _parse_file(entry: Any, index: int, url: str) -> DataFile:
    if not isinstance(entry, dict) or not isinstance(entry.get("dataFile"), dict):
        raise _format(url, f"files[{index}] has no 'dataFile' object")
    info: dict[str, Any] = entry["dataFile"]
    file_id = info.get("id")
    if isinstance(file_id, bool) or not isinstance(file_id, int):
        raise _format(url, f"files[{index}] has no integer dataFile.id (got {file_id!r})")
    filename = info.get("filename") or entry.get("label")
    if not isinstance(filename, str) or not filename.strip():
        raise _format(url, f"files[{index}] (id {file_id}) has no file name")
    checksum_type: str | None = None
    checksum: str | None = None
    block = info.get("checksum")
    if isinstance(block, dict) and block.get("value"):
        checksum_type = str(block.get("type") or "MD5").upper()
        checksum = str(block["value"]).lower()
    elif info.get("md5"):
        checksum_type, checksum = "MD5", str(info["md5"]).lower()
    original = info.get("originalFileName")
    ingested = bool(info.get("originalFileFormat")) and info.get("originalFileFormat") != (
        info.get("contentType")
    )
    if ingested and not original:
        stem = filename.rsplit(".", 1)[0]
        original = f"{stem}.{_extension(str(info.get('originalFileFormat')))}"
    size = info.get("originalFileSize") if ingested else info.get("filesize")
    return DataFile(
        id=file_id,
        filename=filename.strip(),
        checksum_type=checksum_type,
        checksum=checksum,
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        original_filename=str(original).strip() if ingested and original else None,
        content_type=info.get("contentType"),
        description=str(info.get("description") or entry.get("description") or ""),
        restricted=bool(entry.get("restricted", info.get("restricted", False))),
    )


def _extension(mime: str) -> str:
    known = {
        "text/csv": "csv",
        "text/tab-separated-values": "tsv",
        "application/x-stata": "dta",
        "application/x-stata-13": "dta",
        "application/x-stata-14": "dta",
        "application/x-stata-15": "dta",
        "application/x-rlang-transport": "RData",
        "application/x-spss-sav": "sav",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    }
    return known.get(mime, "orig")


def _title(version_obj: dict[str, Any]) -> str | None:
    try:
        fields = version_obj["metadataBlocks"]["citation"]["fields"]
    except (KeyError, TypeError):
        return None
    for field in fields if isinstance(fields, list) else []:
        if isinstance(field, dict) and field.get("typeName") == "title":
            value = field.get("value")
            return str(value) if value is not None else None
    return None


def _format(url: str, what: str, fix: str | None = None) -> ResponseFormatError:
    return ResponseFormatError(
        f"unexpected dataset metadata: {what}",
        url=url,
        fix=fix or "check base_url and the persistent id; the native API may have changed",
    )


# -- integrity and writing ---------------------------------------------------------------------


def _digest(data: bytes, item: DataFile, url: str) -> str:
    algorithm = CHECKSUM_ALGORITHMS.get((item.checksum_type or "").upper())
    if algorithm is None:
        raise ChecksumError(
            f"cannot verify checksum type {item.checksum_type!r} of {item.save_as}",
            url=url,
            fix=f"known types: {', '.join(CHECKSUM_ALGORITHMS)}",
        )
    return hashlib.new(algorithm, data).hexdigest()


def verify(data: bytes, item: DataFile, url: str) -> None:
    """Check downloaded bytes against the file's listed checksum and size.

    Raises
    ------
    ChecksumError
        A different size or digest, or a checksum type hashlib does not offer.
    """
    if item.size is not None and len(data) != item.size:
        raise ChecksumError(
            f"{item.save_as}: received {len(data)} bytes, the dataset lists {item.size}",
            url=url,
            fix="the transfer was cut or altered; download again",
        )
    if item.checksum:
        actual = _digest(data, item, url)
        if actual != item.checksum.lower():
            raise ChecksumError(
                f"{item.save_as}: {item.checksum_type} checksum {actual} does not match the "
                f"listed {item.checksum}",
                url=url,
                fix="the transfer was corrupted or the file changed; download again",
            )


def _safe_name(name: str, url: str) -> str:
    """A plain file name: no folders, no ``..``, nothing hidden by a leading separator."""
    cleaned = name.strip()
    if (
        not cleaned
        or cleaned in (".", "..")
        or "/" in cleaned
        or "\\" in cleaned
        or "\x00" in cleaned
    ):
        raise ResponseFormatError(
            f"unsafe or empty file name {name!r}",
            url=url,
            fix="download the file by hand and check its name",
        )
    return cleaned
