"""Research output: the country's S&E and AI-related articles, its world share and rank, the
fields where it gains or loses against China (against the United States for China itself),
and the change of its working-age population to 2050.

A part of a brief, not yet in :data:`~powerscope.brief.sections.SECTIONS`: it is meant to be
combined with other parts into one section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from powerscope.brief.sections.context import BriefContext
from powerscope.brief.sections.model import Fact, Note, Section, Table
from powerscope.errors import PowerscopeError

if TYPE_CHECKING:
    from powerscope.research import Articles, FieldComparison

#: the country compared field by field (and the one compared with it)
RIVAL = "CHN"
RIVAL_OF_RIVAL = "USA"
#: the year the working-age change is projected to
HORIZON = 2050


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _pct(share: float) -> str:
    """A share of the world in %: two decimals below 0.1%, else one."""
    return f"{share:.2f}%" if share < 0.1 else f"{share:.1f}%"


def _output_sentence(name: str, all_se: Articles, ai: Articles | None, code: str) -> str:
    first, last = all_se.years
    now = all_se.latest(code)
    growth = all_se.growth.iloc[0]
    text = (
        f"In {last} {name} published {now['articles']:,.0f} S&E articles ({all_se.count_type} "
        f"counts), {_pct(now['share'])} of the world's, {_ordinal(now['rank'])} among countries "
        f"({_ordinal(int(growth['rank_first']))} in {first}; {growth['cagr']:.1f}% a year since)"
    )
    if ai is not None:
        own = ai.latest(code)
        text += (
            f"; in AI-related articles ({ai.count_type} counts) {own['articles']:,.0f}, "
            f"{_pct(own['share'])} of the world's, {_ordinal(own['rank'])}"
        )
    return text + "."


def _rival_sentence(name: str, gap: FieldComparison) -> str:
    from powerscope.countries import name_of

    first, last = gap.years
    other = name_of(gap.other)
    table = gap.table.set_index("field")
    gaining, losing = gap.gaining(), gap.losing()
    fields = len(table)

    def trend(field: str) -> str:
        return f"{field}, {table.loc[field, 'ratio_trend']:+.1f}% a year"

    per = f"{name}'s articles per article of {other}"
    if not gaining and len(losing) == fields:
        return (
            f"{per} fell in all {fields} fields from {first} to {last}: least in "
            f"{trend(losing[-1])}; most in {trend(losing[0])}."
        )
    parts = []
    if gaining:
        parts.append(f"gains in {len(gaining)} of {fields} fields (most in {trend(gaining[0])})")
    if losing:
        parts.append(f"loses in {len(losing)} (most in {trend(losing[0])})")
    holding = fields - len(gaining) - len(losing)
    if holding:
        parts.append(f"holds in {holding}")
    return f"Against {other} ({per}, {first}-{last}), {name} " + "; ".join(parts) + "."


def _gap_table(gap: FieldComparison, cited: tuple[str, ...]) -> Table:
    first, last = gap.years
    a, b = gap.code, gap.other
    rows = tuple(
        (
            r["field"] + (" (whole counts)" if r["count_type"] != gap.count_type else ""),
            r["share_first"],
            r["share_last"],
            r["other_share_last"],
            r["ratio_last"] * 100,
            r["ratio_trend"],
            r["verdict"],
        )
        for r in gap.table.to_dict(orient="records")
    )
    columns = (
        "field",
        f"{a} share {first} %",
        f"{a} share {last} %",
        f"{b} share {last} %",
        f"{a} per 100 {b} {last}",
        "trend % a year",
        f"{a} against {b}",
    )
    return Table(
        f"Research articles of {a} against {b}, field by field, {first}-{last}",
        columns,
        rows,
        cited,
        formats={c: "{:.2f}" for c in columns[1:4]}
        | {columns[4]: "{:.1f}", "trend % a year": "{:+.1f}"},
        note=f"Shares: % of the world's articles ({gap.count_type} counts). Trend: of {a}'s "
        f"articles per article of {b}, a log-linear fit over {first}-{last}; gaining or "
        "losing beyond 0.5% a year.",
    )


def research_part(ctx: BriefContext) -> Section:
    """The country's research output (NSF NCSES, Science and Engineering Indicators 2024) in
    one or two sentences, the field-by-field table against China, and its working-age
    population to 2050 (UN World Population Prospects 2022)."""
    from powerscope.demography import DATASET as WPP
    from powerscope.demography import LAST_ESTIMATE, working_age
    from powerscope.research import DATASET as NCSES
    from powerscope.research import ai_articles, articles, compare_fields

    section = Section("research", "Research output")
    rival = RIVAL_OF_RIVAL if ctx.code == RIVAL else RIVAL
    section.commands = [
        f"powerscope research {ctx.code} {rival} --field 'all S&E fields'",
        f"powerscope research {ctx.code} --field AI-related",
        f"powerscope research {ctx.code} {rival} --by-field",
        f"powerscope demography {ctx.code} --from {LAST_ESTIMATE} --to {HORIZON}",
    ]
    cited = (NCSES,)
    data: dict[str, Any] = {"rival": rival}
    try:
        all_se = articles([ctx.code], store=ctx.store)
    except PowerscopeError as exc:
        section.notes.append(Note(f"Research output is not available: {exc.what}."))
        all_se = None
    if all_se is not None:
        try:
            ai: Articles | None = ai_articles([ctx.code], store=ctx.store)
        except PowerscopeError:
            ai = None
        now = all_se.latest(ctx.code)
        data["all_se"] = now
        section.facts.append(
            Fact(
                f"S&E articles {now['year']}",
                f"{now['articles']:,.0f} ({_pct(now['share'])} of the world, "
                f"{_ordinal(now['rank'])})",
                cited,
                raw=now,
            )
        )
        if ai is not None:
            own = ai.latest(ctx.code)
            data["ai"] = own
            section.facts.append(
                Fact(
                    f"AI-related articles {own['year']}",
                    f"{own['articles']:,.0f} ({_pct(own['share'])}, {_ordinal(own['rank'])})",
                    cited,
                    raw=own,
                )
            )
        sentences = [_output_sentence(ctx.name, all_se, ai, ctx.code)]
        try:
            gap = compare_fields(ctx.code, rival, store=ctx.store)
        except PowerscopeError:
            gap = None
        if gap is not None:
            data["gaining"], data["losing"] = gap.gaining(), gap.losing()
            sentences.append(_rival_sentence(ctx.name, gap))
            section.tables.append(_gap_table(gap, cited))
        section.notes.append(Note(" ".join(sentences), cited))
    try:
        workers = working_age(ctx.code, first=LAST_ESTIMATE, last=HORIZON, store=ctx.store)
    except PowerscopeError as exc:
        section.notes.append(Note(f"Working-age population is not available: {exc.what}."))
        workers = None
    if workers is not None:
        change = workers.change(LAST_ESTIMATE, HORIZON)
        data["working_age"] = change
        verb = "fall" if change["change"] < 0 else "rise"
        section.facts.append(
            Fact(
                f"Working-age population (15-64), {LAST_ESTIMATE}-{HORIZON}",
                f"{change['start'] / 1000:.1f} m to {change['end'] / 1000:.1f} m "
                f"({change['percent']:+.0f}%)",
                (WPP,),
                raw=change,
            )
        )
        section.notes.append(
            Note(
                f"{ctx.name}'s working-age population (ages 15-64) is projected to {verb} from "
                f"{change['start'] / 1000:.1f} million in {LAST_ESTIMATE} to "
                f"{change['end'] / 1000:.1f} million in {HORIZON} ({change['percent']:+.0f}%; "
                "UN medium-variant projection).",
                (WPP,),
            )
        )
    section.data = data
    return section
