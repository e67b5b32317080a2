"""Technology: the CETI's sector scores and ranks, their robustness, and the gap to China."""

from __future__ import annotations

from powerscope.brief.sections.context import BriefContext, ids, ordinal
from powerscope.brief.sections.model import Chart, Fact, Note, Section, Table
from powerscope.profile import Unavailable


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
    tech = ctx.technology
    result = ctx.ceti
    ceti = ctx.ceti_citation
    src = ids(result.citations)
    if isinstance(tech, Unavailable):
        section.notes.append(
            Note(
                f"The {ceti.short} does not cover {ctx.name}; it covers {len(result.codes)} "
                "entities: " + ", ".join(result.names) + ".",
                src,
            )
        )
        return section
    section.facts += [
        Fact(
            "Overall rank (Europe counted)",
            f"{ordinal(tech.rank)} of {tech.of}",
            src,
            raw=tech.rank,
        ),
        Fact(
            "Overall rank (aggregates excluded)",
            f"{ordinal(tech.rank_excluding_aggregates)} of {tech.of_countries} countries",
            src,
            raw=tech.rank_excluding_aggregates,
        ),
        Fact("Overall score", f"{tech.score:.1f} of 100", src, raw=tech.score),
    ]
    section.data.update(
        rank=tech.rank,
        rank_excluding_aggregates=tech.rank_excluding_aggregates,
        score=tech.score,
        sectors={s.name: {"rank": s.rank, "score": s.score} for s in tech.sectors},
    )
    section.tables.append(
        Table(
            f"Sector scores and ranks (rank among {tech.of} entities, the aggregate Europe "
            "counted; contribution: points added to the overall score)",
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
                    s.name,
                    s.score,
                    s.rank,
                    s.rank_excluding_aggregates,
                    s.contribution,
                    f"{s.strongest} ({ordinal(s.strongest_rank)})",
                    f"{s.weakest} ({ordinal(s.weakest_rank)})",
                )
                for s in tech.sectors
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
            f"{ceti.short} sector scores: {ctx.name} and {rival_name}",
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
