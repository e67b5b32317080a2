"""Researcher migration ("talent flows"): a country's researchers moving in and out, by year,
with its main partners, its peers and the two bibliographic sources side by side.

The data are the Scholarly Migration Database of the Max Planck Institute for Demographic
Research (Akbaritabar, Theile & Zagheni 2024; :mod:`powerscope.data.sources.scholarly_migration`),
read from the store's tables ``researcher_migration`` and ``researcher_flows``. A move is a
change of a researcher's affiliation country between two of their publications, counted in the
year of the later one; the researchers of a country are the publisher's *padded* population
(everyone between their first and last publication there).

Units. Counts are researchers (moves). Rates here are **per 1,000 researchers** of the
country's padded population that year: the published rates (per researcher) times 1,000, so
KOR's net rate of -0.001914 in 2021 (Scopus 2024) is -1.91 per 1,000. ``net`` is always the
country's gain: moves in minus moves out (with a partner: moves from the partner minus moves to
it).

Provisional years. The last years of each release are under-counted (a move shows only once
the researcher publishes again): years after a release's last reliable year (scopus_2024:
2021; openalex_2023 and scopus_2022_07: 2020; decided by the reader from the data) are flagged
``provisional`` everywhere, and left out of every total, ranking and finding.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from powerscope.data.catalog import Citation
from powerscope.data.store import Store
from powerscope.errors import NotFoundError, PeriodError, SpecError, UnknownEntityError

DATASET: Final = "scholarly_migration"
MIGRATION_TABLE: Final = "researcher_migration"
FLOWS_TABLE: Final = "researcher_flows"
#: every release, the default first
RELEASES: Final = ("scopus_2024", "openalex_2023", "scopus_2022_07")
#: releases with a country file (researchers, in/out migration, rates)
COUNTRY_RELEASES: Final = ("scopus_2024", "openalex_2023")
DEFAULT_RELEASE: Final = "scopus_2024"
#: the two bibliographic sources compared side by side
COMPARED: Final = ("scopus_2024", "openalex_2023")
SOURCE_NAMES: Final = {
    "scopus_2024": "Scopus, 2024 release",
    "openalex_2023": "OpenAlex, 2023 release",
    "scopus_2022_07": "Scopus, July 2022 release",
}
#: rates are given per this many researchers
PER: Final = 1000
DEFAULT_PARTNERS: Final = 5
#: countries are compared over their last this many reliable years
WINDOW_YEARS: Final = 5
#: peers when none are chosen (the brief): Japan, China, the United States
DEFAULT_PEERS: Final = ("JPN", "CHN", "USA")

UNITS: Final = {
    "researchers": "padded population of researchers (active between first and last "
    "publication in the country)",
    "inflow": "researchers moving into the country (moves)",
    "outflow": "researchers moving out of the country (moves)",
    "net": "inflow - outflow (researchers)",
    "rate": f"net migration per {PER:,} researchers (the published net rate x {PER:,})",
    "inflow_rate": f"inflow per {PER:,} researchers",
    "outflow_rate": f"outflow per {PER:,} researchers",
    "provisional": "a year after the release's last reliable year (under-counted)",
}


# -- checks ----------------------------------------------------------------------------------
def check_release(release: str, *, country_file: bool = False) -> str:
    """``release`` when it is a known release (with a country file, if asked).

    Raises
    ------
    SpecError
        Naming the valid releases.
    """
    valid = COUNTRY_RELEASES if country_file else RELEASES
    if release not in valid:
        why = (
            f"release {release!r} has flows between countries only (no researchers or rates)"
            if release in RELEASES
            else f"unknown release {release!r}"
        )
        raise SpecError(why, parameter="release", fix=f"choose one of {', '.join(valid)}")
    return release


def country_of(value: str, parameter: str | None = None) -> str:
    """A present-day country's code from a name or code.

    Raises
    ------
    UnknownEntityError
        An unknown name. ``SpecError``: an entity that is not a country (an aggregate...).
    """
    from powerscope.countries import entity, resolve

    where = None if parameter else "country argument"
    try:
        code = resolve(value, where=where, parameter=parameter)
    except UnknownEntityError as exc:
        raise UnknownEntityError(
            exc.unresolved, where=exc.where, fix=exc.fix, parameter=parameter
        ) from None
    found = entity(code)
    if not found.is_country:
        raise SpecError(
            f"{code} is {found.name} ({found.kind}), not a country",
            where=where,
            parameter=parameter,
            fix="give a country's name or ISO3 code, e.g. KOR",
        )
    return code


def _named(code: str) -> str:
    from powerscope.countries import name_of

    return f"{name_of(code)} ({code})"


def _open(store: Store | None) -> Store:
    if store is not None:
        return store
    from powerscope.data.store import open_store

    return open_store()


#: tables read from a store, kept while the store lives (a store's tables do not change)
_CACHE: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], pd.DataFrame]] = (
    weakref.WeakKeyDictionary()
)


def _cached(store: Store, key: tuple[str, str], make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    try:
        frames = _CACHE.setdefault(store, {})
    except TypeError:  # a store that cannot be weakly referenced: no cache
        return make()
    if key not in frames:
        frames[key] = make()
    return frames[key]


def _release_rows(store: Store, release: str) -> pd.DataFrame:
    """The ``researcher_migration`` rows of one release, from the first year with moves (the
    first year of publications has none by construction: a move needs an earlier paper)."""

    def make() -> pd.DataFrame:
        frame = store.table(MIGRATION_TABLE)
        frame = frame[frame["release"] == release].copy()
        frame["code"] = frame["code"].astype(str)
        frame["year"] = frame["year"].astype(int)
        moved = frame.groupby("year")["inflow"].sum()
        first = int(moved[moved > 0].index.min()) if (moved > 0).any() else int(moved.index.min())
        return frame[frame["year"] >= first].reset_index(drop=True)

    return _cached(store, (MIGRATION_TABLE, release), make)


def _release_flows(store: Store, release: str) -> pd.DataFrame:
    """The ``researcher_flows`` rows of one release."""

    def make() -> pd.DataFrame:
        flows = store.table(FLOWS_TABLE)
        return flows[flows["release"] == release].reset_index(drop=True)

    return _cached(store, (FLOWS_TABLE, release), make)


def _check_years(
    years: tuple[int, int] | None, span: tuple[int, int], release: str
) -> tuple[int, int]:
    """``years`` within ``span`` (the release's years), or ``span`` itself."""
    if years is None:
        return span
    first, last = int(years[0]), int(years[1])
    for name, value in (("from", first), ("to", last)):
        if not span[0] <= value <= span[1]:
            raise PeriodError(
                f"no researcher migration in {value} in release {release}",
                parameter=name,
                fix=f"choose years from {span[0]} to {span[1]} (the years of release {release})",
            )
    if last < first:
        raise PeriodError(
            f"period {first}-{last} ends before it starts",
            parameter="from",
            fix=f"give a first year <= the last, within {span[0]}-{span[1]}",
        )
    return first, last


def _span(frame: pd.DataFrame) -> tuple[int, int]:
    return int(frame["year"].min()), int(frame["year"].max())


def migration_span(store: Store | None = None, release: str = DEFAULT_RELEASE) -> tuple[int, int]:
    """The first and last year of a release's country figures (from the first year with
    moves)."""
    check_release(release, country_file=True)
    return _span(_release_rows(_open(store), release))


def reliable_end(store: Store | None = None, release: str = DEFAULT_RELEASE) -> int:
    """The last year of ``release`` that is not provisional."""
    check_release(release)
    store = _open(store)
    if release in COUNTRY_RELEASES:
        rows = _release_rows(store, release)
        return int(rows.loc[~rows["provisional"].astype(bool), "year"].max())
    flows = _release_flows(store, release)
    return int(flows.loc[~flows["provisional"].astype(bool), "year"].max())


# -- one country ------------------------------------------------------------------------------
def _as_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Store rows as result rows: rates per :data:`PER` researchers, ``rate`` = net rate."""
    out = pd.DataFrame(
        {
            "code": frame["code"].astype(str).to_numpy(),
            "year": frame["year"].astype(int).to_numpy(),
            "researchers": frame["researchers"].astype("Int64").array,
            "inflow": frame["inflow"].astype(int).to_numpy(),
            "outflow": frame["outflow"].astype(int).to_numpy(),
            "net": frame["net"].astype(int).to_numpy(),
            "rate": frame["net_rate"].astype(float).to_numpy() * PER,
            "inflow_rate": frame["inflow_rate"].astype(float).to_numpy() * PER,
            "outflow_rate": frame["outflow_rate"].astype(float).to_numpy() * PER,
            "provisional": frame["provisional"].astype(bool).to_numpy(),
        }
    )
    return out.sort_values(["code", "year"]).reset_index(drop=True)


def migration(
    code: str,
    *,
    release: str = DEFAULT_RELEASE,
    years: tuple[int, int] | None = None,
    store: Store | None = None,
    parameter: str | None = None,
) -> pd.DataFrame:
    """A country's migration of researchers by year, in one release.

    Parameters
    ----------
    code:
        A country (name or code).
    release:
        ``scopus_2024`` or ``openalex_2023`` (the releases with a country file).
    years:
        ``(first, last)`` within the release's years (default: all).
    parameter:
        The parameter that gave ``code``, for errors (``"peers"`` for a peer).

    Returns
    -------
    DataFrame
        ``code``, ``year``, ``researchers`` (padded population; <NA> where not published),
        ``inflow``, ``outflow``, ``net`` (researchers), ``rate``, ``inflow_rate``,
        ``outflow_rate`` (per 1,000 researchers; NaN where the population is not published),
        ``provisional``.

    Raises
    ------
    UnknownEntityError, SpecError
        An unknown country or release (naming the valid ones).
    NotFoundError
        A country absent from the release.
    PeriodError
        Years outside the release's range (naming it), or none of the country's years in the
        period.
    """
    check_release(release, country_file=True)
    country = country_of(code, parameter)
    rows = _release_rows(_open(store), release)
    first, last = _check_years(years, _span(rows), release)
    mine = rows[rows["code"] == country]
    if mine.empty:
        raise NotFoundError(
            f"{_named(country)} is not in the Scholarly Migration Database (release {release})",
            parameter=parameter,
            fix="choose a country with researchers in Scopus or OpenAlex",
        )
    inside = mine[mine["year"].between(first, last)]
    if inside.empty:
        raise PeriodError(
            f"{country} has no researcher migration in {first}-{last} (release {release})",
            parameter="from",
            fix=f"choose years within {_span(mine)[0]}-{_span(mine)[1]}",
        )
    return _as_rows(inside)


def net_migration(
    code: str,
    release: str = DEFAULT_RELEASE,
    store: Store | None = None,
    *,
    include_provisional: bool = False,
) -> pd.Series:
    """Net migration of researchers (moves in minus moves out) by year, for the dynamic model.

    Parameters
    ----------
    code:
        A country (name or code).
    release:
        ``scopus_2024`` (default) or ``openalex_2023``.
    store:
        The data store (default: the warehouse, else the embedded snapshot).
    include_provisional:
        Keep the provisional years (after the release's last reliable year); they are listed
        in ``attrs["provisional"]``. Left out by default.

    Returns
    -------
    Series
        int64 researchers per year (index ``year``), named ``net``; ``attrs``: ``unit``,
        ``release``, ``provisional`` (years), ``citation``
        (:class:`~powerscope.data.catalog.Citation`).

    Raises
    ------
    UnknownEntityError, SpecError, NotFoundError
        As :func:`migration`.
    """
    return _yearly(code, release, store, include_provisional, "net",
                   "researchers (moves in minus moves out)")  # fmt: skip


def researcher_population(
    code: str,
    release: str = DEFAULT_RELEASE,
    store: Store | None = None,
    *,
    include_provisional: bool = False,
) -> pd.Series:
    """The padded population of researchers of a country by year (researchers active between
    their first and last publication there), for the dynamic model.

    Years for which the publisher gives no population (the last years of each release) are
    left out; ``include_provisional`` keeps the provisional years that have one (flagged in
    ``attrs["provisional"]``).

    Returns
    -------
    Series
        int64 researchers per year (index ``year``), named ``researchers``; ``attrs`` as
        :func:`net_migration`.
    """
    return _yearly(code, release, store, include_provisional, "researchers",
                   "researchers (padded population)")  # fmt: skip


def _yearly(
    code: str,
    release: str,
    store: Store | None,
    include_provisional: bool,
    column: str,
    unit: str,
) -> pd.Series:
    """One column of :func:`migration` as an int64 series by year (years the publisher gives
    no value for left out), with ``unit``, ``release``, ``provisional`` years and
    ``citation`` in ``attrs``."""
    store = _open(store)
    rows = migration(code, release=release, store=store)
    rows = rows[rows[column].notna()]
    if not include_provisional:
        rows = rows[~rows["provisional"]]
    series = pd.Series(
        rows[column].astype("int64").to_numpy(),
        index=pd.Index(rows["year"].astype(int), name="year"),
        name=column,
    )
    series.attrs.update(
        unit=unit,
        release=release,
        provisional=[int(y) for y in rows.loc[rows["provisional"], "year"]],
        citation=store.citation(DATASET),
    )
    return series


# -- partners ---------------------------------------------------------------------------------
def partner_flows(
    code: str,
    *,
    release: str = DEFAULT_RELEASE,
    years: tuple[int, int] | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """Moves between a country and each partner, by year.

    Returns
    -------
    DataFrame
        ``partner``, ``year``, ``moves_out`` (country -> partner), ``moves_in`` (partner ->
        country), ``net`` (``moves_in - moves_out``: the country's gain), ``provisional``;
        every partner-year with at least one move either way.

    Raises
    ------
    SpecError, UnknownEntityError, NotFoundError, PeriodError
        An unknown release or country, a country with no flows in the release, years outside
        the release's flows.
    """
    check_release(release)
    country = country_of(code)
    store = _open(store)
    flows = _release_flows(store, release)
    both = _span(_release_rows(store, release)) if release in COUNTRY_RELEASES else _span(flows)
    span = (min(both[0], _span(flows)[0]), max(both[1], _span(flows)[1]))
    first, last = _check_years(years, span, release)
    out_rows = flows[flows["origin"] == country]
    in_rows = flows[flows["destination"] == country]
    if out_rows.empty and in_rows.empty:
        raise NotFoundError(
            f"{_named(country)} has no researcher moves in the Scholarly Migration Database "
            f"(release {release})",
            fix="choose a country with researchers in Scopus or OpenAlex",
        )
    parts = [
        pd.DataFrame(
            {
                "partner": rows[side].astype(str).to_numpy(),
                "year": rows["year"].astype(int).to_numpy(),
                "moves_out": rows[out_col].astype(int).to_numpy(),
                "moves_in": rows[in_col].astype(int).to_numpy(),
                "provisional": rows["provisional"].astype(bool).to_numpy(),
            }
        )
        for rows, side, out_col, in_col in (
            (out_rows, "destination", "moves", "moves_back"),
            (in_rows, "origin", "moves_back", "moves"),
        )
    ]
    frame = pd.concat(parts, ignore_index=True).drop_duplicates(["partner", "year"])
    frame = frame[frame["year"].between(first, last)]
    frame["net"] = frame["moves_in"] - frame["moves_out"]
    columns = ["partner", "year", "moves_out", "moves_in", "net", "provisional"]
    return frame[columns].sort_values(["partner", "year"]).reset_index(drop=True)


def main_partners(flows: pd.DataFrame, limit: int = DEFAULT_PARTNERS) -> pd.DataFrame:
    """The partners with the most moves both ways over the reliable years of ``flows``
    (:func:`partner_flows`; over every year when all are provisional).

    Returns
    -------
    DataFrame
        ``partner``, ``name``, ``moves_out``, ``moves_in``, ``net`` (sums over the reliable
        years), ``first``, ``last`` (those years), ``latest_year`` (the last reliable year
        with moves), ``latest_out``, ``latest_in``, ``latest_net``; most moves first.
    """
    from powerscope.countries import name_of

    reliable = flows[~flows["provisional"]]
    if reliable.empty:
        reliable = flows
    real = reliable[reliable["partner"] != "UNKNOWN"]
    totals = real.groupby("partner")[["moves_out", "moves_in", "net"]].sum()
    totals = totals.assign(_both=totals["moves_out"] + totals["moves_in"])
    top = totals.sort_values(["_both", "moves_out"], ascending=False).head(max(int(limit), 0))
    latest_year = int(real["year"].max()) if len(real) else None
    latest = real[real["year"] == latest_year].set_index("partner")
    out = pd.DataFrame(
        {
            "partner": top.index.astype(str),
            "name": [name_of(p) for p in top.index],
            "moves_out": top["moves_out"].astype(int).to_numpy(),
            "moves_in": top["moves_in"].astype(int).to_numpy(),
            "net": top["net"].astype(int).to_numpy(),
        }
    )
    out["first"] = int(real["year"].min()) if len(real) else None
    out["last"] = latest_year
    out["latest_year"] = latest_year
    for column in ("moves_out", "moves_in", "net"):
        out[f"latest_{column.removeprefix('moves_')}"] = [
            int(latest.loc[p, column]) if p in latest.index else 0 for p in out["partner"]
        ]
    return out


# -- sources and peers ------------------------------------------------------------------------
@dataclass
class SourceComparison:
    """One country's migration in the two bibliographic sources, side by side.

    ``table``: ``year``, then for each release of :data:`COMPARED` ``net_<release>``,
    ``rate_<release>`` (per 1,000 researchers), ``researchers_<release>``,
    ``provisional_<release>``. ``reliable``: the years both releases hold as reliable;
    ``same_sign``: of those, the years with net migration of the same sign in both;
    ``mean_rate``: each release's mean net rate over those years.
    """

    code: str
    table: pd.DataFrame
    reliable: list[int]
    same_sign: int
    mean_rate: dict[str, float]
    missing: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "releases": list(COMPARED),
            "names": {r: SOURCE_NAMES[r] for r in COMPARED},
            "reliable_years": [int(y) for y in self.reliable],
            "same_sign_years": int(self.same_sign),
            "mean_rate": {k: _number(v) for k, v in self.mean_rate.items()},
            "missing": self.missing,
            "rows": _records(self.table),
        }


def compare_sources(
    code: str, *, years: tuple[int, int] | None = None, store: Store | None = None
) -> SourceComparison:
    """A country's net migration and rate in Scopus (2024) and OpenAlex (2023) by year, to see
    how robust a figure is to the bibliographic source.

    A release in which the country is absent is listed in ``missing`` (the other still shown);
    years outside a release's range are simply not in it.

    Raises
    ------
    UnknownEntityError
        An unknown country. ``NotFoundError``: a country in neither release. ``PeriodError``:
        years outside both releases (naming their range).
    """
    store = _open(store)
    country = country_of(code)
    if years is not None:
        spans = [_span(_release_rows(store, r)) for r in COMPARED]
        both = (min(s[0] for s in spans), max(s[1] for s in spans))
        _check_years(years, both, " and ".join(COMPARED))
    parts, missing = [], []
    for release in COMPARED:
        rows = _release_rows(store, release)
        mine = rows[rows["code"] == country]
        if years is not None:
            mine = mine[mine["year"].between(int(years[0]), int(years[1]))]
        if mine.empty:
            missing.append(release)
            continue
        shown = _as_rows(mine)
        parts.append(
            shown.set_index("year")[["net", "rate", "researchers", "provisional"]].add_suffix(
                f"_{release}"
            )
        )
    if not parts:
        raise NotFoundError(
            f"{_named(country)} is not in the Scholarly Migration Database (releases "
            f"{', '.join(COMPARED)})",
            fix="choose a country with researchers in Scopus or OpenAlex",
        )
    table = pd.concat(parts, axis=1).sort_index()
    table.index.name = "year"
    table = table.reset_index()
    reliable: list[int] = []
    same = 0
    means: dict[str, float] = {}
    if not missing:
        ok = np.ones(len(table), dtype=bool)
        for release in COMPARED:
            flag = table[f"provisional_{release}"].to_numpy()
            ok &= np.array([v is False or v is np.False_ for v in flag], dtype=bool)
        both = table[ok]
        reliable = [int(y) for y in both["year"]]
        signs = [np.sign(both[f"net_{r}"].astype(float)) for r in COMPARED]
        same = int((signs[0] == signs[1]).sum())
        means = {r: float(both[f"rate_{r}"].astype(float).mean()) for r in COMPARED}
    return SourceComparison(country, table, reliable, same, means, missing)


def peer_rows(
    code: str,
    peers: Sequence[str],
    *,
    release: str = DEFAULT_RELEASE,
    years: tuple[int, int] | None = None,
    store: Store | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """The migration rows (:func:`migration`) of ``code`` and each peer, stacked; peers absent
    from the release are left out and named in the notes returned.

    Raises
    ------
    UnknownEntityError
        An unknown peer (``parameter`` "peers"), as :func:`migration` otherwise.
    """
    store = _open(store)
    frames = [migration(code, release=release, years=years, store=store)]
    notes: list[str] = []
    focal = frames[0]["code"].iloc[0]
    for peer in dict.fromkeys(peers):
        other = country_of(peer, "peers")
        if other == focal:
            continue
        try:
            frames.append(
                migration(other, release=release, years=years, store=store, parameter="peers")
            )
        except (NotFoundError, PeriodError) as exc:
            notes.append(f"peer {other}: {exc.what}")
    return pd.concat(frames, ignore_index=True), notes


def rate_summary(rows: pd.DataFrame, window: int = WINDOW_YEARS) -> pd.DataFrame:
    """Each country's net migration and mean rates (per 1,000 researchers) over the last
    ``window`` reliable years of ``rows`` (:func:`migration` rows, one or more countries).

    Returns
    -------
    DataFrame
        ``code``, ``name``, ``years`` ("first-last"), ``net`` (sum, researchers), ``rate``,
        ``inflow_rate``, ``outflow_rate`` (means), ``researchers`` (latest of those years);
        highest net rate first.
    """
    from powerscope.countries import name_of

    reliable = rows[~rows["provisional"]]
    out = []
    for code, group in reliable.groupby("code", sort=False):
        recent = group.sort_values("year").tail(window)
        latest = recent.iloc[-1]
        out.append(
            {
                "code": str(code),
                "name": name_of(str(code)),
                "years": f"{int(recent['year'].min())}-{int(recent['year'].max())}",
                "net": int(recent["net"].sum()),
                "rate": float(recent["rate"].mean()),
                "inflow_rate": float(recent["inflow_rate"].mean()),
                "outflow_rate": float(recent["outflow_rate"].mean()),
                "researchers": None
                if pd.isna(latest["researchers"])
                else int(latest["researchers"]),
            }
        )
    frame = pd.DataFrame(out)
    return frame.sort_values("rate", ascending=False).reset_index(drop=True) if out else frame


# -- the whole picture --------------------------------------------------------------------------
def _number(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: _number(v) for k, v in rec.items()} for rec in frame.astype(object).to_dict("records")
    ]


@dataclass
class TalentFlows:
    """A country's migration of researchers in one release, with its peers, main partners and
    the two sources side by side (see the module doc for units and provisional years).

    ``rows``: :func:`migration` rows of the focal country; ``peers_rows``: the same for the
    focal country and every peer; ``summary``: :func:`rate_summary` of ``peers_rows`` (the
    last :data:`WINDOW_YEARS` reliable years of the period);
    ``partners``: :func:`main_partners`; ``partner_series``: :func:`partner_flows` of the main
    partners; ``sources``: :func:`compare_sources`.
    """

    code: str
    release: str
    years: tuple[int, int]
    reliable_end: int
    peers: list[str]
    rows: pd.DataFrame
    peers_rows: pd.DataFrame
    summary: pd.DataFrame
    partners: pd.DataFrame
    partner_series: pd.DataFrame
    sources: SourceComparison
    citation: Citation
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        from powerscope.countries import name_of

        return name_of(self.code)

    def source(self) -> str:
        """The source line: publisher, title, edition, data years, release."""
        return f"Source: {self.citation.text()} Release {self.release}."

    def provisional_years(self) -> list[int]:
        return [int(y) for y in self.rows.loc[self.rows["provisional"], "year"]]

    def latest(self) -> pd.Series:
        """The focal country's last reliable row in the period (its last row when all are
        provisional)."""
        reliable = self.rows[~self.rows["provisional"]]
        return (reliable if len(reliable) else self.rows).iloc[-1]

    def frame(self) -> pd.DataFrame:
        """The rows of the focal country and its peers, for a CSV."""
        return self.peers_rows.assign(release=self.release)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``rows`` (the focal country by year), ``peers`` (each country's rows),
        ``summary``, ``flows`` (by partner, with ``by_year``), ``sources``, ``units``,
        ``citation`` and ``source``."""
        from powerscope.countries import name_of

        by_partner = {p: g for p, g in self.partner_series.groupby("partner")}
        flows = []
        for rec in _records(self.partners):
            series = by_partner.get(str(rec["partner"]), self.partner_series.iloc[0:0])
            flows.append({**rec, "by_year": _records(series.drop(columns="partner"))})
        peers = {
            str(code): _records(group.drop(columns="code"))
            for code, group in self.peers_rows.groupby("code", sort=False)
        }
        return {
            "code": self.code,
            "name": self.name,
            "release": self.release,
            "release_name": SOURCE_NAMES[self.release],
            "releases": list(COUNTRY_RELEASES),
            "years": list(self.years),
            "reliable_end": self.reliable_end,
            "provisional_years": self.provisional_years(),
            "peers": self.peers,
            "names": {c: name_of(c) for c in [self.code, *self.peers]},
            "units": UNITS,
            "rows": _records(self.rows),
            "peer_rows": peers,
            "summary": _records(self.summary),
            "flows": flows,
            "sources": self.sources.to_dict(),
            "notes": self.notes,
            "source": self.source(),
            "citation": self.citation.to_dict(),
        }


def talent_flows(
    code: str,
    *,
    peers: Sequence[str] = (),
    release: str = DEFAULT_RELEASE,
    years: tuple[int, int] | None = None,
    partners: int = DEFAULT_PARTNERS,
    store: Store | None = None,
) -> TalentFlows:
    """A country's migration of researchers: by year, against peers, with its main partners
    and in both bibliographic sources.

    Parameters
    ----------
    code, peers:
        Countries (names or codes).
    release:
        ``scopus_2024`` (default) or ``openalex_2023``.
    years:
        ``(first, last)`` within the release's years (default: all).
    partners:
        How many main partners (0 to 50).

    Raises
    ------
    UnknownEntityError, SpecError, NotFoundError, PeriodError
        An unknown country, peer or release; a country absent from the release; years outside
        the release's range (naming it); a number of partners out of 0-50.
    """
    if not 0 <= int(partners) <= 50:
        raise SpecError(f"{partners} partners", parameter="partners", fix="give 0 to 50 partners")
    store = _open(store)
    rows, notes = peer_rows(code, peers, release=release, years=years, store=store)
    focal = str(rows["code"].iloc[0])
    own = rows[rows["code"] == focal].reset_index(drop=True)
    span = _check_years(years, _span(_release_rows(store, release)), release)
    flows = partner_flows(focal, release=release, years=span, store=store)
    top = main_partners(flows, partners)
    series = flows[flows["partner"].isin(list(top["partner"]))].reset_index(drop=True)
    sources = compare_sources(focal, years=span, store=store)
    for missing in sources.missing:
        notes.append(f"{focal} is not in release {missing} in {span[0]}-{span[1]}")
    return TalentFlows(
        code=focal,
        release=release,
        years=span,
        reliable_end=reliable_end(store, release),
        peers=[str(c) for c in rows["code"].unique() if c != focal],
        rows=own,
        peers_rows=rows,
        summary=rate_summary(rows),
        partners=top,
        partner_series=series,
        sources=sources,
        citation=store.citation(DATASET),
        notes=notes,
    )
