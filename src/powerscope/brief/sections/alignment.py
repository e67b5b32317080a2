"""Alignment: like-minded partners with rank intervals; UN vote agreement with four powers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from powerscope.brief.sections.context import BriefContext, ids
from powerscope.brief.sections.model import Chart, Note, Section, Table
from powerscope.errors import PowerscopeError
from powerscope.profile import Partner, Unavailable

#: How the brief names each component of the like-mindedness index (``indices/partners.yaml``).
COMPONENT_NAMES: dict[str, str] = {
    "un_votes": "UN vote agreement",
    "alliance": "ATOP alliance obligations",
    "democracy": "regime similarity (V-Dem polyarchy)",
    "institutions": "shared institutional ties",
    "shared_igos": "shared IGO memberships",
    "trade": "trade interdependence (COW)",
    "embassies": "embassies in each other (Lowy Global Diplomacy Index)",
    "trade_agreements": "trade agreements in force (DESTA)",
}


def _weights_note(years: Mapping[str, Any]) -> str:
    """The index's default weights and every component's data years, in words."""
    from powerscope.index import load_spec

    weights = load_spec("partners").weights()
    parts = []
    for key, weight in weights.items():
        if "/" in key:
            continue
        label = COMPONENT_NAMES.get(key, key.replace("_", " "))
        year = years.get(key)
        parts.append(f"{label}{f', {year}' if year is not None else ''}, weight {weight:g}")
    alliance = ", ".join(
        f"{key.split('/', 1)[1]} {weight:g}"
        for key, weight in weights.items()
        if key.startswith("alliance/")
    )
    return (
        "Like-mindedness index (0-100): "
        + "; ".join(parts)
        + f". Alliance obligations weighted {alliance}: a defence pact scores 100, a "
        "consultation or neutrality pact 20, a non-aggression pact alone 0 (no evidence of "
        "like-mindedness). The embedded ATOP data are dyad-year obligation flags and do not "
        "name the treaties. Embassies: each country's embassy in the other counts half; a "
        "partner that is not one of Lowy's reporting countries has its side missing, not zero."
    )


def alignment_section(ctx: BriefContext) -> Section:
    """Like-minded partners with rank intervals; UN vote agreement with four powers."""
    from powerscope.alignment.agreement import all_sessions
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
        years = report.years

        def interval(p: Partner) -> str:
            if p.q05_rank is None or p.q95_rank is None:
                return ""
            return f"{p.q05_rank:.0f}-{p.q95_rank:.0f}"

        def trend(p: Partner) -> str:
            slope = p.evidence.get("un_trend_pp_per_year")
            if slope is None:
                return ""
            return f"{slope:+.1f} ({p.evidence.get('un_trend', '')})"

        def partner_row(p: Partner) -> tuple[Any, ...]:
            ev = p.evidence
            return (
                p.rank,
                p.name + (" *" if p.named_like_minded else ""),
                p.score,
                interval(p),
                ev.get("un_agreement_pct"),
                trend(p),
                ev.get("alliance") or "",
                ev.get("embassy") or "",
                ev.get("trade_agreements"),
                ev.get("institutions") or "",
            )

        columns = (
            "rank",
            "partner",
            "score",
            "rank interval (5th-95th)",
            f"UN agreement % {years.get('un_votes')}",
            f"UN trend {years.get('un_trend')} (pp/year)",
            f"alliance obligations (ATOP {years.get('alliance')})",
            f"embassies (Lowy {years.get('embassies')})",
            f"trade agreements in force (DESTA {years.get('trade_agreements')})",
            "shared institutional ties",
        )
        formats = {"score": "{:.1f}", columns[4]: "{:.0f}", columns[8]: "{:.0f}"}
        section.tables.append(
            Table(
                f"Most like-minded partners of {ctx.name} (* named like-minded: the US, Japan, "
                "Australia, New Zealand, the EU members)",
                columns,
                tuple(partner_row(p) for p in top),
                cited,
                formats=formats,
                note=(
                    _weights_note(years)
                    + f" UN trend: Theil-Sen slope of the yearly agreement {years.get('un_trend')},"
                    " converging at +1 percentage point a year or more, drifting apart at -1 or "
                    f"less. Rank intervals: {ctx.runs:,} runs, component weights ±25%, min-max "
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
        moving = _converging_and_drifting(partners)
        section.data["converging"] = [p.code for p in moving["converging"]]
        section.data["drifting"] = [p.code for p in moving["drifting apart"]]
        span = str(years.get("un_trend", ""))
        halves = _halves(span)
        rows = [
            (label, p.name, p.rank, _slope(p), *(_mean(p, h) for h in halves))
            for label, chosen in moving.items()
            for p in chosen
        ]
        if rows and halves:
            means = tuple(f"mean {a}-{b} %" for a, b in halves)
            section.tables.append(
                Table(
                    f"Who converges with {ctx.name} in UN votes and who drifts apart, {span}",
                    ("trend", "partner", "rank", "pp/year", *means),
                    tuple(rows),
                    cited,
                    formats={"pp/year": "{:+.1f}", **{m: "{:.0f}" for m in means}},
                    note="The five steepest Theil-Sen slopes of yearly UN vote agreement each "
                    "way (the median of the slopes between every two years, so one unusual year "
                    "such as 2025, when agreement with most countries rose, does not decide "
                    "it), with the mean yearly agreement in each half of the span.",
                )
            )
    votes = load_votes(ctx.store)
    votes_cited = ids(votes_citations(ctx.store))
    others = [c for c in ("USA", "CHN", "JPN", "RUS") if c != ctx.code]
    series: dict[str, dict[int, float]] = {}
    latest_rows = []
    # one pass over the votes for every pair (the same figures as agreement_series pair by pair)
    try:
        panel = all_sessions(
            votes.votes, votes.calls, votes.issues, by="year",
            years=(1991, int(votes.calls["year"].max())), codes=[ctx.code, *others],
        )  # fmt: skip
    except PowerscopeError:
        panel = None
    for other in others:
        if panel is None:
            break
        pair = sorted((ctx.code, other))
        frame = panel[
            (panel["code1"].astype(str) == pair[0]) & (panel["code2"].astype(str) == pair[1])
        ]
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


def _slope(p: Partner) -> float | None:
    value = p.evidence.get("un_trend_pp_per_year")
    return None if value is None else float(value)


def _halves(span: str) -> tuple[tuple[int, int], ...]:
    """``"2016-2025"`` -> ``((2016, 2020), (2021, 2025))``; ``()`` when it is not a span."""
    try:
        first, last = (int(part) for part in span.split("-"))
    except ValueError:
        return ()
    middle = first + (last - first + 1) // 2
    return ((first, middle - 1), (middle, last)) if last > first else ()


def _mean(p: Partner, years: tuple[int, int]) -> float | None:
    """The partner's mean yearly UN agreement (%) over ``years`` (inclusive)."""
    by_year = p.evidence.get("un_by_year") or {}
    values = [float(v) for y, v in by_year.items() if years[0] <= int(y) <= years[1]]
    return sum(values) / len(values) if values else None


def _converging_and_drifting(partners: tuple[Partner, ...], n: int = 5) -> dict[str, list[Partner]]:
    """The ``n`` partners with the steepest rising and falling agreement trends (labelled
    converging or drifting apart by the library)."""
    sloped = [p for p in partners if _slope(p) is not None]
    rising = sorted(sloped, key=lambda p: -(_slope(p) or 0.0))
    falling = sorted(sloped, key=lambda p: _slope(p) or 0.0)
    return {
        "converging": [p for p in rising if p.evidence.get("un_trend") == "converging"][:n],
        "drifting apart": [p for p in falling if p.evidence.get("un_trend") == "drifting apart"][
            :n
        ],
    }
