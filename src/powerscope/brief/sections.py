"""The sections of a country brief: plain data and the sources of every figure.

A brief is the list of :data:`SECTIONS`, each a *builder*: a function that takes a
:class:`BriefContext` (the country, the run settings and the library results the sections
share, computed once per brief) and returns a :class:`Section` of facts, tables, charts and notes.
Every fact, table, chart and note names the datasets it comes from by their catalog id
(``belfer_ceti``, ``sipri_arms``, ...; see :mod:`powerscope.data.catalog`); :func:`build_brief`
numbers those sources in the order they are first cited and resolves each to its provenance
record in the store, so a renderer can put a marker like ``[3]`` beside every figure.

Builders only call the library's service functions (the same ones the ``powerscope`` commands
use); nothing here computes a figure of its own beyond formatting and selecting rows. To add a
section, write a builder and insert it into :data:`SECTIONS`.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from powerscope.data.store import Store, open_store
from powerscope.errors import PowerscopeError, SpecError

if TYPE_CHECKING:
    from powerscope.arms.service import ArmsData
    from powerscope.index.engine import IndexResult
    from powerscope.index.uncertainty import UncertaintyResult

#: Runs of the rank-uncertainty analyses in a brief (CETI, like-minded partners): enough for
#: stable 5th-95th percentiles of ranks, and fast.
DEFAULT_RUNS = 2000
DEFAULT_SEED = 1

#: Sources that are not datasets of the store: curated lists shipped with powerscope.
EXTRA_SOURCES: dict[str, dict[str, str]] = {
    "powerscope_institutions": {
        "publisher": "powerscope",
        "title": "Curated institutional ties (powerscope/alignment/institutions.yaml)",
        "edition": "as shipped with this version of powerscope",
        "licence": "as powerscope; each membership list cites its own public source",
        "url": "",
        "citation": "powerscope, alignment/institutions.yaml: forums, agreements, summit "
        "invitations and partnerships named in the debate, each with its source",
        "notes": "Membership lists compiled from the organisers' public announcements; the "
        "source of each list is given in the file.",
    },
    "powerscope_claims": {
        "publisher": "powerscope",
        "title": "Claims of the debate (powerscope/claims.yaml)",
        "edition": "as shipped with this version of powerscope",
        "licence": "as powerscope",
        "url": "",
        "citation": "powerscope, claims.yaml: quantitative claims of the South Korean "
        "foreign-policy debate, as stated",
        "notes": "The stated values are the claims as made; each is checked against the "
        "dataset named beside its verdict.",
    },
}

#: The datasets behind the like-mindedness index (indices/partners.yaml).
PARTNER_SOURCES = (
    "unvotes",
    "atop",
    "cow_igo",
    "democracy",
    "cow_trade",
    "powerscope_institutions",
)


# ---------------------------------------------------------------------------------------------
# What a section is made of


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
    ``data`` holds its key figures as plain values."""

    id: str
    title: str
    facts: list[Fact] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def cited(self) -> list[str]:
        """Source ids in the order the section cites them (first citation first)."""
        ids: list[str] = []
        groups: list[Sequence[str]] = [f.sources for f in self.facts]
        groups += [n.sources for n in self.notes]
        for table in self.tables:
            groups.append(table.sources)
            groups += list(table.row_sources or ())
        groups += [c.sources for c in self.charts]
        for group in groups:
            ids += [s for s in group if s not in ids]
        return ids


@dataclass(frozen=True)
class SourceEntry:
    """A numbered entry of the sources section: a dataset's provenance."""

    number: int
    id: str
    publisher: str
    title: str
    edition: str
    licence: str
    url: str
    citation: str
    note: str


@dataclass
class Brief:
    """A built brief: its sections, the numbered sources they cite, and how it was built."""

    code: str
    name: str
    sections: list[Section]
    sources: list[SourceEntry]
    runs: int
    seed: int
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


# ---------------------------------------------------------------------------------------------
# What the sections share


class BriefContext:
    """The country, the run settings, and the library results that several sections use,
    each computed on first use and kept for the one brief (nothing is cached on disk)."""

    def __init__(self, code: str, *, runs: int, seed: int, store: Store) -> None:
        from powerscope.countries import name_of

        self.code = code
        self.name = name_of(code)
        self.runs = runs
        self.seed = seed
        self.store = store

    @cached_property
    def ceti(self) -> IndexResult:
        from powerscope.index import load_spec
        from powerscope.index.service import compute_index

        return compute_index(load_spec("ceti"), store=self.store)

    @cached_property
    def ceti_profile(self) -> dict[str, Any] | None:
        """The country's CETI profile, or None when the CETI does not cover it."""
        from powerscope.index.service import country_profile

        return country_profile(self.ceti, self.code) if self.ceti.has(self.code) else None

    def ceti_uncertainty(self, exclude_aggregates: bool) -> UncertaintyResult:
        """The CETI's rank uncertainty with its default assumptions (as ``powerscope index
        uncertainty ceti`` runs it)."""
        from powerscope.index import load_spec
        from powerscope.index.service import robustness_inputs
        from powerscope.index.uncertainty import uncertainty

        spec = load_spec("ceti")
        uspec, builder, units = robustness_inputs(
            spec, exclude_aggregates=exclude_aggregates, store=self.store
        )
        return uncertainty(spec, uspec, builder, runs=self.runs, seed=self.seed, units=units)

    @cached_property
    def military(self) -> dict[str, Any]:
        from powerscope.military.measures import profile

        return profile(self.code, store=self.store, years=15)

    @cached_property
    def arms(self) -> ArmsData:
        from powerscope.arms.service import load

        return load(self.store)

    @cached_property
    def arms_periods(self) -> list[tuple[int, int]]:
        """The last two non-overlapping five-year periods of the SIPRI data."""
        last = int(self.arms.deliveries["year"].max())
        return [(last - 9, last - 5), (last - 4, last)]

    @cached_property
    def like_minded(self) -> dict[str, Any]:
        from powerscope.alignment.service import like_minded

        return like_minded(self.code, runs=self.runs, seed=self.seed, store=self.store)

    def dataset(self, source_id: str) -> dict[str, Any] | None:
        return self.store.dataset(source_id)


SectionBuilder = Callable[[BriefContext], Section]


def _ordinal(n: int | None) -> str:
    if n is None:
        return "n/a"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _period(span: tuple[int, int]) -> str:
    return f"{span[0]}-{span[1]}"


# ---------------------------------------------------------------------------------------------
# The sections


def summary_section(ctx: BriefContext) -> Section:
    """Headline figures, each cited: CETI, GFP, SIPRI spending, arms exports, partners."""
    section = Section("summary", "Summary")
    profile = ctx.ceti_profile
    if profile is not None:
        head = profile["index"]
        section.facts.append(
            Fact(
                "Technology (Belfer CETI 2025)",
                f"{_ordinal(head['rank'])} of {head['of']}, score {head['score']:.1f} of 100",
                ("belfer_ceti",),
                raw={"rank": head["rank"], "score": head["score"]},
            )
        )
        section.data["ceti_rank"] = head["rank"]
    else:
        section.facts.append(
            Fact("Technology (Belfer CETI 2025)", "not covered", ("belfer_ceti",), raw=None)
        )
    gfp = ctx.military["measures"]["gfp"]
    section.facts.append(
        Fact(
            "Military strength (Global Firepower 2026)",
            f"{_ordinal(gfp['rank'])} of {gfp['of']}"
            + (f", PowerIndex {gfp['value']:.4f}" if gfp["value"] is not None else ""),
            ("gfp",),
            raw={"rank": gfp["rank"], "value": gfp["value"]},
        )
    )
    section.data["gfp_rank"] = gfp["rank"]
    milex = ctx.military["measures"]["milex"]
    if milex["rank"] is not None:
        value = f"{_ordinal(milex['rank'])} in {milex['year']}, US${milex['value'] / 1000:.1f} bn"
        value += " (constant 2023 US$)"
    else:
        value = f"no data for {milex['year']}"
    section.facts.append(
        Fact(
            "Military spending (SIPRI)",
            value,
            ("sipri_milex",),
            raw={"rank": milex["rank"], "usd_m": milex["value"], "year": milex["year"]},
        )
    )
    section.data["milex_rank"] = milex["rank"]
    from powerscope.arms.analytics import shares

    span = ctx.arms_periods[-1]
    table = shares(ctx.arms.deliveries, span)
    row = table[table["code"] == ctx.code]
    if row.empty:
        value, raw = f"none recorded in {_period(span)}", None
    else:
        share, rank = float(row["share"].iloc[0]), int(row["rank"].iloc[0])
        value, raw = (
            f"{share:.2f}% of world exports, {_ordinal(rank)}, {_period(span)}",
            {
                "share": share,
                "rank": rank,
            },
        )
    section.facts.append(Fact("Arms exports (SIPRI)", value, ("sipri_arms",), raw=raw))
    section.data["arms"] = raw
    try:
        partners = ctx.like_minded["partners"][:3]
    except PowerscopeError as exc:
        section.facts.append(Fact("Top like-minded partners", f"n/a ({exc.what})", ()))
    else:
        names = [p["name"] for p in partners]
        section.facts.append(
            Fact("Top like-minded partners", ", ".join(names), PARTNER_SOURCES, raw=names)
        )
        section.data["partners"] = [p["code"] for p in partners]
    section.commands = [f"powerscope country {ctx.code}", f"powerscope military profile {ctx.code}"]
    return section


def _describe_assumptions(ctx: BriefContext) -> list[str]:
    """The assumptions the CETI uncertainty analysis varies, in words."""
    from powerscope.index import load_spec
    from powerscope.index.service import default_assumptions
    from powerscope.index.uncertainty import levels, parse_uncertainty

    spec = load_spec("ceti")
    uspec = parse_uncertainty(default_assumptions(spec), spec)
    by_level: dict[int, list[str]] = {}
    for path, level in levels(spec).items():
        by_level.setdefault(level, []).append(path)
    out = []
    for noise in uspec.weights:
        level = (
            int(noise.label.rsplit(" ", 1)[-1]) if noise.label.startswith("weights level") else 0
        )
        paths = by_level.get(level, [])
        what = (
            f"the weights of the {len(paths)} level-{level} nodes "
            f"({'pillars' if level == 1 else 'sectors' if level == 2 else 'nodes'}, "
            f"e.g. {', '.join(paths[:2])})"
            if paths
            else f"the weights of {noise.label}"
        )
        out.append(f"{what}, each multiplied by a random factor in 1 ± {noise.noise:.0%}")
    if len(uspec.aggregations) > 1:
        labels = " vs ".join(a.label for a in uspec.aggregations)
        out.append(
            f"the aggregation: {labels} (pillar scores mapped from [0, 1] to [1, 100] before a "
            "geometric mean, so that a pillar score of 0 does not zero a whole sector)"
        )
    return out


def technology_section(ctx: BriefContext) -> Section:
    """CETI: sector scores and ranks, their robustness, and the gap to China."""
    section = Section("technology", "Technology: the Critical and Emerging Technologies Index")
    section.commands = [
        f"powerscope country {ctx.code}",
        "powerscope index compute ceti",
        f"powerscope index uncertainty ceti --runs {ctx.runs} --seed {ctx.seed}",
        f"powerscope index uncertainty ceti --runs {ctx.runs} --seed {ctx.seed} "
        "--exclude-aggregates",
    ]
    profile = ctx.ceti_profile
    src = ("belfer_ceti",)
    result = ctx.ceti
    if profile is None:
        section.notes.append(
            Note(
                f"The CETI 2025 does not cover {ctx.name}; it covers {len(result.codes)} "
                "entities: " + ", ".join(result.names) + ".",
                src,
            )
        )
        return section
    head = profile["index"]
    section.facts += [
        Fact(
            "Overall rank (Europe counted)",
            f"{_ordinal(head['rank'])} of {head['of']}",
            src,
            raw=head["rank"],
        ),
        Fact(
            "Overall rank (aggregates excluded)",
            f"{_ordinal(head['rank_excluding_aggregates'])} of {head['of_countries']} countries",
            src,
            raw=head["rank_excluding_aggregates"],
        ),
        Fact("Overall score", f"{head['score']:.1f} of 100", src, raw=head["score"]),
    ]
    section.data.update(
        rank=head["rank"],
        rank_excluding_aggregates=head["rank_excluding_aggregates"],
        score=head["score"],
        sectors={s["name"]: {"rank": s["rank"], "score": s["score"]} for s in profile["sectors"]},
    )
    section.tables.append(
        Table(
            "Sector scores and ranks (rank among 26 entities, the aggregate Europe counted; "
            "contribution: points added to the overall score)",
            (
                "sector",
                "score",
                "rank",
                "rank excl. aggregates",
                "contribution",
                "strongest pillar",
                "weakest pillar",
            ),
            tuple(
                (
                    s["name"],
                    s["score"],
                    s["rank"],
                    s["rank_excluding_aggregates"],
                    s["contribution"],
                    f"{s['strongest']} ({_ordinal(s['strongest_rank'])})",
                    f"{s['weakest']} ({_ordinal(s['weakest_rank'])})",
                )
                for s in profile["sectors"]
            ),
            src,
            formats={"score": "{:.1f}", "contribution": "{:.1f}"},
        )
    )
    rival = "CHN" if ctx.code != "CHN" else "USA"
    rival_name = result.names[result.codes.index(rival)]
    sectors = result.children_of()
    gap_rows = []
    for sector in sectors:
        mine, theirs = result.score(ctx.code, sector), result.score(rival, sector)
        gap_rows.append(
            (
                sector,
                mine,
                theirs,
                mine - theirs,
                result.rank(ctx.code, sector),
                result.rank(rival, sector),
            )
        )
    mine, theirs = result.score(ctx.code), result.score(rival)
    gap_rows.append(
        ("Overall", mine, theirs, mine - theirs, result.rank(ctx.code), result.rank(rival))
    )
    section.data["rival"] = rival
    section.data["gap"] = {r[0]: r[3] for r in gap_rows}
    section.charts.append(
        Chart(
            "chart-ceti-sectors",
            f"CETI 2025 sector scores: {ctx.name} and {rival_name}",
            "bar",
            tuple(sectors),
            {
                ctx.name: tuple(result.score(ctx.code, s) for s in sectors),
                rival_name: tuple(result.score(rival, s) for s in sectors),
            },
            "sector",
            "score (0-100)",
            src,
        )
    )
    behind = [r[0] for r in gap_rows[:-1] if r[3] < 0]
    section.tables.append(
        Table(
            f"Against {rival_name}, sector by sector (gap: {ctx.name}'s score minus "
            f"{rival_name}'s, in points)",
            (
                "sector",
                f"{ctx.code} score",
                f"{rival} score",
                "gap",
                f"{ctx.code} rank",
                f"{rival} rank",
            ),
            tuple(gap_rows),
            src,
            formats={f"{ctx.code} score": "{:.1f}", f"{rival} score": "{:.1f}", "gap": "{:+.1f}"},
        )
    )
    section.notes.append(
        Note(
            f"{ctx.name} scores below {rival_name} in {len(behind)} of {len(sectors)} sectors"
            + (f" ({', '.join(behind)})." if behind else "."),
            src,
        )
    )
    rows = []
    for exclude, label in ((False, "Europe counted"), (True, "aggregates excluded")):
        ua = ctx.ceti_uncertainty(exclude)
        frame = ua.summary().set_index("code")
        rec = frame.loc[ctx.code]
        rows.append(
            (
                label,
                int(rec["nominal_rank"]),
                float(rec["median_rank"]),
                float(rec["q05_rank"]),
                float(rec["q95_rank"]),
                len(ua.failed),
            )
        )
    section.data["uncertainty"] = {
        r[0]: {"nominal": r[1], "median": r[2], "q05": r[3], "q95": r[4]} for r in rows
    }
    section.tables.append(
        Table(
            f"Robustness of the overall rank: {ctx.runs:,} Monte Carlo runs (seed {ctx.seed})",
            (
                "ranking",
                "nominal rank",
                "median rank",
                "5th percentile",
                "95th percentile",
                "failed runs",
            ),
            tuple(rows),
            src,
            formats={"median rank": "{:g}", "5th percentile": "{:g}", "95th percentile": "{:g}"},
            note="Assumptions varied: "
            + "; ".join(_describe_assumptions(ctx))
            + ". Method: Saisana, Saltelli & Tarantola (2005); OECD/JRC Handbook (2008), step 7.",
        )
    )
    return section


def military_section(ctx: BriefContext) -> Section:
    """GFP, SIPRI spending, CINC and the open index; what drives the GFP rank."""
    section = Section("military", "Military strength")
    section.commands = [
        f"powerscope military profile {ctx.code}",
        "powerscope military compare",
        f"powerscope military explain-gfp --country {ctx.code}",
    ]
    measures = ctx.military["measures"]
    cite = {
        "gfp": ("gfp",),
        "milex": ("sipri_milex",),
        "cinc": ("cow_nmc",),
        "open": ("gfp", "sipri_milex"),
    }
    labels = {
        "gfp": "Global Firepower PowerIndex",
        "milex": "SIPRI military expenditure",
        "cinc": "COW Composite Index of National Capability",
        "open": "powerscope open military-capability index",
    }
    rows, row_sources = [], []
    for key, m in measures.items():
        value = m["value"]
        if value is None:
            shown = "n/a"
        elif key == "milex":
            shown = f"US${value / 1000:,.1f} bn"
        elif key in ("gfp", "cinc"):
            shown = f"{value:.4f}"
        else:
            shown = f"{value:.1f}"
        rows.append((labels[key], shown, m["rank"], m["of"], m["year"], m["unit"]))
        row_sources.append(cite[key])
        section.data[f"{key}_rank"] = m["rank"]
    gfp = measures["gfp"]
    section.facts.append(
        Fact(
            "Global Firepower 2026",
            f"{_ordinal(gfp['rank'])} of {gfp['of']}"
            + (f" (PowerIndex {gfp['value']:.4f}; lower is stronger)" if gfp["value"] else ""),
            ("gfp",),
            raw=gfp["rank"],
        )
    )
    milex = measures["milex"]
    trend = ctx.military["milex_trend"]
    share = next((t["share_of_gdp_pct"] for t in trend if t["year"] == milex["year"]), None)
    if milex["value"] is not None:
        section.facts.append(
            Fact(
                f"SIPRI military spending, {milex['year']}",
                f"US${milex['value'] / 1000:.1f} bn (constant 2023 US$), "
                f"{_ordinal(milex['rank'])} of {milex['of']}"
                + (f"; {share:.1f}% of GDP" if share is not None else ""),
                ("sipri_milex",),
                raw=milex["rank"],
            )
        )
    cinc = measures["cinc"]
    if cinc["rank"] is not None:
        section.facts.append(
            Fact(
                f"COW CINC, {cinc['year']}",
                f"{_ordinal(cinc['rank'])} of {cinc['of']} ({cinc['value']:.2%} of world capabilities)",
                ("cow_nmc",),
                raw=cinc["rank"],
            )
        )
    section.tables.append(
        Table(
            "Four measures of military strength (rank 1 = strongest)",
            ("measure", "value", "rank", "of", "year", "unit"),
            tuple(rows),
            (),
            row_sources=tuple(row_sources),
        )
    )
    if trend:
        section.charts.append(
            Chart(
                "chart-milex",
                f"SIPRI military expenditure of {ctx.name}, {trend[0]['year']}-{trend[-1]['year']}",
                "line",
                tuple(t["year"] for t in trend),
                {
                    "constant 2023 US$ bn": tuple(
                        None
                        if t["constant_2023_usd_m"] is None
                        else t["constant_2023_usd_m"] / 1000
                        for t in trend
                    )
                },
                "year",
                "US$ bn (constant 2023 prices)",
                ("sipri_milex",),
                note="Constant 2023 US$ (SIPRI's series in constant prices and exchange rates).",
            )
        )
    if gfp["rank"] is not None:
        from powerscope.military.service import explain_gfp

        report = explain_gfp(country=ctx.code, top=8, store=ctx.store)
        explanation = report["explanation"]
        section.data["gfp_drivers"] = [e["factor"] for e in explanation]
        section.tables.append(
            Table(
                "What drives the Global Firepower rank: the factors that contribute most to "
                f"{ctx.name}'s modelled PowerIndex (ridge model; negative contribution = stronger)",
                ("factor", "value", "unit", "rank among countries", "contribution"),
                tuple(
                    (
                        str(e["factor"]).replace("_", " "),
                        e["value"],
                        e["unit"],
                        f"{_ordinal(int(e['rank']))} of {int(e['n'])}",
                        e["contribution"],
                    )
                    for e in explanation
                ),
                ("gfp",),
                formats={"value": "{:,.0f}", "contribution": "{:+.3f}"},
                note=(
                    "A statistical model of the published ranking from GFP's own factor values "
                    "(log PowerIndex on standardised log factors), not GFP's secret formula; "
                    f"out-of-fold Spearman rank correlation "
                    f"{report['metrics'].get('spearman_oof', float('nan')):.3f}."
                ),
            )
        )
    return section


def arms_section(ctx: BriefContext) -> Section:
    """SIPRI arms exports: shares and ranks, change, clients, annual trend."""
    from powerscope.arms.analytics import compare_periods, parse_period
    from powerscope.arms.service import profile
    from powerscope.arms.transfers import annual_totals

    section = Section("arms", "Arms exports")
    first, last = ctx.arms_periods
    periods = f"{_period(first)},{_period(last)}"
    section.commands = [
        f"powerscope arms compare --periods {periods}",
        f"powerscope arms shares --period {_period(last)}",
        f"powerscope arms profile {ctx.code} --period {_period(last)}",
    ]
    src = ("sipri_arms",)
    data = ctx.arms
    report = profile(data, ctx.code, _period(last))
    compared = compare_periods(data.deliveries, [parse_period(_period(p)) for p in (first, last)])
    row = compared[compared["code"] == ctx.code]
    if row.empty:
        section.notes.append(
            Note(f"SIPRI records no arms exports by {ctx.name} in {periods}.", src)
        )
    else:
        rec = row.iloc[0]
        figures = {}
        for span in (first, last):
            p = _period(span)
            tiv, share, rank = rec[f"tiv {p}"], rec[f"share {p}"], rec[f"rank {p}"]
            if tiv == tiv:  # not NaN
                figures[p] = {"share": float(share), "rank": int(rank), "tiv": float(tiv)}
                section.facts.append(
                    Fact(
                        f"Share of world arms exports, {p}",
                        f"{float(share):.2f}%, {_ordinal(int(rank))} largest exporter",
                        src,
                        raw=figures[p],
                    )
                )
        change = rec["change"]
        if change == change:
            section.facts.append(
                Fact(
                    f"Change in exports, {_period(first)} to {_period(last)}",
                    f"{float(change):+.0f}% (volume, TIV)",
                    src,
                    raw=float(change),
                )
            )
        section.data.update(periods=figures, change=None if change != change else float(change))
    if report["pending"]:
        section.facts.append(
            Fact(
                "Ordered but not yet delivered",
                f"about {report['pending_tiv']:,.0f} TIV",
                src,
                raw=report["pending_tiv"],
            )
        )
    windows = report["trend"][-10:]
    if windows:
        section.tables.append(
            Table(
                "Five-year windows (share of world exports and rank)",
                ("period", "TIV (millions)", "share %", "rank"),
                tuple((w["period"], w["tiv"], w["share"], w["rank"]) for w in windows),
                src,
                formats={"TIV (millions)": "{:,.0f}", "share %": "{:.2f}"},
            )
        )
    clients = report["clients"][:8]
    section.data["clients"] = [c["code"] for c in clients]
    if clients:
        section.tables.append(
            Table(
                f"Largest clients, {report['period']} (share of {ctx.name}'s exports)",
                ("client", "TIV (millions)", "share %"),
                tuple((c["name"], c["tiv"], c["share"]) for c in clients),
                src,
                formats={"TIV (millions)": "{:,.0f}", "share %": "{:.1f}"},
                note=(
                    f"Client concentration (HHI): {report['client_concentration_hhi']:,.0f}."
                    if report["client_concentration_hhi"] is not None
                    else ""
                ),
            )
        )
    annual = annual_totals(data.deliveries)
    end = last[1]
    years = list(range(end - 24, end + 1))
    values = (
        annual.loc[ctx.code].reindex(years, fill_value=0.0) if ctx.code in annual.index else None
    )
    if values is not None:
        section.charts.append(
            Chart(
                "chart-arms-annual",
                f"Annual arms exports of {ctx.name}, {years[0]}-{years[-1]}",
                "bar",
                tuple(years),
                {"TIV (millions)": tuple(float(v) for v in values)},
                "year",
                "TIV, millions",
                src,
                note="SIPRI trend-indicator values: a measure of the volume of transfers, not "
                "their financial value; annual figures fluctuate, hence five-year periods.",
            )
        )
    return section


def alignment_section(ctx: BriefContext) -> Section:
    """Like-minded partners with rank intervals; UN vote agreement with four powers."""
    from powerscope.alignment.agreement import agreement_series
    from powerscope.alignment.agreement import load as load_votes
    from powerscope.countries import name_of

    section = Section("alignment", "Alignment and partners")
    section.commands = [f"powerscope align partners {ctx.code} --runs {ctx.runs}"]
    try:
        report = ctx.like_minded
    except PowerscopeError as exc:
        section.notes.append(Note(f"Like-minded partners are not available: {exc.message}"))
    else:
        partners = report["partners"]
        top = partners[:10]
        section.data["partners"] = [p["code"] for p in top]

        def interval(p: Mapping[str, Any]) -> str:
            return f"{p['q05_rank']:.0f}-{p['q95_rank']:.0f}" if "q05_rank" in p else ""

        def partner_row(p: Mapping[str, Any]) -> tuple[Any, ...]:
            ev = p["evidence"]
            return (
                p["rank"],
                p["name"] + (" *" if p["named_like_minded"] else ""),
                p["score"],
                interval(p),
                ev.get("un_agreement_pct"),
                {1.0: "defence pact", 0.5: "other obligation", 0.0: "none"}.get(
                    ev.get("alliance"), ""
                ),
                ev.get("institutions") or "",
            )

        columns = (
            "rank",
            "partner",
            "score",
            "rank interval (5th-95th)",
            "UN agreement %",
            "alliance (ATOP)",
            "shared institutional ties",
        )
        formats = {"score": "{:.1f}", "UN agreement %": "{:.0f}"}
        years = report["years"]
        section.tables.append(
            Table(
                f"Most like-minded partners of {ctx.name} (* named like-minded: the US, Japan, "
                "Australia, New Zealand, the EU members)",
                columns,
                tuple(partner_row(p) for p in top),
                PARTNER_SOURCES,
                formats=formats,
                note=(
                    "Like-mindedness index (0-100): UN vote agreement "
                    f"{years.get('un_votes')} (weight 0.30), ATOP alliance ties {years.get('alliance')} "
                    f"(0.20), regime similarity, V-Dem polyarchy {years.get('democracy')} (0.15), "
                    "shared institutional ties (0.15), shared IGO memberships "
                    f"{years.get('shared_igos')} (0.10), trade interdependence {years.get('trade')} "
                    f"(0.10). Rank intervals: {ctx.runs:,} runs, component weights ±25%, min-max "
                    "vs percentile-rank normalisation."
                ),
            )
        )
        wanted = [c for c in ("USA", "CHN", "JPN", "RUS", "PRK") if c != ctx.code]
        ref = [p for p in partners if p["code"] in wanted]
        ref.sort(key=lambda p: wanted.index(p["code"]))
        section.data["partner_ranks"] = {p["code"]: p["rank"] for p in top + ref}
        if ref:
            section.tables.append(
                Table(
                    f"Where the major powers rank as partners of {ctx.name} "
                    f"(of {len(partners)} countries)",
                    columns,
                    tuple(partner_row(p) for p in ref),
                    PARTNER_SOURCES,
                    formats=formats,
                )
            )
    votes = load_votes(ctx.store)
    others = [c for c in ("USA", "CHN", "JPN", "RUS") if c != ctx.code]
    series: dict[str, dict[int, float]] = {}
    latest_rows = []
    for other in others:
        try:
            frame = agreement_series(ctx.code, other, votes.votes, votes.calls, votes.issues)
        except PowerscopeError:
            continue
        frame = frame[frame["year"] >= 1991]
        if frame.empty:
            continue
        series[name_of(other)] = {
            int(y): float(v) * 100
            for y, v in zip(frame["year"], frame["percent_agreement"], strict=True)
        }
        last = frame.iloc[-1]
        latest_rows.append(
            (
                name_of(other),
                int(last["year"]),
                int(last["n"]),
                float(last["percent_agreement"]) * 100,
                float(last["kappa"]),
            )
        )
    section.data["un_agreement_latest"] = {r[0]: r[3] for r in latest_rows}
    if latest_rows:
        section.commands.append(
            f"powerscope align agreement {ctx.code} --year {latest_rows[0][1]}  # one year at a time"
        )
    if series:
        years_all = sorted({y for s in series.values() for y in s})
        section.charts.append(
            Chart(
                "chart-un-agreement",
                f"UN General Assembly vote agreement of {ctx.name}, {years_all[0]}-{years_all[-1]}",
                "line",
                tuple(years_all),
                {k: tuple(v.get(y) for y in years_all) for k, v in series.items()},
                "year",
                "percent agreement (%)",
                ("unvotes",),
                note="Percent of the year's roll calls on which both voted the same way "
                "(abstentions count as half agreement, as in Voeten's agreement score data).",
            )
        )
        section.tables.append(
            Table(
                "UN vote agreement in the latest year of data (kappa: agreement corrected for "
                "chance; 0 = chance level)",
                ("country", "year", "common roll calls", "agreement %", "kappa"),
                tuple(latest_rows),
                ("unvotes",),
                formats={"agreement %": "{:.0f}", "kappa": "{:.2f}"},
            )
        )
    return section


#: Which dataset each claim measure is computed from (see powerscope.claims.MEASURES).
CLAIM_SOURCES = {
    "gfp_rank": "gfp",
    "arms_share": "sipri_arms",
    "arms_rank": "sipri_arms",
    "arms_change": "sipri_arms",
    "ceti_rank": "belfer_ceti",
    "ceti_below": "belfer_ceti",
}


def claims_section(ctx: BriefContext) -> Section:
    """The shipped claims that concern the country, with the checker's verdicts."""
    from powerscope.claims import check_claims, load_claims
    from powerscope.countries import resolve

    section = Section("claims", "Claims checked")
    section.commands = ["powerscope claims check"]
    concerning = []
    for claim in load_claims():
        check = claim.get("check") or {}
        named = [check.get(k) for k in ("country", "other") if check.get(k)]
        try:
            codes = {resolve(n, where=f"claim {claim['id']}") for n in named}
        except PowerscopeError:
            codes = set()
        if ctx.code in codes:
            concerning.append(claim)
    if not concerning:
        section.notes.append(
            Note(f"None of the claims shipped with powerscope concerns {ctx.name}.")
        )
        return section
    verdicts = check_claims(concerning)
    section.data["verdicts"] = {v.id: v.verdict for v in verdicts}
    rows, row_sources = [], []
    for claim, v in zip(concerning, verdicts, strict=True):
        stated = "-".join(str(s) for s in v.stated) if isinstance(v.stated, list) else v.stated
        rows.append((v.statement, stated, v.computed, v.verdict, v.edition or "", v.note))
        measure = str((claim.get("check") or {}).get("measure", ""))
        row_sources.append(
            ("powerscope_claims", CLAIM_SOURCES[measure])
            if measure in CLAIM_SOURCES
            else ("powerscope_claims",)
        )
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[v.verdict] = counts.get(v.verdict, 0) + 1
    section.facts.append(
        Fact(
            "Verdicts",
            ", ".join(f"{n} {k}" for k, n in counts.items()),
            ("powerscope_claims",),
            raw=counts,
        )
    )
    section.tables.append(
        Table(
            f"Claims about {ctx.name}: stated vs computed, with the data edition",
            ("claim", "stated", "computed", "verdict", "edition", "note"),
            tuple(rows),
            (),
            formats={"computed": "{:g}"},
            row_sources=tuple(row_sources),
        )
    )
    return section


def dynamics_section(ctx: BriefContext) -> Section:
    """The dynamic outlook: baseline projection with bands, policy effects, loops, backtest."""
    from powerscope.dynamics.backtest import backtest
    from powerscope.dynamics.calibrate import calibrate
    from powerscope.dynamics.loops import loop_analysis
    from powerscope.dynamics.scenario import load_scenario
    from powerscope.dynamics.service import scenario_report

    section = Section("dynamics", "Dynamic outlook: the science, economy and defence loop")
    src = ("wdi", "sipri_milex", "sipri_arms")
    runs = min(ctx.runs, 2000)
    section.commands = [
        f"powerscope dynamics backtest {ctx.code}",
        f"powerscope dynamics run {ctx.code} --years 2025-2050",
        f"powerscope dynamics run {ctx.code} --scenario thousand-talents --years 2025-2050",
        f"powerscope dynamics run {ctx.code} --scenario rd-boost --years 2025-2050",
        f"powerscope dynamics loops {ctx.code}",
    ]
    try:
        cal = calibrate(ctx.code, store=ctx.store)
        test = backtest(ctx.code, runs=500, seed=ctx.seed, store=ctx.store)
    except PowerscopeError as error:
        section.notes.append(Note(f"The dynamic model cannot be calibrated for {ctx.name}: "
                                  f"{error.what}.", ("wdi",)))  # fmt: skip
        return section
    years = (cal.start + 2, 2050)
    base = scenario_report(ctx.code, None, years=years, runs=runs, seed=ctx.seed,
                           calibration=cal, store=ctx.store)  # fmt: skip
    series = {s["name"]: s for s in base["series"]}
    wanted = [y for y in (2030, 2040, 2050) if y in base["years"]]
    rows = []
    for name, label in (("gdp", "GDP, US$ bn (2015)"), ("rd_intensity", "R&D, % of GDP"),
                        ("researchers", "researchers, thousand FTE"),
                        ("articles", "journal articles"), ("milex", "military spending, US$ bn"),
                        ("arms_exports", "arms exports, TIV m")):  # fmt: skip
        s = series[name]
        cells = []
        for year in wanted:
            i = base["years"].index(year)
            cells.append(f"{_num(s['median'][i])} ({_num(s['p05'][i])}-{_num(s['p95'][i])})")
        rows.append((label, *cells))
    section.tables.append(
        Table(
            f"Baseline projection: median and 5th-95th percentiles of {runs:,} runs",
            ("series", *[str(y) for y in wanted]),
            tuple(rows),
            src,
            note="Calibrated on 1996-" + str(cal.start) + "; bands reflect parameter uncertainty.",
        )
    )
    effects = []
    reports: dict[str, dict[str, Any]] = {}
    policies = ["thousand-talents", "rd-boost", "cuts"]
    if ctx.code == "KOR":  # Statistics Korea's projected shrinking labour force
        policies.append("korea-ageing")
    for name in policies:
        report = reports[name] = scenario_report(
            ctx.code, load_scenario(name), years=years, runs=runs, seed=ctx.seed,
            calibration=cal, store=ctx.store,
        )  # fmt: skip
        h = report["headline"]
        effects.append(
            (report["scenario"]["title"],
             *(f"{h[k]['effect_median']:+.2f}% ({h[k]['effect_p05']:+.2f} to "
               f"{h[k]['effect_p95']:+.2f})" for k in ("articles", "knowledge", "gdp")))
        )  # fmt: skip
    section.tables.append(
        Table(
            f"Policy scenarios: effect in {years[1]} against the baseline (run by run)",
            ("scenario", "journal articles", "knowledge stock", "GDP"),
            tuple(effects),
            src,
        )
    )
    talent = reports["thousand-talents"]
    t_series = {s["name"]: s for s in talent["series"]}
    x = tuple(talent["years"])
    section.charts.append(
        Chart(
            "chart-dynamics-talent",
            "A Thousand-Talents-scale programme (800 recruits a year, 2026-2035): effect on "
            "journal articles",
            "line",
            x,
            {
                "median effect, %": tuple(t_series["articles"]["effect_median"]),
                "5th percentile": tuple(t_series["articles"]["effect_p05"]),
                "95th percentile": tuple(t_series["articles"]["effect_p95"]),
            },
            "year",
            "% vs baseline",
            src,
        )
    )
    loops = loop_analysis(cal, last=years[1])
    history = loops["history"]
    virtuous = [row["year"] for row in history if row["mode"] == "virtuous"]
    projected = [row["mode"] for row in loops["years"] if row["mode"] != "neutral"]
    mode = max(set(projected), key=projected.count) if projected else "neutral"
    section.notes.append(
        Note(
            f"Loops: the R&D knowledge stock grew ever faster (a virtuous circle) in "
            f"{_years_text(virtuous) or 'no year'} of {history[0]['year']}-{history[-1]['year']}; "
            f"in the baseline projection the dominant reading is {mode} "
            f"({projected.count(mode)} of {len(projected)} years).",
            src,
        )
    )
    better = sum(1 for row in test["series"] if row["model_better"])
    section.facts.append(
        Fact(
            "Backtest (fit 1996-2014, test 2015-2023)",
            f"model beats trend extrapolation on {better} of {len(test['series'])} series",
            src,
            raw={
                row["name"]: (row["model_error"], row["baseline_error"]) for row in test["series"]
            },
        )
    )
    section.data.update(
        talent_articles_2050=talent["headline"]["articles"],
        backtest_better=better,
        baseline_mode=mode,
    )
    return section


def _num(value: float) -> str:
    """12345.6 -> '12,346'; 5.26 -> '5.26': whole numbers above 100, else 3 significant digits."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _years_text(years: list[int]) -> str:
    """[2001, 2002, 2003, 2007] -> '2001-2003, 2007'."""
    spans: list[list[int]] = []
    for year in years:
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in spans)


#: The sections of a brief, in order. A builder takes a :class:`BriefContext` and returns a
#: :class:`Section`; the sources section is made from what they cite (:func:`build_brief`).
SECTIONS: list[SectionBuilder] = [
    summary_section,
    technology_section,
    military_section,
    arms_section,
    alignment_section,
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


def source_entry(number: int, source_id: str, store: Store) -> SourceEntry:
    """A dataset's provenance from the store (or a curated source of powerscope)."""
    record: Mapping[str, Any] | None = EXTRA_SOURCES.get(source_id)
    if record is None:
        record = store.dataset(source_id)
    if record is None:
        raise SpecError(
            f"the brief cites {source_id!r}, which the data store does not hold",
            where=store.location,
            fix="rebuild the warehouse with 'powerscope data build --from DIR'",
        )
    note = str(record.get("notes") or "")
    derived = record.get("snapshot")
    files = record.get("sha256") or {}
    if derived:
        note += f" Read from powerscope's embedded snapshot ({derived})."
    elif files:
        note += " Read from the local warehouse."
    if files:
        digests = ", ".join(f"{path} (sha256 {digest[:12]}…)" for path, digest in files.items())
        note += f" Files: {digests}."
    return SourceEntry(
        number=number,
        id=source_id,
        publisher=str(record.get("publisher", "")),
        title=str(record.get("title", "")),
        edition=str(record.get("edition", "")),
        licence=str(record.get("licence", "")),
        url=str(record.get("url", "")),
        citation=str(record.get("citation", "")),
        note=note.strip(),
    )


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
        raise SpecError(f"runs must be >= 1, not {runs}", where="--runs", fix="e.g. --runs 2000")
    store = store or open_store()
    ctx = BriefContext(code, runs=runs, seed=seed, store=store)
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
        store=f"{store.kind}: {store.location}",
        generated=_dt.date.today().isoformat(),
        seconds=time.perf_counter() - start,
    )
