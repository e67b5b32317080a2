"""One reader module per publisher. Each module exposes ``SOURCE`` or ``SOURCES``.

Modules are imported on demand, so reading one dataset does not pay for the others.
"""

from __future__ import annotations

import importlib

from powerscope.data.catalog import Source

#: Reader modules, in the order datasets are built.
MODULES: tuple[str, ...] = (
    "belfer",
    "sipri",
    "unvotes",
    "unvotes_undl",
    "wdi",
    "gfp",
    "cow",
    "desta",
    "lowy_gdi",
    "wpp",
    "ncses",
    "scholarly_migration",
)


def all_sources() -> list[Source]:
    """Every dataset powerscope knows how to read, in build order."""
    found: list[Source] = []
    for name in MODULES:
        module = importlib.import_module(f"powerscope.data.sources.{name}")
        found.extend(getattr(module, "SOURCES", None) or [module.SOURCE])
    return found
