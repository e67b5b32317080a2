"""Country groups (G7, NATO, EU, OECD, ASEAN, the Quad, the like-minded countries).

Declared as data in ``groups.yaml`` beside this module, each with the date its membership is
valid for and the source of the list, so a user can filter or highlight by them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from powerscope.errors import SpecError
from powerscope.files import load_yaml


@dataclass(frozen=True)
class Group:
    """A named set of countries, as of a date."""

    id: str
    name: str
    as_of: str
    source: str
    members: frozenset[str]


@cache
def _load() -> dict[str, Group]:
    text = resources.files(__package__).joinpath("groups.yaml").read_text(encoding="utf-8")
    raw = load_yaml(text, "powerscope/countries/groups.yaml")
    return {
        key: Group(key, v["name"], str(v["as_of"]), v["source"], frozenset(v["members"]))
        for key, v in raw.items()
    }


def group(name: str) -> Group:
    """The group called ``name`` (case-insensitive: ``g7``, ``nato``, ``eu``, ``lmc``...)."""
    groups = _load()
    key = name.upper()
    if key not in groups:
        raise SpecError(
            f"unknown country group {name!r}",
            fix=f"use one of {', '.join(sorted(groups))}",
        )
    return groups[key]


def members(name: str) -> frozenset[str]:
    """ISO3 codes of a group's members."""
    return group(name).members


def memberships(code: str) -> list[str]:
    """The groups (of :data:`GROUPS`) a country belongs to, e.g. ``['G7', 'NATO', ...]``."""
    return [name for name in GROUPS if code in _load()[name].members]


def members_of_any(names: str) -> frozenset[str]:
    """Members of any of the comma-separated groups in ``names`` (``"G7,QUAD"``)."""
    found: frozenset[str] = frozenset()
    for name in filter(None, (n.strip() for n in names.split(","))):
        found |= members(name)
    return found


GROUPS: tuple[str, ...] = ("G7", "NATO", "EU", "OECD", "ASEAN", "QUAD", "LMC")
