"""``powerscope align``: UN vote agreement, ideal points, distances and like-minded partners."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from powerscope.cli.common import Format, emit, json_default, parse_weights, records

if TYPE_CHECKING:
    from powerscope.data.store import Store

app = typer.Typer(help="Alignment: UN votes, ideal points, alliances, institutions, partners.")

Fmt = Annotated[Format, typer.Option("--format", help="table, json or csv.")]
Output = Annotated[Path | None, typer.Option(help="Write to this file.")]


def _years(start: int | None, end: int | None) -> tuple[int, int] | None:
    if start is None and end is None:
        return None
    from powerscope.errors import SpecError

    if start is None or end is None or end < start:
        raise SpecError(
            "give both --from and --to, with --from <= --to", fix="e.g. --from 1991 --to 2019"
        )
    return start, end


def _votes_source(store: Store | None = None) -> dict[str, Any]:
    """The UN votes' source line and citations (each dataset's edition and data years)."""
    from powerscope.alignment.service import votes_citations
    from powerscope.data.catalog import cite_all

    cited = votes_citations(store)
    return {"source": f"Source: {cite_all(cited)}", "citations": [c.to_dict() for c in cited]}


@app.command("agreement")
def align_agreement(
    country: Annotated[str, typer.Argument(help="Country name or code, e.g. KOR.")],
    year: Annotated[int | None, typer.Option(help="One year of UN votes.")] = None,
    start: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    end: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    issue: Annotated[
        str | None, typer.Option(help="Issue category: me, nu, di, hr, co, ec.")
    ] = None,
    top: Annotated[int, typer.Option(help="How many partners (0 = all).")] = 0,
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """A country's UN General Assembly vote agreement with every other country."""
    from powerscope.alignment.agreement import agreement_with, load
    from powerscope.countries import name_of, resolve
    from powerscope.data.store import open_store

    code = resolve(country, where="country argument")
    store = open_store()
    data = load(store)
    cited = _votes_source(store)
    frame = agreement_with(
        code, data.votes, data.calls, data.issues, year=year, years=_years(start, end), issue=issue
    )
    frame = frame.head(top) if top else frame
    frame.insert(1, "name", [name_of(c) for c in frame["partner"]])
    payload = {"code": code, "selection": frame.attrs.get("selection"), "roll_calls": frame.attrs.get("roll_calls"),
               **cited, "partners": records(frame)}  # fmt: skip
    emit(
        frame,
        payload,
        fmt,
        output,
        title=f"UN vote agreement of {code}: {payload['selection']}",
        caption=cited["source"],
    )


@app.command("idealpoints")
def align_idealpoints(
    start: Annotated[int, typer.Option("--from", help="First year.")] = 1946,
    end: Annotated[
        int | None, typer.Option("--to", help="Last year (default: the last year of votes).")
    ] = None,
    country: Annotated[str | None, typer.Option(help="Only this country.")] = None,
    fmt: Fmt = Format.csv,
    output: Output = None,
) -> None:
    """Dynamic ideal points from UN votes (the US pole positive), with 90% intervals."""
    from powerscope.alignment.service import idealpoints, last_vote_year

    end = last_vote_year() if end is None else end
    frame = idealpoints(start, end, country=country)
    cited = _votes_source()
    payload = {"from": start, "to": end, **cited, "rows": records(frame)}
    emit(frame, payload, fmt, output, title=f"UN ideal points {start}-{end}",
         caption=cited["source"])  # fmt: skip


@app.command("distance")
def align_distance(
    country: Annotated[str, typer.Argument(help="First country, e.g. KOR.")],
    others: Annotated[
        list[str], typer.Argument(help="One or more other countries, e.g. USA JPN CHN.")
    ],
    start: Annotated[int, typer.Option("--from", help="First year.")] = 1991,
    end: Annotated[
        int | None, typer.Option("--to", help="Last year (default: the last year of votes).")
    ] = None,
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """Distance between countries' UN ideal points, year by year, with intervals."""
    from powerscope.alignment.service import distances, last_vote_year

    end = last_vote_year() if end is None else end
    frame = distances(country, others, start, end)
    cited = _votes_source()
    payload = {"from": start, "to": end, **cited, "rows": records(frame)}
    emit(
        frame,
        payload,
        fmt,
        output,
        title=f"Ideal-point distance from {country}",
        caption=cited["source"],
    )


@app.command("partners")
def align_partners(
    country: Annotated[str, typer.Argument(help="The focal country, e.g. KOR.")],
    weights: Annotated[
        str | None,
        typer.Option(
            help="Component weights, e.g. 'un_votes=0.5,...'; alliance obligations as "
            "'alliance/defence=...,alliance/consultation=...,alliance/nonaggression=...'."
        ),
    ] = None,
    renormalise: Annotated[
        bool, typer.Option(help="Rescale weights that do not sum to 1.")
    ] = False,
    runs: Annotated[
        int, typer.Option(help="Uncertainty runs for rank intervals (0 = none).")
    ] = 1000,
    years: Annotated[
        str | None,
        typer.Option(help="Years of UN votes, e.g. 2021-2025 (default: the last five full years)."),
    ] = None,
    trend_years: Annotated[
        int, typer.Option(help="Years of the UN agreement trend, ending with --years.")
    ] = 10,
    institutions: Annotated[Path | None, typer.Option(help="Your own institutions YAML.")] = None,
    top: Annotated[int, typer.Option(help="How many partners (0 = all).")] = 30,
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """Rank every country by like-mindedness with a focal country, with the evidence, every
    component's data years and the trend of UN vote agreement (converging or drifting apart)."""
    import pandas as pd

    from powerscope.alignment.partners import parse_years
    from powerscope.alignment.service import like_minded
    from powerscope.countries import resolve

    code = resolve(country, where="country argument")
    window = parse_years(years) if years is not None else None
    report = like_minded(code, weights=parse_weights(weights), renormalise=renormalise, runs=runs,
                         years=window, trend_years=trend_years,
                         institutions=institutions)  # fmt: skip
    partners = report["partners"][:top] if top else report["partners"]
    if fmt is Format.json:
        from powerscope.cli.common import write_output

        write_output(
            json.dumps({**report, "partners": partners}, indent=1, default=json_default), output
        )
        return
    data_years = report["years"]
    rows = []
    for p in partners:
        row = {"rank": p["rank"], "code": p["code"], "name": ("* " if p["named_like_minded"] else "") + p["name"],
               "score": p["score"]}  # fmt: skip
        if "median_rank" in p:
            row["interval"] = f"{p['q05_rank']:.0f}-{p['q95_rank']:.0f}"
        ev = p["evidence"]
        for k, v in p["components"].items():
            row[f"{k} {data_years.get(k, '')}".strip()] = v
        slope = ev.get("un_trend_pp_per_year")
        row[f"UN trend {data_years['un_trend']} pp/yr"] = None if slope is None else round(slope, 1)
        row["trend"] = ev.get("un_trend", "")
        row["ATOP obligations"] = ev["alliance"].replace(" pact", "")
        row[f"embassies {data_years.get('embassies', '')}".strip()] = ev.get("embassy", "")
        row["institutions"] = ev["institutions"]
        rows.append(row)
    frame = pd.DataFrame(rows)
    caption = (
        "* named like-minded (US, Japan, Australia, New Zealand, EU). Component scores 0-100; "
        "data years in the headers. UN trend: Theil-Sen slope of the yearly agreement, "
        f"converging {report['trend']['converging']}, drifting apart "
        f"{report['trend']['drifting apart']} pp/yr. Alliance: "
        f"{report['notes']['alliance']}. " + report["source"]
    )
    emit(
        frame,
        report,
        fmt,
        output,
        title=f"Like-minded partners of {report['name']}",
        caption=caption,
    )


@app.command("ties")
def align_ties(
    country: Annotated[str, typer.Argument(help="The focal country, e.g. KOR.")],
    peers: Annotated[
        str | None, typer.Option(help="Peers to compare with, e.g. 'JPN,AUS,TUR,IND'.")
    ] = None,
    start: Annotated[
        int | None, typer.Option("--from", help="First year of UN votes (default 2000).")
    ] = None,
    end: Annotated[
        int | None, typer.Option("--to", help="Last year of UN votes (default: the last).")
    ] = None,
    regions: Annotated[Path | None, typer.Option(help="Your own regions YAML.")] = None,
    institutions: Annotated[Path | None, typer.Option(help="Your own institutions YAML.")] = None,
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """Ties beyond the West: embassies, trade agreements, forums and UN vote agreement by
    region (and with the G77), and where the country is thin against its peers."""
    from powerscope.alignment.ties import ties
    from powerscope.data.store import open_store

    if (start is None) != (end is None):
        from powerscope.alignment.service import last_vote_year
        from powerscope.alignment.ties import FIRST_YEAR

        start = FIRST_YEAR if start is None else start
        end = last_vote_year() if end is None else end
    listed = [p.strip() for p in (peers or "").split(",") if p.strip()]
    result = ties(country, open_store(), peers=listed, years=_years(start, end), regions=regions,
                  institutions=institutions)  # fmt: skip
    payload = result.to_dict()
    if fmt is not Format.table:
        emit(result.frame(), payload, fmt, output)
        return
    import pandas as pd

    latest = result.editions[-1] if result.editions else None
    rows = []
    for r in payload["regions"]:
        row: dict[str, Any] = {"region": r["name"], "members": r["members"]}
        if latest:
            row[f"embassies {latest}"] = r["embassies"].get(latest)
            row["embassy %"] = r["embassy_share"]
        if result.agreements_year is not None:
            row["agreements"] = r["agreements"]
        row["forums"] = ", ".join(r["forums"])
        row[f"UN agreement % {result.window[0]}-{result.window[1]}"] = r["vote_agreement"]
        if result.peers:
            row["peers' median %"] = r["peer_median"].get("vote_agreement")
            row["thin vs peers"] = ", ".join(r["thin"])
        rows.append(row)
    peers_text = f" (peers: {', '.join(result.peers)})" if result.peers else ""
    caption = " ".join([*(f"Note: {n}." for n in result.notes), payload["source"]])
    emit(
        pd.DataFrame(rows),
        payload,
        fmt,
        output,
        title=f"Ties beyond the West of {payload['name']}{peers_text}",
        caption=caption,
    )
