"""``powerscope claims check``: quantitative claims checked against the data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from powerscope.cli.common import Format, column_cells, emit, print_table

app = typer.Typer(help="Check quantitative claims against the data.")

#: The columns of the table and CSV: what was claimed, the verdict, and why.
COLUMNS = ("id", "statement", "verdict", "stated", "computed", "edition", "note")


def verdict_records(
    claims: Sequence[Mapping[str, Any]], verdicts: Sequence[Any]
) -> list[dict[str, Any]]:
    """One record per checked claim with every column of :data:`COLUMNS`.

    The statement and the note come from the verdict; a verdict that lacks them takes the
    statement (and note, if any) from the claim's definition.
    """
    defined = {str(c["id"]): c for c in claims}
    records = []
    for verdict in verdicts:
        record = dict(verdict.as_record())
        claim = defined.get(str(record.get("id")), {})
        for key in ("statement", "note"):
            if not record.get(key):
                record[key] = str(claim.get(key) or "")
        records.append({**{col: record.get(col) for col in COLUMNS}, **record})
    return records


@app.command("check")
def claims_check(
    file: Annotated[
        Path | None, typer.Argument(help="A claims YAML (default: the shipped claims).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """Check claims: confirmed, differs (with the computed value and edition) or cannot check."""
    import pandas as pd

    from powerscope.claims import check_claims, load_claims

    claims = load_claims(file)
    verdicts = verdict_records(claims, check_claims(claims))
    frame = pd.DataFrame(verdicts, columns=list(COLUMNS))
    payload = {"claims": verdicts, "source": "powerscope claim checker"}
    counts = frame["verdict"].value_counts().to_dict()
    caption = ", ".join(f"{k}: {v}" for k, v in counts.items())
    if fmt is not Format.table:
        emit(frame, payload, fmt, output, title="Claims checked", caption=caption)
        return
    from rich.table import Table

    table = Table(title="Claims checked", caption=caption, caption_justify="left")
    for col in COLUMNS:
        table.add_column(
            col, justify="right" if col in ("stated", "computed") else "left", overflow="fold"
        )
    stated = ["-".join(map(str, s)) if isinstance(s, list) else s for s in frame["stated"]]
    cells = [
        column_cells(col, stated if col == "stated" else frame[col].tolist()) for col in COLUMNS
    ]
    for row in zip(*cells, strict=True):
        table.add_row(*row)
    print_table(table, output)
