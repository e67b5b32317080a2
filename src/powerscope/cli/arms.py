"""``powerscope arms``: SIPRI arms-transfer shares, ranks, profiles and comparisons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from powerscope.cli.common import Format, cell, console, emit, json_default, records

app = typer.Typer(help="Arms transfers (SIPRI): market shares, ranks, clients, trends.")

By = Annotated[str, typer.Option(help="supplier (exports) or recipient (imports).")]
Top = Annotated[int, typer.Option(help="How many to list (0 = all).")]
Fmt = Annotated[Format, typer.Option("--format", help="table, json or csv.")]
Output = Annotated[Path | None, typer.Option(help="Write to this file.")]


def _with_names(frame: Any) -> Any:
    from powerscope.arms.service import names

    frame.insert(1, "name", names(frame["code"]))
    return frame


@app.command("shares")
def arms_shares(
    period: Annotated[
        str | None,
        typer.Option(help="Years, e.g. 2017-2021 (default: the last five years of data)."),
    ] = None,
    top: Top = 25,
    by: By = "supplier",
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """Shares of world arms exports (or imports) and ranks in a period."""
    from powerscope.arms.analytics import parse_period, shares
    from powerscope.arms.service import latest_period, load

    data = load()
    span = parse_period(period) if period else latest_period(data)
    frame = shares(data.deliveries, span, by=by)
    frame = frame.head(top) if top else frame
    frame = _with_names(frame)[["code", "name", "tiv", "share", "rank"]]
    payload = {
        "period": f"{span[0]}-{span[1]}",
        "by": by,
        "unit": "TIV (SIPRI trend-indicator value, millions); share in percent of the world total",
        "edition": data.edition,
        "source": data.source,
        "rows": records(frame),
    }
    title = f"Largest arms {'exporters' if by == 'supplier' else 'importers'}, {span[0]}-{span[1]}"
    emit(
        frame,
        payload,
        fmt,
        output,
        title=title,
        caption=data.source + ". TIV in millions; share in %.",
    )


@app.command("compare")
def arms_compare(
    periods: Annotated[str, typer.Option(help="Comma-separated, e.g. 2012-2016,2017-2021.")],
    top: Top = 25,
    by: By = "supplier",
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """Shares and ranks in several periods, and the change between the first and the last."""
    from powerscope.arms.analytics import compare_periods, parse_period
    from powerscope.arms.service import load

    spans = [parse_period(p) for p in periods.split(",") if p.strip()]
    data = load()
    frame = compare_periods(data.deliveries, spans, by=by)
    frame = frame.head(top) if top else frame
    frame = _with_names(frame)
    payload = {"periods": [f"{a}-{b}" for a, b in spans], "by": by, "edition": data.edition,
               "source": data.source, "rows": records(frame)}  # fmt: skip
    emit(
        frame,
        payload,
        fmt,
        output,
        title=f"Arms {by}s: {periods}",
        caption=data.source + ". change in %.",
    )


@app.command("editions")
def arms_editions(
    period: Annotated[str, typer.Option(help="Years covered by both editions, e.g. 2017-2021.")],
    top: Top = 25,
    by: By = "supplier",
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """The same period's shares in two SIPRI editions (the 2025 register, the 2022 TIV tables)."""
    from powerscope.arms.analytics import compare_editions, parse_period, tiv_table_deliveries
    from powerscope.arms.service import load

    span = parse_period(period)
    data = load()
    comparison = compare_editions(
        tiv_table_deliveries(data.tiv_table), data.deliveries, span, ("2022", "2025"), by=by
    )
    frame = comparison.table.head(top) if top else comparison.table
    frame = _with_names(frame)
    payload = {"period": f"{span[0]}-{span[1]}", "editions": {"2022": data.tiv_edition,
               "2025": data.edition}, "source": data.source, "rows": records(frame)}  # fmt: skip
    emit(
        frame,
        payload,
        fmt,
        output,
        title=f"Shares {period} in two SIPRI editions",
        caption=data.source,
    )


@app.command("profile")
def arms_profile(
    country: Annotated[str, typer.Argument(help="Country name or code, e.g. KOR.")],
    period: Annotated[
        str | None,
        typer.Option(help="Period for clients and categories (default: the last five years)."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """A country's arms exports: shares and ranks over time, clients, categories, pending orders."""
    from powerscope.arms.service import load, profile
    from powerscope.countries import resolve

    code = resolve(country, where="country argument")
    data = load()
    report = profile(data, code, period)
    if fmt is Format.json:
        typer.echo(json.dumps(report, indent=1, default=json_default))
        return
    from rich.table import Table

    out = console()
    out.print(f"{report['name']} ({code}): arms exports. {data.source}")
    trend = Table(title="Five-year windows (exports)")
    for col in ("period", "tiv", "share %", "rank"):
        trend.add_column(col, justify="right")
    for row in report["trend"][-12:]:
        trend.add_row(row["period"], cell(row["tiv"]), f"{row['share']:.2f}", str(row["rank"]))
    out.print(trend)
    for key, label in (("clients", "Clients"), ("categories", "Weapon categories"),
                       ("regions", "Regions"), ("groups", "Country groups (overlapping)")):  # fmt: skip
        table = Table(title=f"{label}, {report['period']}")
        rows = report[key]
        if not rows:
            continue
        for col in rows[0]:
            table.add_column(
                str(col),
                justify="left"
                if col in ("code", "name", "category", "region", "group")
                else "right",
            )
        for row in rows[:10]:
            table.add_row(*[cell(v) for v in row.values()])
        out.print(table)
    pend = Table(title=f"Pending orders: {report['pending_tiv']:.0f} TIV undelivered")
    for col in ("recipient", "order_year", "designation", "ordered", "delivered", "tiv_pending"):
        pend.add_column(col)
    for row in report["pending"][:10]:
        pend.add_row(row["recipient"], str(row["order_year"]), row["designation"],
                     str(row["ordered"]), str(row["delivered"]), cell(row["tiv_pending"]))  # fmt: skip
    out.print(pend)
