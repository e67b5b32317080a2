"""``powerscope country``: a country's profile across technology, military strength, arms
exports and alignment (:func:`powerscope.profile.country_profile`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from powerscope.cli.common import Format, json_default
from powerscope.cli.common import console as _console

if TYPE_CHECKING:
    from powerscope.profile import (
        AlignmentPart,
        ArmsPart,
        CountryProfile,
        MilitaryPart,
        TechnologyPart,
    )


def country(
    code: Annotated[str, typer.Argument(help="Country name or code, e.g. KOR or 'South Korea'.")],
    index: Annotated[
        str, typer.Option(help="Technology index to profile the country on.")
    ] = "ceti",
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """A country's profile: technology (score, rank, strongest/weakest parts on an index),
    military strength, arms exports and like-minded partners, with the data behind each."""
    from powerscope.profile import country_profile

    profile = country_profile(code, index=index)
    if fmt is Format.json:
        typer.echo(json.dumps(profile.to_dict(), indent=1, default=json_default))
        return
    show(profile)


def show(profile: CountryProfile) -> None:
    """The profile as tables and lines on the terminal; an unavailable part says why."""
    console = _console()
    shows: dict[str, Callable[[CountryProfile, Any], None]] = {
        "technology": _technology, "military": _military, "arms": _arms, "alignment": _alignment,
    }  # fmt: skip
    for name, part in profile.parts().items():
        if part.available:
            shows[name](profile, part)
        else:
            console.print(f"{name.capitalize()}: not available ({part.reason})")
    _sources(profile)


def _sources(profile: CountryProfile) -> None:
    from rich.table import Table

    from powerscope.profile import sources_of

    table = Table(title="Data")
    for col in ("dataset", "edition", "years used"):
        table.add_column(col)
    for source in sources_of(profile):
        years = source.years
        used = "" if years is None else str(years[0])
        if years is not None and years[1] != years[0]:
            used += f"-{years[1]}"
        table.add_row(source.dataset, source.edition, used)
    _console().print(table)


def _technology(profile: CountryProfile, part: TechnologyPart) -> None:
    from rich.table import Table

    console = _console()
    console.print(
        f"{profile.name} ({profile.code}) on the {part.index_name} {part.edition}: "
        f"score {part.score:.1f}, rank {part.rank} of {part.of} "
        f"({part.rank_excluding_aggregates} of {part.of_countries} countries)"
    )
    table = Table(title="Sectors", caption=part.source)
    for col in ("sector", "score", "rank", "contribution", "strongest pillar", "weakest pillar"):
        table.add_column(col, justify="left" if col in ("sector",) or "pillar" in col else "right")
    for s in part.sectors:
        table.add_row(
            s.name,
            f"{s.score:.1f}",
            f"{s.rank}",
            f"{s.contribution:.1f}",
            f"{s.strongest} ({s.strongest_rank})",
            f"{s.weakest} ({s.weakest_rank})",
        )
    console.print(table)


def _military(profile: CountryProfile, part: MilitaryPart) -> None:
    from rich.table import Table

    from powerscope.cli.common import cell

    table = Table(title="Military strength (rank 1 = strongest)")
    for col in ("measure", "value", "rank", "of", "year", "unit"):
        table.add_column(col, justify="left" if col in ("measure", "unit") else "right")
    for key, m in part.measures.items():
        value = (
            "" if m.value is None else f"{m.value:,.0f}" if m.value >= 1000 else f"{m.value:.4g}"
        )
        table.add_row(key, value, cell(m.rank), str(m.of), str(m.year), m.unit)
    _console().print(table)


def _arms(profile: CountryProfile, part: ArmsPart) -> None:
    def window(w: Any, period: str) -> str:
        if w is None:
            return f"none recorded in {period}"
        return f"{w.share:.2f}% of world exports, rank {w.rank}, in {period}"

    clients = ", ".join(f"{c.name} {c.share:.0f}%" for c in part.clients)
    _console().print(
        f"Arms exports (SIPRI): {window(part.current, part.period)} "
        f"({window(part.previous, part.previous_period)}); "
        f"largest clients: {clients or 'none'}"
    )


def _alignment(profile: CountryProfile, part: AlignmentPart) -> None:
    partners = ", ".join(f"{p.rank}. {p.name}" for p in part.partners)
    line = f"Most like-minded partners: {partners}"
    if part.agreement:
        votes = ", ".join(f"{a.name} {a.agreement:.0%}" for a in part.agreement)
        line += f"; UN vote agreement {part.agreement_year}: {votes}"
    _console().print(line)
