"""Talent flows: the country's researchers moving in and out (MPIDR Scholarly Migration
Database), against its peers, with its main partners and the two bibliographic sources side by
side. A part of the "Self-reliance" section (combined there with research output and the
defence industry), not a section of its own in :data:`SECTIONS`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from powerscope.brief.sections.context import BriefContext
from powerscope.brief.sections.model import Chart, Fact, Note, Section, Table
from powerscope.errors import PowerscopeError

if TYPE_CHECKING:
    import pandas as pd

    from powerscope.talent import TalentFlows

SOURCE = ("scholarly_migration",)


#: country names read with "the" in a sentence
_WITH_THE = {
    "Netherlands",
    "Philippines",
    "Bahamas",
    "Gambia",
    "Maldives",
    "Comoros",
    "Seychelles",
    "Vatican",
    "Holy See",
}


def _the(name: str, start: bool = False) -> str:
    """``name`` as written in a sentence: "the United States", "the Netherlands", "Japan"."""
    needs = (
        name in _WITH_THE
        or name.startswith("United ")
        or "Republic" in name
        or name.endswith("Islands")
    )
    if not needs:
        return name
    return f"{'The' if start else 'the'} {name}"


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _rank(position: int, count: int) -> str:
    if position == 1:
        return "the highest"
    if position == count:
        return "the lowest"
    suffix = {2: "nd", 3: "rd"}.get(position, "th")
    return f"the {position}{suffix} highest"


def _run(rows: pd.DataFrame) -> tuple[int, int, int | None]:
    """The run of reliable years, ending at the last, with net migration of one sign:
    ``(first, last, year before)`` (``None`` when the run starts the data)."""
    reliable = rows[~rows["provisional"]].sort_values("year")
    signs = (reliable["net"] > 0).astype(int) - (reliable["net"] < 0).astype(int)
    years, values = list(reliable["year"]), list(signs)
    start = len(values) - 1
    while start > 0 and values[start - 1] == values[-1]:
        start -= 1
    before = int(years[start - 1]) if start > 0 else None
    return int(years[start]), int(years[-1]), before


def _facts(result: TalentFlows) -> list[Fact]:
    from powerscope.talent.migration import SOURCE_NAMES

    name, rows = _the(result.name), result.rows
    latest = result.latest()
    net, year = int(latest["net"]), int(latest["year"])
    facts = [
        Fact(
            f"Net migration of researchers, {year}",
            f"In {year}, {_n(latest['inflow'])} researchers moved into {name} and "
            f"{_n(latest['outflow'])} moved out: a net {'loss' if net < 0 else 'gain'} of "
            f"{_n(abs(net))}, {latest['rate']:+.2f} per 1,000 researchers "
            f"({SOURCE_NAMES[result.release]}).",
            SOURCE,
            raw=net,
        )
    ]
    first, last, before = _run(rows)
    sign = "negative" if net < 0 else "positive" if net > 0 else "zero"
    since = (
        f"; it was {'positive' if net < 0 else 'negative'} in {before}"
        if before is not None
        else ""
    )
    facts.append(
        Fact(
            "Trend",
            f"Net migration has been {sign} every year from {first} to {last}{since}.",
            SOURCE,
            raw=(first, last),
        )
    )
    summary = result.summary
    if len(summary) > 1:
        own = summary[summary["code"] == result.code].iloc[0]
        rank = int(summary.index[summary["code"] == result.code][0]) + 1
        others = ", ".join(
            f"{r['name']} {r['rate']:+.2f}"
            for r in summary.to_dict("records")
            if r["code"] != result.code
        )
        facts.append(
            Fact(
                "Against peers",
                f"Over {own['years']}, the mean net migration of {name} was "
                f"{own['rate']:+.2f} per 1,000 researchers, {_rank(rank, len(summary))} of "
                f"{len(summary)} with its peers ({others}).",
                SOURCE,
                raw=rank,
            )
        )
    if len(result.partners):
        top = result.partners.iloc[0]
        y = int(top["latest_year"])
        facts.append(
            Fact(
                f"Main partner: {top['name']}",
                f"In {y}, {_n(top['latest_out'])} researchers moved from {name} to "
                f"{_the(str(top['name']))} and {_n(top['latest_in'])} the other way (net "
                f"{int(top['latest_net']):+,} for {name}).",
                SOURCE,
                raw=(int(top["latest_out"]), int(top["latest_in"])),
            )
        )
        worst = result.partners.sort_values("latest_net").iloc[0]
        if int(worst["latest_net"]) < 0 and worst["partner"] != top["partner"]:
            facts.append(
                Fact(
                    f"Largest net loss: {worst['name']}",
                    f"Of the main partners, {name} lost most to {_the(str(worst['name']))} in "
                    f"{y}: {_n(worst['latest_out'])} researchers moved there and "
                    f"{_n(worst['latest_in'])} the other way (net {int(worst['latest_net']):+,}).",
                    SOURCE,
                    raw=int(worst["latest_net"]),
                )
            )
    sources = result.sources
    if sources.reliable:
        table = sources.table.set_index("year")
        last_both = sources.reliable[-1]
        values = [
            f"{int(table.loc[last_both, f'net_{r}']):+,} ({SOURCE_NAMES[r].split(',')[0]})"
            for r in ("scopus_2024", "openalex_2023")
        ]
        facts.append(
            Fact(
                "Robustness to the source",
                f"Scopus and OpenAlex agree on the sign of the net migration of {name} in "
                f"{sources.same_sign} of {len(sources.reliable)} years "
                f"({sources.reliable[0]}-{last_both}); in {last_both} they give "
                f"{' and '.join(values)}.",
                SOURCE,
                raw=(sources.same_sign, len(sources.reliable)),
            )
        )
    return facts


def talent_part(ctx: BriefContext) -> Section:
    """The country's migration of researchers against its default peers (Japan, China, the
    United States), its main partners and the two sources, every figure citing
    ``scholarly_migration``."""
    from powerscope.talent import talent_flows
    from powerscope.talent.migration import DEFAULT_PEERS, SOURCE_NAMES

    section = Section("talent", "Talent flows")
    peers = [p for p in DEFAULT_PEERS if p != ctx.code]
    section.commands = [f"powerscope talent {ctx.code} --peers {','.join(peers)}"]
    try:
        result = talent_flows(ctx.code, peers=peers, store=ctx.store)
    except PowerscopeError as exc:
        section.notes.append(Note(f"Researcher migration is not available: {exc}"))
        return section
    section.facts.extend(_facts(result))
    summary = result.summary
    if len(summary):
        section.tables.append(
            Table(
                f"Migration of researchers: {ctx.name} and its peers, mean rates over "
                f"{summary['years'].iloc[0]} (per 1,000 researchers)",
                (
                    "country",
                    "net (researchers)",
                    "net per 1,000",
                    "in per 1,000",
                    "out per 1,000",
                    "researchers",
                ),
                tuple(
                    (
                        r["name"],
                        r["net"],
                        r["rate"],
                        r["inflow_rate"],
                        r["outflow_rate"],
                        r["researchers"],
                    )
                    for r in summary.to_dict("records")
                ),
                SOURCE,
                formats={
                    "net per 1,000": "{:+.2f}",
                    "in per 1,000": "{:.2f}",
                    "out per 1,000": "{:.2f}",
                    "net (researchers)": "{:+,}",
                    "researchers": "{:,}",
                },
                note="Researchers: the padded population (active between their first and last "
                "publication in the country). Rates per 1,000 researchers make countries of "
                "different size comparable.",
            )
        )
    partners = result.partners
    if len(partners):
        year = int(partners["latest_year"].iloc[0])
        span = f"{int(partners['first'].iloc[0])}-{int(partners['last'].iloc[0])}"
        section.tables.append(
            Table(
                f"Main partners of {ctx.name}: researchers moving each way",
                (
                    "partner",
                    f"to partner {year}",
                    f"from partner {year}",
                    f"net {year}",
                    f"to partner {span}",
                    f"from partner {span}",
                    f"net {span}",
                ),
                tuple(
                    (
                        r["name"],
                        r["latest_out"],
                        r["latest_in"],
                        r["latest_net"],
                        r["moves_out"],
                        r["moves_in"],
                        r["net"],
                    )
                    for r in partners.to_dict("records")
                ),
                SOURCE,
                formats={
                    f"net {year}": "{:+,}",
                    f"net {span}": "{:+,}",
                    f"to partner {span}": "{:,}",
                    f"from partner {span}": "{:,}",
                },
                note="Net: the country's gain (moves from the partner minus moves to it); "
                "provisional years are left out of the totals.",
            )
        )
    rows = result.peers_rows[~result.peers_rows["provisional"]]
    years = sorted(int(y) for y in rows["year"].unique())
    if years:
        series = {}
        for code, group in rows.groupby("code", sort=False):
            by_year = dict(zip(group["year"].astype(int), group["rate"].astype(float), strict=True))
            series[str(code)] = tuple(
                None if by_year.get(y) is None or by_year[y] != by_year[y] else by_year[y]
                for y in years
            )
        section.charts.append(
            Chart(
                "chart-talent-rate",
                f"Net migration of researchers per 1,000 researchers, {ctx.name} and its peers, "
                f"{years[0]}-{years[-1]}",
                "line",
                tuple(years),
                series,
                "year",
                "net moves per 1,000 researchers",
                SOURCE,
                note=f"{SOURCE_NAMES[result.release]}; provisional years left out.",
            )
        )
    provisional = result.provisional_years()
    if provisional:
        section.notes.append(
            Note(
                f"Years after {result.reliable_end} ({', '.join(map(str, provisional))}) are "
                "provisional and left out of every figure above: a move is seen only once a "
                "researcher publishes again, so the last years are under-counted.",
                SOURCE,
            )
        )
    section.notes.append(
        Note(
            "Migration is inferred from changes of a researcher's affiliation country between "
            "publications (Scopus; OpenAlex for comparison); researchers who stop publishing "
            "are not migrants.",
            SOURCE,
        )
    )
    for note in result.notes:
        section.notes.append(Note(f"{note}.", SOURCE))
    latest = result.latest()
    section.data = {
        "release": result.release,
        "year": int(latest["year"]),
        "net": int(latest["net"]),
        "rate": float(latest["rate"]),
        "peers": result.peers,
        "reliable_end": result.reliable_end,
        "provisional": provisional,
        "partners": list(partners["partner"]),
        "same_sign": result.sources.same_sign,
        "reliable_years": len(result.sources.reliable),
    }
    return section
