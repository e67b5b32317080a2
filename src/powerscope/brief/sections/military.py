"""Military strength: GFP, SIPRI spending, CINC and the open index; what drives the GFP rank."""

from __future__ import annotations

from powerscope.brief.sections.context import BriefContext, ids, ordinal
from powerscope.brief.sections.model import Chart, Fact, Note, Section, Table
from powerscope.profile import Unavailable


def military_section(ctx: BriefContext) -> Section:
    """GFP, SIPRI spending, CINC and the open index; what drives the GFP rank."""
    section = Section("military", "Military strength")
    section.commands = [
        f"powerscope military profile {ctx.code}",
        "powerscope military compare",
        f"powerscope military explain-gfp --country {ctx.code}",
    ]
    military = ctx.military
    if isinstance(military, Unavailable):
        section.notes.append(Note(f"Military measures are not available: {military.reason}"))
        return section
    measures = military.measures
    labels = {
        "gfp": "Global Firepower PowerIndex",
        "milex": "SIPRI military expenditure",
        "cinc": "COW Composite Index of National Capability",
        "open": "powerscope open military-capability index",
    }
    rows, row_sources = [], []
    for key, m in measures.items():
        value = m.value
        if value is None:
            shown = "n/a"
        elif key == "milex":
            shown = f"US${value / 1000:,.1f} bn"
        elif key in ("gfp", "cinc"):
            shown = f"{value:.4f}"
        else:
            shown = f"{value:.1f}"
        rows.append((labels[key], shown, m.rank, m.of, m.year, m.unit))
        row_sources.append(ids(m.citations))
        section.data[f"{key}_rank"] = m.rank
    gfp = measures["gfp"]
    section.facts.append(
        Fact(
            gfp.citations[0].short,
            f"{ordinal(gfp.rank)} of {gfp.of}"
            + (f" (PowerIndex {gfp.value:.4f}; lower is stronger)" if gfp.value else ""),
            ids(gfp.citations),
            raw=gfp.rank,
        )
    )
    milex = measures["milex"]
    trend = military.milex_trend
    share = next((t["share_of_gdp_pct"] for t in trend if t["year"] == milex.year), None)
    if milex.value is not None:
        section.facts.append(
            Fact(
                f"SIPRI military spending, {milex.year}",
                f"US${milex.value / 1000:.1f} bn (constant 2023 US$), "
                f"{ordinal(milex.rank)} of {milex.of}"
                + (f"; {share:.1f}% of GDP" if share is not None else ""),
                ids(milex.citations),
                raw=milex.rank,
            )
        )
    cinc = measures["cinc"]
    if cinc.rank is not None:
        section.facts.append(
            Fact(
                f"COW CINC, {cinc.year}",
                f"{ordinal(cinc.rank)} of {cinc.of} ({cinc.value:.2%} of world capabilities)",
                ids(cinc.citations),
                raw=cinc.rank,
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
                ids(milex.citations),
                note="Constant 2023 US$ (SIPRI's series in constant prices and exchange rates).",
            )
        )
    if gfp.rank is not None:
        from powerscope.military.service import explain_gfp_cached

        # fitted and cross-validated once per data and code version (cached), not per brief
        report = explain_gfp_cached(ctx.code, top=8, store=ctx.store)
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
                        f"{ordinal(int(e['rank']))} of {int(e['n'])}",
                        e["contribution"],
                    )
                    for e in explanation
                ),
                tuple(dict.fromkeys(str(c["dataset"]) for c in report["citations"])),
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
