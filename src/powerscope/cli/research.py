"""``powerscope research``: research articles by country and field (NSF NCSES, Science and
Engineering Indicators 2024; :mod:`powerscope.research`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from powerscope.cli.common import Format, emit
from powerscope.errors import PowerscopeError, SpecError

if TYPE_CHECKING:
    import pandas as pd

    from powerscope.research import Articles, FieldComparison

#: the library's parameters as this command names them
_NAMES = {"first": "from", "last": "to"}


def _articles_table(result: Articles) -> pd.DataFrame:
    """One row per country: articles, world share and rank in the first and last year, and
    the growth over the period."""
    import pandas as pd

    first, last = result.years
    rows = []
    for rec in result.growth.to_dict(orient="records"):
        row: dict[str, Any] = {
            "code": rec["code"],
            "name": result.table.loc[result.table["code"] == rec["code"], "name"].iloc[0],
        }
        if first != last:
            row[f"articles {first}"] = rec["articles_first"]
        row[f"articles {last}"] = rec["articles_last"]
        if first != last:
            row[f"share {first} %"] = rec["share_first"]
        row[f"share {last} %"] = rec["share_last"]
        if first != last:
            row[f"rank {first}"] = rec["rank_first"] or None
        row[f"rank {last}"] = rec["rank_last"] or None
        if first != last:
            row["growth % a year"] = rec["cagr"]
        rows.append(row)
    return pd.DataFrame(rows)


def _comparison_table(result: FieldComparison) -> pd.DataFrame:
    first, last = result.years
    a, b = result.code, result.other
    frame = result.table.assign(
        ratio_first=result.table["ratio_first"] * 100, ratio_last=result.table["ratio_last"] * 100
    )
    return frame[
        ["field", "share_first", "share_last", "other_share_first", "other_share_last",
         "ratio_first", "ratio_last", "ratio_trend", "verdict"]
    ].rename(
        columns={
            "share_first": f"{a} share {first} %",
            "share_last": f"{a} share {last} %",
            "other_share_first": f"{b} share {first} %",
            "other_share_last": f"{b} share {last} %",
            "ratio_first": f"{a} per 100 {b} {first}",
            "ratio_last": f"{a} per 100 {b} {last}",
            "ratio_trend": f"{a}/{b} trend % a year",
        }
    )  # fmt: skip


def research(
    countries: Annotated[
        list[str], typer.Argument(help="Countries' names or codes, e.g. KOR CHN USA JPN.")
    ],
    field: Annotated[
        str,
        typer.Option(help="Field, e.g. 'computer and information sciences', 'AI-related'."),
    ] = "all S&E fields",
    count: Annotated[
        str | None,
        typer.Option(help="fractional (default) or whole; AI-related articles are whole."),
    ] = None,
    start: Annotated[
        int | None, typer.Option("--from", help="First year (2003-2022; default 2003).")
    ] = None,
    end: Annotated[
        int | None, typer.Option("--to", help="Last year (2003-2022; default 2022).")
    ] = None,
    by_field: Annotated[
        bool,
        typer.Option(
            "--by-field", help="Compare the first two countries field by field (shares, ratio)."
        ),
    ] = False,
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """Research articles of countries in a field: counts, world share, rank among countries
    and growth; with --by-field, is the first country gaining or losing against the second in
    each field."""
    from powerscope.data.store import open_store

    store = open_store()
    try:
        if by_field:
            _by_field(countries, count, start, end, store, fmt, output)
        else:
            _in_field(countries, field, count, start, end, store, fmt, output)
    except PowerscopeError as exc:
        if exc.parameter in _NAMES:
            exc.parameter = _NAMES[exc.parameter]
        raise


def _in_field(
    countries: list[str],
    field: str,
    count: str | None,
    start: int | None,
    end: int | None,
    store: Any,
    fmt: Format,
    output: Path | None,
) -> None:
    from powerscope.research import articles

    result = articles(countries, field=field, count=count, first=start, last=end, store=store)
    payload = {**result.to_dict(), "store": store.describe()}
    if fmt is not Format.table:
        emit(result.table.drop(columns="world"), payload, fmt, output)
        return
    first, last = result.years
    world = payload["world"][str(last)]
    caption = "\n".join(
        [
            f"{result.count_type.capitalize()} counts; world {world:,.0f} articles in {last}. "
            "Share: % of the world's articles; rank among countries.",
            result.source(),
        ]
    )
    period = str(last) if first == last else f"{first}-{last}"
    title = f"Research articles, {result.field}, {period}"
    table = _articles_table(result)
    emit(table, payload, fmt, output, title=title, caption=caption, decimals=2)


def _by_field(
    countries: list[str],
    count: str | None,
    start: int | None,
    end: int | None,
    store: Any,
    fmt: Format,
    output: Path | None,
) -> None:
    from powerscope.research import compare_fields

    if len(countries) != 2:
        raise SpecError(
            f"--by-field compares two countries; {len(countries)} given",
            parameter="codes",
            fix="e.g. powerscope research KOR CHN --by-field",
        )
    result = compare_fields(
        countries[0], countries[1], count=count, first=start, last=end, store=store
    )
    payload = {**result.to_dict(), "store": store.describe()}
    if fmt is not Format.table:
        emit(result.table, payload, fmt, output)
        return
    from powerscope.research.comparison import HOLDING

    first, last = result.years
    a, b = payload["name"], payload["other_name"]
    caption = "\n".join(
        [
            f"Share: % of the world's articles ({result.count_type} counts; AI-related: whole). "
            f"Ratio: articles of {result.code} per 100 of {result.other}; trend: "
            f"log-linear fit over {first}-{last}; gaining / losing beyond +/-{HOLDING}% a year.",
            f"Gaining in: {', '.join(result.gaining()) or 'none'}.",
            f"Losing in: {', '.join(result.losing()) or 'none'}.",
            result.source(),
        ]
    )
    title = f"{a} against {b}, field by field, {first}-{last}"
    table = _comparison_table(result)
    emit(table, payload, fmt, output, title=title, caption=caption, decimals=2)
