"""Arms exports (SIPRI): shares and ranks, change, clients, annual trend."""

from __future__ import annotations

from powerscope.brief.sections.context import BriefContext, ordinal, period_text
from powerscope.brief.sections.model import Chart, Fact, Note, Section, Table
from powerscope.profile import Unavailable


def arms_section(ctx: BriefContext) -> Section:
    """SIPRI arms exports: shares and ranks, change, clients, annual trend."""
    from powerscope.arms.analytics import compare_periods, parse_period
    from powerscope.arms.transfers import annual_totals

    section = Section("arms", "Arms exports")
    first, last = ctx.arms_periods
    periods = f"{period_text(first)},{period_text(last)}"
    section.commands = [
        f"powerscope arms compare --periods {periods}",
        f"powerscope arms shares --period {period_text(last)}",
        f"powerscope arms profile {ctx.code} --period {period_text(last)}",
    ]
    src = ("sipri_arms",)
    data = ctx.arms
    report = ctx.arms_profile
    if isinstance(report, Unavailable):
        section.notes.append(Note(f"Arms exports are not available: {report.reason}", src))
        return section
    compared = compare_periods(
        data.deliveries, [parse_period(period_text(p)) for p in (first, last)]
    )
    row = compared[compared["code"] == ctx.code]
    if row.empty:
        section.notes.append(
            Note(f"SIPRI records no arms exports by {ctx.name} in {periods}.", src)
        )
    else:
        rec = row.iloc[0]
        figures = {}
        for span in (first, last):
            p = period_text(span)
            tiv, share, rank = rec[f"tiv {p}"], rec[f"share {p}"], rec[f"rank {p}"]
            if tiv == tiv:  # not NaN
                figures[p] = {"share": float(share), "rank": int(rank), "tiv": float(tiv)}
                section.facts.append(
                    Fact(
                        f"Share of world arms exports, {p}",
                        f"{float(share):.2f}%, {ordinal(int(rank))} largest exporter",
                        src,
                        raw=figures[p],
                    )
                )
        change = rec["change"]
        if change == change:
            section.facts.append(
                Fact(
                    f"Change in exports, {period_text(first)} to {period_text(last)}",
                    f"{float(change):+.0f}% (volume, TIV)",
                    src,
                    raw=float(change),
                )
            )
        section.data.update(periods=figures, change=None if change != change else float(change))
    if report.pending_orders:
        section.facts.append(
            Fact(
                "Ordered but not yet delivered",
                f"about {report.pending_tiv:,.0f} TIV",
                src,
                raw=report.pending_tiv,
            )
        )
    windows = report.trend[-10:]
    if windows:
        section.tables.append(
            Table(
                "Five-year windows (share of world exports and rank)",
                ("period", "TIV (millions)", "share %", "rank"),
                tuple((w.period, w.tiv, w.share, w.rank) for w in windows),
                src,
                formats={"TIV (millions)": "{:,.0f}", "share %": "{:.2f}"},
            )
        )
    clients = report.clients
    section.data["clients"] = [c.code for c in clients]
    if clients:
        section.tables.append(
            Table(
                f"Largest clients, {report.period} (share of {ctx.name}'s exports)",
                ("client", "TIV (millions)", "share %"),
                tuple((c.name, c.tiv, c.share) for c in clients),
                src,
                formats={"TIV (millions)": "{:,.0f}", "share %": "{:.1f}"},
                note=(
                    f"Client concentration (HHI): {report.client_concentration_hhi:,.0f}."
                    if report.client_concentration_hhi is not None
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
