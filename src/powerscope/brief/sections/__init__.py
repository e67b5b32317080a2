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
import os
import pickle
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from powerscope import cache as _cache
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


#: The sections that share little of the context with the others (none of the CETI, the
#: like-minded partners or the military profile): with ``workers=2`` :func:`build_brief` builds
#: them in a second process while this one builds the rest: about half the work each (for South
#: Korea 1.4-1.9 CPU seconds in either process; self-reliance is built here to even them out).
APART: frozenset[SectionBuilder] = frozenset({power_section, ties_section, dynamics_section})


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
    workers: int = 1,
    cache: bool = False,
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
    workers:
        ``2`` builds the sections of :data:`APART` in a forked second process while this one
        builds the others (where ``os.fork`` exists); the brief is the same as with ``1``. A
        failure in the second process builds its sections here again, so errors surface as
        they would without it.
    cache:
        Keep each section in powerscope's cache (:mod:`powerscope.cache`) and read it back when
        nothing it depends on changed, as a report generator caches its chunks (knitr's
        ``cache=TRUE``): the key is the country, ``runs``, ``seed``, the section, the store's
        files (their SHA-256) and every source and data file of powerscope with the versions
        of the libraries that compute (:func:`powerscope.cache.package_digest`), so a change to
        any of them builds the section anew. Off by default; ``powerscope brief`` turns it on
        (``--fresh`` turns it off). A store without file digests is never cached.

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
    builders = list(SECTIONS if sections is None else sections)
    keys = _section_keys(ctx, builders, store) if cache else {}
    kept: dict[int, Section] = {}
    for i, key in keys.items():
        found = _cache.read_pickle("brief-sections", key)
        if isinstance(found, Section):
            kept[i] = found
    missing = [b for i, b in enumerate(builders) if i not in kept]
    apart = sum(b in APART for b in missing)
    if workers > 1 and hasattr(os, "fork") and 0 < apart < len(missing):
        fresh = _build_in_two(ctx, missing)
    else:
        fresh = [builder(ctx) for builder in missing]
    made = iter(fresh)
    built = [kept[i] if i in kept else next(made) for i in range(len(builders))]
    for i, key in keys.items():
        if i not in kept:
            _cache.write_pickle("brief-sections", key, built[i])
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


#: the libraries whose versions change a section's figures (part of its cache key)
_LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "scikit-learn", "SALib", "pyarrow")


def _section_keys(
    ctx: BriefContext, builders: Sequence[SectionBuilder], store: Store
) -> dict[int, str]:
    """The cache key of each section (by position), or none when the store does not say what
    its files are (see :func:`build_brief`'s ``cache``)."""
    datasets = store.datasets()
    if "sha256" not in datasets or datasets.empty:
        return {}
    files = repr(sorted(map(str, datasets["sha256"])))
    aliases = os.environ.get("POWERSCOPE_ALIASES", "")
    if aliases:
        try:
            aliases += Path(aliases).read_text(encoding="utf-8")
        except OSError:
            return {}  # an aliases file that cannot be read: build everything
    common = _cache.key_of(
        _cache.package_digest(_LIBRARIES), files, aliases, ctx.code, str(ctx.runs), str(ctx.seed)
    )
    return {
        i: _cache.key_of(common, f"{b.__module__}.{b.__qualname__}") for i, b in enumerate(builders)
    }


def _build_in_two(ctx: BriefContext, builders: Sequence[SectionBuilder]) -> list[Section]:
    """Build the sections of :data:`APART` in a forked process and the others here at the same
    time; the sections in ``builders``' order.

    The second process sends its sections back pickled through a pipe and exits with
    ``os._exit`` (it runs none of this process's clean-up). When it fails (or dies) its sections
    are built here, so an error is raised as it would be without it; when this process fails
    first, the second is killed and reaped: no process outlives the brief.
    """
    apart = [i for i, b in enumerate(builders) if b in APART]
    for stream in (sys.stdout, sys.stderr):  # nothing buffered twice
        stream.flush()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the second process
        status = 1
        try:
            os.close(read_fd)
            payload = pickle.dumps([builders[i](ctx) for i in apart], pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_fd, "wb") as sink:
                sink.write(payload)
            status = 0
        except BaseException:  # its sections are built again by the caller
            pass
        finally:
            os._exit(status)
    os.close(write_fd)
    source = os.fdopen(read_fd, "rb")
    running = True
    try:
        built: dict[int, Section] = {i: b(ctx) for i, b in enumerate(builders) if i not in apart}
        payload = source.read()
        _, status = os.waitpid(pid, 0)
        running = False
        received: list[Section] | None = None
        if status == 0:
            try:
                received = pickle.loads(payload)  # from this process's own fork
            except Exception:
                received = None
        if received is None or len(received) != len(apart):
            received = [builders[i](ctx) for i in apart]
        built.update(zip(apart, received, strict=True))
        return [built[i] for i in range(len(builders))]
    finally:
        source.close()
        if running:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
