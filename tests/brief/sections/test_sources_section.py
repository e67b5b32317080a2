"""The sources section: every citation resolves to a numbered source with its provenance."""

from __future__ import annotations

from powerscope.brief.sections import Brief
from powerscope.data.catalog import CURATED, Citation
from powerscope.data.store import SnapshotStore


def test_every_citation_resolves_to_a_numbered_source(kor: Brief) -> None:
    numbers = [e.number for e in kor.sources]
    assert numbers == list(range(1, len(numbers) + 1))
    ids = {e.id for e in kor.sources}
    for section in kor.sections:
        assert set(section.cited()) <= ids, section.id
        for fact in section.facts:
            assert fact.sources, f"{section.id}: {fact.label} has no source"
    curated = {c.id for c in CURATED}
    store = SnapshotStore()
    for entry in kor.sources:
        cited = entry.citation
        assert isinstance(cited, Citation) and cited == store.citation(entry.id)
        assert cited.publisher and cited.title and cited.edition and cited.licence
        if entry.id not in curated:
            assert cited.url.startswith("http") and "sha256" in entry.note
    assert {"belfer_ceti", "gfp", "sipri_milex", "sipri_arms", "unvotes", "cow_nmc"} <= ids
    assert kor.number("belfer_ceti") == 1  # cited first, numbered first


def test_the_sources_list_gives_each_edition_and_data_years(kor: Brief, kor_html: str) -> None:
    from html import unescape

    part = unescape(kor_html[kor_html.index('id="sources"') : kor_html.index('id="reproduce"')])
    for entry in kor.sources:
        assert entry.citation.edition_and_years() in part, entry.id
    assert "data 1990-2018" in part  # ATOP: the dyad years the snapshot keeps
