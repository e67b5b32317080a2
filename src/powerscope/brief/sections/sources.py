"""The sources section: each cited dataset's provenance, numbered in the order of first citation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from powerscope.brief.sections.model import SourceEntry
from powerscope.data.store import Store
from powerscope.errors import SpecError

#: Sources that are not datasets of the store: curated lists shipped with powerscope.
EXTRA_SOURCES: dict[str, dict[str, str]] = {
    "powerscope_institutions": {
        "publisher": "powerscope",
        "title": "Curated institutional ties (powerscope/alignment/institutions.yaml)",
        "edition": "as shipped with this version of powerscope",
        "licence": "as powerscope; each membership list cites its own public source",
        "url": "",
        "citation": "powerscope, alignment/institutions.yaml: forums, agreements, summit "
        "invitations and partnerships named in the debate, each with its source",
        "notes": "Membership lists compiled from the organisers' public announcements; the "
        "source of each list is given in the file.",
    },
    "powerscope_claims": {
        "publisher": "powerscope",
        "title": "Claims of the debate (powerscope/claims.yaml)",
        "edition": "as shipped with this version of powerscope",
        "licence": "as powerscope",
        "url": "",
        "citation": "powerscope, claims.yaml: quantitative claims of the South Korean "
        "foreign-policy debate, as stated",
        "notes": "The stated values are the claims as made; each is checked against the "
        "dataset named beside its verdict.",
    },
}


def source_entry(number: int, source_id: str, store: Store) -> SourceEntry:
    """A dataset's provenance from the store (or a curated source of powerscope)."""
    record: Mapping[str, Any] | None = EXTRA_SOURCES.get(source_id)
    if record is None:
        record = store.dataset(source_id)
    if record is None:
        raise SpecError(
            f"the brief cites {source_id!r}, which the data store does not hold",
            where=store.location,
            fix="rebuild the warehouse with 'powerscope data build --from DIR'",
        )
    note = str(record.get("notes") or "")
    derived = record.get("snapshot")
    files = record.get("sha256") or {}
    if derived:
        note += f" Read from powerscope's embedded snapshot ({derived})."
    elif files:
        note += " Read from the local warehouse."
    if files:
        digests = ", ".join(f"{path} (sha256 {digest[:12]}…)" for path, digest in files.items())
        note += f" Files: {digests}."
    return SourceEntry(
        number=number,
        id=source_id,
        publisher=str(record.get("publisher", "")),
        title=str(record.get("title", "")),
        edition=str(record.get("edition", "")),
        licence=str(record.get("licence", "")),
        url=str(record.get("url", "")),
        citation=str(record.get("citation", "")),
        note=note.strip(),
    )
