"""The sources section: each cited dataset's citation, numbered in the order of first citation."""

from __future__ import annotations

from powerscope.brief.sections.model import SourceEntry
from powerscope.data.catalog import curated_record
from powerscope.data.store import Store
from powerscope.errors import PowerscopeError, SpecError


def source_entry(number: int, source_id: str, store: Store) -> SourceEntry:
    """A dataset's citation from the store (or a curated source shipped with powerscope), with
    a note on the files it was read from."""
    try:
        citation = store.citation(source_id)
    except PowerscopeError as exc:
        raise SpecError(
            f"the brief cites {source_id!r}, which the data store does not hold",
            where=store.describe(),
            fix="rebuild the warehouse with 'powerscope data build --from DIR'",
        ) from exc
    record = store.dataset(source_id) or curated_record(source_id) or {}
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
    return SourceEntry(number=number, citation=citation, note=note.strip())
