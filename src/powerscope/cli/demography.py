"""``powerscope demography``: population by broad age group, estimated and projected (UN World
Population Prospects 2022, :mod:`powerscope.demography`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from powerscope.cli.common import Format, emit
from powerscope.errors import PowerscopeError

if TYPE_CHECKING:
    import pandas as pd

#: the library's parameters as this command names them
_NAMES = {"first": "from", "last": "to", "years": "from"}
#: rows of the table: one every this many years, unless --every says otherwise
TABLE_EVERY = 10


def _years(first: int, last: int, every: int | None, fmt: Format) -> list[int]:
    """The years shown: every ``every`` years (a table: every 10 by default) from ``first``,
    with ``last`` and the last estimated year (2021) when inside the period."""
    from powerscope.demography import LAST_ESTIMATE

    step = every or (TABLE_EVERY if fmt is Format.table else 1)
    years = set(range(first, last + 1, step)) | {last}
    if first <= LAST_ESTIMATE <= last:
        years.add(LAST_ESTIMATE)
    return sorted(years)


def _table(frame: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Millions of persons: every age group for one country, working age for several."""
    import pandas as pd

    if len(codes) == 1:
        return pd.DataFrame(
            {
                "year": frame["year"],
                "variant": frame["variant"],
                "total (m)": frame["pop_total"] / 1000,
                "0-14 (m)": frame["pop_0_14"] / 1000,
                "15-64 (m)": frame["pop_15_64"] / 1000,
                "65+ (m)": frame["pop_65plus"] / 1000,
                "15-64 share %": frame["pop_15_64"] / frame["pop_total"] * 100,
            }
        ).reset_index(drop=True)
    wide = frame.pivot(index="year", columns="code", values="pop_15_64")[codes] / 1000
    wide.columns = [f"{c} 15-64 (m)" for c in codes]
    variant = frame.drop_duplicates("year").set_index("year")["variant"]
    return wide.reset_index().assign(variant=lambda t: t["year"].map(variant))[
        ["year", "variant", *wide.columns]
    ]


def demography(
    country: Annotated[str, typer.Argument(help="Country name or code, e.g. KOR.")],
    peers: Annotated[
        str | None, typer.Option(help="Countries to set beside it, e.g. 'JPN,CHN,DEU'.")
    ] = None,
    start: Annotated[
        int | None, typer.Option("--from", help="First year (1950-2100; default 1950).")
    ] = None,
    end: Annotated[
        int | None, typer.Option("--to", help="Last year (1950-2100; default 2100).")
    ] = None,
    every: Annotated[
        int | None,
        typer.Option(min=1, help="One row every N years (table: 10 by default; json/csv: 1)."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """Population by age group, estimates to 2021 and the UN's medium-variant projection to
    2100 (World Population Prospects 2022), and the change of the working-age (15-64)
    population over the period."""
    from powerscope.data.store import open_store
    from powerscope.demography import FIRST_YEAR, LAST_YEAR, population_table, working_age

    first = FIRST_YEAR if start is None else start
    last = LAST_YEAR if end is None else end
    listed = [p.strip() for p in (peers or "").split(",") if p.strip()]
    store = open_store()
    try:
        focal = working_age(country, first=first, last=last, store=store)
        result = population_table(
            [focal.code, *listed], _years(first, last, every, fmt), store=store
        )
        changes: list[dict[str, Any]] = [
            {"code": c, **working_age(c, first=first, last=last, store=store).change(first, last)}
            for c in result.codes
        ]
    except PowerscopeError as exc:
        if exc.parameter == "code":
            exc.parameter, exc.where = None, "country argument"
        elif exc.parameter == "codes":
            exc.parameter = "peers"
        elif exc.parameter in _NAMES:
            exc.parameter = _NAMES[exc.parameter]
        raise
    payload: dict[str, Any] = {
        **result.to_dict(),
        "period": [first, last],
        "changes": [{**c, "measure": "pop_15_64", "first": first, "last": last} for c in changes],
        "store": store.describe(),
    }
    if fmt is not Format.table:
        emit(result.table, payload, fmt, output)
        return
    from powerscope.countries import name_of

    lines = [
        f"{name_of(c['code'])} 15-64: {c['start'] / 1000:.1f} m ({first}) -> "
        f"{c['end'] / 1000:.1f} m ({last}), {c['percent']:+.1f}%"
        for c in changes
    ]
    caption = "\n".join(
        [
            *lines,
            "Estimates to 2021, medium-variant projection after (the only variant in the data).",
            result.source(),
        ]
    )
    names = [name_of(c) for c in result.codes]
    title = (
        f"Population of {names[0]}"
        if len(names) == 1
        else f"Population aged 15-64: {', '.join(names)}"
    )
    table = _table(result.table, result.codes)
    emit(table, payload, fmt, output, title=title, caption=caption, decimals=1)
