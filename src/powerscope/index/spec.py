"""Index specifications: a composite index declared as data.

An index is a tree (index -> sectors/pillars -> ... -> indicators) with a weight and a direction
at every node, in the style of the OECD/JRC *Handbook on Constructing Composite Indicators* (OECD,
2008) and COINr's index structure (Becker et al., 2022, JOSS 7(78), 4567). A spec is written in
YAML (see ``powerscope/indices/*.yaml``) and parsed into :class:`IndexSpec`.

Node paths
----------
A node is addressed by its path of ids from the top, joined by ``/``: ``Semiconductors`` or
``AI/Human Capital``. Matching is case-insensitive and accepts a node's aliases
(``Semicon/Human Capital``). A bare id addresses a node when it is unique in the tree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from powerscope.errors import NotFoundError, SpecError, WeightsError
from powerscope.files import load_yaml, read_yaml_file, shown_path

#: the normalisations the shells offer by name; a spec may name any method of the catalogue
#: (:mod:`powerscope.index.steps.normalise`, COINr's meaning of every name)
NORMALISATIONS = ("none", "max", "minmax", "zscore", "rank", "percentile_rank")
AGGREGATIONS = ("arithmetic", "geometric", "harmonic", "generalised", "copeland")
WEIGHT_TOLERANCE = 1e-6
#: where a panel's normalisation takes its bounds and statistics: all years, or each year
PANEL_NORMALISE_OVER = ("panel", "year")
PANEL_KEYS = ("years", "carry_forward", "normalise_over")


@dataclass(frozen=True)
class PanelOptions:
    """A spec's ``panel:`` block: the time axis of an index (units x indicators x years).

    ``first``/``last``: the span built (inclusive, calendar years); ``carry_forward``: a missing
    value takes the unit's latest earlier value at most this many years back (0: never), and
    every such value is flagged; ``normalise_over``: ``"panel"`` (bounds and statistics over all
    years of the span, so scores are comparable between years) or ``"year"`` (each year on its
    own).
    """

    first: int
    last: int
    carry_forward: int = 0
    normalise_over: str = "panel"

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))


def parse_panel(raw: Any, where: str) -> PanelOptions:
    """Check a spec's ``panel:`` block (see :class:`PanelOptions`); :class:`SpecError` naming
    the key at fault and how to fix it."""
    here = f"{where}: panel"
    example = "panel: {years: [2000, 2024], carry_forward: 3, normalise_over: panel}"
    if not isinstance(raw, Mapping):
        raise SpecError("'panel' must be a mapping", where=here, fix=f"write e.g. {example}")
    unknown = set(raw) - set(PANEL_KEYS)
    if unknown:
        raise SpecError(
            f"unknown key(s) {sorted(map(str, unknown))} in 'panel'",
            where=here,
            fix=f"use only {list(PANEL_KEYS)}",
        )
    years = raw.get("years")
    if (
        not isinstance(years, list | tuple)
        or len(years) != 2
        or not all(isinstance(y, int) and not isinstance(y, bool) for y in years)
        or years[0] > years[1]
    ):
        raise SpecError(
            f"panel years {years!r} are not [first, last] with first <= last",
            where=f"{here}: years",
            fix="give the span built as two years, e.g. years: [2000, 2024]",
        )
    carry = raw.get("carry_forward", 0)
    if not isinstance(carry, int) or isinstance(carry, bool) or carry < 0:
        raise SpecError(
            f"carry_forward {carry!r} is not a whole number of years >= 0",
            where=f"{here}: carry_forward",
            fix="give how many years back a missing value may be carried from, e.g. 3 (0: never)",
        )
    over = str(raw.get("normalise_over", "panel"))
    if over not in PANEL_NORMALISE_OVER:
        raise SpecError(
            f"normalise_over {over!r} is not one of {list(PANEL_NORMALISE_OVER)}",
            where=f"{here}: normalise_over",
            fix="'panel' (bounds over all years: scores comparable between years) or 'year'",
        )
    return PanelOptions(int(years[0]), int(years[1]), int(carry), over)


@dataclass(frozen=True)
class Node:
    """One node of an index tree.

    ``weight`` is relative to its siblings (a group sums to 1); ``direction`` is +1 when a higher
    value is better and -1 when lower is better; a leaf names its ``indicator`` column.
    """

    id: str
    weight: float = 1.0
    direction: int = 1
    name: str | None = None
    aliases: tuple[str, ...] = ()
    indicator: str | None = None
    children: tuple[Node, ...] = ()
    aggregate: str | None = None  # this node's own aggregation, overriding the spec's

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def names(self) -> set[str]:
        return {k.casefold() for k in (self.id, *self.aliases)}


@dataclass(frozen=True)
class IndexSpec:
    """A composite index: its tree, default method and provenance."""

    id: str
    name: str
    root: Node
    normalise: str = "none"
    aggregate: str = "arithmetic"
    scale: float = 1.0
    edition: str | None = None
    source: str | None = None
    table: str | None = None
    citation: str | None = None
    power: float = 1.0  # exponent of the generalised mean
    min_availability: float = 0.0  # share of children needed for an aggregate to exist
    path: Path | None = None  # the YAML file the spec was read from, if any
    extra: Mapping[str, Any] = field(default_factory=dict)

    # -- navigation -----------------------------------------------------------------------
    @cached_property
    def panel(self) -> PanelOptions | None:
        """The spec's time axis (its ``panel:`` block), or None for a snapshot index."""
        raw = self.extra.get("panel")
        if raw is None:
            return None
        where = f"index {self.id}" if self.path is None else shown_path(self.path)
        return parse_panel(raw, where)

    def walk(self) -> Iterator[tuple[str, Node]]:
        """Every node below the root with its path, depth first, in declaration order."""

        def rec(prefix: str, node: Node) -> Iterator[tuple[str, Node]]:
            for child in node.children:
                path = f"{prefix}/{child.id}" if prefix else child.id
                yield path, child
                yield from rec(path, child)

        yield from rec("", self.root)

    def paths(self) -> list[str]:
        return [p for p, _ in self.walk()]

    def leaves(self) -> list[tuple[str, Node]]:
        return [(p, n) for p, n in self.walk() if n.is_leaf]

    @cached_property
    def _chains(self) -> dict[str, list[tuple[str, list[set[str]]]]]:
        """By a node's own names (casefolded): each node's path and the names along it."""
        by_name: dict[str, list[tuple[str, list[set[str]]]]] = {}
        for path, node in self.walk():
            entry = (path, [n.names() for n in self._chain(path)])
            for name in node.names():
                by_name.setdefault(name, []).append(entry)
        return by_name

    @cached_property
    def _found(self) -> dict[str, str]:
        """Keys already resolved by :meth:`find` (re-weighting asks for the same names often)."""
        return {}

    def find(self, key: str) -> str:
        """The path of the node that ``key`` addresses; :class:`WeightsError` if none or many."""
        found = self._found.get(key)
        if found is None:
            found = self._find(key)
            if len(self._found) < 10_000:
                self._found[key] = found
        return found

    def _find(self, key: str) -> str:
        parts = [p.strip().casefold() for p in key.split("/") if p.strip()]
        if not parts:
            raise WeightsError(f"empty node name {key!r}", fix="name a node, e.g. 'AI'")
        candidates = []
        for path, chain in self._chains.get(parts[-1], ()):
            if len(chain) < len(parts):
                continue
            tail = chain[-len(parts) :]
            if all(part in names for part, names in zip(parts, tail, strict=True)):
                candidates.append((path, len(parts) == len(chain)))
        exact = [p for p, full in candidates if full]
        if len(exact) == 1:
            return exact[0]
        if len(candidates) == 1:
            return candidates[0][0]
        if not candidates:
            raise WeightsError(
                f"unknown node {key!r} in index {self.id!r}",
                fix="use one of: " + ", ".join(self._top_paths()),
            )
        raise WeightsError(
            f"node name {key!r} is ambiguous in index {self.id!r}: "
            + ", ".join(p for p, _ in candidates[:6]),
            fix="give its path, e.g. '" + candidates[0][0] + "'",
        )

    def _chain(self, path: str) -> list[Node]:
        node, chain = self.root, []
        for part in path.split("/"):
            node = next(c for c in node.children if c.id == part)
            chain.append(node)
        return chain

    def node(self, path: str) -> Node:
        return self._chain(path)[-1]

    def _top_paths(self) -> list[str]:
        paths = self.paths()
        return paths if len(paths) <= 12 else [*paths[:10], "...", f"({len(paths)} nodes)"]

    # -- weights --------------------------------------------------------------------------
    def weights(self) -> dict[str, float]:
        """The weight of every node, by path."""
        return {p: n.weight for p, n in self.walk()}

    def with_weights(
        self, overrides: Mapping[str, float], *, renormalise: bool = False
    ) -> IndexSpec:
        """A copy with some weights replaced.

        Parameters
        ----------
        overrides:
            ``{node: weight}``; a node is named by its path, id or alias (see module doc).
        renormalise:
            When true, every group whose weights no longer sum to 1 is rescaled to sum to 1.
            When false (the default), such a group is an error: weights are never silently fixed.

        Raises
        ------
        WeightsError
            A negative or non-finite weight, an unknown node, a group of zero total weight, or
            (without ``renormalise``) a group that does not sum to 1.
        """
        resolved = self.resolve_weights(overrides)

        def rebuild(prefix: str, node: Node) -> Node:
            kids = []
            for child in node.children:
                path = f"{prefix}/{child.id}" if prefix else child.id
                new = rebuild(path, child)
                if path in resolved:
                    new = replace(new, weight=resolved[path])
                kids.append(new)
            if kids:
                weights = check_group(
                    prefix or self.id, [k.id for k in kids], [k.weight for k in kids], renormalise
                )
                kids = [replace(k, weight=w) for k, w in zip(kids, weights, strict=True)]
            return replace(node, children=tuple(kids))

        return replace(self, root=rebuild("", self.root))

    def resolve_weights(self, overrides: Mapping[str, float]) -> dict[str, float]:
        """``{node name: weight}`` to ``{path: weight}``, each weight checked (finite, >= 0)."""
        resolved: dict[str, float] = {}
        for key, value in overrides.items():
            path = self.find(key)
            try:
                weight = float(value)
            except (TypeError, ValueError):
                raise WeightsError(
                    f"weight of {key!r} is not a number: {value!r}",
                    fix="give a number between 0 and 1",
                ) from None
            if not weight >= 0 or weight == float("inf"):
                raise WeightsError(
                    f"weight of {key!r} is {value!r}; weights must be finite and >= 0",
                    fix="give a number between 0 and 1",
                )
            if path in resolved and resolved[path] != weight:
                raise WeightsError(f"node {path!r} is given two weights", fix="give it once")
            resolved[path] = weight
        return resolved


def check_group(
    label: str, ids: Sequence[str], weights: Sequence[float], renormalise: bool
) -> list[float]:
    """Check that sibling weights sum to 1; rescale them only when ``renormalise`` is asked.

    Raises
    ------
    WeightsError
        The group sums to 0, or (without ``renormalise``) not to 1 within 1e-6.
    """
    total = float(sum(weights))
    if total <= 0:
        raise WeightsError(
            f"the weights of the children of {label!r} sum to 0",
            fix="give at least one child a positive weight",
        )
    if abs(total - 1.0) <= WEIGHT_TOLERANCE:
        return list(weights)
    if not renormalise:
        listing = ", ".join(f"{i}={w:g}" for i, w in zip(ids, weights, strict=True))
        raise WeightsError(
            f"the weights of the children of {label!r} sum to {total:.6g}, not 1 ({listing})",
            parameter="weights",
            fix="change them to sum to 1, or set renormalise=True (--renormalise in the CLI) "
            "to rescale each group",
        )
    return [w / total for w in weights]


# -- parsing ------------------------------------------------------------------------------


def _parse_node(raw: Any, where: str) -> Node:
    if not isinstance(raw, Mapping) or "id" not in raw:
        raise SpecError("a node must be a mapping with an 'id'", where=where, fix="add 'id: name'")
    node_id = str(raw["id"])
    here = f"{where}/{node_id}"
    known = {"id", "weight", "direction", "name", "aliases", "indicator", "children", "aggregate"}
    unknown = set(raw) - known
    if unknown:
        raise SpecError(
            f"unknown key(s) {sorted(unknown)} in node {node_id!r}",
            where=here,
            fix=f"use only {sorted(known)}",
        )
    try:
        weight = float(raw.get("weight", 1.0))
    except (TypeError, ValueError):
        raise SpecError(f"weight {raw.get('weight')!r} is not a number", where=here) from None
    if not weight >= 0:
        raise WeightsError(f"weight {weight} is negative", where=here, fix="use a weight >= 0")
    given = raw.get("direction", 1)
    try:
        sign = float(given)
    except (TypeError, ValueError):
        sign = 0.0
    if isinstance(given, bool) or sign not in (1.0, -1.0):
        raise SpecError(
            f"direction {given!r} is not +1 or -1",
            where=here,
            fix="1: higher is better, -1: lower is better",
        )
    direction = int(sign)
    aliases = raw.get("aliases") or ()
    if isinstance(aliases, str):
        aliases = (aliases,)
    if not isinstance(aliases, list | tuple):
        raise SpecError("'aliases' must be a list of names", where=here, fix="e.g. [AI, A.I.]")
    listed = raw.get("children") or ()
    if not isinstance(listed, list | tuple):
        raise SpecError(
            "'children' must be a list of nodes",
            where=here,
            fix="write '- id: name' items under 'children:'",
        )
    children = tuple(_parse_node(c, here) for c in listed)
    indicator = raw.get("indicator")
    if not children and indicator is None:
        indicator = node_id
    if children and indicator is not None:
        raise SpecError("a node with children cannot also name an indicator", where=here)
    aggregate = raw.get("aggregate")
    if aggregate is not None and (not children or aggregate not in AGGREGATIONS):
        raise SpecError(
            f"node aggregation {aggregate!r} is not allowed here",
            where=here,
            fix=f"only a node with children may set 'aggregate', to one of {AGGREGATIONS}",
        )
    ids = [c.id for c in children]
    if len(set(ids)) != len(ids):
        raise SpecError(f"duplicate child ids under {node_id!r}", where=here)
    return Node(
        id=node_id,
        weight=weight,
        direction=direction,
        name=raw.get("name"),
        aliases=tuple(str(a) for a in aliases),
        indicator=None if indicator is None else str(indicator),
        children=children,
        aggregate=None if aggregate is None else str(aggregate),
    )


def parse_spec(
    raw: Mapping[str, Any], *, where: str = "spec", check_weights: bool = True
) -> IndexSpec:
    """Build an :class:`IndexSpec` from its YAML mapping and check it.

    With ``check_weights`` (the default) every group's weights must sum to 1 (within 1e-6); a
    spec is never silently repaired. Without it the sums are checked where the spec is
    computed, against that computation's ``renormalise`` (:func:`load_spec` reads files so,
    so that ``renormalise=True`` can rescale a spec's own weights).
    """
    if not isinstance(raw, Mapping):
        raise SpecError("an index spec must be a mapping", where=where)
    for key in ("id", "children"):
        if key not in raw:
            raise SpecError(f"missing key {key!r}", where=where, fix=f"add '{key}:'")
    normalise = str(raw.get("normalise", "none"))
    aggregate = str(raw.get("aggregate", "arithmetic"))
    from powerscope.index.steps.normalise import canonical_method

    try:
        canonical_method(normalise)
    except SpecError as exc:
        raise SpecError(exc.what, where=where, fix=exc.fix) from None
    if aggregate not in AGGREGATIONS:
        raise SpecError(
            f"unknown aggregation {aggregate!r}", where=where, fix=f"use {AGGREGATIONS}"
        )
    root = _parse_node({"id": raw["id"], "children": raw["children"]}, where)
    known = {
        "id", "name", "edition", "source", "table", "citation", "normalise", "aggregate",
        "scale", "children", "power", "min_availability",
    }  # fmt: skip
    try:
        power = float(raw.get("power", 1.0))
        min_availability = float(raw.get("min_availability", 0.0))
        scale = float(raw.get("scale", 1.0))
    except (TypeError, ValueError):
        raise SpecError(
            "'power', 'min_availability' and 'scale' must be numbers", where=where
        ) from None
    if not 0.0 <= min_availability <= 1.0:
        raise SpecError(
            f"min_availability {min_availability} is outside 0-1",
            where=where,
            fix="give the share of a node's children that must be present, e.g. 0.5",
        )
    if aggregate == "generalised" and power == 0:
        raise SpecError(
            "a generalised mean with power 0 is the geometric mean",
            where=where,
            fix="use 'aggregate: geometric'",
        )
    if raw.get("panel") is not None:
        parse_panel(raw["panel"], where)  # refused when the spec is read, not when computed
    spec = IndexSpec(
        id=str(raw["id"]),
        name=str(raw.get("name", raw["id"])),
        root=root,
        normalise=normalise,
        aggregate=aggregate,
        scale=scale,
        edition=None if raw.get("edition") is None else str(raw["edition"]),
        source=raw.get("source"),
        table=raw.get("table"),
        citation=raw.get("citation"),
        power=power,
        min_availability=min_availability,
        extra={k: v for k, v in raw.items() if k not in known},
    )
    return spec.with_weights({}, renormalise=False) if check_weights else spec


def load_spec(name_or_path: str | Path) -> IndexSpec:
    """Load a built-in index (``"ceti"``) or a spec file (``path/to/spec.yaml``).

    Groups whose weights do not sum to 1 are not refused here but where the spec is computed
    (:func:`powerscope.index.engine.compute`, :func:`powerscope.index.build.build`), which
    rescale them when asked (``renormalise=True``) and refuse them otherwise.
    """
    path = Path(name_or_path)
    if isinstance(name_or_path, Path) or path.suffix in (".yaml", ".yml") or path.is_file():
        where = shown_path(path)
        raw = read_yaml_file(path, "index spec file", error=SpecError, where=where)
    else:
        resource = resources.files("powerscope.indices").joinpath(f"{name_or_path}.yaml")
        if not resource.is_file():
            raise NotFoundError(
                f"unknown index {str(name_or_path)!r}",
                fix=f"use one of {', '.join(builtin_indices())}, or a path to a spec .yaml",
            )
        where = f"powerscope/indices/{name_or_path}.yaml"
        raw = load_yaml(resource.read_text(encoding="utf-8"), where, error=SpecError)
    spec = parse_spec(raw, where=where, check_weights=False)
    return replace(spec, path=path.resolve()) if path.is_file() else spec


def builtin_indices() -> list[str]:
    """Names of the indices shipped with powerscope."""
    folder = resources.files("powerscope.indices")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))
