"""Policy scenarios as data: a YAML file a user can write, validated before anything runs.

A scenario changes parameters of the calibrated model, for all years or from/to a year::

    name: thousand-talents
    title: A Thousand-Talents-scale recruitment programme
    set:                          # absolute values
      recruits: {value: 800, from: 2026, to: 2035}
      recruit_retention: 0.9
    add:                          # added to the calibrated value (same unit)
      rd_target: {value: 1.0, from: 2026}
    scale:                        # multiplies the calibrated value
      milex_target: 0.8
    uncertain:                    # drawn uniformly per run, replacing the value
      recruit_productivity: [1.0, 3.0]

Every parameter must be one of :data:`~powerscope.dynamics.parameters.PARAMETERS` and every
value inside its meaningful range; otherwise a :class:`~powerscope.errors.SpecError` names the
file, the key, the allowed range and the closest parameter names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from powerscope.dynamics.parameters import PARAMETERS, closest
from powerscope.errors import NotFoundError, SpecError
from powerscope.files import read_yaml_file, shown_path

KEYS = {"name", "title", "description", "set", "add", "scale", "uncertain", "references"}
OPERATIONS = ("set", "add", "scale")
YEAR_RANGE = (1900, 2200)


@dataclass(frozen=True)
class Change:
    """One change: ``operation`` (set/add/scale) of ``parameter`` by ``value`` in [start, end]."""

    operation: str
    parameter: str
    value: float
    start: int | None = None
    end: int | None = None


@dataclass
class Scenario:
    """A validated scenario."""

    name: str
    title: str = ""
    description: str = ""
    changes: list[Change] = field(default_factory=list)
    uncertain: dict[str, tuple[float, float]] = field(default_factory=dict)
    source: str = "<built-in>"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "source": self.source,
            "changes": [c.__dict__ for c in self.changes],
            "uncertain": {k: list(v) for k, v in self.uncertain.items()},
        }


BASELINE = Scenario(name="baseline", title="Baseline: calibrated trends continue")


def shipped() -> dict[str, Path]:
    """The scenarios shipped with powerscope, by name."""
    folder = resources.files("powerscope.dynamics") / "scenarios"
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir() if str(p).endswith(".yaml")}


# Scenarios once shipped, and why they are gone.
RETIRED = {
    "korea-ageing": "the baseline now follows the UN's projected working-age population and "
    "population (World Population Prospects 2022, medium variant) for every country",
}


def load_scenario(source: str | Path | None) -> Scenario:
    """A scenario from a file path or a shipped name (``None``: the baseline)."""
    if source is None or str(source) == "baseline":
        return BASELINE
    path = Path(source)
    if not path.exists():
        known = shipped()
        if str(source) in known:
            path = known[str(source)]
        else:
            retired = RETIRED.get(str(source))
            raise NotFoundError(
                f"scenario {source!r} " + (f"is retired: {retired}" if retired else "not found"),
                parameter="scenario",
                where=str(source),
                fix=f"give a YAML file or one of the shipped scenarios: {', '.join(sorted(known))}",
            )
    where = shown_path(path)
    data = read_yaml_file(path, "scenario file", error=SpecError, parameter="scenario", where=where)
    return parse_scenario(data, where=where)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SpecError(
            f"{value!r} is not a finite number", where=where, fix="write a number, e.g. 0.9"
        )
    return float(value)


def _year(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(f"{value!r} is not a year", where=where, fix="write a year, e.g. 2026")
    if not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
        raise SpecError(
            f"year {value} is out of range", where=where, fix=f"use {YEAR_RANGE[0]}-{YEAR_RANGE[1]}"
        )
    return value


def _parameter(name: Any, where: str) -> str:
    if not isinstance(name, str) or name not in PARAMETERS:
        hint = closest(str(name))
        raise SpecError(
            f"unknown parameter {name!r}",
            where=where,
            fix=(f"did you mean {', '.join(hint)}? " if hint else "")
            + "`powerscope dynamics parameters` lists every parameter with its range",
        )
    return name


def check_range(parameter: str, value: float, where: str, what: str = "value") -> None:
    """Raise if ``value`` is outside the parameter's meaningful range."""
    meta = PARAMETERS[parameter]
    if not meta.low <= value <= meta.high:
        raise SpecError(
            f"{what} {value:g} of {parameter} is outside its meaningful range "
            f"{meta.low:g} to {meta.high:g} ({meta.unit})",
            where=where,
            fix=f"{meta.meaning} Use a value from {meta.low:g} to {meta.high:g}",
        )


def parse_scenario(data: Any, where: str = "<scenario>") -> Scenario:
    """Validate a scenario mapping (as read from YAML)."""
    if not isinstance(data, dict):
        raise SpecError(
            "a scenario must be a mapping with keys such as name, set, add, scale",
            where=where,
            fix="see docs/dynamics.md for the format",
        )
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise SpecError(
            f"unknown scenario key(s): {', '.join(map(str, unknown))}",
            where=where,
            fix=f"use only {', '.join(sorted(KEYS))}",
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SpecError("the scenario has no name", where=where, fix="add `name: my-scenario`")
    changes: list[Change] = []
    for operation in OPERATIONS:
        block = data.get(operation) or {}
        if not isinstance(block, dict):
            raise SpecError(
                f"`{operation}` must map parameters to values",
                where=f"{where}: {operation}",
                fix=f"write e.g. `{operation}: {{rd_target: 5.0}}`",
            )
        for key, spec in block.items():
            here = f"{where}: {operation}.{key}"
            parameter = _parameter(key, here)
            start = end = None
            if isinstance(spec, dict):
                extra = sorted(set(spec) - {"value", "from", "to"})
                if extra or "value" not in spec:
                    raise SpecError(
                        f"{parameter}: expected {{value, from, to}}, got {sorted(spec)}",
                        where=here,
                        fix="write e.g. {value: 800, from: 2026, to: 2035}",
                    )
                value = _number(spec["value"], here + ".value")
                start = _year(spec["from"], here + ".from") if "from" in spec else None
                end = _year(spec["to"], here + ".to") if "to" in spec else None
                if start is not None and end is not None and end < start:
                    raise SpecError(
                        f"{parameter}: `to` ({end}) is before `from` ({start})",
                        where=here,
                        fix="swap the years",
                    )
            else:
                value = _number(spec, here)
            if operation == "set":
                check_range(parameter, value, here)
            elif operation == "scale" and value < 0:
                raise SpecError(
                    f"scale factor {value:g} of {parameter} is negative",
                    where=here,
                    fix="use a factor >= 0 (1 keeps the calibrated value)",
                )
            changes.append(Change(operation, parameter, value, start, end))
    uncertain: dict[str, tuple[float, float]] = {}
    declared = data.get("uncertain") or {}
    if not isinstance(declared, dict):
        raise SpecError(
            "`uncertain` must map parameters to [low, high]",
            where=f"{where}: uncertain",
            fix="write e.g. `uncertain: {rd_target: [4.0, 6.0]}`",
        )
    for key, bounds in declared.items():
        here = f"{where}: uncertain.{key}"
        parameter = _parameter(key, here)
        if not isinstance(bounds, list | tuple) or len(bounds) != 2:
            raise SpecError(
                f"{parameter}: expected [low, high]", where=here, fix="write e.g. [1.0, 3.0]"
            )
        low, high = (_number(b, here) for b in bounds)
        if low > high:
            raise SpecError(
                f"{parameter}: low {low:g} > high {high:g}", where=here, fix="swap the bounds"
            )
        check_range(parameter, low, here, "low bound")
        check_range(parameter, high, here, "high bound")
        uncertain[parameter] = (low, high)
    return Scenario(
        name=name.strip(),
        title=str(data.get("title") or ""),
        description=str(data.get("description") or ""),
        changes=changes,
        uncertain=uncertain,
        source=where,
    )


def apply_scenario(
    scenario: Scenario,
    params: dict[str, np.ndarray],
    years: np.ndarray,
    rng: np.random.Generator | None = None,
) -> dict[str, np.ndarray]:
    """Parameters over (years, runs) with the scenario's changes applied.

    ``params`` holds one value per run; changed parameters become (years, runs) arrays.
    Values that ``add``/``scale`` push out of range in the central run raise a SpecError;
    uncertain draws replace the value in the years its ``set`` change covers (all years if the
    scenario only declares it uncertain).
    """
    out: dict[str, np.ndarray] = dict(params)
    n_years = len(years)
    runs = max(np.asarray(v).shape[-1] if np.ndim(v) else 1 for v in params.values())
    drawn: dict[str, np.ndarray] = {}
    if scenario.uncertain:
        rng = rng or np.random.default_rng(0)
        for parameter, (low, high) in scenario.uncertain.items():
            drawn[parameter] = rng.uniform(low, high, size=runs)
    for change in scenario.changes:
        # a value per run (runs,) or per year and run (years, runs), as (years, runs)
        base = np.broadcast_to(np.asarray(out[change.parameter], dtype=float), (n_years, runs))
        mask = np.ones(n_years, dtype=bool)
        if change.start is not None:
            mask &= years >= change.start
        if change.end is not None:
            mask &= years <= change.end
        value = drawn.get(change.parameter, np.full(runs, change.value))
        if change.operation == "set":
            new = np.where(mask[:, None], value[None, :], base)
        elif change.operation == "add":
            new = np.where(mask[:, None], base + change.value, base)
        else:
            new = np.where(mask[:, None], base * change.value, base)
        if change.operation != "set":
            meta = PARAMETERS[change.parameter]
            central = np.median(new[mask], axis=-1) if mask.any() else np.array([])
            bad = central[(central < meta.low) | (central > meta.high)]
            if bad.size:
                check_range(
                    change.parameter,
                    float(bad[0]),
                    f"{scenario.source}: {change.operation}.{change.parameter}",
                    "resulting value",
                )
            new = np.clip(new, meta.low, meta.high)
        out[change.parameter] = new
    set_parameters = {c.parameter for c in scenario.changes if c.operation == "set"}
    for parameter, values in drawn.items():
        if parameter not in set_parameters:
            out[parameter] = values
    return out
