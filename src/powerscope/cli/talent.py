"""``powerscope talent``: a country's migration of researchers by year, against peers, with its
main partners and in both bibliographic sources (:func:`powerscope.talent.talent_flows`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from powerscope.cli.common import Format

if TYPE_CHECKING:
    import pandas as pd

    from powerscope.talent import TalentFlows

Fmt = Annotated[Format, typer.Option("--format", help="table, json or csv.")]
Output = Annotated[Path | None, typer.Option(help="Write to this file.")]

#: the mark of a provisional year in tables
MARK = "*"


def _rich(frame: pd.DataFrame, title: str, caption: str = "") -> Any:
    """A rich table of ``frame``, cells formatted as every command formats them."""
    from rich.table import Table

    from powerscope.cli.common import LEFT_ALIGNED, _finite, column_cells, header

    table = Table(title=title, caption=caption or None, caption_justify="left")
    columns = [column_cells(col, frame[col].tolist()) for col in frame.columns]
    for col in frame.columns:
        text = col in LEFT_ALIGNED or not any(_finite(v) for v in frame[col].tolist())
        table.add_column(header(col), justify="left" if text else "right")
    for row in zip(*columns, strict=True):
        table.add_row(*row)
    return table


def _tables(result: TalentFlows) -> list[Any]:
    import pandas as pd

    from powerscope.talent.migration import COMPARED, SOURCE_NAMES

    rows = result.rows
    by_year = pd.DataFrame(
        {
            "year": [f"{y}{MARK if p else ''}" for y, p in zip(rows["year"], rows["provisional"], strict=True)],
            "researchers": rows["researchers"].astype(object).where(rows["researchers"].notna(), None),
            "inflow": rows["inflow"],
            "outflow": rows["outflow"],
            "net": rows["net"],
            "net per 1,000": rows["rate"],
            "in per 1,000": rows["inflow_rate"],
            "out per 1,000": rows["outflow_rate"],
        }
    )  # fmt: skip
    marked = (
        f"{MARK} provisional: after {result.reliable_end}, the release's last reliable year "
        "(moves show only once a researcher publishes again). "
        if result.provisional_years()
        else ""
    )
    tables = [
        _rich(
            by_year,
            f"Researcher migration of {result.name}, {result.years[0]}-{result.years[1]} "
            f"({SOURCE_NAMES[result.release]})",
            marked + "Researchers: the padded population (active between first and last "
            "publication). Net = in - out.",
        )
    ]
    if result.peers:
        summary = result.summary.rename(
            columns={"rate": "net per 1,000", "inflow_rate": "in per 1,000",
                     "outflow_rate": "out per 1,000"}
        )  # fmt: skip
        tables.append(
            _rich(
                summary,
                "Compared with peers (mean rates over the last reliable years)",
                "Rates per 1,000 researchers make countries of different size comparable.",
            )
        )
    if len(result.partners):
        top = result.partners
        year = int(top["latest_year"].iloc[0])
        span = f"{int(top['first'].iloc[0])}-{int(top['last'].iloc[0])}"
        partners = pd.DataFrame(
            {
                "partner": top["partner"],
                "name": top["name"],
                f"to partner {year}": top["latest_out"],
                f"from partner {year}": top["latest_in"],
                f"net {year}": top["latest_net"],
                f"to partner {span}": top["moves_out"],
                f"from partner {span}": top["moves_in"],
                f"net {span}": top["net"],
            }
        )
        tables.append(
            _rich(
                partners,
                f"Main partners of {result.name} (moves each way)",
                "Net: the country's gain (moves from the partner minus moves to it); "
                "provisional years left out of the totals.",
            )
        )
    sources = result.sources
    if not sources.missing:
        table = sources.table
        side = pd.DataFrame({"year": table["year"]})
        for release in COMPARED:
            flag = table[f"provisional_{release}"].map(lambda v: MARK if v is True else "")
            side[f"net {release}"] = [
                None if pd.isna(v) else f"{int(v)}{m}"
                for v, m in zip(table[f"net_{release}"], flag, strict=True)
            ]
            side[f"per 1,000 {release}"] = table[f"rate_{release}"]
        reliable = sources.reliable
        agree = (
            f"Over {reliable[0]}-{reliable[-1]}, the two sources agree on the sign of net "
            f"migration in {sources.same_sign} of {len(reliable)} years; mean net rate "
            + ", ".join(f"{r} {v:.2f}" for r, v in sources.mean_rate.items())
            + " per 1,000. "
            if reliable
            else ""
        )
        tables.append(
            _rich(
                side,
                "The two bibliographic sources side by side",
                agree + f"{MARK} provisional in that release.",
            )
        )
    return tables


def talent(
    country: Annotated[str, typer.Argument(help="Country name or code, e.g. KOR.")],
    peers: Annotated[
        str | None, typer.Option(help="Peers to compare with, e.g. 'JPN,CHN,USA'.")
    ] = None,
    release: Annotated[
        str, typer.Option(help="Release: scopus_2024 (default) or openalex_2023.")
    ] = "scopus_2024",
    start: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    end: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    partners: Annotated[int, typer.Option(help="How many main partners to show.")] = 5,
    fmt: Fmt = Format.table,
    output: Output = None,
) -> None:
    """Researcher migration ("talent flows"): researchers moving in and out of a country by
    year, net per 1,000 researchers, main partners each way, peers, and Scopus and OpenAlex
    side by side (MPIDR Scholarly Migration Database)."""
    from powerscope.data.store import open_store
    from powerscope.talent import talent_flows

    years = None
    if start is not None or end is not None:
        years = _years(start, end, release)
    listed = [p.strip() for p in (peers or "").split(",") if p.strip()]
    result = talent_flows(
        country, peers=listed, release=release, years=years, partners=partners, store=open_store()
    )
    if fmt is not Format.table:
        from powerscope.cli.common import emit

        emit(result.frame(), result.to_dict(), fmt, output)
        return
    from rich.console import Group
    from rich.text import Text

    from powerscope.cli.common import print_table

    notes = [Text(f"Note: {n}.") for n in result.notes]
    print_table(Group(*_tables(result), *notes, Text(result.source())), output)


def _years(start: int | None, end: int | None, release: str) -> tuple[int, int]:
    """``--from``/``--to``, the missing end filled with the release's first or last year."""
    from powerscope.data.store import open_store
    from powerscope.talent.migration import check_release, migration_span

    check_release(release, country_file=True)
    first, last = migration_span(open_store(), release)
    return (first if start is None else start, last if end is None else end)
