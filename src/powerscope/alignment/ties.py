"""Ties beyond the West: a country's network in eight regions and the G77, against chosen peers.

For a focal country F and each region R of ``regions.yaml`` (Central Asia, ASEAN, South Asia, the
Gulf, Africa, Latin America and the Caribbean, the Pacific, the Indian Ocean rim; each list cited,
a user's own file accepted) the measures are, over R's members other than F itself:

``embassies``
    How many members host an embassy of F, and their share of the members (%), in each edition
    of the Lowy Institute Global Diplomacy Index (2016, 2017, 2021, 2023; only the 66 countries
    the index covers). Read by :func:`powerscope.alignment.links.embassies_by_edition`.
``agreements``
    How many members have at least one trade agreement in force with F (DESTA, Dür, Baccini &
    Elsig 2014), their share (%) and the list. Read by
    :func:`powerscope.alignment.links.trade_agreements`.
``forums``
    The curated institutional ties of ``institutions.yaml`` (each cited) that F belongs to and that
    take in at least half of R's members (:data:`FORUM_COVERAGE`): e.g. the Korea-Central Asia
    Cooperation Forum for Central Asia. The list is curated for the South Korean debate: a
    peer's own regional forums count only when a user's ``institutions`` file adds them.
``vote_agreement``
    UN General Assembly vote agreement of F with R's members: each member's percent agreement
    with F (share of common roll calls voted alike, :mod:`powerscope.alignment.agreement`),
    averaged over the members, in each calendar year of the period and pooled over the latest
    five-year window ending in its last year. All pairs of all years come from one
    :func:`~powerscope.alignment.agreement.agreement_of` call (only the rows of the country and
    its peers, one matrix product per year).

With peers, F is *thin* in a region on a measure when its value is below the peers' median
(embassy share in the latest edition, share of members with an agreement, number of forums,
vote agreement in the window). The G77 (``comparison: true`` in the file) is shown for vote
agreement beside the regions.

Data years: each citation gives its dataset's edition and years
(:meth:`powerscope.data.store.Store.citation`); the vote period is reported with the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from powerscope.data.catalog import Citation
from powerscope.data.store import Store
from powerscope.errors import (
    DataFormatError,
    PeriodError,
    PowerscopeError,
    SpecError,
    UnknownEntityError,
)
from powerscope.files import load_yaml, read_yaml_file, shown_path

#: A forum of ``institutions.yaml`` counts for a region when it takes in at least this share of
#: the region's members (other than the focal country).
FORUM_COVERAGE = 0.5
#: Years of the latest vote window (ending in the last year of the period).
WINDOW_YEARS = 5
#: The default first year of the vote period.
FIRST_YEAR = 2000
#: The measures on which a country is compared with its peers, as columns of
#: :attr:`Ties.table`.
THIN_MEASURES = ("embassy_share", "agreement_share", "forums", "vote_agreement")
#: Peers a country is compared with when none are chosen (the brief; ``--peers`` elsewhere):
#: middle powers with networks beyond the West of their own.
DEFAULT_PEERS = ("JPN", "AUS", "TUR", "IND")
#: Readable names of the measures.
MEASURE_NAMES = {
    "embassy_share": "embassies",
    "agreement_share": "trade agreements",
    "forums": "forums",
    "vote_agreement": "UN vote agreement",
}
#: The catalog ids of the embassy and trade-agreement datasets.
EMBASSIES_DATASET = "lowy_gdi"
AGREEMENTS_DATASET = "desta"

#: The curated lists' citation ids (:data:`powerscope.data.catalog.CURATED`).
REGIONS_SOURCE = "powerscope_regions"
INSTITUTIONS_SOURCE = "powerscope_institutions"

_REGIONS_FILE = "powerscope/alignment/regions.yaml"


@dataclass(frozen=True)
class Region:
    """A region (or comparison group) and its members, with the source of the list."""

    id: str
    name: str
    as_of: str
    source: str
    members: tuple[str, ...]
    note: str = ""
    comparison: bool = False


def _m49_members(names: Sequence[str], where: str) -> list[str]:
    """UN member states in the given UN M49 regions (``Africa``) or sub-regions
    (``Caribbean``), from country_converter's UN classification."""
    from powerscope.countries.identity import _registry

    registry = _registry()
    continent, region = registry.regions["continent"], registry.regions["un_region"]
    members = registry.un_members
    known = {continent[c] for c in members} | {region[c] for c in members}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SpecError(
            f"unknown UN M49 region(s): {', '.join(map(str, unknown))}",
            where=where,
            parameter="regions",
            fix=f"use the names of country_converter's UN classification: {', '.join(sorted(known))}",
        )
    wanted = set(names)
    return sorted(c for c in members if continent[c] in wanted or region[c] in wanted)


def load_regions(path: Path | None = None) -> dict[str, Region]:
    """The regions of ``regions.yaml`` beside this module, or of a user's file of that shape.

    Each entry needs ``name``, ``source`` and ``members`` (ISO3 codes or names) or ``m49`` (UN
    M49 region names); ``as_of``, ``note`` and ``comparison`` are optional.

    Raises
    ------
    DataFormatError
        A missing or malformed file or entry.
    UnknownEntityError
        Member codes that name no country (every one of them named).
    """
    if path is None:
        text = resources.files(__package__).joinpath("regions.yaml").read_text("utf-8")
        where = _REGIONS_FILE
        raw = load_yaml(text, where)
    else:  # a regular UTF-8 file, read safely (aliases capped), or a clear refusal
        where = shown_path(path)
        try:
            raw = read_yaml_file(path, "regions file", parameter="regions")
        except DataFormatError as exc:  # invalid YAML: the reader names no parameter
            exc.parameter = exc.parameter or "regions"
            raise
    if not isinstance(raw, Mapping) or not raw:
        raise DataFormatError(
            "a regions file must map region ids to entries",
            where=where,
            parameter="regions",
            fix="e.g. 'gulf: {name: The Gulf, source: ..., members: [BHR, KWT, ...]}'",
        )
    from powerscope.countries import resolve_many

    out: dict[str, Region] = {}
    unresolved: dict[str, Sequence[str]] = {}
    for key, entry in raw.items():
        here = f"{where}: {key}"
        if (
            not isinstance(entry, Mapping)
            or not entry.get("name")
            or not entry.get("source")
            or not (entry.get("members") or entry.get("m49"))
        ):
            raise DataFormatError(
                f"region {key!r} needs 'name', 'source' and 'members' (or 'm49')",
                where=where,
                parameter="regions",
                fix="give the member ISO3 codes (or UN M49 regions) and where the list comes from",
            )
        listed = entry.get("members") or []
        if not isinstance(listed, list):
            raise DataFormatError(
                f"region {key!r}: 'members' must be a list", where=where, parameter="regions"
            )
        try:
            codes = resolve_many([str(m) for m in listed], where=here)
        except UnknownEntityError as exc:
            unresolved.update({f"{k} ({key})": v for k, v in exc.unresolved.items()})
            continue
        m49 = entry.get("m49") or []
        if m49:
            codes += _m49_members([str(n) for n in m49], here)
        out[str(key)] = Region(
            id=str(key),
            name=str(entry["name"]),
            as_of=str(entry.get("as_of") or ""),
            source=str(entry["source"]),
            members=tuple(dict.fromkeys(codes)),
            note=str(entry.get("note") or ""),
            comparison=bool(entry.get("comparison", False)),
        )
    if unresolved:
        raise UnknownEntityError(
            unresolved,
            where=where,
            parameter="regions",
            fix="use ISO3 codes or country names the resolver knows",
        )
    return out


def _links() -> ModuleType | None:
    """:mod:`powerscope.alignment.links` (embassies, trade agreements)."""
    from powerscope.alignment import links

    return links


def _has_dataset(store: Store, dataset: str) -> bool:
    try:
        return dataset in {str(i) for i in store.datasets()["id"]}
    except (PowerscopeError, KeyError):
        return False


@dataclass
class Ties:
    """The ties of a focal country (and its peers) with each region.

    ``table`` has one row per country and region: ``country``, ``region``, ``region_name``,
    ``comparison``, ``members`` (n, the country itself left out), ``embassies_<edition>``
    (count), ``embassy_share`` (% of members, latest edition), ``agreements`` (members with an
    agreement in force), ``agreement_share`` (%), ``agreement_partners``, ``forums`` (count),
    ``forum_ids``, ``vote_agreement`` (mean % agreement over the window), ``vote_members``
    (members compared); for the focal country also ``peer_median_<measure>`` and ``thin``
    (the measures below the peers' median). ``series``: ``country``, ``region``, ``year``,
    ``vote_agreement`` (%), ``vote_members``.
    """

    focal: str
    peers: list[str]
    regions: dict[str, Region]
    table: pd.DataFrame
    series: pd.DataFrame
    years: tuple[int, int]
    window: tuple[int, int]
    editions: list[str]
    agreements_year: int | None
    forums: dict[str, dict[str, Any]]
    citations: list[Citation]
    notes: list[str] = field(default_factory=list)

    def source(self) -> str:
        """The source line: every dataset and curated list the result reads."""
        from powerscope.data.catalog import cite_all

        return f"Source: {cite_all(self.citations)}"

    def frame(self) -> pd.DataFrame:
        """:attr:`table` for a CSV: the thin measures joined by ``;``."""
        return self.table.assign(thin=self.table["thin"].map("; ".join))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: each region with its members, embassies by edition, agreements, forums,
        vote agreement (the window and by year), the peers' values and medians, and ``thin``."""
        from powerscope.countries import name_of

        def number(value: Any) -> Any:
            if value is None:
                return None
            if isinstance(value, np.integer):
                return int(value)
            if isinstance(value, float | np.floating):
                return None if np.isnan(value) else float(value)
            return value

        series = self.series
        regions = []
        for rec in self.table.to_dict(orient="records"):
            if rec["country"] != self.focal:
                continue
            region = self.regions[rec["region"]]
            by_year = series[(series["country"] == self.focal) & (series["region"] == region.id)]
            peers = self.table[
                (self.table["region"] == region.id) & (self.table["country"] != self.focal)
            ]
            regions.append(
                {
                    "id": region.id,
                    "name": region.name,
                    "comparison": region.comparison,
                    "as_of": region.as_of,
                    "source": region.source,
                    "note": region.note,
                    "members": rec["members"],
                    "member_codes": [m for m in region.members if m != self.focal],
                    "embassies": {e: number(rec.get(f"embassies_{e}")) for e in self.editions},
                    "embassy_share": number(rec["embassy_share"]),
                    "agreements": number(rec["agreements"]),
                    "agreement_share": number(rec["agreement_share"]),
                    "agreement_partners": [
                        p for p in str(rec["agreement_partners"]).split(", ") if p
                    ],
                    "forums": [f for f in str(rec["forum_ids"]).split(", ") if f],
                    "vote_agreement": number(rec["vote_agreement"]),
                    "vote_members": number(rec["vote_members"]),
                    "vote_agreement_by_year": {
                        str(int(y)): float(v)
                        for y, v in zip(by_year["year"], by_year["vote_agreement"], strict=True)
                    },
                    "peer_median": {m: number(rec.get(f"peer_median_{m}")) for m in THIN_MEASURES}
                    if self.peers
                    else {},
                    "peers": {
                        str(p["country"]): {m: number(p[m]) for m in THIN_MEASURES}
                        for p in peers.to_dict(orient="records")
                    },
                    "thin": list(rec["thin"]),
                }
            )
        return {
            "focal": self.focal,
            "name": name_of(self.focal),
            "peers": self.peers,
            "years": list(self.years),
            "window": list(self.window),
            "editions": self.editions,
            "agreements_year": self.agreements_year,
            "measures": {
                "embassies": "members hosting an embassy of the country, by Lowy GDI edition",
                "embassy_share": "% of members hosting an embassy (latest edition)",
                "agreements": "members with >= 1 trade agreement in force (DESTA)",
                "agreement_share": "% of members with >= 1 trade agreement in force",
                "forums": f"curated forums of the country taking in >= {FORUM_COVERAGE:.0%} "
                "of the members (institutions.yaml)",
                "vote_agreement": "mean % of UN General Assembly roll calls voted alike with "
                f"the members, {self.window[0]}-{self.window[1]}",
                "thin": "measures below the peers' median",
            },
            "regions": regions,
            "forums": {
                k: {"name": v.get("name"), "source": v.get("source")}
                for k, v in self.forums.items()
            },
            "notes": self.notes,
            "source": self.source(),
            "citations": [c.to_dict() for c in self.citations],
        }

    def focal_table(self) -> pd.DataFrame:
        """The focal country's rows of :attr:`table`."""
        return self.table[self.table["country"] == self.focal].reset_index(drop=True)

    def thinnest(self, limit: int = 3) -> pd.DataFrame:
        """The focal country's regions with the most measures below the peers' median (ties by
        the gap in embassy share), at most ``limit``; empty without peers."""
        own = self.focal_table()
        own = own[~own["comparison"]]
        if not self.peers or own.empty:
            return own.iloc[0:0]
        count = own["thin"].map(len)
        gap = (own["embassy_share"] - own.get("peer_median_embassy_share", np.nan)).fillna(0)
        order = own.assign(_n=count, _gap=gap).sort_values(["_n", "_gap"], ascending=[False, True])
        order = order[order["_n"] > 0]
        return order.drop(columns=["_n", "_gap"]).head(limit).reset_index(drop=True)


def _vote_years(calls: pd.DataFrame, years: tuple[int, int] | None) -> tuple[int, int]:
    from powerscope.alignment.partners import last_full_year

    present = calls["year"].astype(int)
    first_data, last_data = int(present.min()), int(present.max())
    if years is None:
        return max(FIRST_YEAR, first_data), last_full_year(calls)
    first, last = int(years[0]), int(years[1])
    for name, value in (("from", first), ("to", last)):
        if not first_data <= value <= last_data:
            raise PeriodError(
                f"no UN votes in {value}",
                parameter=name,
                fix=f"choose years from {first_data} to {last_data} (the years with UN votes)",
            )
    if last < first:
        raise PeriodError(
            f"period {first}-{last} ends before it starts",
            parameter="from",
            fix=f"give a first year <= the last, within {first_data}-{last_data}",
        )
    return first, last


def _pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """From :func:`~powerscope.alignment.agreement.agreement_of`'s frame: ``country``,
    ``partner``, ``pct`` (percent agreement, %) and the year if any."""
    out = pd.DataFrame(
        {
            "country": frame["country"].astype(str).to_numpy(),
            "partner": frame["partner"].astype(str).to_numpy(),
            "pct": frame["percent_agreement"].to_numpy(float) * 100.0,
        }
    )
    period = ["year"] if "year" in frame.columns else []
    if period:
        out["year"] = frame["year"].to_numpy().astype(int)
    # in the order of a table of pairs (code1 < code2) read one way, then the other, so means
    # add their terms in the same order as over all pairs
    forward = (out["country"] < out["partner"]).to_numpy()
    return pd.concat(
        [
            out[forward].sort_values([*period, "country", "partner"], kind="stable"),
            out[~forward].sort_values([*period, "partner", "country"], kind="stable"),
        ],
        ignore_index=True,
    )


def _membership(regions: Mapping[str, Region]) -> pd.DataFrame:
    return pd.DataFrame(
        [(r.id, m) for r in regions.values() for m in r.members], columns=["region", "partner"]
    )


def _region_means(pairs: pd.DataFrame, membership: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Mean agreement of each country with each region's members (itself left out)."""
    merged = pairs.merge(membership, on="partner")
    merged = merged[merged["country"] != merged["partner"]]
    grouped = merged.groupby(["country", "region", *by], sort=True)["pct"]
    out = grouped.agg(vote_agreement="mean", vote_members="count").reset_index()
    return out


def vote_agreement(
    store: Store,
    countries: Sequence[str],
    regions: Mapping[str, Region],
    *,
    years: tuple[int, int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[int, int], tuple[int, int]]:
    """UN vote agreement of each of ``countries`` with each region's members.

    Returns ``(series, window, years, window_years)``: ``series`` with ``country``, ``region``,
    ``year``, ``vote_agreement`` (mean percent agreement, %), ``vote_members`` (members with at
    least 10 common roll calls that year); ``window`` the same pooled over the last
    :data:`WINDOW_YEARS` years of the period (no ``year``).

    Raises
    ------
    PeriodError
        A year outside the UN votes in the store (naming the years there are).
    """
    from powerscope.alignment.agreement import agreement_of

    votes = store.table("un_votes")
    calls = store.table("un_roll_calls")
    first, last = _vote_years(calls, years)
    window = (max(first, last - WINDOW_YEARS + 1), last)
    membership = _membership(regions)
    # only the rows of ``countries`` are computed (each against every other country)
    panel = agreement_of(countries, votes, calls, by="year", years=(first, last))
    series = _region_means(_pairs(panel), membership, ["year"])
    pooled = agreement_of(countries, votes, calls, years=window)
    windowed = _region_means(_pairs(pooled), membership, [])
    return series, windowed, (first, last), window


def _forums(
    country: str, regions: Mapping[str, Region], institutions: Mapping[str, Mapping[str, Any]]
) -> dict[str, list[str]]:
    """The forums of ``country`` that take in at least :data:`FORUM_COVERAGE` of each region."""
    out: dict[str, list[str]] = {}
    own = {k: set(v["members"]) for k, v in institutions.items() if country in v["members"]}
    for region in regions.values():
        members = [m for m in region.members if m != country]
        found = []
        for key, inside in own.items():
            covered = sum(m in inside for m in members)
            if members and covered / len(members) >= FORUM_COVERAGE:
                found.append(key)
        out[region.id] = found
    return out


def _embassies(
    store: Store, links: ModuleType, country: str, regions: Mapping[str, Region]
) -> pd.DataFrame:
    """Per region and edition in which ``country`` reports: members hosting its embassy
    (``region``, ``edition``, ``embassies``, zeros included)."""
    frame = links.embassies_by_edition(store, country)
    frame = frame.assign(code=frame["code"].astype(str), edition=frame["edition"].astype(str))
    editions = sorted(frame["edition"].unique())
    hosts = frame[frame["embassy"].astype(bool)]
    membership = _membership(regions).rename(columns={"partner": "code"})
    merged = hosts.merge(membership, on="code")
    merged = merged[merged["code"] != country]
    counts = merged.groupby(["region", "edition"]).size()
    grid = pd.MultiIndex.from_product([list(regions), editions], names=["region", "edition"])
    return counts.reindex(grid, fill_value=0).rename("embassies").reset_index()


def _agreements(
    store: Store, links: ModuleType, country: str, regions: Mapping[str, Region], year: int | None
) -> tuple[dict[str, list[str]], int | None]:
    """Per region: members with at least one trade agreement in force with ``country``."""
    frame = links.trade_agreements(store, country, year=year)
    with_one = frame[frame["n_agreements"].fillna(0).astype(int) >= 1]
    partners = set(with_one["code"].astype(str))
    as_of = int(frame["year"].max()) if "year" in frame and len(frame) else year
    out = {
        r.id: sorted(m for m in r.members if m in partners and m != country)
        for r in regions.values()
    }
    return out, as_of


def ties(
    focal: str,
    store: Store,
    *,
    peers: Sequence[str] = (),
    years: tuple[int, int] | None = None,
    regions: Path | None = None,
    institutions: Path | None = None,
    agreements_year: int | None = None,
) -> Ties:
    """Ties of ``focal`` (and of each of ``peers``) with each region (see the module doc).

    Parameters
    ----------
    focal, peers:
        Countries (codes or names).
    store:
        The data store (UN votes; the Lowy GDI and DESTA when present).
    years:
        ``(first, last)`` calendar years of UN votes (default: 2000 to the last full year).
    regions, institutions:
        A user's regions file (the shape of ``regions.yaml``) and institutions file.
    agreements_year:
        Trade agreements in force in this year (default: the latest year of DESTA).

    Raises
    ------
    UnknownEntityError
        An unknown country or region member. ``PeriodError``: years without UN votes.
    """
    from powerscope.alignment.partners import load_institutions
    from powerscope.alignment.service import votes_citations
    from powerscope.countries import entity, resolve, resolve_many

    code = resolve(focal, where="country argument")
    try:
        listed = resolve_many(list(peers))
    except UnknownEntityError as exc:
        raise UnknownEntityError(exc.unresolved, fix=exc.fix, parameter="peers") from None
    for country in [code, *listed]:
        found_entity = entity(country)
        if not found_entity.is_country:
            raise SpecError(
                f"{country} is {found_entity.name} ({found_entity.kind}), not a present-day "
                "country",
                parameter="peers" if country != code else None,
                where=None if country != code else "country argument",
                fix="give countries' names or ISO3 codes, e.g. KOR",
            )
    peer_codes = [p for p in listed if p != code]
    peer_codes = list(dict.fromkeys(peer_codes))
    countries = [code, *peer_codes]
    found = load_regions(regions)
    forums_all = load_institutions(institutions)
    series, window_frame, period, window = vote_agreement(store, countries, found, years=years)
    voted = set(series["country"])
    notes = [
        f"{c} cast no UN vote in {period[0]}-{period[1]}: no vote agreement"
        for c in countries
        if c not in voted
    ]
    citations = [
        *votes_citations(store),
        store.citation(REGIONS_SOURCE),
        store.citation(INSTITUTIONS_SOURCE),
    ]
    links = _links()
    embassy_rows: list[pd.DataFrame] = []
    agreement_lists: dict[str, dict[str, list[str]]] = {}
    agreements_as_of: int | None = None
    for dataset, label in ((EMBASSIES_DATASET, "embassies"), (AGREEMENTS_DATASET, "agreements")):
        if links is None or not _has_dataset(store, dataset):
            notes.append(f"{label}: the {dataset} dataset is not in this store")
        else:
            citations.append(store.citation(dataset))
    if links is not None and _has_dataset(store, EMBASSIES_DATASET):
        for country in countries:
            try:
                mine = _embassies(store, links, country, found)
            except PowerscopeError as exc:
                notes.append(f"embassies of {country}: {exc}")
                continue
            if mine.empty:
                notes.append(
                    f"embassies of {country}: not one of the countries the Lowy Institute "
                    "Global Diplomacy Index covers"
                )
            embassy_rows.append(mine.assign(country=country))
    if links is not None and _has_dataset(store, AGREEMENTS_DATASET):
        for country in countries:
            try:
                agreement_lists[country], agreements_as_of = _agreements(
                    store, links, country, found, agreements_year
                )
            except PowerscopeError as exc:
                notes.append(f"trade agreements of {country}: {exc}")
    embassies = (
        pd.concat(embassy_rows, ignore_index=True)
        if embassy_rows
        else pd.DataFrame(columns=["country", "region", "edition", "embassies"])
    )
    editions = sorted(str(e) for e in embassies["edition"].unique())
    rows = []
    window_index = window_frame.set_index(["country", "region"])
    for country in countries:
        forum_lists = _forums(country, found, forums_all)
        for region in found.values():
            members = [m for m in region.members if m != country]
            row: dict[str, Any] = {
                "country": country,
                "region": region.id,
                "region_name": region.name,
                "comparison": region.comparison,
                "members": len(members),
            }
            here = embassies[(embassies["country"] == country) & (embassies["region"] == region.id)]
            counts = dict(zip(here["edition"].astype(str), here["embassies"], strict=True))
            for edition in editions:
                row[f"embassies_{edition}"] = int(counts[edition]) if edition in counts else None
            latest = row.get(f"embassies_{editions[-1]}") if editions else None
            row["embassy_share"] = (
                100.0 * latest / len(members) if latest is not None and members else np.nan
            )
            partners = agreement_lists.get(country, {}).get(region.id)
            row["agreements"] = len(partners) if partners is not None else None
            row["agreement_share"] = (
                100.0 * len(partners) / len(members) if partners is not None and members else np.nan
            )
            row["agreement_partners"] = ", ".join(partners) if partners is not None else ""
            row["forums"] = len(forum_lists[region.id])
            row["forum_ids"] = ", ".join(forum_lists[region.id])
            key = (country, region.id)
            row["vote_agreement"] = (
                float(window_index.loc[key, "vote_agreement"])
                if key in window_index.index
                else np.nan
            )
            row["vote_members"] = (
                int(window_index.loc[key, "vote_members"]) if key in window_index.index else 0
            )
            rows.append(row)
    table = pd.DataFrame(rows)
    table = _mark_thin(table, code, peer_codes)
    used = {k for c in countries for ids in _forums(c, found, forums_all).values() for k in ids}
    return Ties(
        focal=code,
        peers=peer_codes,
        regions=found,
        table=table,
        series=series,
        years=period,
        window=window,
        editions=editions,
        agreements_year=agreements_as_of,
        forums={k: dict(forums_all[k]) for k in sorted(used)},
        citations=citations,
        notes=notes,
    )


def _mark_thin(table: pd.DataFrame, focal: str, peers: Sequence[str]) -> pd.DataFrame:
    """Add ``peer_median_<measure>`` and ``thin`` (measures where ``focal`` is below the peers'
    median) to the focal country's rows (NaN and an empty list elsewhere)."""
    table = table.copy()
    thin: list[list[str]] = [[] for _ in range(len(table))]
    if not peers:
        table["thin"] = thin
        return table
    peer_rows = table[table["country"].isin(list(peers))]
    for measure in THIN_MEASURES:
        values = pd.to_numeric(peer_rows[measure], errors="coerce")
        median = values.groupby(peer_rows["region"]).median()
        column = f"peer_median_{measure}"
        table[column] = np.where(
            table["country"] == focal, table["region"].map(median).astype(float), np.nan
        )
        own = pd.to_numeric(table[measure], errors="coerce")
        below = (table["country"] == focal) & (own < table[column])
        for i in np.flatnonzero(below.to_numpy()):
            thin[i].append(measure)
    table["thin"] = thin
    return table
