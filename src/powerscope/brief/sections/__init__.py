"""The sections of a country brief: plain data and the sources of every figure.

A brief is the list of :data:`SECTIONS`, each a *builder*: a function that takes a
:class:`BriefContext` (the country, the run settings and the library results the sections
share, computed once per brief) and returns a :class:`Section` of facts, tables, charts and notes.
Every fact, table, chart and note names the datasets it comes from by their catalog id
(``belfer_ceti``, ``sipri_arms``, ...; see :mod:`powerscope.data.catalog`); :func:`build_brief`
numbers those sources in the order they are first cited and resolves each to its
:class:`~powerscope.data.catalog.Citation` in the store (the ids come from the citations the
library's results carry), so a renderer can put a marker like ``[3]`` beside every figure.

Builders only call the library's service functions (the same ones the ``powerscope`` commands
use); nothing here computes a figure of its own beyond formatting and selecting rows. To add a
section, write a builder (a module of its own) and insert it into :data:`SECTIONS`.

The sections live one per module (:mod:`~powerscope.brief.sections.summary`,
:mod:`~powerscope.brief.sections.technology`, ...); what they share is in
:mod:`~powerscope.brief.sections.context`, the pieces a section is made of in
:mod:`~powerscope.brief.sections.model`, the numbered sources in
:mod:`~powerscope.brief.sections.sources` and how to reproduce the brief in
:mod:`~powerscope.brief.sections.reproduce`.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Sequence
from typing import cast

from powerscope.brief.sections.alignment import alignment_section
from powerscope.brief.sections.arms import arms_section
from powerscope.brief.sections.claims import claims_section
from powerscope.brief.sections.context import (
    DEFAULT_RUNS,
    DEFAULT_SEED,
    BriefContext,
    SectionBuilder,
)
from powerscope.brief.sections.dynamics import dynamics_section
from powerscope.brief.sections.military import military_section
from powerscope.brief.sections.model import Brief, Chart, Fact, Note, Section, SourceEntry, Table
from powerscope.brief.sections.power import power_section
from powerscope.brief.sections.selfreliance import selfreliance_section
from powerscope.brief.sections.sources import source_entry
from powerscope.brief.sections.summary import summary_section
from powerscope.brief.sections.technology import technology_section
from powerscope.brief.sections.ties import ties_section
from powerscope.data.store import ReadOnceStore, Store, open_store
from powerscope.errors import SpecError

__all__ = [
    "DEFAULT_RUNS",
    "DEFAULT_SEED",
    "SECTIONS",
    "Brief",
    "BriefContext",
    "Chart",
    "Fact",
    "Note",
    "Section",
    "SectionBuilder",
    "SourceEntry",
    "Table",
    "alignment_section",
    "arms_section",
    "build_brief",
    "claims_section",
    "country_code",
    "dynamics_section",
    "military_section",
    "power_section",
    "selfreliance_section",
    "source_entry",
    "summary_section",
    "technology_section",
    "ties_section",
]

#: The sections of a brief, in order. A builder takes a :class:`BriefContext` and returns a
#: :class:`Section`; the sources section is made from what they cite (:func:`build_brief`).
SECTIONS: list[SectionBuilder] = [
    summary_section,
    technology_section,
    military_section,
    power_section,
    arms_section,
    alignment_section,
    ties_section,
    selfreliance_section,
    dynamics_section,
    claims_section,
]


# ---------------------------------------------------------------------------------------------
# The brief


def country_code(country: str) -> str:
    """The powerscope code of a country for a brief.

    Raises
    ------
    UnknownEntityError
        When the name or code resolves to nothing.
    SpecError
        When it names an aggregate, an organisation or a historical state.
    """
    from powerscope.countries import entity, resolve

    code = resolve(country, where="country argument")
    found = entity(code)
    if not found.is_country:
        raise SpecError(
            f"{country!r} is {found.name} ({found.kind}), not a present-day country",
            where="country argument",
            fix="give a country's name or ISO3 code, e.g. KOR",
        )
    return code


def build_brief(
    country: str,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    sections: Sequence[SectionBuilder] | None = None,
    store: Store | None = None,
) -> Brief:
    """Build a country brief: every section of :data:`SECTIONS` and the sources they cite.

    Parameters
    ----------
    country:
        A country's name or code (``"KOR"``, ``"South Korea"``).
    runs, seed:
        Monte Carlo runs and seed of the rank-uncertainty analyses (CETI, partners).
    sections:
        The section builders (default: :data:`SECTIONS`).

    Raises
    ------
    UnknownEntityError
        An unknown country (before anything is computed).
    """
    start = time.perf_counter()
    code = country_code(country)
    if runs < 1:
        raise SpecError(f"runs must be >= 1, not {runs}", parameter="runs", fix="e.g. 2000")
    store = store or open_store()
    # the sections ask for the same tables many times: each is read once for this brief
    reading = ReadOnceStore(store)
    ctx = BriefContext(code, runs=runs, seed=seed, store=cast(Store, reading))
    built = [builder(ctx) for builder in (SECTIONS if sections is None else sections)]
    cited: list[str] = []
    for section in built:
        cited += [s for s in section.cited() if s not in cited]
    sources = [source_entry(i, s, store) for i, s in enumerate(cited, start=1)]
    return Brief(
        code=code,
        name=ctx.name,
        sections=built,
        sources=sources,
        runs=runs,
        seed=seed,
        store=store.describe(),
        generated=_dt.date.today().isoformat(),
        seconds=time.perf_counter() - start,
    )
