"""Alignment: like-minded partners with rank intervals; UN vote agreement with four powers."""

from __future__ import annotations

from typing import Any

from powerscope.brief.sections.context import BriefContext, ids
from powerscope.brief.sections.model import Chart, Note, Section, Table
from powerscope.errors import PowerscopeError
from powerscope.profile import Partner, Unavailable

#: ATOP's alliance tie between two countries, in words.
ALLIANCE: dict[Any, str] = {1.0: "defence pact", 0.5: "other obligation", 0.0: "none"}


def alignment_section(ctx: BriefContext) -> Section:
    """Like-minded partners with rank intervals; UN vote agreement with four powers."""
    from powerscope.alignment.agreement import agreement_series
    from powerscope.alignment.agreement import load as load_votes
    from powerscope.alignment.service import votes_citations
    from powerscope.countries import name_of

    section = Section("alignment", "Alignment and partners")
    section.commands = [f"powerscope align partners {ctx.code} --runs {ctx.runs}"]
    report = ctx.alignment
    if isinstance(report, Unavailable):
        section.notes.append(Note(f"Like-minded partners are not available: {report.reason}"))
    else:
        partners = report.partners
        cited = ids(report.citations)
        top = partners[:10]
        section.data["partners"] = [p.code for p in top]

        def interval(p: Partner) -> str:
            if p.q05_rank is None or p.q95_rank is None:
                return ""
            return f"{p.q05_rank:.0f}-{p.q95_rank:.0f}"

        def partner_row(p: Partner) -> tuple[Any, ...]:
            ev = p.evidence
            return (
                p.rank,
                p.name + (" *" if p.named_like_minded else ""),
                p.score,
                interval(p),
                ev.get("un_agreement_pct"),
                ALLIANCE.get(ev.get("alliance"), ""),
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
        years = report.years
        section.tables.append(
            Table(
                f"Most like-minded partners of {ctx.name} (* named like-minded: the US, Japan, "
                "Australia, New Zealand, the EU members)",
                columns,
                tuple(partner_row(p) for p in top),
                cited,
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
        ref = [p for p in partners if p.code in wanted]
        ref.sort(key=lambda p: wanted.index(p.code))
        section.data["partner_ranks"] = {p.code: p.rank for p in [*top, *ref]}
        if ref:
            section.tables.append(
                Table(
                    f"Where the major powers rank as partners of {ctx.name} "
                    f"(of {len(partners)} countries)",
                    columns,
                    tuple(partner_row(p) for p in ref),
                    cited,
                    formats=formats,
                )
            )
    votes = load_votes(ctx.store)
    votes_cited = ids(votes_citations(ctx.store))
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
                votes_cited,
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
                votes_cited,
                formats={"agreement %": "{:.0f}", "kappa": "{:.2f}"},
            )
        )
    return section
