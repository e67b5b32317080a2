"""Ties beyond the West: embassies, trade agreements, forums and UN vote agreement by region,
and the regions where the country's network is thinnest against its peers."""

from __future__ import annotations

from typing import Any

from powerscope.brief.sections.context import BriefContext, ids
from powerscope.brief.sections.model import Chart, Fact, Note, Section, Table
from powerscope.errors import PowerscopeError


def _count(count: Any, share: Any) -> str:
    if count is None:
        return ""
    return f"{count} ({share:.0f}%)" if share is not None else str(count)


def ties_section(ctx: BriefContext) -> Section:
    """The regions table (the country against its default peers), the thinnest regions and
    vote agreement by region over time."""
    from powerscope.alignment.ties import DEFAULT_PEERS, MEASURE_NAMES, ties

    section = Section("ties", "Ties beyond the West")
    peers = [p for p in DEFAULT_PEERS if p != ctx.code]
    section.commands = [f"powerscope align ties {ctx.code} --peers {','.join(peers)}"]
    try:
        result = ties(ctx.code, ctx.store, peers=peers)
    except PowerscopeError as exc:
        section.notes.append(Note(f"Ties by region are not available: {exc}"))
        return section
    payload = result.to_dict()
    cited = ids(result.citations)
    votes = tuple(c for c in cited if c.startswith("unvotes"))
    latest = result.editions[-1] if result.editions else None
    w0, w1 = result.window
    rows = []
    for r in payload["regions"]:
        rows.append(
            (
                r["name"],
                r["members"],
                _count(r["embassies"].get(latest) if latest else None, r["embassy_share"]),
                _count(r["agreements"], r["agreement_share"]),
                ", ".join(r["forums"]) or "none",
                r["vote_agreement"],
                r["peer_median"].get("vote_agreement"),
                ", ".join(MEASURE_NAMES[m] for m in r["thin"]),
            )
        )
    section.tables.append(
        Table(
            f"Ties of {ctx.name} by region, against {', '.join(peers)} (thin: below the peers' "
            "median)",
            (
                "region",
                "members",
                f"embassies (GDI {latest})" if latest else "embassies",
                f"trade agreements ({result.agreements_year})"
                if result.agreements_year
                else "trade agreements",
                "shared forums",
                f"UN vote agreement % {w0}-{w1}",
                "peers' median %",
                "thin vs peers",
            ),
            tuple(rows),
            cited,
            formats={f"UN vote agreement % {w0}-{w1}": "{:.1f}", "peers' median %": "{:.1f}"},
            note="Embassies: members hosting an embassy or high commission of the country (Lowy "
            "Institute Global Diplomacy Index); trade agreements: members with at least one "
            "agreement in force (DESTA; multilateral entries such as the Global System of Trade "
            "Preferences count); forums: the curated institutional ties taking in at least half "
            "the members (curated for the South Korean debate: peers' own forums are missing); "
            "UN vote agreement: mean share of roll calls voted alike with the members.",
        )
    )
    section.data = {
        "peers": peers,
        "thin": {r["id"]: r["thin"] for r in payload["regions"]},
        "vote_agreement": {r["id"]: r["vote_agreement"] for r in payload["regions"]},
        "embassy_share": {r["id"]: r["embassy_share"] for r in payload["regions"]},
    }
    thinnest = result.thinnest(3)
    section.data["thinnest"] = list(thinnest["region"])
    for row in thinnest.to_dict(orient="records"):
        parts = []
        for measure in row["thin"]:
            own, median = float(row[measure]), float(row[f"peer_median_{measure}"])
            unit = "" if measure == "forums" else "%"
            parts.append(
                f"{MEASURE_NAMES[measure]} {own:.0f}{unit} (peers' median {median:.0f}{unit})"
            )
        label = f"Thin: {row['region_name']}"
        section.facts.append(Fact(label, "; ".join(parts), cited, raw=list(row["thin"])))
    # the thinnest regions and the G77 (every region when none is thin): a legible chart
    shown = set(section.data["thinnest"]) or {r["id"] for r in payload["regions"]}
    series = {
        r["name"]: {int(y): v for y, v in r["vote_agreement_by_year"].items()}
        for r in payload["regions"]
        if r["id"] in shown or r["comparison"]
    }
    years = sorted({y for s in series.values() for y in s})
    if years:
        section.charts.append(
            Chart(
                "chart-ties-votes",
                f"UN General Assembly vote agreement of {ctx.name} with its thinnest regions "
                f"and the G77, {years[0]}-{years[-1]}",
                "line",
                tuple(years),
                {k: tuple(v.get(y) for y in years) for k, v in series.items()},
                "year",
                "mean % of roll calls voted alike",
                votes,
            )
        )
    for note in result.notes:
        section.notes.append(Note(f"{note}."))
    return section
