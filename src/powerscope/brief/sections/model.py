"""What a brief is made of: sections of facts, tables, charts and notes, and numbered sources.

Every fact, table, chart and note names the datasets it comes from by their catalog id
(``belfer_ceti``, ``sipri_arms``, ...; see :mod:`powerscope.data.catalog`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from powerscope.data.catalog import Citation
from powerscope.errors import SpecError


@dataclass(frozen=True)
class Fact:
    """One headline figure: a label, its value as displayed, and its sources.

    ``raw`` keeps the number (or text) behind the display, for tests and machine use.
    """

    label: str
    value: str
    sources: tuple[str, ...]
    raw: Any = None
    detail: str = ""


@dataclass(frozen=True)
class Table:
    """A table: ``rows`` hold raw values, ``formats`` give a format spec per column
    (e.g. ``{"share %": "{:.2f}"}``); ``row_sources`` optionally cite each row."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    sources: tuple[str, ...]
    formats: Mapping[str, str] = field(default_factory=dict)
    row_sources: tuple[tuple[str, ...], ...] | None = None
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart as data: ``kind`` is ``bar`` or ``line``; ``series`` maps a name to its values
    along ``x`` (``None`` for a gap)."""

    id: str
    title: str
    kind: str
    x: tuple[Any, ...]
    series: Mapping[str, tuple[float | None, ...]]
    x_label: str
    y_label: str
    sources: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Note:
    """A sentence of text and the sources of the figures in it."""

    text: str
    sources: tuple[str, ...] = ()


@dataclass
class Section:
    """One section of a brief. ``commands`` are the powerscope commands that reproduce it;
    ``data`` holds its key figures as plain values; ``parts`` are sub-sections shown under
    their own headings after the section's own content (e.g. "Self-reliance": talent,
    research, industry)."""

    id: str
    title: str
    facts: list[Fact] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    parts: list[Section] = field(default_factory=list)

    def all_charts(self) -> list[Chart]:
        """The section's charts, then its parts' charts, in the order they are shown."""
        return list(self.charts) + [c for part in self.parts for c in part.all_charts()]

    def cited(self) -> list[str]:
        """Source ids in the order the section cites them (first citation first), its parts'
        after its own."""
        ids: list[str] = []
        groups: list[Sequence[str]] = [f.sources for f in self.facts]
        groups += [n.sources for n in self.notes]
        for table in self.tables:
            groups.append(table.sources)
            groups += list(table.row_sources or ())
        groups += [c.sources for c in self.charts]
        for group in groups:
            ids += [s for s in group if s not in ids]
        for part in self.parts:
            ids += [s for s in part.cited() if s not in ids]
        return ids


@dataclass(frozen=True)
class SourceEntry:
    """A numbered entry of the sources section: a dataset's citation (publisher, title, edition,
    data years, licence, URL) and a note on the files it was read from."""

    number: int
    citation: Citation
    note: str = ""

    @property
    def id(self) -> str:
        """The cited dataset's catalog id."""
        return self.citation.dataset


@dataclass
class Brief:
    """A built brief: its sections, the numbered sources they cite, and how it was built."""

    code: str
    name: str
    sections: list[Section]
    sources: list[SourceEntry]
    runs: int
    seed: int
    #: the store's portable description (``store.describe()``: "embedded snapshot,
    #: powerscope 0.1.0"), never a local path
    store: str
    generated: str
    seconds: float

    def number(self, source_id: str) -> int:
        """The number of a source in the sources section."""
        for entry in self.sources:
            if entry.id == source_id:
                return entry.number
        raise SpecError(f"no source {source_id!r} in the brief")

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise SpecError(f"no section {section_id!r} in the brief")
