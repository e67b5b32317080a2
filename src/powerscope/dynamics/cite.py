"""Citations and JSON-safe values for the dynamic model's reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from powerscope.data.store import Store, open_store

if TYPE_CHECKING:
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


def citations(sources: Calibration | dict[str, str], store: Store | None = None) -> dict[str, str]:
    """Citation and edition of every dataset read, by dataset id."""
    store = store or open_store()
    used = sources if isinstance(sources, dict) else sources.sources
    out: dict[str, str] = {}
    for dataset in sorted(set(used.values())):
        info = store.dataset(dataset)
        if info:
            out[dataset] = f"{info.get('citation', dataset)} Edition: {info.get('edition', '')}"
    return out
