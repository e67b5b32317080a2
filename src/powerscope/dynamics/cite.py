"""Citations and JSON-safe values for the dynamic model's reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from powerscope.data.store import Store, open_store
from powerscope.errors import PowerscopeError

if TYPE_CHECKING:
    from powerscope.data.catalog import Citation
    from powerscope.dynamics.calibrate import Calibration


def finite(value: Any) -> Any:
    """The report with NaN and infinities as None (valid JSON), recursively."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def cite(sources: Calibration | dict[str, str], store: Store | None = None) -> tuple[Citation, ...]:
    """The :class:`~powerscope.data.catalog.Citation` of every dataset read (``sources`` maps
    each series to its dataset id), in dataset-id order; ids the store lacks are left out."""
    store = store or open_store()
    used = sources if isinstance(sources, dict) else sources.sources
    out = []
    for dataset in sorted(set(used.values())):
        try:
            out.append(store.citation(dataset))
        except PowerscopeError:
            continue
    return tuple(out)


def citations(sources: Calibration | dict[str, str], store: Store | None = None) -> dict[str, str]:
    """One-line citation (publisher, title, edition, data years, URL) of every dataset read, by
    dataset id: :func:`cite` as text, for the reports' ``sources``."""
    return {c.dataset: c.text() for c in cite(sources, store)}
