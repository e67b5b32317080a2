"""The brief's HTML: every marker resolves, nothing loads from the network, writes are atomic."""

from __future__ import annotations

import os
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from powerscope.brief.render import marker_runs, render_html, write_html
from powerscope.brief.sections import (
    Brief,
    Chart,
    Fact,
    Note,
    Section,
    SourceEntry,
    Table,
)
from powerscope.data.catalog import Citation
from powerscope.files import write_atomic


class _Page(HTMLParser):
    """Collects the citation links, the element ids, and every src/href."""

    def __init__(self) -> None:
        super().__init__()
        self.cites: list[str] = []
        self.ids: set[str] = set()
        self.source_entries: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and a.get("class") == "cite":
            self.cites.append(str(a.get("href")))
        if tag == "li" and str(a.get("id", "")).startswith("src-"):
            self.source_entries.append(str(a["id"]))
        if tag == "script":
            self.scripts.append(a)
        if tag == "link":
            self.links.append(a)
        if a.get("src"):
            self.srcs.append(str(a["src"]))


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.fixture
def kor(kor_brief: Brief, kor_html: str) -> tuple[Brief, str]:
    return kor_brief, kor_html


def _tiny(text: str = "plain") -> Brief:
    section = Section(
        "demo",
        "Demo <section>",
        facts=[Fact("A figure", "5th", ("a",))],
        notes=[Note(text, ("b",))],
        tables=[
            Table(
                "A table",
                ("x", "y"),
                ((1, 2.345), ("z", None)),
                ("a", "b", "c"),
                formats={"y": "{:.2f}"},
            )
        ],
        charts=[
            Chart("chart-1", "One", "bar", (1, 2), {"s": (1.0, 2.0)}, "x", "y", ("a",)),
            Chart("chart-2", "Two", "line", (1, 2), {"s": (1.0, None)}, "x", "y", ("b",)),
        ],
        commands=["powerscope demo"],
    )
    sources = [
        SourceEntry(
            i, Citation(sid, "Pub", f"Title {sid}", "1", None, "CC0", "https://example.org")
        )
        for i, sid in enumerate(("a", "b", "c"), start=1)
    ]
    return Brief("KOR", "South Korea", [section], sources, 10, 1, "snapshot: x", "2026-01-01", 0.1)


def test_every_marker_resolves_to_a_source_entry(kor: tuple[Brief, str]) -> None:
    brief, html = kor
    page = _parse(html)
    assert len(page.cites) > 40
    for href in page.cites:
        if href == "#sources":
            continue
        assert href.startswith("#src-") and href[1:] in page.ids, href
    assert page.source_entries == [f"src-{e.number}" for e in brief.sources]
    cited = {h[1:] for h in page.cites}
    # every source is cited somewhere (ranges show their ends, so check the numbers in runs)
    numbers = {int(c.removeprefix("src-")) for c in cited if c.startswith("src-")}
    assert numbers >= {1, len(brief.sources)}
    for entry in brief.sources:
        title, edition = entry.citation.title, entry.citation.edition.split(";")[0]
        assert escape(title, quote=False) in html and escape(edition, quote=False) in html


def test_html_is_self_contained_with_plotly_inline(kor: tuple[Brief, str]) -> None:
    _, html = kor
    page = _parse(html)
    assert not page.links  # no style sheets to fetch: the CSS is inlined
    assert all(not s.get("src") for s in page.scripts)  # no script loaded by URL
    assert not [s for s in page.srcs if s.startswith(("http:", "https:", "//"))]
    # plotly.js embedded once, by the first chart: the dashboard's partial bundle
    assert html.count("plotly.js (basic - minified) v") == 1 and "plotly.js v" not in html
    assert len(html) < 2_000_000  # the full bundle alone is 4.8 MB
    charts = sum(len(s.all_charts()) for s in kor[0].sections)
    assert charts == 9 and html.count("Plotly.newPlot(") == charts
    assert "@page" in html and "break-inside: avoid" in html  # print style for the PDF


def test_key_figures_are_in_the_page(kor: tuple[Brief, str]) -> None:
    _, html = kor
    for text in (
        "5th of 26, score 20.0 of 100",
        "5th of 145",
        "US$48.5 bn",
        "2.18% of world exports, 10th, 2020-2024",
        "Australia, Japan, France",
        "How to reproduce",
        "powerscope index uncertainty ceti --runs 2000 --seed 1",
    ):
        assert text in html, text


def test_the_inlined_plotly_bundle_cannot_end_its_script_element() -> None:
    from powerscope.brief.render import PLOTLY_BUNDLE

    assert "</script" not in PLOTLY_BUNDLE.read_text(encoding="utf-8").lower()


def test_text_is_escaped_and_formats_applied() -> None:
    html = render_html(_tiny("<script>alert(1)</script>"))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Demo &lt;section&gt;" in html
    assert "2.35" in html and "\u2013" in html  # the format spec, and a missing value


def test_consecutive_markers_collapse_into_a_range() -> None:
    assert marker_runs([1, 2, 3, 5, 7, 8]) == [[1, 2, 3], [5], [7, 8]]
    html = render_html(_tiny())
    page = _parse(html)
    # the table cites a, b, c (1-3): shown as [1]-[3]; the fact [1]; the note [2]; charts [1], [2]
    assert page.cites.count("#src-3") == 1
    assert (
        'href="#src-1">[1]</a><span class="cite-dash">\u2013</span><a class="cite" href="#src-3">'
        in html
    )


def test_write_html_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "brief.html"
    size = write_html(_tiny(), target)
    assert target.stat().st_size == size > 1000
    assert os.listdir(target.parent) == ["brief.html"]
    assert target.stat().st_mode & 0o044  # readable by others, like any written file

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    other = tmp_path / "out" / "second.html"
    with pytest.raises(OSError, match="disk full"):
        write_atomic(other, "<html></html>")
    assert os.listdir(target.parent) == ["brief.html"]  # no partial file, no temp file
