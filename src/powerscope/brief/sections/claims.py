"""Claims checked: the shipped claims that concern the country, with the checker's verdicts."""

from __future__ import annotations

from powerscope.brief.sections.context import BriefContext, ids
from powerscope.brief.sections.model import Fact, Note, Section, Table
from powerscope.errors import PowerscopeError


def claims_section(ctx: BriefContext) -> Section:
    """The shipped claims that concern the country, with the checker's verdicts."""
    from powerscope.claims import check_claims, load_claims
    from powerscope.countries import resolve

    section = Section("claims", "Claims checked")
    section.commands = ["powerscope claims check"]
    concerning = []
    for claim in load_claims():
        check = claim.get("check") or {}
        named = [check.get(k) for k in ("country", "other") if check.get(k)]
        try:
            codes = {resolve(n, where=f"claim {claim['id']}") for n in named}
        except PowerscopeError:
            codes = set()
        if ctx.code in codes:
            concerning.append(claim)
    if not concerning:
        section.notes.append(
            Note(f"None of the claims shipped with powerscope concerns {ctx.name}.")
        )
        return section
    verdicts = check_claims(concerning, store=ctx.store, arms=ctx.arms)  # read once per brief
    section.data["verdicts"] = {v.id: v.verdict for v in verdicts}
    rows, row_sources = [], []
    for v in verdicts:
        stated = "-".join(str(s) for s in v.stated) if isinstance(v.stated, list) else v.stated
        rows.append((v.statement, stated, v.computed, v.verdict, v.edition or "", v.note))
        row_sources.append(("powerscope_claims", *ids(v.citations)))
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[v.verdict] = counts.get(v.verdict, 0) + 1
    section.facts.append(
        Fact(
            "Verdicts",
            ", ".join(f"{n} {k}" for k, n in counts.items()),
            ("powerscope_claims",),
            raw=counts,
        )
    )
    section.tables.append(
        Table(
            f"Claims about {ctx.name}: stated vs computed, with the data edition",
            ("claim", "stated", "computed", "verdict", "edition", "note"),
            tuple(rows),
            (),
            formats={"computed": "{:g}"},
            row_sources=tuple(row_sources),
        )
    )
    return section
