"""The dataset catalog: where every dataset comes from.

Each dataset powerscope reads is described by a :class:`DatasetInfo` (publisher, title, edition,
licence, citation, original URL and the raw files it is read from). When a dataset is read, the
sha256 of every raw file is recorded beside it, so a figure can always be traced to the exact bytes
it was computed from (the origin metadata of Our World in Data's ``etl`` is the model).

After the store, a dataset travels as a :class:`Citation`: a value (publisher, title, edition,
the data years actually present, licence, URL) that every library result carries, and that a
shell renders with :meth:`Citation.text` or serialises with :meth:`Citation.to_dict`, instead of
writing a citation out by hand.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
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
    #: a short name with the edition, for labels and captions ("Global Firepower 2026")
    short: str = ""
    #: data years (first, last) when the tables have no year column (a one-edition ranking)
    years: tuple[int, int] | None = None

    def as_record(self) -> dict[str, Any]:
        record = asdict(self)
        record["files"] = list(self.files)
        record["tables"] = list(self.tables)
        record["years"] = list(self.years) if self.years else None
        return record


@dataclass(frozen=True)
class Citation:
    """How to cite one dataset, as a value: who published it, which edition, which data years.

    Made from a dataset's provenance record by :meth:`from_record` (the store's
    ``citation(dataset_id)`` fills ``years`` from the data actually present). ``reference`` is
    the publisher's own preferred citation; ``short`` a short name for labels.
    """

    dataset: str
    publisher: str
    title: str
    edition: str
    years: tuple[int, int] | None
    licence: str
    url: str
    short: str = ""
    reference: str = ""

    @classmethod
    def from_record(
        cls, record: Mapping[str, Any], years: tuple[int, int] | None = None
    ) -> Citation:
        """A citation from a catalog record (``DatasetInfo.as_record()``, a row of the
        warehouse's ``_datasets`` table or an entry of the snapshot's ``datasets.json``).

        ``years`` (from the data) wins over the years the record declares.
        """
        declared = record.get("years")
        if years is None and isinstance(declared, list | tuple) and len(declared) == 2:
            years = (int(declared[0]), int(declared[1]))
        title = str(record.get("title") or record["id"])
        return cls(
            dataset=str(record["id"]),
            publisher=str(record.get("publisher") or ""),
            title=title,
            edition=str(record.get("edition") or ""),
            years=years,
            licence=str(record.get("licence") or ""),
            url=str(record.get("url") or ""),
            short=str(record.get("short") or title),
            reference=str(record.get("citation") or ""),
        )

    @property
    def period(self) -> str:
        """The data years as ``"1950-2024"`` (one year alone when first = last; "" if unknown)."""
        if self.years is None:
            return ""
        first, last = self.years
        return str(first) if first == last else f"{first}-{last}"

    def edition_and_years(self) -> str:
        """``"edition E, data Y1-Y2"`` (the years left out when the edition already says them)."""
        parts = [f"edition {self.edition}"] if self.edition else []
        if self.years and self.period not in self.edition:
            parts.append(f"data {self.period}")
        return ", ".join(parts)

    def text(self) -> str:
        """A one-line human citation: publisher, title, edition, data years, URL."""
        parts = [self.publisher, self.title, self.edition_and_years()]
        line = ", ".join(p for p in parts if p)
        return f"{line}. {self.url}" if self.url else f"{line}."

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: every field, ``years`` as ``[first, last]`` or None, and ``text``."""
        out = asdict(self)
        out["years"] = list(self.years) if self.years else None
        out["text"] = self.text()
        return out


#: Sources that are not datasets of the store: curated lists shipped with powerscope itself.
CURATED: tuple[DatasetInfo, ...] = (
    DatasetInfo(
        id="powerscope_institutions",
        publisher="powerscope",
        title="Curated institutional ties (powerscope/alignment/institutions.yaml)",
        edition="as shipped with this version of powerscope",
        licence="as powerscope; each membership list cites its own public source",
        citation="powerscope, alignment/institutions.yaml: forums, agreements, summit "
        "invitations and partnerships named in the debate, each with its source",
        url="",
        files=("alignment/institutions.yaml",),
        tables=(),
        notes="Membership lists compiled from the organisers' public announcements; the "
        "source of each list is given in the file.",
        short="powerscope institutional ties",
    ),
    DatasetInfo(
        id="powerscope_regions",
        publisher="powerscope",
        title="Regions beyond the West (powerscope/alignment/regions.yaml)",
        edition="as shipped with this version of powerscope",
        licence="as powerscope; each membership list cites its own public source",
        citation="powerscope, alignment/regions.yaml: Central Asia, ASEAN, South Asia (SAARC), "
        "the Gulf (GCC), Africa and Latin America (UN M49), the Pacific (Pacific Islands Forum), "
        "the Indian Ocean rim (IORA) and the G77, each with its source",
        url="",
        files=("alignment/regions.yaml",),
        tables=(),
        notes="Membership lists of the secretariats and the UN M49 standard; the source of "
        "each list is given in the file.",
        short="powerscope regions",
    ),
    DatasetInfo(
        id="powerscope_claims",
        publisher="powerscope",
        title="Claims of the debate (powerscope/claims.yaml)",
        edition="as shipped with this version of powerscope",
        licence="as powerscope",
        citation="powerscope, claims.yaml: quantitative claims of the South Korean "
        "foreign-policy debate, as stated",
        url="",
        files=("claims.yaml",),
        tables=(),
        notes="The stated values are the claims as made; each is checked against the "
        "dataset named beside its verdict.",
        short="powerscope claims file",
    ),
)


def curated_record(source_id: str) -> dict[str, Any] | None:
    """The provenance record of a curated source shipped with powerscope, or None."""
    info = next((c for c in CURATED if c.id == source_id), None)
    return None if info is None else info.as_record()


def cite_all(citations: Iterable[Citation]) -> str:
    """Several citations as one line ("; "-separated, each dataset once, in order)."""
    seen: dict[str, Citation] = {}
    for citation in citations:
        seen.setdefault(citation.dataset, citation)
    return "; ".join(c.text() for c in seen.values())


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
