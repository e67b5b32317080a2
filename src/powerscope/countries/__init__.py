"""Country identity and country groups."""

from powerscope.countries.groups import (
    GROUPS,
    Group,
    group,
    members,
    members_of_any,
    memberships,
)
from powerscope.countries.identity import (
    Entity,
    entities_frame,
    entity,
    is_aggregate,
    name_of,
    region_of,
    reset_registry,
    resolve,
    resolve_many,
    resolve_series,
)

__all__ = [
    "GROUPS",
    "Entity",
    "Group",
    "entities_frame",
    "entity",
    "group",
    "is_aggregate",
    "members",
    "members_of_any",
    "memberships",
    "name_of",
    "region_of",
    "reset_registry",
    "resolve",
    "resolve_many",
    "resolve_series",
]
