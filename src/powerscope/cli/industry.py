"""``powerscope industry``: a country's defence industry in the SIPRI Top 100, against peers,
with its arms exports (SIPRI TIV) beside it (:func:`powerscope.industry.industry`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from powerscope.cli.common import Format, emit

if TYPE_CHECKING:
    import pandas as pd

    from powerscope.industry import IndustryProfile


def _rich_table(frame: pd.DataFrame, title: str, caption: str = "") -> Any:
    from rich.table import Table

    from powerscope.cli.common import LEFT_ALIGNED, _finite, column_cells, header

    table = Table(title=title, caption=caption, caption_justify="left")
    columns = [column_cells(col, frame[col].tolist()) for col in frame.columns]
    for col in frame.columns:
        text = col in (*LEFT_ALIGNED, "company", "largest") or not any(
            _finite(v) for v in frame[col].tolist()
        )
        table.add_column(header(col), justify="left" if text else "right")
    for row in zip(*columns, strict=True):
        table.add_row(*row)
    return table


def _tables(result: IndustryProfile) -> list[Any]:
    """The summary by year (with exports), the companies and the peers, as rich tables."""
    first, last = result.years
    summary = result.summary().rename(
        columns={"arms_revenue": "arms revenue US$ m", "share_top100": "share of Top 100 %",
                 "largest_rank": "its rank", "tiv_exports": "exports TIV m",
                 "arms_revenue_index": "revenue index", "tiv_exports_index": "exports index"}
    ).drop(columns=["arms_revenue_constant"])  # fmt: skip
    shown = [
        _rich_table(
            summary,
            f"Defence industry of {result.name} ({result.code}) in the SIPRI Top 100, "
            f"{first}-{last}",
            "Arms revenue: US$ million, current prices. Exports: SIPRI TIV, millions (a volume "
            "index, not money). Indexes: each series' average over the period = 100.",
        )
    ]
    rows = result.rows if result.company else result.rows[result.rows["year"] == last]
    label = f"matching '{result.company}'" if result.company else f"in {last}"
    names = {"arms_revenue": "arms revenue US$ m", "total_revenue": "total revenue US$ m",
             "arms_share": "arms % of revenue"}  # fmt: skip
    companies = rows.drop(columns=["code"]).rename(columns=names)
    shown.append(_rich_table(companies, f"Companies of {result.name} {label}"))
    if result.peers:
        comparison = result.comparison().drop(columns=["name"]).rename(
            columns={"arms_revenue": f"arms revenue {last} US$ m", "share_top100": "share %",
                     "largest_rank": "its rank", "arms_revenue_change": f"revenue change "
                     f"{first}-{last} %", "tiv_exports": f"exports {last} TIV m",
                     "tiv_exports_change": f"exports change {first}-{last} %"}
        )  # fmt: skip
        shown.append(_rich_table(comparison, f"{result.name} and its peers, {last}"))
    return shown


def industry(
    country: Annotated[str, typer.Argument(help="Country name or code, e.g. KOR.")],
    peers: Annotated[
        str | None, typer.Option(help="Peers to compare with, e.g. 'JPN,DEU,ISR'.")
    ] = None,
    company: Annotated[
        str | None, typer.Option(help="Only the companies with this name or part, e.g. Hanwha.")
    ] = None,
    start: Annotated[int | None, typer.Option("--from", help="First year (from 2002).")] = None,
    end: Annotated[int | None, typer.Option("--to", help="Last year (to 2022).")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """A country's companies in the SIPRI Top 100 arms-producing companies by year (rank, arms
    revenue), its total and share of the Top 100, against peers, with its arms exports (SIPRI
    TIV) beside them. CSV: one row per company and year."""
    from powerscope.errors import PeriodError
    from powerscope.industry import industry as industry_of
    from powerscope.industry.top100 import data_years

    listed = [p.strip() for p in (peers or "").split(",") if p.strip()]
    years = None
    if start is not None or end is not None:
        from powerscope.industry import load

        data = load()
        first, last = data_years(data.companies)
        years = (first if start is None else start, last if end is None else end)
    else:
        data = None
    try:
        result = industry_of(country, peers=listed, company=company, years=years, data=data)
    except PeriodError as exc:
        if exc.parameter == "years":
            exc.parameter = "from" if start is not None else "to"
        raise
    payload = result.to_dict()
    if fmt is not Format.table:
        emit(result.rows, payload, fmt, output)
        return
    from powerscope.cli.common import console, write_output

    tables = _tables(result)
    lines = [*(f"Note: {n}." for n in result.notes), payload["source"]]
    if output is None:
        out = console()
        for table in tables:
            out.print(table)
        for line in lines:
            out.print(line)
        return
    import os

    from rich.console import Console

    with open(os.devnull, "w") as sink:
        recorder = Console(record=True, width=200, markup=False, file=sink)
        for table in tables:
            recorder.print(table)
        for line in lines:
            recorder.print(line)
    write_output(recorder.export_text(), output)
