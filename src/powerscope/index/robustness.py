"""Robustness analyses in one call: the assumptions of an index, a run plan, an executor.

In the style of SALib (a problem, a sample, an evaluation, an analysis): the *problem* is an
index and its uncertainty assumptions (the index's documented defaults unless given, see
:func:`powerscope.index.uncertainty.default_assumptions`); :func:`uncertainty` plans the runs from
the seed, evaluates them with an executor chosen by name (``local`` or ``dask``,
:mod:`powerscope.index.engines`) and summarises the ranks. :func:`setup` is the problem alone,
for a sensitivity analysis (:func:`powerscope.index.sensitivity.sensitivity`) or other uses.

Every shell (CLI, web, briefs, the like-minded partners report) calls these, so an analysis
with the same index, assumptions, runs and seed gives the same figures everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from powerscope.index.spec import IndexSpec, load_spec
from powerscope.index.uncertainty import (
    UncertaintyResult,
    UncertaintySpec,
    VariantBuilder,
    default_assumptions,
    parse_uncertainty,
    simple_builder,
)
from powerscope.index.uncertainty import uncertainty as run_uncertainty

if TYPE_CHECKING:
    from powerscope.data.store import Store
    from powerscope.index.engine import Matrix


@dataclass(frozen=True)
class Setup:
    """An index ready for a robustness analysis: its spec, the assumptions as given (the
    mapping), parsed (``uspec``), the builder of its data variants and its units' names."""

    spec: IndexSpec
    assumptions: dict[str, Any]
    uspec: UncertaintySpec
    builder: VariantBuilder
    units: dict[str, tuple[str, bool]]


def setup(
    spec: IndexSpec | str,
    assumptions: Mapping[str, Any] | None = None,
    *,
    exclude_aggregates: bool = False,
    data: Matrix | None = None,
    units: Mapping[str, tuple[str, bool]] | None = None,
    store: Store | None = None,
    year: int | None = None,
) -> Setup:
    """The problem of a robustness analysis.

    Parameters
    ----------
    spec:
        The index, or its name or spec file (:func:`powerscope.index.load_spec`).
    assumptions:
        The uncertainty specification (see :mod:`powerscope.index.uncertainty`); None: the
        index's documented defaults.
    exclude_aggregates:
        Drop aggregates (e.g. the CETI's "Europe") before normalising.
    data, units:
        The index's indicator data already in memory (e.g. the like-minded partners of one
        focal country), and its units' ``{code: (name, is_aggregate)}``; by default the data are
        read from the store (or the spec's ``data_file``).
    store:
        Where the data are read from (default: :func:`powerscope.data.store.open_store`).
    year:
        A panel index's year (default: its last), normalised over the panel as its spec says
        (:func:`powerscope.index.panel.year_builder`); a year given to a snapshot index is a
        :class:`~powerscope.errors.PeriodError`.
    """
    spec = load_spec(spec) if isinstance(spec, str) else spec
    raw = dict(assumptions) if assumptions is not None else default_assumptions(spec)
    if data is None and (spec.panel is not None or year is not None):
        from powerscope.index.panel import year_builder

        builder, found = year_builder(
            spec, year, store=store, units=units, exclude_aggregates=exclude_aggregates
        )
        return Setup(spec, raw, parse_uncertainty(raw, spec), builder, found)
    if data is None and spec.extra.get("data_file"):
        # a spec with its own data (e.g. imported from COINr) is built through its data steps
        from powerscope.index.build import build_inputs

        builder, options, found = build_inputs(spec, exclude_aggregates=exclude_aggregates)
        uspec = parse_uncertainty(raw, spec, data_options=options)
        return Setup(spec, raw, uspec, builder, dict(units or found))
    if data is None:
        from powerscope.data.store import open_store
        from powerscope.index.data import index_data

        data, found = index_data(spec, store or open_store())
        units = units or found
    if exclude_aggregates and units:
        data = data.drop_units([c for c in data.units if units.get(c, (c, False))[1]])
    info = dict(units) if units else {c: (c, False) for c in data.units}
    return Setup(spec, raw, parse_uncertainty(raw, spec), simple_builder(spec, data), info)


def uncertainty(
    spec: IndexSpec | str,
    *,
    runs: int = 1000,
    seed: int | None = 1,
    assumptions: Mapping[str, Any] | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    exclude_aggregates: bool = False,
    data: Matrix | None = None,
    units: Mapping[str, tuple[str, bool]] | None = None,
    store: Store | None = None,
    chunk: int | None = None,
    progress: Callable[[int], None] | None = None,
    year: int | None = None,
) -> UncertaintyResult:
    """Rank uncertainty of an index: Monte Carlo over its assumptions.

    Parameters
    ----------
    spec, assumptions, exclude_aggregates, data, units, store:
        The problem, as :func:`setup` takes it.
    runs, seed:
        Number of runs; the seed makes the analysis reproducible (same seed, same result, with
        any engine).
    engine, scheduler:
        The executor by name: ``local`` (numpy in this process) or ``dask`` (a Dask cluster at
        ``scheduler``, or a local multi-process cluster when it is None).
    chunk, progress:
        Runs per evaluated chunk (default: sized to memory); a callback given the number of
        runs done after each chunk.
    year:
        A panel index's year (see :func:`setup`; every year at once:
        :func:`powerscope.index.panel.panel_uncertainty`).

    Returns
    -------
    UncertaintyResult
        With ``assumptions`` (the mapping used) and ``engine`` filled in.
    """
    problem = setup(
        spec, assumptions, exclude_aggregates=exclude_aggregates, data=data, units=units,
        store=store, year=year,
    )  # fmt: skip
    result = run_uncertainty(
        problem.spec, problem.uspec, problem.builder, runs=runs, seed=seed, units=problem.units,
        engine=engine, scheduler=scheduler, chunk=chunk, progress=progress,
    )  # fmt: skip
    result.assumptions = problem.assumptions
    result.engine = engine
    return result


__all__ = ["Setup", "setup", "uncertainty"]
