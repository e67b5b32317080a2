"""Defence industry (SIPRI Top 100): the country's companies and their arms revenue, its growth,
its largest company, its peers, and how its arms exports (SIPRI TIV) moved alongside.

A part of the brief's "Self-reliance" section, not a section of :data:`SECTIONS` of its own:
:func:`industry_part` returns a :class:`Section` (id ``industry``) to be combined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from powerscope.brief.sections.context import BriefContext, ordinal
from powerscope.brief.sections.model import Chart, Fact, Note, Section, Table
from powerscope.errors import PowerscopeError

if TYPE_CHECKING:
    import pandas as pd

TOP100 = "sipri_top100"
ARMS = "sipri_arms"
#: years back from the last year of the rankings for the growth finding (2012 for 2022)
GROWTH_YEARS = 10
#: width of the windows over which arms exports are compared (SIPRI's practice: five years)
WINDOW = 5


def _money(value: float) -> str:
    return f"US${value:,.0f} m"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.0f}%"


def _sum(frame: pd.DataFrame, column: str, first: int, last: int) -> float:
    """The sum over ``first``-``last`` (NaN when a year is missing)."""
    years = frame["year"]
    return float(
        frame.loc[(years >= first) & (years <= last), column].sum(min_count=last - first + 1)
    )


def industry_part(ctx: BriefContext) -> Section:
    """The country's defence industry in the SIPRI Top 100 and its arms exports beside it: a
    part of the self-reliance section (findings, the companies of the last year, revenue by
    year)."""
    from powerscope.industry.service import DEFAULT_PEERS, industry, load
    from powerscope.industry.top100 import change, data_years

    section = Section("industry", "Defence industry")
    peers = [p for p in DEFAULT_PEERS if p != ctx.code]
    section.commands = [f"powerscope industry {ctx.code} --peers {','.join(peers)}"]
    try:
        data = load(ctx.store)
        first, last = data_years(data.companies)
        result = industry(ctx.code, peers=peers, data=data, arms=ctx.arms)
    except PowerscopeError as exc:
        section.notes.append(Note(f"The defence industry is not available: {exc.what}.", (TOP100,)))
        return section
    own = result.summary().set_index("year")
    if ctx.code == "CHN":
        # not absent but excluded: SIPRI leaves Chinese companies out before 2015
        excluded = [y for y, included in result.china_included.items() if not included]
        own.loc[excluded, ["arms_revenue", "arms_revenue_constant"]] = float("nan")
    base = max(first, last - GROWTH_YEARS)
    latest = own.loc[last]
    rows = result.rows[result.rows["year"] == last]
    count, revenue = int(latest["companies"]), float(latest["arms_revenue"])
    section.data = {
        "year": last,
        "companies": count,
        "arms_revenue": revenue,
        "share_top100": float(latest["share_top100"]),
        "largest": latest["largest"],
        "largest_rank": None if latest["largest"] is None else int(latest["largest_rank"]),
    }
    if count:
        section.facts.append(
            Fact(
                f"Companies in the Top 100, {last}",
                f"{count} compan{'y' if count == 1 else 'ies'} of {ctx.name} "
                f"{'was' if count == 1 else 'were'} among the "
                f"SIPRI Top 100 arms-producing companies in {last}, with combined arms revenue "
                f"of {_money(revenue)} ({float(latest['share_top100']):.1f}% of the Top 100's).",
                (TOP100,),
                raw={"companies": count, "arms_revenue": revenue},
            )
        )
        section.facts.append(
            Fact(
                f"Largest company, {last}",
                f"{latest['largest']} was the largest, {ordinal(int(latest['largest_rank']))} "
                f"in the Top 100 with arms revenue of "
                f"{_money(float(rows['arms_revenue'].iloc[0]))}.",
                (TOP100,),
                raw={"company": latest["largest"], "rank": int(latest["largest_rank"])},
            )
        )
    else:
        section.facts.append(
            Fact(
                f"Companies in the Top 100, {last}",
                f"No company of {ctx.name} was among the SIPRI Top 100 in {last}.",
                (TOP100,),
                raw={"companies": 0, "arms_revenue": 0.0},
            )
        )
    growth = change(own["arms_revenue"], base, last)
    real = change(own["arms_revenue_constant"], base, last)
    totals = data.totals.set_index(data.totals["year"].astype(int))["arms_revenue_bn"]
    world = change(totals, base, last)
    section.data["growth"] = {"from": base, "current": growth, "constant": real, "top100": world}
    if growth is not None:
        section.facts.append(
            Fact(
                f"Growth since {base}",
                f"The arms revenue of its Top 100 companies went from "
                f"{_money(float(own.loc[base, 'arms_revenue']))} in {base} to {_money(revenue)} "
                f"in {last}: {_percent(growth)} in current US$, {_percent(real)} at constant "
                f"{result.constant_base_year} prices (the Top 100's total: {_percent(world)}, "
                "current).",
                (TOP100,),
                raw=growth,
            )
        )
    if peers and growth is not None:
        from powerscope.countries import name_of

        changes = {ctx.code: growth}
        for peer in result.peers:
            grown = change(result.summary(peer).set_index("year")["arms_revenue"], base, last)
            if grown is not None:
                changes[peer] = grown
        if len(changes) > 1:
            place = sum(v > growth for v in changes.values()) + 1
            others = ", ".join(
                f"{name_of(p)} {_percent(v)}" for p, v in changes.items() if p != ctx.code
            )
            section.facts.append(
                Fact(
                    f"Against {', '.join(peers)}",
                    f"Its growth since {base} ranks {ordinal(place)} of {len(changes)} beside "
                    f"its peers ({others}; current US$).",
                    (TOP100,),
                    raw={"place": place, "of": len(changes), "changes": changes},
                )
            )
    tiv = own["tiv_exports"]
    if tiv.notna().all():
        early, late = (last - 2 * WINDOW + 1, last - WINDOW), (last - WINDOW + 1, last)
        before, after = (
            _sum(own.reset_index(), "tiv_exports", *early),
            _sum(own.reset_index(), "tiv_exports", *late),
        )
        rev_before = _sum(own.reset_index(), "arms_revenue", *early)
        rev_after = _sum(own.reset_index(), "arms_revenue", *late)
        exports = None if before == 0 else (after - before) / before * 100.0
        sales = (
            (rev_after - rev_before) / rev_before * 100.0
            if rev_before > 0 and rev_after == rev_after
            else None
        )
        section.data["exports"] = {
            "windows": [f"{early[0]}-{early[1]}", f"{late[0]}-{late[1]}"],
            "tiv": [before, after],
            "change": exports,
            "arms_revenue_change": sales,
        }
        section.facts.append(
            Fact(
                "Arms exports alongside",
                f"Its arms exports were {after:,.0f} TIV m in {late[0]}-{late[1]} against "
                f"{before:,.0f} in {early[0]}-{early[1]} ({_percent(exports)}; SIPRI TIV, a "
                "volume index, not money)"
                + (
                    f", while its companies' arms revenue changed by {_percent(sales)} between "
                    "the same periods (current US$)."
                    if sales is not None
                    else "; its companies are not in the Top 100 throughout the earlier period."
                ),
                (TOP100, ARMS),
                raw=exports,
            )
        )
    if len(rows):
        section.tables.append(
            Table(
                f"{ctx.name}'s companies in the SIPRI Top 100, {last}",
                ("company", "rank", "previous rank", "arms revenue US$ m",
                 "arms % of revenue"),
                tuple(
                    (r.company, int(r.rank),
                     None if r.previous_rank is None or r.previous_rank != r.previous_rank
                     else int(r.previous_rank),
                     float(r.arms_revenue), None if r.arms_share != r.arms_share
                     else float(r.arms_share))
                    for r in rows.astype(object).itertuples()
                ),
                (TOP100,),
                formats={"arms revenue US$ m": "{:,.0f}", "arms % of revenue": "{:.0f}"},
                note="Arms revenue: sales of military goods and services, US$ million at "
                "current prices; companies are listed under the country of their headquarters.",
            )
        )  # fmt: skip
    years = tuple(range(first, last + 1))
    section.charts.append(
        Chart(
            "chart-industry-revenue",
            f"Arms revenue of {ctx.name}'s companies in the SIPRI Top 100, {first}-{last}",
            "bar",
            years,
            {
                "arms revenue (US$ m, current)": tuple(
                    None if v != v else float(v) for v in own.loc[list(years), "arms_revenue"]
                )
            },
            "year",
            "US$ million, current prices",
            (TOP100,),
            note="Chinese companies are in the Top 100 from 2015 only (SIPRI).",
        )
    )
    for note in result.notes:
        if "China" not in note:
            section.notes.append(Note(f"{note}.", (ARMS,)))
    return section
