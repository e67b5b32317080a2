"""The sources section: every citation resolves to a numbered source with its provenance."""

from __future__ import annotations

from powerscope.brief.sections import EXTRA_SOURCES, Brief


def test_every_citation_resolves_to_a_numbered_source(kor: Brief) -> None:
    numbers = [e.number for e in kor.sources]
    assert numbers == list(range(1, len(numbers) + 1))
    ids = {e.id for e in kor.sources}
    for section in kor.sections:
        assert set(section.cited()) <= ids, section.id
        for fact in section.facts:
            assert fact.sources, f"{section.id}: {fact.label} has no source"
    for entry in kor.sources:
        assert entry.publisher and entry.title and entry.edition and entry.licence
        if entry.id not in EXTRA_SOURCES:
            assert entry.url.startswith("http") and "sha256" in entry.note
    assert {"belfer_ceti", "gfp", "sipri_milex", "sipri_arms", "unvotes", "cow_nmc"} <= ids
    assert kor.number("belfer_ceti") == 1  # cited first, numbered first
