"""The summary: headline figures, each cited (CETI, GFP, SIPRI spending, arms exports, partners)."""

from __future__ import annotations

from powerscope.brief.sections.context import PARTNER_SOURCES, BriefContext, ordinal, period_text
from powerscope.brief.sections.model import Fact, Section
from powerscope.errors import PowerscopeError


def summary_section(ctx: BriefContext) -> Section:
    """Headline figures, each cited: CETI, GFP, SIPRI spending, arms exports, partners."""
    section = Section("summary", "Summary")
    profile = ctx.ceti_profile
    if profile is not None:
        head = profile["index"]
        section.facts.append(
            Fact(
                "Technology (Belfer CETI 2025)",
                f"{ordinal(head['rank'])} of {head['of']}, score {head['score']:.1f} of 100",
                ("belfer_ceti",),
                raw={"rank": head["rank"], "score": head["score"]},
            )
        )
        section.data["ceti_rank"] = head["rank"]
    else:
        section.facts.append(
            Fact("Technology (Belfer CETI 2025)", "not covered", ("belfer_ceti",), raw=None)
        )
    gfp = ctx.military["measures"]["gfp"]
    section.facts.append(
        Fact(
            "Military strength (Global Firepower 2026)",
            f"{ordinal(gfp['rank'])} of {gfp['of']}"
            + (f", PowerIndex {gfp['value']:.4f}" if gfp["value"] is not None else ""),
            ("gfp",),
            raw={"rank": gfp["rank"], "value": gfp["value"]},
        )
    )
    section.data["gfp_rank"] = gfp["rank"]
    milex = ctx.military["measures"]["milex"]
    if milex["rank"] is not None:
        value = f"{ordinal(milex['rank'])} in {milex['year']}, US${milex['value'] / 1000:.1f} bn"
        value += " (constant 2023 US$)"
    else:
        value = f"no data for {milex['year']}"
    section.facts.append(
        Fact(
            "Military spending (SIPRI)",
            value,
            ("sipri_milex",),
            raw={"rank": milex["rank"], "usd_m": milex["value"], "year": milex["year"]},
        )
    )
    section.data["milex_rank"] = milex["rank"]
    from powerscope.arms.analytics import shares

    span = ctx.arms_periods[-1]
    table = shares(ctx.arms.deliveries, span)
    row = table[table["code"] == ctx.code]
    if row.empty:
        value, raw = f"none recorded in {period_text(span)}", None
    else:
        share, rank = float(row["share"].iloc[0]), int(row["rank"].iloc[0])
        value, raw = (
            f"{share:.2f}% of world exports, {ordinal(rank)}, {period_text(span)}",
            {
                "share": share,
                "rank": rank,
            },
        )
    section.facts.append(Fact("Arms exports (SIPRI)", value, ("sipri_arms",), raw=raw))
    section.data["arms"] = raw
    try:
        partners = ctx.like_minded["partners"][:3]
    except PowerscopeError as exc:
        section.facts.append(Fact("Top like-minded partners", f"n/a ({exc.what})", ()))
    else:
        names = [p["name"] for p in partners]
        section.facts.append(
            Fact("Top like-minded partners", ", ".join(names), PARTNER_SOURCES, raw=names)
        )
        section.data["partners"] = [p["code"] for p in partners]
    section.commands = [f"powerscope country {ctx.code}", f"powerscope military profile {ctx.code}"]
    return section
