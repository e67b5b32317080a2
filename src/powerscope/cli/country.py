"""``powerscope country``: a country's profile on an index."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from powerscope.cli.common import Format
from powerscope.cli.common import console as _console


def country(
    code: Annotated[str, typer.Argument(help="Country name or code, e.g. KOR or 'South Korea'.")],
    index: Annotated[str, typer.Option(help="Index to profile the country on.")] = "ceti",
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """A country's profile: its score, rank and strongest/weakest parts on an index."""
    from powerscope.index import load_spec
    from powerscope.index.service import compute_index, country_profile

    spec = load_spec(index)
    result = compute_index(spec)
    profile = country_profile(result, code)
    if fmt is Format.json:
        typer.echo(json.dumps(profile, indent=1))
        return
    from rich.table import Table

    console = _console()
    head = profile["index"]
    console.print(
        f"{profile['name']} ({profile['code']}) on the {spec.name} {spec.edition}: "
        f"score {head['score']:.1f}, rank {head['rank']} of {head['of']} "
        f"({head['rank_excluding_aggregates']} of {head['of_countries']} countries)"
    )
    table = Table(title="Sectors", caption=profile["source"])
    for col in ("sector", "score", "rank", "contribution", "strongest pillar", "weakest pillar"):
        table.add_column(col, justify="left" if col in ("sector",) or "pillar" in col else "right")
    for s in profile["sectors"]:
        table.add_row(
            s["name"],
            f"{s['score']:.1f}",
            f"{s['rank']}",
            f"{s['contribution']:.1f}",
            f"{s['strongest']} ({s['strongest_rank']})",
            f"{s['weakest']} ({s['weakest_rank']})",
        )
    console.print(table)
