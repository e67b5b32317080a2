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
    from powerscope.data.store import open_store
    from powerscope.profile import country_profile

    store = open_store()
    if fmt is Format.json:
        profile = country_profile(code, index=index, store=store)
        payload = {**profile.to_dict(), "store": store.describe()}
        typer.echo(json.dumps(payload, indent=1, default=json_default))
        return
    # each part is shown as soon as it is computed; the sources close the profile
    from powerscope.countries import name_of, resolve

    resolved = resolve(code, where="country argument")
    country_name = f"{name_of(resolved)} ({resolved})"
    profile = country_profile(
        resolved,
        index=index,
        store=store,
        on_part=lambda name, part: show_part(name, part, country_name),
    )
    _sources(profile)
    _console().print(f"Data: {store.describe()}")


def show(profile: CountryProfile) -> None:
    """The profile as tables and lines on the terminal; an unavailable part says why."""
    for name, part in profile.parts().items():
        show_part(name, part, f"{profile.name} ({profile.code})")
    _sources(profile)


def show_part(name: str, part: Any, country: str) -> None:
    """One part of a profile on the terminal (``country``: the country as a heading names it,
    e.g. "South Korea (KOR)"); an unavailable part says why."""
    shows: dict[str, Callable[[Any, str], None]] = {
        "technology": _technology, "military": _military, "arms": _arms, "alignment": _alignment,
    }  # fmt: skip
    if part.available:
        shows[name](part, country)
    else:
        _console().print(f"{name.capitalize()}: not available ({part.reason})")


def _sources(profile: CountryProfile) -> None:
    from rich.table import Table

    from powerscope.profile import citations_of

    table = Table(title="Sources")
    for col in ("dataset", "publisher, title", "edition", "data years", "licence"):
        table.add_column(col)
    for citation in citations_of(profile):
        table.add_row(citation.dataset, f"{citation.publisher}, {citation.title}",
                      citation.edition, citation.period, citation.licence)  # fmt: skip
    _console().print(table)


def _technology(part: TechnologyPart, country: str) -> None:
    from rich.table import Table

    console = _console()
    console.print(
        f"{country} on the {part.index_name} {part.edition}: "
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


def _military(part: MilitaryPart, country: str) -> None:
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


def _arms(part: ArmsPart, country: str) -> None:
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


def _alignment(part: AlignmentPart, country: str) -> None:
    partners = ", ".join(f"{p.rank}. {p.name}" for p in part.partners)
    line = f"Most like-minded partners: {partners}"
    if part.agreement:
        votes = ", ".join(f"{a.name} {a.agreement:.0%}" for a in part.agreement)
        line += f"; UN vote agreement {part.agreement_year}: {votes}"
    _console().print(line)
