"""The one grammar of weight overrides, for every shell (CLI, web API, briefs) and the library.

Text: ``node=weight`` pairs separated by commas, e.g. ``'Semiconductors=0.2,AI=0.3'``;
``node:weight`` is a synonym (``'AI:0.3'``). A node is named as :meth:`IndexSpec.find`
accepts (path, id or alias). A weights file is YAML or JSON (``{node: weight}``, optionally under
a ``weights:`` key) or CSV with the columns ``node`` and ``weight``.

Weights are only read here; whether a group must sum to 1 is decided where they are applied,
by the ``renormalise`` parameter (default ``False`` everywhere: weights are never silently
rescaled).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from powerscope.errors import WeightsError
from powerscope.files import read_csv_rows, read_yaml_file, shown_path

#: the library's one default: a group of weights that does not sum to 1 is an error
RENORMALISE_DEFAULT = False

_PAIR = re.compile(r"\s*([^:=]*?)\s*[:=]\s*(.*?)\s*")
GRAMMAR = (
    "write NODE=WEIGHT pairs separated by commas, e.g. 'AI=0.3,Space=0.1' (NODE:WEIGHT also works)"
)


def parse_weights(text: str | None, *, parameter: str = "weights") -> dict[str, float]:
    """Parse ``'Semiconductors=0.2,AI:0.3'`` into ``{node: weight}``.

    Parameters
    ----------
    text:
        Pairs separated by commas; ``=`` or ``:`` between a node and its weight. Empty or None
        gives ``{}``.
    parameter:
        The name the caller's users know the text by (``weights``, ``--weights``), for errors.

    Raises
    ------
    WeightsError
        A pair without a separator or a node name, a weight that is not a number, or a node
        given twice; the error names ``parameter`` and the offending pair.
    """
    out: dict[str, float] = {}
    for piece in (text or "").split(","):
        if not piece.strip():
            continue
        match = _PAIR.fullmatch(piece)
        if match is None or not match.group(1):
            raise WeightsError(
                f"cannot read weight {piece.strip()!r}", parameter=parameter, fix=GRAMMAR
            )
        key, value = match.groups()
        if key in out:
            raise WeightsError(
                f"node {key!r} is given two weights", parameter=parameter, fix="give each node once"
            )
        out[key] = _number(key, value, parameter=parameter)
    return out


def _number(
    key: Any, value: Any, *, where: str | None = None, parameter: str | None = None
) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise WeightsError(
            f"weight of {str(key)!r} is not a number: {str(value).strip()!r}",
            where=where,
            parameter=parameter,
            fix="give a number >= 0, e.g. 0.3",
        ) from None


def read_weights_file(path: Path) -> dict[str, float]:
    """Read weights from YAML/JSON (``{node: weight}``, or under ``weights:``) or CSV
    (``node,weight`` columns)."""
    path = Path(path)
    where = shown_path(path)
    raw: Any
    if path.suffix.lower() == ".csv":
        _, header, rows = read_csv_rows(path, "weights file", error=WeightsError, where=where)
        columns = [c.strip() for c in header]
        if not rows or not {"node", "weight"} <= set(columns):
            raise WeightsError(
                "weights CSV needs the columns 'node' and 'weight'",
                where=where,
                fix="write a header line 'node,weight'",
            )
        raw = {r[columns.index("node")]: r[columns.index("weight")] for r in rows}
    else:
        raw = read_yaml_file(path, "weights file", error=WeightsError, where=where)
        if isinstance(raw, Mapping) and isinstance(raw.get("weights"), Mapping):
            raw = raw["weights"]
    if not isinstance(raw, Mapping):
        raise WeightsError(
            "a weights file must map node names to weights", where=where, fix="e.g. 'AI: 0.3'"
        )
    return {str(key): _number(key, value, where=where) for key, value in raw.items()}
