"""The dataset catalog: where every dataset comes from.

Each dataset powerscope reads is described by a :class:`DatasetInfo` (publisher, title, edition,
licence, citation, original URL and the raw files it is read from). When a dataset is read, the
sha256 of every raw file is recorded beside it, so a figure can always be traced to the exact bytes
it was computed from (the origin metadata of Our World in Data's ``etl`` is the model).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class DatasetInfo:
    """Provenance of one dataset, as its publisher released it.

    ``files`` are paths relative to the source data directory (``--from DIR``); ``tables`` names
    the tidy tables its reader produces, each keyed by powerscope country codes.
    """

    id: str
    publisher: str
    title: str
    edition: str
    licence: str
    citation: str
    url: str
    files: tuple[str, ...]
    tables: tuple[str, ...]
    notes: str = ""

    def as_record(self) -> dict[str, Any]:
        record = asdict(self)
        record["files"] = list(self.files)
        record["tables"] = list(self.tables)
        return record


@dataclass(frozen=True)
class Source:
    """A dataset's provenance and the function that reads it from a data directory.

    ``read(root)`` returns ``{table name: tidy DataFrame}`` for the tables in ``info.tables``;
    it raises :class:`powerscope.errors.DataFormatError` or
    :class:`powerscope.errors.UnknownEntityError` on bad input.
    """

    info: DatasetInfo
    read: Callable[[Path], dict[str, pd.DataFrame]] = field(compare=False)


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
