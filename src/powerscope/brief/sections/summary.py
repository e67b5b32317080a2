"""The summary: headline figures, each cited (CETI, GFP, SIPRI spending, arms exports, partners)."""

from __future__ import annotations

from powerscope.brief.sections.context import BriefContext, ids, ordinal
from powerscope.brief.sections.model import Fact, Section
from powerscope.profile import Unavailable


def summary_section(ctx: BriefContext) -> Section:
    """Headline figures, each cited: CETI, GFP, SIPRI spending, arms exports, partners."""
    section = Section("summary", "Summary")
    tech = ctx.technology
    ceti = ctx.ceti_citation
    label = f"Technology ({ceti.short})"
    if not isinstance(tech, Unavailable):
        section.facts.append(
            Fact(
                label,
                f"{ordinal(tech.rank)} of {tech.of}, score {tech.score:.1f} of 100",
                ids(tech.citations),
                raw={"rank": tech.rank, "score": tech.score},
            )
        )
        section.data["ceti_rank"] = tech.rank
    else:
        section.facts.append(Fact(label, "not covered", ids([ceti]), raw=None))
    _military(ctx, section)
    arms = ctx.arms_profile
    if isinstance(arms, Unavailable):
        value, raw = f"n/a ({arms.reason})", None
    elif arms.current is None:
        value, raw = f"none recorded in {arms.period}", None
    else:
        share, rank = arms.current.share, arms.current.rank
        value = f"{share:.2f}% of world exports, {ordinal(rank)}, {arms.period}"
        raw = {"share": share, "rank": rank}
    cited = ("sipri_arms",) if isinstance(arms, Unavailable) else ids(arms.citations)
    section.facts.append(Fact("Arms exports (SIPRI)", value, cited, raw=raw))
    section.data["arms"] = raw
    alignment = ctx.alignment
    if isinstance(alignment, Unavailable):
        section.facts.append(Fact("Top like-minded partners", f"n/a ({alignment.reason})", ()))
    else:
        partners = alignment.partners[:3]
        names = [p.name for p in partners]
        section.facts.append(
            Fact("Top like-minded partners", ", ".join(names), ids(alignment.citations), raw=names)
        )
        section.data["partners"] = [p.code for p in partners]
    section.commands = [f"powerscope country {ctx.code}", f"powerscope military profile {ctx.code}"]
    return section


def _military(ctx: BriefContext, section: Section) -> None:
    """The GFP rank and SIPRI spending."""
    military = ctx.military
    if isinstance(military, Unavailable):
        section.facts.append(Fact("Military strength", f"n/a ({military.reason})", ("gfp",)))
        return
    gfp = military.measures["gfp"]
    section.facts.append(
        Fact(
            f"Military strength ({gfp.citations[0].short})",
            f"{ordinal(gfp.rank)} of {gfp.of}"
            + (f", PowerIndex {gfp.value:.4f}" if gfp.value is not None else ""),
            ids(gfp.citations),
            raw={"rank": gfp.rank, "value": gfp.value},
        )
    )
    section.data["gfp_rank"] = gfp.rank
    milex = military.measures["milex"]
    if milex.rank is not None and milex.value is not None:
        value = f"{ordinal(milex.rank)} in {milex.year}, US${milex.value / 1000:.1f} bn"
        value += " (constant 2023 US$)"
    else:
        value = f"no data for {milex.year}"
    section.facts.append(
        Fact(
            "Military spending (SIPRI)",
            value,
            ids(milex.citations),
            raw={"rank": milex.rank, "usd_m": milex.value, "year": milex.year},
        )
    )
    section.data["milex_rank"] = milex.rank
