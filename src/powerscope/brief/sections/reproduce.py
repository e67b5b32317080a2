"""How to reproduce a brief: the data it was built from and the commands behind each section.

The brief names its data as the store describes itself (``store.describe()``), without any path
of the machine it was built on: the embedded snapshot with the powerscope version that ships it,
or the warehouse relative to ``$POWERSCOPE_HOME``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from powerscope.brief.sections.model import Brief


def described_data(brief: Brief) -> str:
    """The data the brief was built from, as the store describes itself (no local path)."""
    return brief.store


def commands(brief: Brief) -> list[tuple[str, list[str]]]:
    """Each section's title and the powerscope commands that reproduce it."""
    out = []
    for section in brief.sections:
        found = list(section.commands)
        found += [c for part in section.parts for c in part.commands if c not in found]
        if found:
            out.append((section.title, found))
    return out
