"""``powerscope data ...``: the datasets in use, the local warehouse, the embedded snapshot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from powerscope.cli.common import Format
from powerscope.cli.common import console as _console

app = typer.Typer(help="Datasets: provenance, the local warehouse, the embedded snapshot.")


@app.command("list")
def data_list(
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
) -> None:
    """The datasets in use, with their provenance and the sha256 of the files read."""
    from powerscope.data.store import open_store

    store = open_store()
    frame = store.datasets()
    if fmt is Format.json:
        typer.echo(json.dumps({"store": store.kind, "location": store.location,
                               "description": store.describe(),
                               "datasets": frame.to_dict(orient="records")}, indent=1))  # fmt: skip
        return
    if fmt is Format.csv:
        typer.echo(frame.to_csv(index=False))
        return
    from rich.table import Table

    table = Table(title=f"Datasets ({store.describe()})")
    for col in ("id", "publisher / title", "edition", "files (sha256)"):
        table.add_column(col)
    for rec in frame.to_dict(orient="records"):
        digests = "\n".join(f"{Path(f).name} {h[:12]}" for f, h in rec["sha256"].items())
        table.add_row(rec["id"], f"{rec['publisher']}\n{rec['title']}", rec["edition"], digests)
    _console().print(table)


@app.command("build")
def data_build(
    source: Annotated[Path, typer.Option("--from", help="Folder holding the publishers' files.")],
) -> None:
    """Build the local DuckDB warehouse from the publishers' files (atomically)."""
    from powerscope.data.store import build_warehouse

    report = build_warehouse(source)
    typer.echo(
        f"built {report.path} from {len(report.datasets)} datasets "
        f"({sum(report.rows.values()):,} rows in {len(report.rows)} tables) in {report.seconds:.1f} s"
    )


@app.command("snapshot")
def data_snapshot(
    source: Annotated[Path, typer.Option("--from", help="Folder holding the publishers' files.")],
    folder: Annotated[
        Path | None, typer.Option(help="Where to write (default: the package).")
    ] = None,
) -> None:
    """Derive the embedded snapshot from the publishers' files (for maintainers)."""
    from powerscope.data.snapshot import build_snapshot, default_folder

    rows = build_snapshot(source, folder)
    typer.echo(f"snapshot written to {folder or default_folder()}: {len(rows)} tables")
    for name, n in sorted(rows.items()):
        typer.echo(f"  {name}: {n:,} rows")


@app.command("where")
def data_where() -> None:
    """Where the data is read from (the warehouse, or the embedded snapshot)."""
    from powerscope.data.store import open_store

    store = open_store()
    typer.echo(store.describe())


@app.command("check-votes")
def data_check_votes(
    source: Annotated[Path, typer.Option("--from", help="Folder holding the publishers' files.")],
    first: Annotated[int, typer.Option("--first", help="First year compared.")] = 2015,
    last: Annotated[int, typer.Option("--last", help="Last year compared.")] = 2019,
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
) -> None:
    """Check that the UN Digital Library votes agree with the Voeten votes where both overlap,
    and show the roll calls and countries per year from 2020 in the store."""
    from powerscope.data.sources.unvotes_undl import check_overlap, votes_per_year
    from powerscope.data.store import open_store

    report = check_overlap(source, (first, last))
    store = open_store()
    coverage = votes_per_year(store.table("un_votes"), store.table("un_roll_calls"), first=2020)
    if fmt is Format.json:
        out = report.to_dict() | {"store": store.describe()}
        out["per_year_from_2020"] = coverage.to_dict(orient="records")
        typer.echo(json.dumps(out, indent=1, default=str))
        return
    if fmt is Format.csv:
        typer.echo(report.by_year.to_csv(index=False))
        return
    typer.echo(
        f"UN votes {first}-{last}: {report.matched_roll_calls} General Assembly roll calls matched "
        f"by resolution symbol and date (Voeten {report.voeten_roll_calls}, UN Digital Library "
        f"{report.undl_records}); {report.identical_votes:,} of {report.country_votes_compared:,}"
        f" country votes identical ({report.share_identical:.2%}); recorded by one source only: "
        f"Voeten {report.only_voeten}, UN Digital Library {report.only_undl}"
    )
    typer.echo(report.by_year.to_string(index=False))
    typer.echo(f"\nRoll calls and countries per year from 2020 ({store.describe()}):")
    typer.echo(coverage.to_string(index=False))
