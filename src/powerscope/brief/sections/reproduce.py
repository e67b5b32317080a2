"""How to reproduce a brief: the data it was built from and the commands behind each section.

The brief names its data without any path of the machine it was built on: the embedded
snapshot with the powerscope version that ships it, or the warehouse relative to
``$POWERSCOPE_HOME``.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

from powerscope.data.store import Store, home

if TYPE_CHECKING:
    from powerscope.brief.sections.model import Brief


def data_label(store: Store) -> str:
    """The data a brief is built from, in words and without an absolute path.

    ``"the embedded snapshot of powerscope 0.1.0"``, ``"the warehouse
    $POWERSCOPE_HOME/warehouse.duckdb"``, or only the warehouse's file name when it lies
    outside ``$POWERSCOPE_HOME``.
    """
    from powerscope import __version__

    if store.kind == "snapshot":
        return f"the embedded snapshot of powerscope {__version__}"
    location = PurePath(store.location)
    try:
        where = f"$POWERSCOPE_HOME/{location.relative_to(home()).as_posix()}"
    except ValueError:
        where = location.name
    return f"the {store.kind} {where}"


def described_data(brief: Brief) -> str:
    """The ``label`` part of the brief's ``"kind: label"`` store description."""
    return brief.store.partition(": ")[2] or brief.store


def commands(brief: Brief) -> list[tuple[str, list[str]]]:
    """Each section's title and the powerscope commands that reproduce it."""
    return [(s.title, list(s.commands)) for s in brief.sections if s.commands]
