"""``powerscope military``: GFP, SIPRI spending, CINC and the open index, side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from powerscope.cli.common import Format, cell, console, emit, json_default, records

app = typer.Typer(help="Military strength: Global Firepower explained, SIPRI, COW, an open index.")

Fmt = Annotated[Format, typer.Option("--format", help="table, json or csv.")]
Output = Annotated[Path | None, typer.Option(help="Write to this file.")]


@app.command("rank")
def military_rank(
    measure: Annotated[str, typer.Option(help="gfp, milex, cinc or open.")] = "gfp",
    year: Annotated[int | None, typer.Option(help="Year (default: the latest).")] = None,
    top: Annotated[int, typer.Option(help="How many to list (0 = all).")] = 25,
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """Rank countries on one measure of military strength."""
    from powerscope.military.measures import rank

    ranking = rank(measure, year)
    frame = ranking.table.head(top) if top else ranking.table
    payload = {"measure": measure, "year": ranking.year, "unit": ranking.unit,
               "source": ranking.source, "citations": [c.to_dict() for c in ranking.citations],
               "rows": records(frame)}  # fmt: skip
    emit(
        frame,
        payload,
        fmt,
        output,
        title=f"Military strength: {measure} ({ranking.year})",
        caption=str(payload.get("source", "")),
    )


@app.command("compare")
def military_compare(
    top: Annotated[int, typer.Option(help="How many to list (0 = all).")] = 25,
    movers: Annotated[
        bool, typer.Option(help="List the countries that move most, and why.")
    ] = False,
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """GFP, SIPRI spending, CINC and open-index ranks side by side (or the largest movers)."""
    from powerscope.data.catalog import cite_all
    from powerscope.military import measures

    frame = measures.movers(n=top or 20) if movers else measures.side_by_side()
    frame = frame.head(top) if top and not movers else frame
    cited = measures.citations()
    payload = {"source": f"Source: {cite_all(cited)}", "citations": [c.to_dict() for c in cited],
               "rows": records(frame)}  # fmt: skip
    title = "Open index vs Global Firepower: largest moves" if movers else "Ranks side by side"
    emit(frame, payload, fmt, output, title=title, caption=str(payload.get("source", "")))


@app.command("explain-gfp")
def military_explain_gfp(
    model: Annotated[str, typer.Option(help="ridge, lasso or nnls.")] = "ridge",
    country: Annotated[
        str | None, typer.Option(help="Explain one country's rank, e.g. KOR.")
    ] = None,
    impute: Annotated[
        str | None, typer.Option(help="Impute missing factor values (median); flagged.")
    ] = None,
    top: Annotated[int, typer.Option(help="How many factors to list.")] = 15,
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """A transparent statistical model of Global Firepower's PowerIndex from its factors."""
    from powerscope.military.service import explain_gfp

    report = explain_gfp(model=model, country=country, impute=impute, top=top)
    frame = report.pop("_frame")
    emit(frame, report, fmt, output, title=report["title"], caption=str(report.get("source", "")))


@app.command("profile")
def military_profile(
    country: Annotated[str, typer.Argument(help="Country name or code, e.g. KOR.")],
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """One country on every measure, with spending and CINC over time."""
    from powerscope.countries import resolve
    from powerscope.military.measures import profile

    code = resolve(country, where="country argument")
    report = profile(code)
    if fmt is Format.json:
        typer.echo(json.dumps(report, indent=1, default=json_default))
        return
    from rich.table import Table

    out = console()
    table = Table(title=f"{code}: military strength on four measures")
    for col in ("measure", "value", "rank", "of", "year", "source"):
        table.add_column(col)
    cited: dict[str, str] = {}
    for name, m in report["measures"].items():
        value = m["value"]
        # a measure that does not cover the country (SIPRI has no recent Venezuela): empty cells
        shown = "" if value is None else cell(value) if value >= 1 else f"{value:.4g}"
        rank = "" if m["rank"] is None else str(m["rank"])
        source = "; ".join(c["short"] for c in m["citations"])
        table.add_row(name, shown, rank, str(m["of"]), str(m["year"]), source)
        cited.update((c["dataset"], c["text"]) for c in m["citations"])
    out.print(table)
    out.print("Sources: " + "; ".join(cited.values()))
    trend = Table(title="SIPRI military expenditure")
    for col in ("year", "constant 2023 US$ m", "% of GDP", "per capita US$"):
        trend.add_column(col, justify="right")
    for r in report["milex_trend"]:
        trend.add_row(str(r["year"]), cell(r["constant_2023_usd_m"]),
                      cell(r["share_of_gdp_pct"]), cell(r["per_capita_usd"]))  # fmt: skip
    out.print(trend)
