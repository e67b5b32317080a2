"""Named derivers: functions that derive an index's indicator table from the store.

A spec names one by ``derive: NAME`` (the open military index: ``derive: military_open``)
instead of a table. A deriver is registered with :func:`deriver`::

    @deriver("military_open")
    def open_index_data(store: Store) -> pd.DataFrame: ...  # columns code, indicator, value

Only registered names can be called: a spec cannot load arbitrary code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

from powerscope.errors import SpecError

Deriver = Callable[[Any], Any]
F = TypeVar("F", bound=Deriver)

_DERIVERS: dict[str, Deriver] = {}
#: modules whose derivers ship with powerscope (imported on first lookup)
BUILTIN_MODULES = ("powerscope.military.indicators", "powerscope.power.indicators")


def deriver(name: str) -> Callable[[F], F]:
    """Register a function of the store returning a long ``code, indicator, value`` table."""

    def register(fn: F) -> F:
        found = _DERIVERS.get(name)
        if found is not None and found is not fn:
            raise SpecError(f"two derivers are named {name!r}", fix="give each its own name")
        _DERIVERS[name] = fn
        return fn

    return register


def derivers() -> dict[str, Deriver]:
    """Every registered deriver by name (the built-in ones included)."""
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    return dict(_DERIVERS)


def get_deriver(name: str, *, where: str = "derive") -> Deriver:
    """The deriver registered as ``name``; :class:`SpecError` naming the known ones if none."""
    known = derivers()
    if name not in known:
        raise SpecError(
            f"unknown deriver {name!r}",
            where=where,
            fix="name one of: " + (", ".join(sorted(known)) or "(none registered)"),
        )
    return known[name]
