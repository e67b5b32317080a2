"""Panels: an index over time (units x indicators x years).

A spec with a ``panel:`` block (:class:`powerscope.index.spec.PanelOptions`) is built for every
year of its span from long data ``code, indicator, year, value`` (a store table or a registered
deriver)::

    panel:
      years: [2000, 2024]      # the span built (inclusive)
      carry_forward: 3         # a missing value takes the unit's latest earlier value, at most
                               # 3 years back; every carried value is flagged
      normalise_over: panel    # bounds/statistics over all years (default) or each "year"

The method is the snapshot engine's (:mod:`powerscope.index.engine`: OECD/JRC *Handbook on
Constructing Composite Indicators*, 2008; COINr semantics, Becker et al. 2022), applied to the
unit-years of the span stacked as rows: with ``normalise_over: panel`` an indicator's bounds
(min-max) or statistics (z-score, ranks) are taken over every unit-year of the span, so a score
of 60 in 2005 and 60 in 2023 mean the same position on the same scale, and a score's change
over time is a change in the data, not in the year's field. With ``normalise_over: year`` each
year is normalised on its own (a year's scores then say where a unit stands in that year's
field only; their changes mix the unit's progress with the field's).

Carry-forward is the OECD/JRC Handbook's "last observation carried forward" imputation, bounded:
a value is carried at most ``carry_forward`` years, from earlier years of the data (before the
span too), and every carried value is listed in :attr:`PanelResult.imputed` with the year it
came from; nothing is carried silently and nothing is carried backwards.

Rank uncertainty over time (:func:`panel_uncertainty`) is the Monte Carlo of
:mod:`powerscope.index.uncertainty` (Saisana, Saltelli & Tarantola 2005; the same assumptions
grammar: weight noise, aggregation and normalisation alternatives) run once for all years: each
run draws one set of assumptions and applies it to every year, so a unit's rank band in 2005
and in 2023 come from the same runs. The ranks of every run are counted per year and unit (a
histogram of ranks: memory does not grow with the runs), from which the median and the 5th and
95th percentile ranks are exact (numpy's linear interpolation between order statistics).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from powerscope.errors import (
    DataFormatError,
    NotFoundError,
    PeriodError,
    PowerscopeError,
    SpecError,
)
from powerscope.index.engine import (
    ROOT,
    CompiledIndex,
    IndexResult,
    Matrix,
    _unit_interval,
    attribute,
    compile_index,
    normalisation_choice,
    normalise,
    rank_descending,
    rescaled,
)
from powerscope.index.engines import Aggregation
from powerscope.index.spec import IndexSpec, PanelOptions

if TYPE_CHECKING:
    import pandas as pd

    from powerscope.data.catalog import Citation
    from powerscope.data.store import Store
    from powerscope.index.uncertainty import Plan, UncertaintySpec

UnitInfo = Mapping[str, tuple[str, bool]]
LONG_COLUMNS = ("code", "indicator", "year", "value")


# -- the data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """Panel data: ``values[t, i, j]`` is unit ``units[i]`` on indicator ``indicators[j]`` in
    ``years[t]`` (consecutive calendar years), NaN where missing."""

    years: list[int]
    units: list[str]
    indicators: list[str]
    values: np.ndarray

    @classmethod
    def from_long(cls, long: Any, *, where: str = "panel data") -> Panel:
        """From a long table (a DataFrame or a mapping of arrays) with the columns ``code,
        indicator, year, value``; a unit, indicator and year given twice is an error."""
        columns = list(long.columns) if hasattr(long, "columns") else list(long)
        missing = [c for c in LONG_COLUMNS if c not in columns]
        if missing:
            raise DataFormatError(
                f"the panel data lack the column(s) {missing}",
                where=where,
                fix="give a long table with the columns code, indicator, year, value",
            )
        codes = np.asarray(long["code"]).astype(str)
        indicators = np.asarray(long["indicator"]).astype(str)
        try:
            raw_years = np.asarray(long["year"], dtype=float)
            values = np.asarray(long["value"], dtype=float)
        except (TypeError, ValueError) as exc:
            raise DataFormatError(
                f"non-numeric year or value in the panel data: {exc}", where=where
            ) from None
        keep = ~np.isnan(raw_years)
        if not keep.all():
            raise DataFormatError(
                f"{int((~keep).sum())} row(s) of the panel data have no year",
                where=where,
                fix="give every row its year",
            )
        years = raw_years.astype(np.int64)
        if len(years) == 0:
            raise DataFormatError("the panel data are empty", where=where)
        units, row = np.unique(codes, return_inverse=True)
        names, col = np.unique(indicators, return_inverse=True)
        first = int(years.min())
        span = int(years.max()) - first + 1
        t = years - first
        cell = (t * len(units) + row) * len(names) + col
        uniq, counts = np.unique(cell, return_counts=True)
        if (counts > 1).any():
            c = int(uniq[counts > 1][0])
            y, rest = divmod(c, len(units) * len(names))
            u, j = divmod(rest, len(names))
            raise DataFormatError(
                f"two values for {units[u]} / {names[j]} in {first + y}",
                where=where,
                fix="give one value per unit, indicator and year",
            )
        out = np.full((span, len(units), len(names)), np.nan)
        out[t, row, col] = values
        return cls(list(range(first, first + span)), units.tolist(), names.tolist(), out)


def require_panel(spec: IndexSpec, parameter: str | None = "year") -> PanelOptions:
    """The spec's panel options; :class:`PeriodError` (about ``parameter``) when the index is a
    snapshot."""
    options = spec.panel
    if options is None:
        raise PeriodError(
            f"index {spec.id!r} has no years: it is one edition"
            + (f" ({spec.edition})" if spec.edition else ""),
            parameter=parameter,
            fix="compute it without a year (a spec gains years with a 'panel:' block, see "
            "docs/panel.md)",
        )
    return options


def check_years(
    options: PanelOptions, first: int | None, last: int | None, parameter: str = "years"
) -> list[int]:
    """The years ``first``..``last`` (default: the whole span), checked to lie in the span."""
    lo = options.first if first is None else int(first)
    hi = options.last if last is None else int(last)
    for year in (lo, hi):
        if not options.first <= year <= options.last:
            raise PeriodError(
                f"year {year} is outside the panel's years {options.first}-{options.last}",
                parameter=parameter,
                fix=f"give years from {options.first} to {options.last}",
            )
    if lo > hi:
        raise PeriodError(
            f"the first year {lo} is after the last {hi}",
            parameter=parameter,
            fix="give the earlier year first",
        )
    return list(range(lo, hi + 1))


def _years_arg(options: PanelOptions, years: Any) -> list[int]:
    """``years``: None (the span), one year, ``(first, last)`` (a pair in order is a range) or
    a list of years."""
    if years is None:
        return options.years
    if isinstance(years, int | np.integer):
        return check_years(options, int(years), int(years), "year")
    listed = [int(y) for y in years]
    if len(listed) == 2 and listed[0] <= listed[1]:
        return check_years(options, listed[0], listed[1])
    for year in listed:
        check_years(options, year, year)
    return sorted(set(listed))


def panel_data(
    spec: IndexSpec, store: Store | None = None
) -> tuple[Panel, dict[str, tuple[str, bool]]]:
    """The spec's panel data from the store, and each unit's name and aggregate flag.

    The spec's ``table`` (or the frame its ``derive: NAME`` deriver returns) must be long with
    ``code, indicator, year, value``; without a ``year`` column it is a :class:`SpecError`
    naming the spec, the table or deriver, and how to fix it.
    """
    from powerscope.data.store import ENTITIES_TABLE, open_store

    store = store or open_store()
    derive = spec.extra.get("derive")
    if derive:
        from powerscope.index.derive import get_deriver

        source = f"deriver {derive!r}"
        long = get_deriver(str(derive), where=f"index {spec.id}: derive")(store)
        columns = list(long.columns)
    elif spec.table:
        source = f"table {spec.table!r}"
        frame = store.table(str(spec.table))
        columns = list(frame.columns)
        long = frame
    else:
        raise SpecError(
            f"index {spec.id!r} names no data table",
            fix="add 'table:' (a store table) or 'derive: NAME' (a registered deriver)",
        )
    if "year" not in columns:
        raise SpecError(
            f"index {spec.id!r} has a 'panel:' block but its {source} has no 'year' column "
            f"(columns: {', '.join(map(str, columns))})",
            where=f"index {spec.id}: {'derive' if derive else 'table'}",
            fix="give long data with the columns code, indicator, year, value, or remove the "
            "'panel:' block to compute one edition",
        )
    panel = Panel.from_long(long, where=f"index {spec.id}: {source}")
    entities = store.columns(ENTITIES_TABLE, ["code", "name", "is_aggregate"])
    info = {
        str(c): (str(n), bool(a))
        for c, n, a in zip(
            entities["code"], entities["name"], entities["is_aggregate"], strict=True
        )
    }
    return panel, info


# -- preparation: carry-forward, normalisation over the panel ---------------------------------


def carry_forward(values: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Fill missing values from the same unit's latest earlier year, at most ``limit`` years back.

    Parameters
    ----------
    values:
        ``(years, units, indicators)``, consecutive years, NaN where missing.
    limit:
        The most years a value is carried (0: nothing is filled).

    Returns
    -------
    filled, source:
        The filled array, and for every cell the year offset (index along axis 0) its value came
        from: itself when observed, an earlier one when carried, -1 when still missing.
    """
    observed = ~np.isnan(values)
    t = np.arange(values.shape[0]).reshape(-1, 1, 1)
    last = np.maximum.accumulate(np.where(observed, t, -1), axis=0)
    usable = observed | ((last >= 0) & (t - last <= limit))
    source = np.where(usable, last, -1)
    filled = np.where(usable, np.take_along_axis(values, np.maximum(source, 0), axis=0), np.nan)
    return filled, source


@dataclass
class CompiledPanel:
    """A panel spec bound to its data: the unit-years of the span stacked as the rows of one
    :class:`CompiledIndex` (row ``t * len(units) + i`` is unit ``i`` in year ``years[t]``)."""

    spec: IndexSpec
    options: PanelOptions
    years: list[int]
    units: list[str]
    compiled: CompiledIndex
    present: np.ndarray  # (years, units): the unit has a value for some indicator that year
    imputed: np.ndarray  # (years, units, leaves): the value was carried forward
    source_year: np.ndarray  # (years, units, leaves): year the value came from (0: missing)
    indicators: list[str]
    normalisation: str

    def rows(self, years: Sequence[int]) -> np.ndarray:
        """Row numbers of ``years`` in the stacked index (year-major)."""
        n = len(self.units)
        t = np.array([self.years.index(y) for y in years], dtype=np.int64)
        return (t[:, None] * n + np.arange(n)[None, :]).reshape(-1)

    def block(self, years: Sequence[int]) -> CompiledIndex:
        """The compiled index restricted to the rows of ``years`` (same normalised values)."""
        rows = self.rows(years)
        return replace(
            self.compiled,
            units=[self.compiled.units[r] for r in rows],
            normalised=self.compiled.normalised[rows],
        )


def compile_panel(
    spec: IndexSpec,
    panel: Panel,
    *,
    normalisation: str | Mapping[str, Any] | None = None,
    aggregation: str | None = None,
) -> CompiledPanel:
    """Carry forward, direct and normalise the panel over its span (or each year), and compile.

    Raises
    ------
    DataFormatError
        An indicator of the spec is not in the data, or no unit has data in the span.
    """
    options = require_panel(spec)
    leaves = spec.leaves()
    wanted = [str(node.indicator) for _, node in leaves]
    column = {name: j for j, name in enumerate(panel.indicators)}
    missing = [w for w in wanted if w not in column]
    if missing:
        raise DataFormatError(
            f"{len(missing)} indicator(s) of index {spec.id!r} are not in the panel data: "
            + ", ".join(missing[:8]),
            where=f"index {spec.id}",
            fix="check the spec's 'indicator' names against the data's indicators",
        )
    x = panel.values[:, :, [column[w] for w in wanted]]
    # the data's years before the span feed the carry-forward; those after it are not used
    first = min(panel.years[0], options.first)
    pad_before = panel.years[0] - first
    total = options.last - first + 1
    full = np.full((total, x.shape[1], x.shape[2]), np.nan)
    keep = [t for t, y in enumerate(panel.years) if y <= options.last]
    full[[pad_before + t for t in keep]] = x[keep]
    filled, source = carry_forward(full, options.carry_forward)
    imputed = (source >= 0) & (source != np.arange(total).reshape(-1, 1, 1))
    source_year = np.where(source >= 0, source + first, 0)
    start = options.first - first
    filled, imputed, source_year = filled[start:], imputed[start:], source_year[start:]
    present_units = ~np.isnan(filled).all(axis=(0, 2))
    if not present_units.any():
        raise DataFormatError(
            f"index {spec.id!r} has no data in its years {options.first}-{options.last}",
            where=f"index {spec.id}",
            fix="check the panel's years against the data's years",
        )
    filled = filled[:, present_units]
    imputed, source_year = imputed[:, present_units], source_year[:, present_units]
    units = [u for u, p in zip(panel.units, present_units, strict=True) if p]
    method, params = normalisation_choice(normalisation or spec.normalise)
    directions = np.array([node.direction for _, node in leaves], dtype=float)
    n_years, _, n_leaves = filled.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        if options.normalise_over == "panel":
            flat = normalise(filled.reshape(-1, n_leaves), method, direction=directions, **params)
            normalised = flat.reshape(filled.shape)
        else:
            normalised = np.stack(
                [normalise(filled[t], method, direction=directions, **params) for t in
                 range(n_years)]
            )  # fmt: skip
    rows = [f"{y}:{u}" for y in options.years for u in units]
    matrix = Matrix(rows, wanted, normalised.reshape(-1, n_leaves))
    compiled = compile_index(
        spec, matrix, normalisation="none", aggregation=aggregation, prepared=True
    )
    compiled = replace(compiled, scale=spec.scale if _unit_interval(method, params) else 1.0)
    return CompiledPanel(
        spec=spec,
        options=options,
        years=options.years,
        units=units,
        compiled=compiled,
        present=~np.isnan(filled).all(axis=2),
        imputed=imputed,
        source_year=source_year,
        indicators=wanted,
        normalisation=method,
    )


def year_builder(
    spec: IndexSpec,
    year: int | None = None,
    *,
    store: Store | None = None,
    data: Panel | pd.DataFrame | None = None,
    units: UnitInfo | None = None,
    exclude_aggregates: bool = False,
) -> tuple[Callable[[Mapping[str, Any]], CompiledIndex], dict[str, tuple[str, bool]]]:
    """One year of a panel index as the snapshot analyses take an index: a builder of its data
    variants (``{"normalisation": ...}`` to the year's rows of the panel compiled with that
    normalisation over the span) and the units' names, for
    :func:`powerscope.index.robustness.setup` (uncertainty and sensitivity of one year).
    ``year`` defaults to the span's last."""
    options = require_panel(spec)
    chosen = options.last if year is None else check_years(options, year, year, "year")[0]
    panel, info, _ = _load(spec, data, units, store)
    if exclude_aggregates:
        panel = without_aggregates(panel, info)
    cache: dict[str, CompiledIndex] = {}

    def build(choices: Mapping[str, Any]) -> CompiledIndex:
        method, params = normalisation_choice(choices.get("normalisation", spec.normalise))
        key = repr((method, sorted(params.items())))
        if key not in cache:
            compiled = compile_panel(spec, panel, normalisation={"method": method, **params})
            t = compiled.years.index(chosen)
            present = np.flatnonzero(compiled.present[t])
            cache[key] = replace(
                compiled.compiled,
                units=[compiled.units[i] for i in present],
                normalised=compiled.compiled.normalised[t * len(compiled.units) + present],
            )
        return cache[key]

    known = dict(info or {})
    return build, {u: known.get(u, (u, False)) for u in panel.units}


# -- a computation ----------------------------------------------------------------------------


@dataclass
class PanelResult:
    """Scores and ranks of every unit in every year of a panel index.

    ``values`` is ``(years, units, nodes)`` (the nodes are ``paths``: ``index`` first), ``ranks``
    is ``(years, units)`` (1 = highest score in that year; NaN when the unit has no data that
    year). ``frame`` is the long view, ``for_year(y)`` one year as the snapshot engine's
    :class:`~powerscope.index.engine.IndexResult`, so every shell formats one year unchanged.
    """

    spec: IndexSpec
    years: list[int]
    codes: list[str]
    names: list[str]
    is_aggregate: np.ndarray
    paths: list[str]
    values: np.ndarray
    ranks: np.ndarray
    present: np.ndarray  # (years, units)
    panel: CompiledPanel
    custom_weights: bool = False
    method: dict[str, Any] = field(default_factory=dict)
    citations: tuple[Citation, ...] = ()

    def _t(self, year: int) -> int:
        if year not in self.years:
            raise PeriodError(
                f"year {year} is outside the years computed, {self.years[0]}-{self.years[-1]}",
                parameter="year",
                fix=f"give a year from {self.years[0]} to {self.years[-1]}",
            )
        return self.years.index(year)

    @property
    def measures(self) -> list[str]:
        """The top-level components (the index's measures), in spec order."""
        return [p for p in self.paths[1:] if "/" not in p]

    @cached_property
    def frame(self) -> pd.DataFrame:
        """Long table: ``year, code, name, score, rank`` and one score column per measure
        (top-level component), for every unit with data in a year."""
        import pandas as pd

        n_years, n_units = self.ranks.shape
        keep = self.present.reshape(-1)
        out = {
            "year": np.repeat(np.array(self.years, dtype=np.int64), n_units)[keep],
            "code": np.tile(np.array(self.codes, dtype=object), n_years)[keep],
            "name": np.tile(np.array(self.names, dtype=object), n_years)[keep],
            "score": self.values[:, :, 0].reshape(-1)[keep],
            "rank": self.ranks.reshape(-1)[keep],
        }
        for measure in self.measures:
            j = self.paths.index(measure)
            out[measure] = self.values[:, :, j].reshape(-1)[keep]
        frame = pd.DataFrame(out)
        frame["rank"] = frame["rank"].astype("Int64")
        return frame.sort_values(["year", "rank", "name"], kind="stable").reset_index(drop=True)

    @cached_property
    def imputed(self) -> pd.DataFrame:
        """Every value carried forward in the years computed: ``year, code, indicator,
        from_year, value``."""
        import pandas as pd

        compiled = self.panel
        ts = [compiled.years.index(y) for y in self.years]
        mask = compiled.imputed[ts]
        t, i, j = np.nonzero(mask)
        rows = compiled.rows(self.years).reshape(len(ts), -1)
        raw = compiled.source_year[ts]
        return pd.DataFrame(
            {
                "year": np.array(self.years, dtype=np.int64)[t],
                "code": [compiled.units[k] for k in i],
                "indicator": [compiled.indicators[k] for k in j],
                "from_year": raw[t, i, j].astype(np.int64),
                "normalised": compiled.compiled.normalised[rows[t, i], j],
            }
        )

    def for_year(self, year: int) -> IndexResult:
        """One year as an :class:`~powerscope.index.engine.IndexResult` (the units with data
        that year), with ``method["year"]`` and the carried-forward values of that year."""
        t = self._t(year)
        rows = np.flatnonzero(self.present[t])
        values = self.values[t, rows]
        is_agg = self.is_aggregate[rows]
        ranks = rank_descending(values)
        ranks_ex = np.full(values.shape, np.nan)
        ranks_ex[~is_agg] = rank_descending(values[~is_agg])
        pairs, contributions = attribute(self.panel.compiled, values)
        carried = self.panel.imputed[self.panel.years.index(year)][rows]
        method = {
            **self.method,
            "year": year,
            "carried_forward": int(carried.sum()),
        }
        result = IndexResult(
            self.spec, [self.codes[i] for i in rows], [self.names[i] for i in rows], is_agg,
            list(self.paths), values, ranks, ranks_ex, pairs, contributions, method,
        )  # fmt: skip
        result.citations = self.citations
        return result


def without_aggregates(panel: Panel, units: UnitInfo | None) -> Panel:
    """The panel without the units flagged as aggregates in ``units``."""
    info = units or {}
    keep = [i for i, u in enumerate(panel.units) if not info.get(u, (u, False))[1]]
    return Panel(
        panel.years, [panel.units[i] for i in keep], panel.indicators, panel.values[:, keep]
    )


def _units(units: UnitInfo | None, codes: Sequence[str]) -> tuple[list[str], np.ndarray]:
    info = dict(units or {})
    names = [info.get(c, (c, False))[0] or c for c in codes]
    return names, np.array([bool(info.get(c, (c, False))[1]) for c in codes], dtype=bool)


def _load(
    spec: IndexSpec,
    data: Panel | pd.DataFrame | None,
    units: UnitInfo | None,
    store: Store | None,
) -> tuple[Panel, UnitInfo | None, tuple[Citation, ...]]:
    """The panel data: given (a :class:`Panel` or a long frame) or read from the store."""
    if data is not None:
        panel = data if isinstance(data, Panel) else Panel.from_long(data, where=f"index {spec.id}")
        return panel, units, ()
    from powerscope.data.store import open_store
    from powerscope.index.data import index_citations

    store = store or open_store()
    panel, info = panel_data(spec, store)
    return panel, units or info, index_citations(spec, store)


def compute_panel(
    spec: IndexSpec,
    *,
    years: Any = None,
    weights: Mapping[str, float] | None = None,
    renormalise: bool = False,
    normalisation: str | None = None,
    aggregation: str | None = None,
    store: Store | None = None,
    data: Panel | pd.DataFrame | None = None,
    units: UnitInfo | None = None,
    exclude_aggregates: bool = False,
) -> PanelResult:
    """Compute a panel index: every unit's score and rank in every year.

    Parameters
    ----------
    spec:
        A spec with a ``panel:`` block (:func:`powerscope.index.load_spec`).
    years:
        The years reported: None (the span), one year, ``(first, last)`` (a range) or a list. The
        normalisation is always that of the whole span (``normalise_over: panel``), so a year's
        scores do not depend on which years are asked for.
    weights, renormalise:
        Weight overrides ``{node: weight}`` (the grammar of :meth:`IndexSpec.with_weights`);
        the result is then flagged ``custom_weights``.
    normalisation, aggregation:
        Override the spec's methods.
    store:
        Where the data are read from (default: :func:`powerscope.data.store.open_store`).
    data, units:
        The panel data in memory instead (a :class:`Panel` or a long ``code, indicator, year,
        value`` frame) and ``{code: (name, is_aggregate)}``.
    exclude_aggregates:
        Drop the aggregates (``units``' flag) before normalising, so they set no bound.

    Raises
    ------
    PeriodError
        The index has no panel, or a year is outside its span.
    WeightsError
        Weights of an unknown node, or a group that does not sum to 1 (without
        ``renormalise``).
    """
    options = require_panel(spec)
    chosen = _years_arg(options, years)
    spec = spec.with_weights(weights or {}, renormalise=renormalise)
    panel, info, citations = _load(spec, data, units, store)
    if exclude_aggregates:
        panel = without_aggregates(panel, info)
    compiled = compile_panel(spec, panel, normalisation=normalisation, aggregation=aggregation)
    n_units = len(compiled.units)
    rows = compiled.rows(chosen)
    values = compiled.compiled.evaluate()[rows].reshape(len(chosen), n_units, -1)
    ts = [compiled.years.index(y) for y in chosen]
    present = compiled.present[ts]
    values = np.where(present[:, :, None], values, np.nan)
    ranks = np.stack([rank_descending(values[t, :, :1])[:, 0] for t in range(len(chosen))])
    names, is_agg = _units(info, compiled.units)
    custom = bool(weights)
    method: dict[str, Any] = {
        "normalise": compiled.normalisation,
        "normalise_over": options.normalise_over,
        "aggregate": aggregation or spec.aggregate,
        "scale": compiled.compiled.scale,
        "weights": spec.weights(),
        "carry_forward": options.carry_forward,
        "years": [chosen[0], chosen[-1]],
        "custom_weights": custom,
    }
    from powerscope.index.data import source_text

    method["source"] = source_text(spec, citations)
    method["citations"] = [c.to_dict() for c in citations]
    return PanelResult(
        spec, chosen, list(compiled.units), names, is_agg, list(compiled.compiled.paths),
        values, ranks, present, compiled, custom, method, citations,
    )  # fmt: skip


def compare_years(
    spec: IndexSpec,
    *,
    first: int,
    last: int,
    weights: Mapping[str, float] | None = None,
    renormalise: bool = False,
    store: Store | None = None,
    data: Panel | pd.DataFrame | None = None,
    units: UnitInfo | None = None,
    result: PanelResult | None = None,
    runs: int = 0,
    seed: int | None = 1,
    assumptions: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Movers between two years: each unit's score and rank in both, the changes, and the
    measure (top-level component) whose weighted contribution to the score changed the most;
    with ``runs``, how robust each move is (:func:`rank_change_uncertainty`: the 5th-95th
    percentile band of the rank change and the share of runs in which the unit moved up).

    A measure's contribution is its points of the overall score (its score times its weight,
    over the weights of the measures present: the arithmetic attribution of
    :func:`powerscope.index.engine.attribute`), so the contribution changes of a unit sum to
    its score change. Units with a score in both years only; the largest rank moves first.

    Returns
    -------
    pandas.DataFrame
        ``code, name, score_first, score_last, score_change, rank_first, rank_last, rank_change``
        (positive: moved up), ``top_measure, top_measure_change`` and one ``<measure> change``
        column per measure (points of the score); with ``runs``, ``change_q05, change_q95,
        share_up`` after ``rank_change``. ``attrs``: ``first``, ``last``, ``custom_weights``
        and ``weights`` (every node's weight as applied, by path).
    """
    import pandas as pd

    options = require_panel(spec, None)
    check_years(options, first, first, "first")
    check_years(options, last, last, "last")
    if result is None:
        result = compute_panel(
            spec, years=sorted({first, last}), weights=weights, renormalise=renormalise,
            store=store, data=data, units=units,
        )  # fmt: skip
    a, b = result.for_year(first), result.for_year(last)
    common = [c for c in a.codes if b.has(c)]
    measures = result.measures
    ra = {c: i for i, c in enumerate(a.codes)}
    rb = {c: i for i, c in enumerate(b.codes)}
    ia, ib = [ra[c] for c in common], [rb[c] for c in common]

    def points(res: IndexResult, rows: list[int]) -> np.ndarray:
        cols = [res.contribution_pairs.index((ROOT, m)) for m in measures]
        return res.contribution_values[np.ix_(rows, cols)]

    change = points(b, ib) - points(a, ia)
    frame = pd.DataFrame(
        {
            "code": common,
            "name": [a.names[i] for i in ia],
            "score_first": a.values[ia, 0],
            "score_last": b.values[ib, 0],
            "rank_first": a.rank_values[ia, 0],
            "rank_last": b.rank_values[ib, 0],
        }
    )
    frame["score_change"] = frame["score_last"] - frame["score_first"]
    frame["rank_change"] = frame["rank_first"] - frame["rank_last"]
    filled = np.where(np.isnan(change), 0.0, change)
    top = np.argmax(np.abs(filled), axis=1) if measures else np.zeros(len(common), dtype=int)
    frame["top_measure"] = [measures[k] if measures else None for k in top]
    frame["top_measure_change"] = filled[np.arange(len(common)), top] if measures else np.nan
    for k, measure in enumerate(measures):
        frame[f"{measure} change"] = change[:, k]
    for col in ("rank_first", "rank_last", "rank_change"):
        frame[col] = frame[col].astype("Int64")
    order = frame["rank_change"].abs().astype(float).fillna(-1)
    frame = frame.iloc[np.argsort(-order.to_numpy(), kind="stable")].reset_index(drop=True)
    frame.attrs.update(
        first=first, last=last, custom_weights=result.custom_weights,
        weights=dict(result.method["weights"]),
    )  # fmt: skip
    cols = ["code", "name", "score_first", "score_last", "score_change", "rank_first",
            "rank_last", "rank_change"]  # fmt: skip
    if runs:
        bands = rank_change_uncertainty(
            spec, first=first, last=last, runs=runs, seed=seed, assumptions=assumptions,
            weights=weights, renormalise=renormalise, store=store, data=data, units=units,
        )  # fmt: skip
        attrs = dict(frame.attrs)
        frame = frame.merge(bands, on="code", how="left")
        frame.attrs.update(attrs, runs=runs)
        cols += ["change_q05", "change_q95", "share_up"]
    cols += ["top_measure", "top_measure_change"]
    return frame[cols + [f"{m} change" for m in measures]]


# -- rank uncertainty over time ---------------------------------------------------------------


def batch_root_scores(
    compiled: CompiledIndex, weights: np.ndarray, aggregation: Aggregation
) -> np.ndarray:
    """Root scores ``(runs, rows)`` for a batch of node-weight vectors ``(runs, nodes)``.

    The figures of :meth:`CompiledIndex.evaluate` with one aggregation for every node. When
    every weight is positive (the usual case: weights perturbed by noise), whether a node has a
    value depends on the row only, and every mean of the tree is taken in its own transformed
    space (``x``, ``log x``, ``1/x``, ``x^p``) as two matrix products per group (the weighted
    sum, the weights present): :func:`_batch_positive`. Otherwise (a weight of 0: a node
    removed) each group is aggregated run by run as the engine does (:func:`_batch_general`).
    """
    if aggregation.rescale is not None:
        compiled = rescaled(compiled, aggregation.rescale)
    general = Aggregation(aggregation.method)
    if aggregation.method == "copeland" or _undefined_means(compiled, aggregation.method):
        return _batch_general(compiled, weights, general)
    positive = (weights[:, 1:] > 0).all(axis=1)
    if positive.all():
        return _batch_positive(compiled, weights, aggregation.method)
    if not positive.any():
        return _batch_general(compiled, weights, general)
    out = np.empty((weights.shape[0], compiled.normalised.shape[0]))
    out[positive] = _batch_positive(compiled, weights[positive], aggregation.method)
    out[~positive] = _batch_general(compiled, weights[~positive], general)
    return out


def _undefined_means(compiled: CompiledIndex, method: str) -> bool:
    """Whether some group's mean is undefined (a geometric or generalised mean of a negative
    value, e.g. a z-score): the engine then leaves that group without a value and its parent
    aggregates the other children, which only the group-by-group path reproduces."""
    if method not in ("geometric", "generalised"):
        return False
    return bool(np.nanmin(compiled.normalised, initial=0.0) < 0)


def _batch_positive(compiled: CompiledIndex, weights: np.ndarray, method: str) -> np.ndarray:
    """:func:`batch_root_scores` with every weight > 0.

    A node's value in transformed space (``x``, ``log x``, ``1/x``, ``x^p``) is the weighted
    mean of its children's, so only the root is mapped back. On a row with every indicator
    present the whole tree is then linear: the root is the row times each leaf's effective
    weight (the product of the sibling-normalised weights down to it), one matrix product
    ``(rows x leaves) @ (leaves x runs)`` for all runs; the other rows go group by group over
    the children present. A present child of 0 makes a geometric or harmonic mean 0 (as in the
    engine): a row flag carried up the tree.
    """
    power = compiled.power
    x = compiled.normalised
    present_x = ~np.isnan(x)
    zero_x = present_x & (x == 0)
    safe = np.where(present_x & ~zero_x, x, 1.0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if method == "arithmetic":
            tx = np.where(present_x, x, 0.0)
        elif method == "geometric":
            tx = np.where(present_x, np.log(safe), 0.0)
        elif method == "harmonic":
            tx = np.where(present_x, 1.0 / safe, 0.0)
        elif method == "generalised":
            tx = np.where(present_x, np.power(np.where(present_x, x, 0.0), power), 0.0)
        else:
            raise SpecError(f"unknown aggregation {method!r}", parameter="aggregation")
    flags_zero = method in ("geometric", "harmonic")
    n_rows, runs = x.shape[0], weights.shape[0]
    wt = np.ascontiguousarray(weights.T)  # (nodes, runs)
    here = np.zeros(n_rows, dtype=bool)
    zero = np.zeros(n_rows, dtype=bool)
    dense = present_x.all(axis=1)
    effective = _effective_weights(compiled, wt).T  # (runs, leaves)
    if dense.all():
        m = effective @ tx.T  # (runs, rows)
    else:
        m = np.zeros((runs, n_rows))
        m[:, dense] = effective @ tx[dense].T
    here[dense] = True
    if flags_zero:
        zero[dense] = zero_x[dense].any(axis=1)
    sparse = np.flatnonzero(~dense)
    if len(sparse):
        values, here[sparse], zero[sparse] = _sparse_rows(
            compiled, tx[sparse], present_x[sparse], zero_x[sparse], wt, flags_zero
        )
        m[:, sparse] = values.T
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if method == "geometric":
            np.exp(m, out=m)
        elif method == "harmonic":
            np.divide(1.0, m, out=m)
        elif method == "generalised":
            np.power(m, 1.0 / power, out=m)
    if zero.any():
        m[:, zero] = 0.0
    if not here.all():
        m[:, ~here] = np.nan
    if compiled.scale != 1.0:
        m *= compiled.scale
    if method != "arithmetic":
        m[~np.isfinite(m)] = np.nan
    return m


def _effective_weights(compiled: CompiledIndex, wt: np.ndarray) -> np.ndarray:
    """Each leaf's weight in the root, per run: the product of the sibling-normalised weights
    from the root down to it; ``(leaves, runs)`` in the order of the compiled leaf columns."""
    effective = np.zeros_like(wt)
    effective[0] = 1.0
    for parent, children in reversed(compiled.groups):  # top-down
        w = wt[children]
        effective[children] = effective[parent][None, :] * w / w.sum(axis=0, keepdims=True)
    return effective[compiled.leaf_nodes]


def _sparse_rows(
    compiled: CompiledIndex,
    tx: np.ndarray,
    present_x: np.ndarray,
    zero_x: np.ndarray,
    wt: np.ndarray,
    flags_zero: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows with missing indicators, group by group over the children present: the root's
    transformed mean (rows, runs), whether it exists, and the zero flag, per row."""
    leaf_col = {int(node): j for j, node in enumerate(compiled.leaf_nodes)}
    values: dict[int, np.ndarray] = {}
    present: dict[int, np.ndarray] = {}
    zero: dict[int, np.ndarray] = {}
    n_rows = tx.shape[0]
    for parent, children in compiled.groups:
        kids = [int(c) for c in children]
        w = wt[kids]
        if all(c in leaf_col for c in kids):
            cols = [leaf_col[c] for c in kids]
            p = present_x[:, cols]
            num = tx[:, cols] @ w
            z: np.ndarray = np.asarray(zero_x[:, cols].any(axis=1))
        else:
            p = np.empty((n_rows, len(kids)), dtype=bool)
            z = np.zeros(n_rows, dtype=bool)
            num = np.zeros((n_rows, w.shape[1]))
            tmp = np.empty_like(num)
            for k, c in enumerate(kids):
                value: np.ndarray
                if c in leaf_col:
                    j = leaf_col[c]
                    p[:, k] = present_x[:, j]
                    value = tx[:, j, None]
                    z |= zero_x[:, j]
                else:
                    p[:, k] = present.pop(c)
                    value = values.pop(c)
                    z |= zero.pop(c)
                np.multiply(value, w[k][None, :], out=tmp)
                num += tmp
        den = p.astype(float) @ w
        here: np.ndarray = np.asarray(p.any(axis=1))
        if compiled.min_availability > 0:
            here &= p.sum(axis=1) / len(kids) >= compiled.min_availability - 1e-12
        np.divide(num, den, out=num, where=here[:, None])
        num[~here] = 0.0
        values[int(parent)], present[int(parent)] = num, here
        zero[int(parent)] = z & here if flags_zero else np.zeros(n_rows, dtype=bool)
    return values[0], present[0], zero[0]


def _batch_general(
    compiled: CompiledIndex, weights: np.ndarray, aggregation: Aggregation
) -> np.ndarray:
    """Root scores of a batch, any weights (zeros too): a group of leaves is ``(rows x
    children) @ (children x runs)`` for the weighted sum and again for the weights present
    (means over the children present, as COINr's), a higher group child by child, so no
    ``runs x rows x nodes`` array is ever made. Copeland aggregation (pairwise) is the
    engine's :meth:`CompiledIndex.evaluate`."""
    method = aggregation.method
    if method == "copeland":
        with np.errstate(invalid="ignore", divide="ignore"):
            return compiled.evaluate(weights, aggregation=method)[:, :, 0]
    x = compiled.normalised
    n_rows = x.shape[0]
    power = compiled.power
    leaf_col = {int(node): j for j, node in enumerate(compiled.leaf_nodes)}
    done: dict[int, np.ndarray] = {}  # node -> (rows, runs)

    def transform(v: np.ndarray, present: np.ndarray) -> np.ndarray:
        safe = np.where(present, v, 1.0)
        if method == "arithmetic":
            return np.where(present, v, 0.0)
        if method == "geometric":
            # log of a negative is undefined: the group gets no value (NaN), as in the engine
            logs = np.log(np.where(safe > 0, safe, 1.0))
            return np.where(present & (safe < 0), np.nan, np.where(present & (safe > 0), logs, 0.0))
        if method == "harmonic":
            return np.where(present & (safe != 0), 1.0 / np.where(safe != 0, safe, 1.0), 0.0)
        if method == "generalised":
            return np.where(present, np.power(safe, power), 0.0)
        raise SpecError(f"unknown aggregation {method!r}", parameter="aggregation")

    wt = weights.T  # (nodes, runs)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for parent, children in compiled.groups:
            w = wt[children]  # (k, runs)
            if all(int(c) in leaf_col for c in children):
                v = x[:, [leaf_col[int(c)] for c in children]]
                p = ~np.isnan(v)
                num = transform(v, p) @ w
                pf = p.astype(float)
                den = pf @ w
                zero = ((p & (v == 0)).astype(float) @ (w > 0)) > 0
                count = p.sum(axis=1)[:, None]
            else:
                num = np.zeros((n_rows, w.shape[1]))
                den = np.zeros_like(num)
                zero = np.zeros(num.shape, dtype=bool)
                count = np.zeros(num.shape)
                for k, c in enumerate(children):
                    c = int(c)
                    v = x[:, leaf_col[c], None] if c in leaf_col else done.pop(c)
                    p = ~np.isnan(v)
                    num += transform(v, p) * w[k][None, :]
                    den += np.where(p, w[k][None, :], 0.0)
                    zero |= p & (v == 0) & (w[k][None, :] > 0)
                    count = count + p
            if method == "arithmetic":
                agg = num / den
            elif method == "geometric":
                agg = np.where(zero, 0.0, np.exp(num / den))
            elif method == "harmonic":
                agg = np.where(zero, 0.0, den / num)
            else:
                agg = np.power(num / den, 1.0 / power)
            agg = np.where(den == 0, np.nan, agg)
            if compiled.min_availability > 0:
                share = count / len(children)
                agg = np.where(share < compiled.min_availability - 1e-12, np.nan, agg)
            done[int(parent)] = agg
    root = done[0].T
    if compiled.scale != 1.0:
        root = root * compiled.scale
    if method in ("geometric", "harmonic", "generalised"):
        root = np.where(np.isfinite(root), root, np.nan)
    return np.ascontiguousarray(root)


def rank_counts(scores: np.ndarray, n_units: int) -> np.ndarray:
    """Count the ranks of a chunk: ``scores`` ``(runs, years, units)`` to ``(years, units,
    units + 1)`` integer counts, ``[t, i, r]`` the runs in which unit ``i`` ranks ``r`` in year
    ``t`` (1 = highest; ties share the best rank, as :func:`powerscope.index.uncertainty.
    rank_rows` has them; column 0: no score)."""
    runs, n_years, _ = scores.shape
    negated = -scores.reshape(runs * n_years, n_units)  # ascending order: NaN (no score) last
    # ties share the best rank, so the order within a tie does not matter: an unstable sort
    order = np.argsort(negated, axis=1)
    ordered = np.take_along_axis(negated, order, axis=1)
    position = np.broadcast_to(np.arange(1, n_units + 1), ordered.shape)
    tied = ordered[:, 1:] == ordered[:, :-1]
    if tied.any():  # a tie takes the position of its first member
        start = np.ones(ordered.shape, dtype=bool)
        start[:, 1:] = ~tied
        position = np.maximum.accumulate(np.where(start, position, 0), axis=1)
    missing = np.isnan(ordered)
    if missing.any():
        position = np.where(missing, 0, position)  # no score: column 0
    year = (np.arange(runs * n_years) % n_years)[:, None]
    index = (year * n_units + order) * (n_units + 1) + position
    counts = np.bincount(index.reshape(-1), minlength=n_years * n_units * (n_units + 1))
    return counts.astype(np.int32).reshape(n_years, n_units, n_units + 1)


def quantiles_from_counts(counts: np.ndarray, q: float) -> np.ndarray:
    """The ``q`` quantile of the ranks counted in ``counts`` (``(..., units + 1)``, column 0 not
    ranked), with numpy's default linear interpolation between order statistics (the figure
    :func:`numpy.nanquantile` gives on the ranks themselves); NaN where nothing was ranked."""
    ranked = counts[..., 1:]
    n = ranked.sum(axis=-1)
    cdf = np.cumsum(ranked, axis=-1)
    h = (np.maximum(n, 1) - 1) * q
    lo = np.floor(h)
    hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
    x_lo = (cdf > lo[..., None]).argmax(axis=-1) + 1
    x_hi = (cdf > hi[..., None]).argmax(axis=-1) + 1
    out = x_lo + (h - lo) * (x_hi - x_lo)
    return np.where(n > 0, out, np.nan)


@dataclass(frozen=True)
class PanelTask:
    """One chunk of a panel uncertainty analysis: a variant, an aggregation, a block of years
    (their positions in the years analysed) and a block of runs."""

    variant: int
    aggregation: int
    years: tuple[int, ...]
    runs: np.ndarray


def evaluate_panel_task(
    compiled: CompiledIndex, aggregation: Aggregation, weights: np.ndarray, n_units: int
) -> np.ndarray:
    """The array work of one task: root scores of every run and unit-year of the block, ranked
    within each year, counted (:func:`rank_counts`). ``compiled`` holds the block's rows."""
    scores = batch_root_scores(compiled, weights, aggregation)
    runs = scores.shape[0]
    n_years = scores.shape[1] // n_units
    return rank_counts(scores.reshape(runs, n_years, n_units), n_units)


def evaluate_score_task(
    compiled: CompiledIndex, aggregation: Aggregation, weights: np.ndarray, n_units: int
) -> np.ndarray:
    """The root scores of every run and unit-year of the block, ``(runs, years, units)``
    (for the sensitivity analysis, whose target needs each run's ranks)."""
    scores = batch_root_scores(compiled, weights, aggregation)
    return scores.reshape(scores.shape[0], scores.shape[1] // n_units, n_units)


TaskEvaluator = Callable[[CompiledIndex, Aggregation, np.ndarray, int], np.ndarray]


def panel_chunk(rows: int, nodes: int, budget_bytes: int = 48 * 2**20) -> int:
    """Runs per task so a task's arrays (rows x runs: the scores, the sort of the ranks, a few
    per node of a group on rows with missing values) fit the budget: memory is bounded
    whatever the number of runs."""
    return max(8, budget_bytes // max(1, rows * 8 * (min(nodes, 4) + 6)))


@dataclass
class PanelUncertainty:
    """Rank uncertainty of a panel index: per year and unit, the nominal score and rank and the
    median, mean, 5th and 95th percentile ranks over the runs (1 = best)."""

    spec: IndexSpec
    years: list[int]
    codes: list[str]
    names: list[str]
    nominal_score: np.ndarray  # (years, units)
    nominal_rank: np.ndarray
    counts: np.ndarray  # (years, units, units + 1) rank counts
    runs: int
    seed: int | None
    assumptions: dict[str, Any]
    engine: str
    failed: int = 0
    citations: tuple[Citation, ...] = ()

    @cached_property
    def median_rank(self) -> np.ndarray:
        return quantiles_from_counts(self.counts, 0.5)

    @cached_property
    def q05_rank(self) -> np.ndarray:
        return quantiles_from_counts(self.counts, 0.05)

    @cached_property
    def q95_rank(self) -> np.ndarray:
        return quantiles_from_counts(self.counts, 0.95)

    @cached_property
    def mean_rank(self) -> np.ndarray:
        ranked = self.counts[..., 1:]
        n = ranked.sum(axis=-1)
        total = (ranked * np.arange(1, ranked.shape[-1] + 1)).sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n > 0, total / np.maximum(n, 1), np.nan)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """Long: ``year, code, name, score, rank, median_rank, q05_rank, q95_rank, mean_rank``
        for every unit with a nominal score in a year, by year and rank."""
        import pandas as pd

        n_years, n_units = self.nominal_rank.shape
        keep = ~np.isnan(self.nominal_score).reshape(-1)
        frame = pd.DataFrame(
            {
                "year": np.repeat(np.array(self.years, dtype=np.int64), n_units),
                "code": np.tile(np.array(self.codes, dtype=object), n_years),
                "name": np.tile(np.array(self.names, dtype=object), n_years),
                "score": self.nominal_score.reshape(-1),
                "rank": self.nominal_rank.reshape(-1),
                "median_rank": self.median_rank.reshape(-1),
                "q05_rank": self.q05_rank.reshape(-1),
                "q95_rank": self.q95_rank.reshape(-1),
                "mean_rank": self.mean_rank.reshape(-1),
            }
        )[keep]
        frame["rank"] = frame["rank"].astype("Int64")
        return frame.sort_values(["year", "rank", "name"], kind="stable").reset_index(drop=True)

    def for_year(self, year: int) -> pd.DataFrame:
        """The rows of one year (:attr:`frame`)."""
        if year not in self.years:
            raise PeriodError(
                f"year {year} is outside the years analysed, {self.years[0]}-{self.years[-1]}",
                parameter="year",
                fix=f"give a year from {self.years[0]} to {self.years[-1]}",
            )
        frame = self.frame
        return frame[frame["year"] == year].reset_index(drop=True)


PanelExecutor = Callable[..., None]


def run_panel_local(
    tasks: Sequence[PanelTask],
    blocks: Mapping[tuple[int, tuple[int, ...]], CompiledIndex],
    aggregations: Sequence[Aggregation],
    weights: np.ndarray,
    n_units: int,
    collect: Callable[[PanelTask, np.ndarray], None],
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    evaluate: TaskEvaluator | None = None,
) -> None:
    """Evaluate panel tasks with numpy in this process, handing each task's result (rank
    counts, or with ``evaluate=evaluate_score_task`` the scores) to ``collect`` as it is done
    (``scheduler`` is not used)."""
    evaluate = evaluate or evaluate_panel_task
    for task in tasks:
        part = evaluate(
            blocks[(task.variant, task.years)], aggregations[task.aggregation],
            weights[task.runs], n_units,
        )  # fmt: skip
        collect(task, part)
        if progress:
            progress(len(task.runs))


def run_panel_dask(
    tasks: Sequence[PanelTask],
    blocks: Mapping[tuple[int, tuple[int, ...]], CompiledIndex],
    aggregations: Sequence[Aggregation],
    weights: np.ndarray,
    n_units: int,
    collect: Callable[[PanelTask, np.ndarray], None],
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    evaluate: TaskEvaluator | None = None,
) -> None:
    """Evaluate the same panel tasks on a Dask cluster (``scheduler``, or a local one), handing
    each task's rank counts (or scores, as ``evaluate`` gives) to ``collect`` as it completes:
    the counts are integers, so their sum is the local engine's exactly whatever the order, and
    scores are stored by run. At most two tasks per worker are in flight, so memory does not
    grow with the runs."""
    from powerscope.index.engines import dask_client

    evaluate = evaluate or evaluate_panel_task

    with dask_client(scheduler) as client:
        from dask.distributed import as_completed

        shared = {key: client.scatter(block, broadcast=True) for key, block in blocks.items()}
        workers = len(client.scheduler_info().get("workers", {})) or 1
        pending = iter(tasks)
        owner: dict[Any, PanelTask] = {}

        def submit(task: PanelTask) -> Any:
            future = client.submit(
                evaluate, shared[(task.variant, task.years)],
                aggregations[task.aggregation], weights[task.runs], n_units, pure=False,
            )  # fmt: skip
            owner[future.key] = task
            return future

        first = [submit(t) for t in islice(pending, 2 * workers)]
        queue = as_completed(first)
        for future in queue:
            task = owner.pop(future.key)
            collect(task, future.result())
            future.release()
            if progress:
                progress(len(task.runs))
            following = next(pending, None)
            if following is not None:
                queue.add(submit(following))


PANEL_EXECUTORS: dict[str, PanelExecutor] = {"local": run_panel_local, "dask": run_panel_dask}


def panel_uncertainty(
    spec: IndexSpec,
    *,
    runs: int,
    seed: int | None = 1,
    years: Any = None,
    engine: str = "local",
    assumptions: Mapping[str, Any] | None = None,
    weights: Mapping[str, float] | None = None,
    renormalise: bool = False,
    scheduler: str | None = None,
    store: Store | None = None,
    data: Panel | pd.DataFrame | None = None,
    units: UnitInfo | None = None,
    chunk: int | None = None,
    year_block: int | None = None,
    progress: Callable[[int], None] | None = None,
    exclude_aggregates: bool = False,
) -> PanelUncertainty:
    """Rank uncertainty of a panel index in every year, in one batch of runs.

    Parameters
    ----------
    spec:
        A spec with a ``panel:`` block.
    runs, seed:
        Monte Carlo runs; the seed fixes them (same seed, same figures, with any engine).
    years:
        The years analysed (None: the span; one year; ``(first, last)``).
    engine, scheduler:
        ``local`` (numpy in this process) or ``dask`` (a cluster at ``scheduler``, or a local
        one): the same tasks (blocks of years x blocks of runs), so identical results.
    assumptions:
        The uncertainty specification (:mod:`powerscope.index.uncertainty`'s grammar: weight
        noise, aggregation and normalisation alternatives); None: the index's documented
        defaults (:func:`powerscope.index.uncertainty.default_assumptions`).
    weights, renormalise:
        Nominal weight overrides (the runs perturb these).
    chunk, year_block:
        Runs and years per task (default: sized so one task's arrays stay near 50 MB).
    progress:
        Called with the number of runs done after each task.
    exclude_aggregates:
        Drop the aggregates before normalising and ranking.

    Returns
    -------
    PanelUncertainty
        Per year and unit: nominal score and rank, median, mean, 5th and 95th percentile ranks.

    References
    ----------
    Saisana, Saltelli & Tarantola (2005), *J. R. Stat. Soc. A* 168(2), 307-323; OECD/JRC
    Handbook (2008), step 7; COINr ``get_sensitivity(SA_type = "UA")``.
    """

    if runs < 1:
        raise SpecError(f"runs must be >= 1, not {runs}", parameter="runs", fix="e.g. 1000 runs")
    setup = _setup(
        spec, years, engine, assumptions, weights, renormalise, store, data, units,
        exclude_aggregates,
    )  # fmt: skip
    plan = setup.monte_carlo(runs, seed)
    nominal_values, nominal_rank = setup.nominal_figures()
    n_units = len(setup.nominal.units)
    counts = np.zeros((len(setup.years), n_units, n_units + 1), dtype=np.int64)

    def collect(at: int, task: PanelTask, part: np.ndarray) -> None:
        counts[at : at + len(task.years)] += part  # integers: any order, same sum

    failed = _run_panel(
        setup, plan, engine, scheduler, chunk, year_block, progress, evaluate_panel_task, collect
    )
    # a unit with no data in a year has no rank there, whatever the run
    counts[~setup.present] = 0
    names, _ = _units(setup.info, setup.nominal.units)
    return PanelUncertainty(
        spec=setup.spec,
        years=setup.years,
        codes=list(setup.nominal.units),
        names=names,
        nominal_score=nominal_values,
        nominal_rank=nominal_rank,
        counts=counts,
        runs=runs,
        seed=seed,
        assumptions=setup.raw,
        engine=engine,
        failed=failed,
        citations=setup.citations,
    )


@dataclass
class RunRanks:
    """Every run's rank of every unit in some years of a panel index (1 = best; NaN: no score,
    or a failed run): ``ranks[run, t, i]`` is unit ``codes[i]`` in ``years[t]``."""

    years: list[int]
    codes: list[str]
    ranks: np.ndarray  # (runs, years, units)
    present: np.ndarray  # (years, units): the unit has a nominal score that year


def run_ranks(
    spec: IndexSpec,
    *,
    years: Sequence[int],
    runs: int,
    seed: int | None = 1,
    engine: str = "local",
    assumptions: Mapping[str, Any] | None = None,
    weights: Mapping[str, float] | None = None,
    renormalise: bool = False,
    scheduler: str | None = None,
    store: Store | None = None,
    data: Panel | pd.DataFrame | None = None,
    units: UnitInfo | None = None,
    exclude_aggregates: bool = False,
) -> RunRanks:
    """The ranks of every run in ``years`` (any years of the span, in order), from the runs of
    :func:`panel_uncertainty` with the same seed: counted per year and unit, they are its rank
    counts. For figures that need a run's ranks in several years together (a rank change);
    memory is runs x years x units, so ask for the years needed only."""
    from powerscope.index.uncertainty import rank_rows

    if runs < 1:
        raise SpecError(f"runs must be >= 1, not {runs}", parameter="runs", fix="e.g. 1000 runs")
    chosen = sorted({int(y) for y in years})
    setup = _setup(
        spec, chosen, engine, assumptions, weights, renormalise, store, data, units,
        exclude_aggregates, exact=True,
    )  # fmt: skip
    plan = setup.monte_carlo(runs, seed)  # the runs of panel_uncertainty
    n_units = len(setup.nominal.units)
    ranks = np.full((runs, len(chosen), n_units), np.nan)

    def collect(at: int, task: PanelTask, scores: np.ndarray) -> None:
        ranked = rank_rows(scores.reshape(-1, n_units)).reshape(scores.shape)
        ranks[task.runs, at : at + len(task.years)] = ranked

    _run_panel(setup, plan, engine, scheduler, None, None, None, evaluate_score_task, collect)
    present = setup.present
    ranks[:, ~present] = np.nan  # no data that year: no rank, whatever the run
    return RunRanks(chosen, list(setup.nominal.units), ranks, present)


def rank_change_uncertainty(
    spec: IndexSpec,
    *,
    first: int,
    last: int,
    runs: int,
    seed: int | None = 1,
    **options: Any,
) -> pd.DataFrame:
    """How robust is a move between two years? Each unit's rank change over the runs.

    The runs are those of :func:`panel_uncertainty` with the same seed (:func:`run_ranks`: one
    set of assumptions per run, applied to both years), so a unit's band of change and its
    rank bands come from the same builds; the change is taken run by run (``rank in first -
    rank in last``, positive: moved up), not from the two bands, which would overstate its
    spread. ``options``: those of :func:`run_ranks` (engine, assumptions, weights, data...).

    Returns
    -------
    pandas.DataFrame
        ``code, change_median, change_q05, change_q95`` (ranks; 5th and 95th percentiles,
        numpy's linear interpolation) and ``share_up``, ``share_down`` (0-1: the share of runs
        in which the unit moved up, or down), for units with a score in both years.
    """
    import pandas as pd

    options_ = require_panel(spec, None)
    check_years(options_, first, first, "first")
    check_years(options_, last, last, "last")
    found = run_ranks(spec, years=[first, last], runs=runs, seed=seed, **options)
    a, b = found.years.index(first), found.years.index(last)
    both = found.present[a] & found.present[b]
    change = found.ranks[:, a, both] - found.ranks[:, b, both]  # (runs, units): + moved up
    ok = ~np.isnan(change)
    counted = np.maximum(ok.sum(axis=0), 1)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a unit with no rank in any run
        q05, median, q95 = np.nanquantile(change, [0.05, 0.5, 0.95], axis=0)
    return pd.DataFrame(
        {
            "code": [c for c, keep in zip(found.codes, both, strict=True) if keep],
            "change_median": median,
            "change_q05": q05,
            "change_q95": q95,
            "share_up": ((change > 0) & ok).sum(axis=0) / counted,
            "share_down": ((change < 0) & ok).sum(axis=0) / counted,
        }
    )


@dataclass
class PanelSensitivity:
    """Sobol indices of a panel index's rank uncertainty, per year and across the years.

    ``by_year``: ``year, assumption, S1, S1_conf, ST, ST_conf`` (the target: the mean absolute
    rank shift from the year's nominal ranks); ``across_years``: the same indices of the shift
    averaged over the years (which assumption moves the ranks over the whole period);
    ``mean_shift``: per year, the mean over runs of the target (ranks moved, on average).
    """

    spec: IndexSpec
    years: list[int]
    by_year: pd.DataFrame
    across_years: pd.DataFrame
    mean_shift: dict[int, float]
    n: int
    runs: int
    seed: int | None
    assumptions: dict[str, Any]
    engine: str
    failed: int = 0
    citations: tuple[Citation, ...] = ()

    def frame(self) -> pd.DataFrame:
        """One table: ``period`` (a year, or the span for the indices across the years),
        ``assumption, S1, S1_conf, ST, ST_conf``."""
        import pandas as pd

        span = f"{self.years[0]}-{self.years[-1]}"
        by_year = self.by_year.assign(period=self.by_year["year"].astype(str)).drop(columns="year")
        across = self.across_years.assign(period=span)
        out = pd.concat([by_year, across], ignore_index=True)
        return out[["period", "assumption", "S1", "S1_conf", "ST", "ST_conf"]]


def panel_sensitivity(
    spec: IndexSpec,
    *,
    n: int,
    seed: int | None = 1,
    bootstrap: int = 500,
    years: Any = None,
    engine: str = "local",
    assumptions: Mapping[str, Any] | None = None,
    weights: Mapping[str, float] | None = None,
    renormalise: bool = False,
    scheduler: str | None = None,
    store: Store | None = None,
    data: Panel | pd.DataFrame | None = None,
    units: UnitInfo | None = None,
    chunk: int | None = None,
    year_block: int | None = None,
    progress: Callable[[int], None] | None = None,
    exclude_aggregates: bool = False,
) -> PanelSensitivity:
    """Which assumption drives a panel index's rank uncertainty, in every year and across the
    years, from one batch of runs.

    One Saltelli design (``n`` base samples, ``n (d + 2)`` runs for ``d`` assumptions) is
    applied to every year, as :func:`panel_uncertainty` applies its runs: each run's ranks in
    each year give the target, the mean absolute rank shift from that year's nominal ranks
    (units with data that year); first- and total-order Sobol indices with 95% bootstrap
    intervals are estimated per year and for the shift averaged over the years. For one year
    the indices equal :func:`powerscope.index.sensitivity.sensitivity` on that year (same
    seed, same design). Parameters as :func:`panel_uncertainty`; ``bootstrap``: resamples.

    References
    ----------
    Saltelli et al. (2010), *Comput. Phys. Commun.* 181(2), 259-270; Saisana, Saltelli &
    Tarantola (2005), *J. R. Stat. Soc. A* 168(2); SALib (Herman & Usher 2017); COINr
    ``get_sensitivity(SA_type = "SA")``.
    """
    import pandas as pd

    from powerscope.index.sensitivity import design_plan, saltelli_design, sobol_indices
    from powerscope.index.uncertainty import rank_rows

    if n < 2:
        raise SpecError(f"n must be >= 2, not {n}", parameter="n", fix="e.g. n=256")
    setup = _setup(
        spec, years, engine, assumptions, weights, renormalise, store, data, units,
        exclude_aggregates,
    )  # fmt: skip
    names = setup.uspec.assumptions()
    if len(names) < 2:
        raise SpecError(
            "a sensitivity analysis needs at least two uncertain assumptions",
            parameter="assumptions",
            fix="vary e.g. the weights and the aggregation",
        )
    problem, design = saltelli_design(names, n, seed)
    compiled = setup.nominal.compiled
    plan = design_plan(setup.uspec, compiled.weights, compiled.paths, design, n, seed)
    _, nominal_rank = setup.nominal_figures()
    present = setup.present
    shift = np.full((len(design), len(setup.years)), np.nan)

    def collect(at: int, task: PanelTask, scores: np.ndarray) -> None:
        k = len(task.years)
        ranks = rank_rows(scores.reshape(-1, scores.shape[-1])).reshape(scores.shape)
        moved = np.where(
            present[None, at : at + k], np.abs(ranks - nominal_rank[None, at : at + k]), np.nan
        )
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a year nobody is ranked in
            shift[task.runs, at : at + k] = np.nanmean(moved, axis=2)

    failed = _run_panel(
        setup, plan, engine, scheduler, chunk, year_block, progress, evaluate_score_task, collect
    )

    def indices(target: np.ndarray) -> pd.DataFrame:
        return sobol_indices(problem, target, bootstrap, seed)

    by_year = pd.concat(
        [indices(shift[:, t]).assign(year=year) for t, year in enumerate(setup.years)],
        ignore_index=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        averaged = np.nanmean(shift, axis=1)
        mean_shift = np.nanmean(shift, axis=0)
    return PanelSensitivity(
        spec=setup.spec,
        years=setup.years,
        by_year=by_year[["year", "assumption", "S1", "S1_conf", "ST", "ST_conf"]],
        across_years=indices(averaged),
        mean_shift={int(y): float(v) for y, v in zip(setup.years, mean_shift, strict=True)},
        n=n,
        runs=len(design),
        seed=seed,
        assumptions=setup.raw,
        engine=engine,
        failed=failed,
        citations=setup.citations,
    )


@dataclass
class _PanelSetup:
    """What an analysis of many runs over the years shares: the spec with its weights, the
    years, the assumptions, the nominal build and a cached builder of the variants."""

    spec: IndexSpec
    years: list[int]
    raw: dict[str, Any]
    uspec: UncertaintySpec
    nominal: CompiledPanel
    info: UnitInfo | None
    citations: tuple[Citation, ...]
    build: Callable[[Mapping[str, Any]], CompiledPanel]

    @property
    def positions(self) -> list[int]:
        """Positions of the years analysed among the nominal build's years."""
        return [self.nominal.years.index(y) for y in self.years]

    @property
    def present(self) -> np.ndarray:
        """``(years, units)``: the unit has data in the year (it is ranked there)."""
        return self.nominal.present[self.positions]

    def monte_carlo(self, runs: int, seed: int | None) -> Plan:
        """The plan of ``runs`` Monte Carlo runs drawn with ``seed`` (each run one draw of every
        assumption, the weight noise drawn per node): the same runs for the same seed."""
        from powerscope.index.uncertainty import plan_runs

        compiled = self.nominal.compiled
        rng = np.random.default_rng(seed)
        unit = rng.random((runs, len(self.uspec.assumptions())))
        draws = rng.uniform(-1.0, 1.0, (runs, len(compiled.paths)))
        number = {p: i for i, p in enumerate(compiled.paths)}
        return plan_runs(self.uspec, compiled.weights, unit, noise_draws=draws, node_numbers=number)

    def nominal_figures(self) -> tuple[np.ndarray, np.ndarray]:
        """Nominal scores and ranks ``(years, units)`` of the years analysed (NaN: no data)."""
        rows = self.nominal.rows(self.years)
        n_units = len(self.nominal.units)
        values = self.nominal.compiled.evaluate()[rows, 0].reshape(len(self.years), n_units)
        values = np.where(self.present, values, np.nan)
        ranks = np.stack([rank_descending(v[:, None])[:, 0] for v in values])
        return values, ranks


def _setup(
    spec: IndexSpec,
    years: Any,
    engine: str,
    assumptions: Mapping[str, Any] | None,
    weights: Mapping[str, float] | None,
    renormalise: bool,
    store: Store | None,
    data: Panel | pd.DataFrame | None,
    units: UnitInfo | None,
    exclude_aggregates: bool,
    *,
    exact: bool = False,
) -> _PanelSetup:
    """The shared part of an analysis of many runs; ``years`` as :func:`_years_arg` reads
    them, or with ``exact`` a list of exactly those years (not the range between two)."""
    from powerscope.index.uncertainty import default_assumptions, parse_uncertainty

    if engine not in PANEL_EXECUTORS:
        raise SpecError(
            f"unknown engine {engine!r}", parameter="engine", fix="use one of: local, dask"
        )
    options = require_panel(spec)
    if exact:
        chosen = [check_years(options, y, y, "years")[0] for y in years]
    else:
        chosen = _years_arg(options, years)
    spec = spec.with_weights(weights or {}, renormalise=renormalise)
    raw = dict(assumptions) if assumptions is not None else default_assumptions(spec)
    uspec = parse_uncertainty(raw, spec)
    panel, info, citations = _load(spec, data, units, store)
    if exclude_aggregates:
        panel = without_aggregates(panel, info)
    cache: dict[str, CompiledPanel] = {}

    def build(choices: Mapping[str, Any]) -> CompiledPanel:
        method, params = normalisation_choice(choices.get("normalisation", spec.normalise))
        key = repr((method, sorted(params.items())))
        if key not in cache:
            cache[key] = compile_panel(spec, panel, normalisation={"method": method, **params})
        return cache[key]

    return _PanelSetup(spec, chosen, raw, uspec, build({}), info, citations, build)


def _run_panel(
    setup: _PanelSetup,
    plan: Plan,
    engine: str,
    scheduler: str | None,
    chunk: int | None,
    year_block: int | None,
    progress: Callable[[int], None] | None,
    evaluate: TaskEvaluator,
    collect: Callable[[int, PanelTask, np.ndarray], None],
) -> int:
    """Run every run of ``plan`` over the years of ``setup`` as tasks ((variant, aggregation)
    x blocks of years x blocks of runs, the same for every engine), handing each task's result
    to ``collect(position of its first year, task, result)``; returns the number of failed runs
    (variants that cannot be built)."""
    compiled = setup.nominal.compiled
    n_units = len(setup.nominal.units)
    ts = setup.positions
    aggregations = list(setup.uspec.aggregations) or [Aggregation(compiled.aggregate)]
    variants: dict[int, CompiledPanel] = {}
    runs = len(plan.variant)
    failed_runs = np.zeros(runs, dtype=bool)
    for v, choices in enumerate(plan.variants):
        try:
            variants[v] = setup.build(choices)
        except PowerscopeError:
            failed_runs[plan.variant == v] = True
    if not variants:
        raise SpecError("every run failed: no variant could be built", parameter="assumptions")
    block = year_block or max(1, min(len(ts), 8192 // max(1, n_units)))
    year_blocks = [tuple(ts[i : i + block]) for i in range(0, len(ts), block)]
    size = chunk or panel_chunk(block * n_units, len(compiled.paths))
    keys = plan.variant * len(aggregations) + plan.aggregation
    tasks: list[PanelTask] = []
    for key in np.unique(keys):
        chosen_runs = np.flatnonzero((keys == key) & ~failed_runs)
        if not len(chosen_runs):
            continue
        v, a = divmod(int(key), len(aggregations))
        for yb in year_blocks:
            for start in range(0, len(chosen_runs), size):
                tasks.append(PanelTask(v, a, yb, chosen_runs[start : start + size]))
    blocks = {
        (v, yb): variants[v].block([variants[v].years[t] for t in yb])
        for v in variants
        for yb in year_blocks
    }
    position = {t: i for i, t in enumerate(ts)}

    def hand(task: PanelTask, part: np.ndarray) -> None:
        collect(position[task.years[0]], task, part)  # a block is a slice of the years

    PANEL_EXECUTORS[engine](
        tasks, blocks, aggregations, plan.weights, n_units, hand, scheduler,
        _per_years(progress, len(year_blocks)), evaluate,
    )  # fmt: skip
    return int(failed_runs.sum())


def _per_years(progress: Callable[[int], None] | None, blocks: int) -> Callable[[int], None] | None:
    """A progress callback counting each run once over all its blocks of years."""
    if progress is None:
        return None
    state = {"done": 0, "reported": 0}

    def report(n: int) -> None:
        state["done"] += n
        whole = state["done"] // blocks - state["reported"]
        if whole:
            state["reported"] += whole
            progress(whole)

    return report


def trend(
    spec: IndexSpec,
    codes: Sequence[str],
    *,
    first: int | None = None,
    last: int | None = None,
    runs: int = 0,
    seed: int | None = 1,
    weights: Mapping[str, float] | None = None,
    renormalise: bool = False,
    engine: str = "local",
    store: Store | None = None,
    data: Panel | pd.DataFrame | None = None,
    units: UnitInfo | None = None,
    assumptions: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Units' scores and ranks by year, with their 5th-95th percentile rank band.

    Parameters
    ----------
    codes:
        Units by code (or any country name :func:`powerscope.countries.identity.resolve` knows).
    first, last:
        The years (default: the panel's span).
    runs, seed:
        Monte Carlo runs of :func:`panel_uncertainty` for the rank band (0: no band, the
        median and percentile columns are NaN).
    weights, renormalise:
        Weight overrides ``{node: weight}``, as for :func:`compute_panel`: scores, ranks and
        the rank band are then those of these weights, and ``attrs["custom_weights"]`` is true.

    Returns
    -------
    pandas.DataFrame
        ``code, year, score, rank, median_rank, q05_rank, q95_rank`` by code (in the order
        given) and year. ``attrs``: ``runs``, ``seed``, ``custom_weights``, ``weights`` (every
        node's weight as applied, by path), ``citations``
        (:class:`~powerscope.data.catalog.Citation`), ``names`` (by code).
    """
    import pandas as pd

    options = require_panel(spec, None)
    first = options.first if first is None else first
    last = options.last if last is None else last
    check_years(options, first, first, "first")
    check_years(options, last, last, "last")
    chosen = check_years(options, first, last, "first")
    loaded, info, citations = _load(spec, data, units, store)
    result = compute_panel(
        spec, years=(chosen[0], chosen[-1]), weights=weights, renormalise=renormalise,
        data=loaded, units=info,
    )  # fmt: skip
    wanted = _codes(spec, result.codes, codes)
    col = {c: i for i, c in enumerate(result.codes)}
    band: PanelUncertainty | None = None
    if runs > 0:
        band = panel_uncertainty(
            spec, runs=runs, seed=seed, years=(chosen[0], chosen[-1]), engine=engine,
            weights=weights, renormalise=renormalise, data=loaded, units=info,
            assumptions=assumptions,
        )  # fmt: skip
    records = []
    for code in wanted:
        i = col[code]
        for t, year in enumerate(chosen):
            present = bool(result.present[t, i])
            row: dict[str, Any] = {
                "code": code,
                "year": year,
                "score": result.values[t, i, 0] if present else np.nan,
                "rank": result.ranks[t, i] if present else np.nan,
                "median_rank": np.nan,
                "q05_rank": np.nan,
                "q95_rank": np.nan,
            }
            if band is not None and present:
                row["median_rank"] = band.median_rank[t, i]
                row["q05_rank"] = band.q05_rank[t, i]
                row["q95_rank"] = band.q95_rank[t, i]
            records.append(row)
    frame = pd.DataFrame(records, columns=["code", "year", "score", "rank", "median_rank",
                                           "q05_rank", "q95_rank"])  # fmt: skip
    frame["rank"] = frame["rank"].astype("Int64")
    frame.attrs.update(
        runs=runs, seed=seed, custom_weights=bool(weights), weights=dict(result.method["weights"]),
        citations=tuple(citations or result.citations),
        names={c: result.names[col[c]] for c in wanted},
    )  # fmt: skip
    return frame


def _codes(spec: IndexSpec, known: Sequence[str], codes: Sequence[str]) -> list[str]:
    """Codes as given, or resolved from country names; :class:`NotFoundError` for a unit the
    index does not cover."""
    from powerscope.countries.identity import resolve

    present = set(known)
    out = []
    for code in codes:
        found = code if code in present else None
        if found is None:
            try:
                found = resolve(code, where="codes")
            except PowerscopeError:
                found = None
        if found is None or found not in present:
            raise NotFoundError(
                f"{code!r} is not a unit of index {spec.id!r}",
                parameter="codes",
                fix="give codes of units it covers, e.g. " + ", ".join(sorted(present)[:8]),
            )
        out.append(found)
    if not out:
        raise SpecError("no unit given", parameter="codes", fix="name at least one unit, e.g. KOR")
    return out


__all__ = [
    "CompiledPanel",
    "Panel",
    "PanelResult",
    "PanelSensitivity",
    "PanelTask",
    "PanelUncertainty",
    "RunRanks",
    "batch_root_scores",
    "carry_forward",
    "check_years",
    "compare_years",
    "compile_panel",
    "compute_panel",
    "panel_data",
    "panel_sensitivity",
    "panel_uncertainty",
    "quantiles_from_counts",
    "rank_change_uncertainty",
    "rank_counts",
    "require_panel",
    "run_ranks",
    "trend",
    "without_aggregates",
    "year_builder",
]
