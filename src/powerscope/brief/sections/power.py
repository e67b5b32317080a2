"""Comprehensive power: the country's rank in the open power index over time, its 5-95% rank
band, the measures that moved it, and its gaps to peers."""

from __future__ import annotations

from powerscope.brief.sections.context import BriefContext, ids, ordinal
from powerscope.brief.sections.model import Chart, Fact, Note, Section, Table
from powerscope.errors import PowerscopeError

#: Monte Carlo runs of the rank band in a brief (the band of 200 runs is stable to a rank;
#: ``powerscope index trend`` runs 1000 by default)
POWER_RUNS = 200
#: the peers a country is compared with (the country itself is left out)
PEERS = ("JPN", "CHN", "AUS", "IND", "KOR")


def _signed(value: float) -> str:
    return f"{value:+.1f}"


def _places(value: float) -> str:
    """A change of rank with its sign, ``0`` unsigned."""
    return "0" if round(value) == 0 else f"{value:+.0f}"


def _rank(value: float) -> int | None:
    """A rank as an int, None where the measure has no data."""
    return None if value != value else int(value)


def power_section(ctx: BriefContext) -> Section:
    """Rank and rank band 2000-2024, the measures that moved it, gaps to JPN, CHN, AUS, IND."""
    from powerscope.index.panel import rank_change_uncertainty, trend
    from powerscope.power.analysis import peer_gaps, power_spec, rank_drivers, rank_history

    section = Section("power", "Comprehensive power")
    peers = [p for p in PEERS if p != ctx.code][:4]
    section.commands = [
        f"powerscope index trend power {ctx.code} {' '.join(peers)} --from 2000 --to 2024",
        "powerscope index compute power --year 2024",
        "powerscope index compare-years power --from 2000 --to 2024",
    ]
    try:
        result = ctx.power
    except PowerscopeError as exc:
        section.notes.append(Note(f"The open power index is not available: {exc}"))
        return section
    if ctx.code not in result.codes:
        section.notes.append(Note(f"{ctx.name} is not a unit of the open power index."))
        return section
    src = ids(result.citations)
    runs = min(ctx.runs, POWER_RUNS)
    band = trend(power_spec(), [ctx.code], runs=runs, seed=ctx.seed, store=ctx.store)
    band = band[band["rank"].notna()]
    history = rank_history(result, ctx.code)
    first, last = int(history["year"].min()), int(history["year"].max())
    counts = result.frame.groupby("year")["code"].size()
    at = band.set_index("year")
    r0, r1 = int(at.loc[first, "rank"]), int(at.loc[last, "rank"])
    s0, s1 = float(at.loc[first, "score"]), float(at.loc[last, "score"])
    q05, q95 = float(at.loc[last, "q05_rank"]), float(at.loc[last, "q95_rank"])
    section.data.update(
        rank=r1, rank_first=r0, first=first, last=last, of=int(counts[last]),
        band=(q05, q95), ranks={int(y): int(r) for y, r in zip(at.index, at["rank"], strict=True)},
    )  # fmt: skip
    section.facts.append(
        Fact(
            f"Open comprehensive-power index, {last}",
            f"{ordinal(r1)} of {int(counts[last])} states (score {s1:.1f} of 100; 5-95% rank "
            f"band {q05:.0f}-{q95:.0f} over {runs} runs)",
            src,
            raw=r1,
        )
    )
    section.facts.append(
        Fact(f"Rank {first} -> {last}", f"{ordinal(r0)} -> {ordinal(r1)}", src, raw=(r0, r1))
    )
    section.charts.append(
        Chart(
            "chart-power-rank",
            f"{ctx.name} in the open comprehensive-power index, {first}-{last}",
            "line",
            tuple(int(y) for y in at.index),
            {
                "rank": tuple(float(v) for v in at["rank"]),
                "5th percentile rank": tuple(float(v) for v in at["q05_rank"]),
                "95th percentile rank": tuple(float(v) for v in at["q95_rank"]),
            },
            "year",
            "rank (1 = most powerful)",
            src,
            note=f"Rank band: {runs} runs varying the measure and indicator weights (+/-25%) "
            "and the normalisation, the same runs for every year.",
        )
    )
    # is the move robust? the rank change over the same runs, taken run by run
    moves = rank_change_uncertainty(
        power_spec(), first=first, last=last, runs=runs, seed=ctx.seed, store=ctx.store
    ).set_index("code")
    if ctx.code in moves.index:
        move = moves.loc[ctx.code]
        up, down = float(move["share_up"]), float(move["share_down"])
        lo, hi = float(move["change_q05"]), float(move["change_q95"])
        section.data["move"] = {"share_up": up, "share_down": down, "band": (lo, hi)}
        section.notes.append(
            Note(
                f"Is the move robust? Over the same {runs} runs (other weights and "
                f"normalisations), {ctx.name} climbs between {first} and {last} in {up:.0%} of "
                f"them and falls in {down:.0%}; the 5-95% band of its rank change is "
                f"{_places(lo)} to {_places(hi)} places (positive: up).",
                src,
            )
        )
    drivers = rank_drivers(result, ctx.code, first, last)
    section.data["drivers"] = list(drivers.index)
    section.tables.append(
        Table(
            f"The measures that moved {ctx.name}'s score, {first} -> {last} (measure scores "
            "0-100 and ranks among all states; contribution change in index points)",
            (
                "measure",
                f"score {first}",
                f"score {last}",
                f"rank {first}",
                f"rank {last}",
                "contribution change",
            ),
            tuple(
                (
                    m,
                    row["score_first"],
                    row["score_last"],
                    _rank(row["rank_first"]),
                    _rank(row["rank_last"]),
                    row["contribution_change"],
                )
                for m, row in drivers.iterrows()
            ),
            src,
            formats={
                f"score {first}": "{:.1f}",
                f"score {last}": "{:.1f}",
                "contribution change": "{:+.2f}",
            },
        )
    )
    missing = [m for m, row in drivers.iterrows() if row["score_last"] != row["score_last"]]
    if missing:
        section.notes.append(
            Note(
                f"{ctx.name} has no data for {', '.join(missing)} in {last}: its score is the "
                "weighted mean of the other measures (the weights rescaled).",
                src,
            )
        )
    up = drivers[drivers["contribution_change"] > 0].head(2)
    moved = " and ".join(f"{m} ({_signed(v)} points)" for m, v in up["contribution_change"].items())
    section.notes.append(
        Note(
            f"{ctx.name} ranked {ordinal(r0)} of {int(counts[first])} states in {first} and "
            f"{ordinal(r1)} of {int(counts[last])} in {last} (score {s0:.1f} -> {s1:.1f})"
            + (f"; the largest gains came from {moved}." if moved else "."),
            src,
        )
    )
    gaps_last = peer_gaps(result, ctx.code, peers, last).set_index("peer")
    gaps_first = peer_gaps(result, ctx.code, peers, first).set_index("peer")
    section.tables.append(
        Table(
            f"Gaps to peers, {last} (index points; negative: the peer scores higher)",
            (
                "peer",
                f"peer rank {last}",
                f"gap {first}",
                f"gap {last}",
                "largest measure",
                "its gap",
            ),
            tuple(
                (
                    p,
                    int(gaps_last.loc[p, "peer_rank"]),
                    gaps_first.loc[p, "gap"],
                    gaps_last.loc[p, "gap"],
                    gaps_last.loc[p, "largest_measure"],
                    gaps_last.loc[p, "largest_measure_gap"],
                )
                for p in peers
            ),
            src,
            formats={f"gap {first}": "{:+.1f}", f"gap {last}": "{:+.1f}", "its gap": "{:+.2f}"},
        )
    )  # fmt: skip
    section.data["gaps"] = {p: float(gaps_last.loc[p, "gap"]) for p in peers}
    for p in peers:
        g0, g1 = float(gaps_first.loc[p, "gap"]), float(gaps_last.loc[p, "gap"])
        section.notes.append(
            Note(
                f"Gap to {p}: {_signed(g0)} index points in {first}, {_signed(g1)} in {last}; "
                f"the largest difference in one measure is "
                f"{gaps_last.loc[p, 'largest_measure']} "
                f"({_signed(float(gaps_last.loc[p, 'largest_measure_gap']))} points for "
                f"{ctx.name}).",
                src,
            )
        )
    section.notes.append(
        Note(
            "Alliances (ATOP, to 2018), trade agreements (DESTA, to 2020) and IGO memberships "
            "(COW, to 2014) are held at their last value to 2024, flagged. Diplomatic "
            "influence rests on IGO memberships alone before 2016, when Lowy's embassy counts "
            "start, so its change across 2016 mixes new data with new influence. Governance "
            "and cultural influence are not measured.",
            ("atop", "desta", "cow_igo", "lowy_gdi"),
        )
    )
    return section
