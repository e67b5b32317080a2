"""What the web app keeps in memory: each domain's data loaded once, results cached.

Every figure is computed by the library (:mod:`powerscope.index.service`,
:mod:`powerscope.arms.service`, :mod:`powerscope.military.measures`,
:mod:`powerscope.alignment.service`, :mod:`powerscope.claims`); this module only loads lazily,
caches and looks up. An index is bound to its data once (:class:`LoadedIndex`); a re-weighting
then costs one evaluation of the compiled index (well under a millisecond for the CETI).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from powerscope.countries.identity import resolve
from powerscope.data.store import Store
from powerscope.errors import PowerscopeError, UnknownEntityError
from powerscope.index.engine import (
    ROOT,
    CompiledIndex,
    IndexResult,
    Matrix,
    compile_index,
    rank_descending,
    rescaled,
    zero_warnings,
)
from powerscope.index.spec import IndexSpec, builtin_indices, load_spec
from powerscope.web.errors import NotFoundError
from powerscope.web.uploads import UploadStore

if TYPE_CHECKING:
    import pandas as pd

    from powerscope.arms.service import ArmsData
    from powerscope.dynamics.calibrate import Calibration
    from powerscope.dynamics.scenario import Scenario

T = TypeVar("T")

#: the focal country of the like-mindedness index when a request names none
DEFAULT_FOCAL = "KOR"
COUNTRY_FIX = (
    "give an ISO3 code or a name, e.g. KOR or 'South Korea'; GET /api/indices/ceti lists the "
    "CETI's units with their codes"
)


class Memo:
    """A thread-safe cache: each key is computed once (concurrent callers wait for it).

    Failures are not cached. At most ``maxsize`` values are kept (least recently used out).
    """

    def __init__(self, maxsize: int = 128) -> None:
        self.maxsize = maxsize
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> Any:
        """The cached value, or None (never computes)."""
        with self._lock:
            return self._values.get(key)

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[no-any-return]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]  # type: ignore[no-any-return]
            value = make()
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.maxsize:
                    self._values.popitem(last=False)
                self._locks.pop(key, None)
            return value


def resolve_country(code: str, where: str) -> str:
    """A country code from any name or code; 404 (naming it, and how to fix) when unknown."""
    try:
        return resolve(code, where=where)
    except UnknownEntityError as exc:
        raise UnknownEntityError(exc.unresolved, where=where, fix=COUNTRY_FIX) from None


@dataclass
class LoadedIndex:
    """An index bound to its data: compiled once per (normalisation, aggregation, exclusion).

    ``matrix`` is None for an index built through its own data steps (a spec with a
    ``data_file``, e.g. imported from COINr or uploaded), which is computed by
    :func:`powerscope.index.service.compute_index` on each request.
    """

    name: str
    spec: IndexSpec
    source: str
    units: dict[str, tuple[str, bool]]
    matrix: Matrix | None
    default: IndexResult
    kind: str = "builtin"
    focal: str | None = None
    _compiled: dict[tuple[Any, ...], CompiledIndex] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def built(self) -> bool:
        return self.matrix is None

    def describe(self) -> dict[str, Any]:
        """Name, title, source, edition: the entry of ``GET /api/indices``."""
        return {
            "name": self.name,
            "title": self.spec.name,
            "source": self.source,
            "edition": self.spec.edition,
            "kind": self.kind,
            **({"focal": self.focal} if self.focal else {}),
        }

    def compiled(
        self,
        normalisation: str | None,
        aggregation: str | None,
        exclude_aggregates: bool,
        rescale: tuple[float, float] | None = None,
    ) -> CompiledIndex:
        """The spec compiled on the data (aggregates dropped before normalising if asked;
        normalised values mapped to ``rescale`` if given)."""
        key = (normalisation, aggregation, exclude_aggregates, rescale)
        found = self._compiled.get(key)
        if found is not None:
            return found
        assert self.matrix is not None
        matrix = self.matrix
        if exclude_aggregates:
            matrix = matrix.drop_units(
                [c for c in matrix.units if self.units.get(c, ("", False))[1]]
            )
        compiled = compile_index(
            self.spec, matrix, normalisation=normalisation, aggregation=aggregation
        )
        if rescale is not None:
            compiled = rescaled(compiled, rescale)
        with self._lock:
            self._compiled.setdefault(key, compiled)
        return compiled

    def evaluate(
        self,
        weights: Mapping[str, float] | None = None,
        *,
        renormalise: bool = True,
        normalisation: str | None = None,
        aggregation: str | None = None,
        exclude_aggregates: bool = False,
        rescale: tuple[float, float] | None = None,
    ) -> Scores:
        """Scores, ranks and contributions for these weights and methods.

        The same figures as :func:`powerscope.index.service.compute_index` (the web tests check
        it), from the compiled index instead of a rebuild.
        """
        if self.matrix is None:
            from powerscope.index.service import compute_index

            result = compute_index(
                self.spec,
                weights=weights,
                renormalise=renormalise,
                normalisation=normalisation,
                aggregation=aggregation,
                rescale=rescale,
            )
            return Scores.of_result(result)
        compiled = self.compiled(normalisation, aggregation, exclude_aggregates, rescale)
        vector = compiled.weight_vector(weights or None, renormalise=renormalise)
        scores = Scores.of_compiled(compiled, vector, self.units)
        scores.method.update(
            normalise=normalisation or self.spec.normalise,
            aggregate=aggregation or self.spec.aggregate,
            excluded=[c for c in self.units if c not in set(compiled.units)]
            if exclude_aggregates
            else [],
        )
        if rescale is not None:
            scores.method["rescale"] = list(rescale)
        warnings = zero_warnings(compiled)
        if warnings:
            scores.method["warnings"] = warnings
        return scores


@dataclass
class Scores:
    """What a computation answers: every unit's score at every node, its overall rank (among
    all units and among units that are not aggregates), and the points each top-level
    component contributes to the overall score (arithmetic aggregation; NaN otherwise)."""

    codes: list[str]
    names: list[str]
    is_aggregate: list[bool]
    paths: list[str]
    values: np.ndarray  # units x nodes
    rank: np.ndarray  # units
    rank_excluding_aggregates: np.ndarray  # units (NaN for aggregates)
    children: list[str]
    contributions: np.ndarray  # units x children
    method: dict[str, Any]

    @classmethod
    def of_result(cls, result: IndexResult) -> Scores:
        kids = result.children_of(ROOT)
        pairs = [result.contribution_pairs.index((ROOT, k)) for k in kids]
        return cls(
            list(result.codes), list(result.names), [bool(a) for a in result.is_aggregate],
            list(result.paths), result.values, result.rank_values[:, 0],
            result.rank_values_excluding_aggregates[:, 0], kids,
            result.contribution_values[:, pairs], dict(result.method),
        )  # fmt: skip

    @classmethod
    def of_compiled(
        cls, compiled: CompiledIndex, weights: np.ndarray, units: Mapping[str, tuple[str, bool]]
    ) -> Scores:
        """The steps of :func:`powerscope.index.engine.compute` after compiling, for one
        checked node-weight vector: evaluate, rank (overall only), attribute."""
        from powerscope.index.engine import attribute

        values = compiled.evaluate(weights)
        info = [units.get(c, (c, False)) for c in compiled.units]
        is_agg = np.array([bool(a) for _, a in info], dtype=bool)
        total = values[:, :1]
        rank = rank_descending(total)[:, 0]
        rank_ex = np.full(len(info), np.nan)
        rank_ex[~is_agg] = rank_descending(total[~is_agg])[:, 0]
        # attribute only the overall score: the root's group (the last, groups go bottom-up)
        top = replace(
            compiled, weights=weights, groups=compiled.groups[-1:], methods=compiled.methods[-1:]
        )
        pairs, contributions = attribute(top, values)
        kids = [child for _, child in pairs]
        method = {
            "scale": compiled.scale,
            "weights": dict(zip(compiled.paths[1:], _clean(weights[1:]), strict=True)),
        }
        return cls(
            list(compiled.units), [n or c for c, (n, _) in zip(compiled.units, info, strict=True)],
            is_agg.tolist(), list(compiled.paths), values, rank, rank_ex, kids,
            contributions, method,
        )  # fmt: skip

    def order(self) -> list[int]:
        """Row numbers by rank (ties by name), unranked last."""
        ranks = [r if r == r else float("inf") for r in self.rank.tolist()]
        return sorted(range(len(self.codes)), key=lambda i: (ranks[i], self.names[i]))


def _clean(values: np.ndarray) -> list[Any]:
    """Numbers rounded to 6 decimals (as :mod:`powerscope.index.engine` reports them) as
    Python lists; NaN as None."""
    rounded = np.round(np.asarray(values, dtype=float), 6)
    finite = np.isfinite(rounded)
    if finite.all():
        return rounded.tolist()  # type: ignore[no-any-return]
    out = rounded.astype(object)
    out[~finite] = None
    return out.tolist()  # type: ignore[no-any-return]


def _ranks(values: np.ndarray) -> list[int | None]:
    return [None if v is None else int(v) for v in _clean(values)]


def compute_payload(loaded: LoadedIndex, scores: Scores) -> dict[str, Any]:
    """The body of ``POST /api/indices/{name}/compute``: ranking, contributions, node scores."""
    kids = scores.children
    col = [scores.paths.index(k) for k in kids]
    total = _clean(scores.values[:, 0])
    kid_scores = _clean(scores.values[:, col])
    kid_points = _clean(scores.contributions)
    rank = _ranks(scores.rank)
    rank_ex = _ranks(scores.rank_excluding_aggregates)
    ranking = []
    node_scores: dict[str, dict[str, float | None]] = {}
    contributions: dict[str, dict[str, float | None]] = {}
    for i in scores.order():
        code = scores.codes[i]
        ranking.append(
            {
                "code": code,
                "name": scores.names[i],
                "is_aggregate": scores.is_aggregate[i],
                "score": total[i],
                "rank": rank[i],
                "rank_excluding_aggregates": rank_ex[i],
            }
        )
        node_scores[code] = dict(zip(kids, kid_scores[i], strict=True))
        contributions[code] = dict(zip(kids, kid_points[i], strict=True))
    method = {k: v for k, v in scores.method.items() if k != "source"}
    if loaded.focal:
        method["focal"] = loaded.focal
    return {
        "name": loaded.name,
        "title": loaded.spec.name,
        "edition": loaded.spec.edition,
        "source": loaded.source,
        "method": method,
        "ranking": ranking,
        "children": kids,
        "contributions": contributions,
        "node_scores": node_scores,
    }


class AppState:
    """Domain data loaded on first use and kept, and cached results, for one app."""

    def __init__(self, store: Store, uploads: UploadStore) -> None:
        self.store = store
        self.uploads = uploads
        self._indices = Memo(64)
        self._results = Memo(64)
        self._data = Memo(16)
        self._dynamics = Memo(96)
        self._builtin = builtin_indices()

    # -- indices ---------------------------------------------------------------------------
    def uploaded_specs(self) -> dict[str, dict[str, Any]]:
        """The newest uploaded spec of each index name."""
        out: dict[str, dict[str, Any]] = {}
        for record in self.uploads.records("specs"):
            out[str(record["index"])] = record  # records come oldest first
        return out

    def builtin_names(self) -> list[str]:
        return list(self._builtin)

    def index_names(self) -> list[str]:
        return [*self._builtin, *sorted(self.uploaded_specs())]

    def _key(self, name: str, focal: str | None) -> tuple[str, str | None, str | None]:
        if name in self._builtin:
            if name == "partners":
                code = resolve_country(focal or DEFAULT_FOCAL, where="focal")
                return name, None, code
            return name, None, None
        record = self.uploaded_specs().get(name)
        if record is None:
            raise NotFoundError(
                f"unknown index {name!r}",
                where="index name",
                fix="use one of: " + ", ".join(self.index_names()) + " (GET /api/indices)",
            )
        return name, str(record["id"]), None

    def peek_index(self, name: str, focal: str | None = None) -> LoadedIndex | None:
        """The loaded index if it is in memory already (nothing is loaded)."""
        if name not in self._builtin:
            return None
        try:
            key = self._key(name, focal)
        except PowerscopeError:
            return None
        found: LoadedIndex | None = self._indices.peek(key)
        return found

    def index(self, name: str, focal: str | None = None) -> LoadedIndex:
        """An index bound to its data, loaded once."""
        key = self._key(name, focal)
        return self._indices.get(key, lambda: self._load(*key))

    def _load(self, name: str, upload_id: str | None, focal: str | None) -> LoadedIndex:
        from powerscope.index.service import compute_index

        if upload_id is not None:
            spec = self.uploads.spec(upload_id)
            kind = "upload"
        else:
            spec = load_spec(name)
            kind = "builtin"
        if focal is not None:
            from powerscope.alignment.partners import partner_data
            from powerscope.countries import name_of
            from powerscope.index.engine import compute

            data = partner_data(focal, self.store)
            units = {c: (name_of(c), False) for c in data.matrix.units}
            source = f"Source: {spec.citation}"
            default = compute(spec, data.matrix, units=units)
            default.method["source"] = source
            return LoadedIndex(name, spec, source, units, data.matrix, default, kind, focal)
        if spec.extra.get("data_file"):
            from powerscope.index.build import load_data, unit_names

            units = unit_names(load_data(spec))
            default = compute_index(spec)
            return LoadedIndex(
                name, spec, str(default.method["source"]), units, None, default, kind
            )
        from powerscope.index.data import index_data

        matrix, info = index_data(spec, self.store)
        units = {c: info.get(c, (c, False)) for c in matrix.units}
        default = compute_index(spec, store=self.store)
        return LoadedIndex(name, spec, str(default.method["source"]), units, matrix, default, kind)

    def uncertainty(self, name: str, focal: str | None, runs: int, seed: int) -> dict[str, Any]:
        """Rank uncertainty under the index's documented assumptions, cached per
        (index, focal, runs, seed)."""
        loaded = self.index(name, focal)
        key = ("uncertainty", self._key(name, focal), runs, seed)
        return self._results.get(key, lambda: _uncertainty(loaded, runs, seed))

    # -- other domains ---------------------------------------------------------------------
    def arms(self) -> ArmsData:
        from powerscope.arms.service import load

        return self._data.get("arms", lambda: load(self.store))

    def annual_exports(self) -> pd.DataFrame:
        """Every supplier's exports by year (TIV millions): one-year windows of the deliveries."""
        from powerscope.arms.analytics import rolling

        return self._data.get(
            "annual_exports", lambda: rolling(self.arms().deliveries, width=1, by="supplier")
        )

    def unvotes(self) -> Any:
        from powerscope.alignment.agreement import load

        return self._data.get("unvotes", lambda: load(self.store))

    def claims(self) -> list[dict[str, Any]]:
        from powerscope.claims import check_claims, load_claims

        return self._data.get(
            "claims", lambda: [v.as_record() for v in check_claims(load_claims(), self.store)]
        )

    def datasets(self) -> list[dict[str, Any]]:
        return self._data.get("datasets", lambda: self.store.datasets().to_dict(orient="records"))

    def cached(self, key: Hashable, make: Callable[[], T]) -> T:
        """Any other result, cached under ``key``."""
        return self._results.get(key, make)

    # -- the dynamic model -----------------------------------------------------------------
    def calibration(self, code: str, fit: tuple[int, int]) -> Calibration:
        """The dynamic model calibrated for ``code`` on the years ``fit``, computed once
        (about a second) and kept."""
        from powerscope.dynamics.calibrate import calibrate

        return self._dynamics.get(
            ("calibration", code, fit), lambda: calibrate(code, fit, store=self.store)
        )

    def dynamics_cached(self, key: Hashable, make: Callable[[], T]) -> T:
        """A dynamic-model report (run, loops, backtest, compare), cached under ``key``."""
        return self._dynamics.get(key, make)

    def saved_scenarios(self) -> dict[str, dict[str, Any]]:
        """The newest saved scenario of each name."""
        out: dict[str, dict[str, Any]] = {}
        for record in self.uploads.records("scenarios"):
            out[str(record["name"])] = record  # records come oldest first
        return out

    def scenario(self, choice: str | Mapping[str, Any], where: str) -> tuple[Hashable, Scenario]:
        """A scenario and a cache key for it: a shipped or saved name, or an inline mapping
        (validated by :func:`powerscope.dynamics.scenario.parse_scenario`).

        Names never reach the file system as paths: a shipped name is looked up among the
        shipped files, a saved one among the records of the upload store.
        """
        import json

        import yaml

        from powerscope.dynamics.scenario import load_scenario, parse_scenario, shipped

        if not isinstance(choice, str):
            scenario = parse_scenario(dict(choice), where=where)
            return ("inline", json.dumps(choice, sort_keys=True, default=str)), scenario
        name = choice.strip()
        known = shipped()
        if name == "baseline":
            return ("shipped", name), load_scenario(None)
        if name in known:
            return ("shipped", name), load_scenario(known[name])
        record = self.saved_scenarios().get(name)
        if record is None:
            raise NotFoundError(
                f"unknown scenario {name!r}",
                where=where,
                fix="use a shipped or saved scenario (GET /api/dynamics/scenarios): "
                + ", ".join(sorted({*known, *self.saved_scenarios()})),
            )
        path = self.uploads.folder("scenarios") / str(record["stored"])
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        label = f"saved scenario {name} ({record['id']})"
        return ("saved", str(record["id"])), parse_scenario(raw, where=label)


def _uncertainty(loaded: LoadedIndex, runs: int, seed: int) -> dict[str, Any]:
    from powerscope.index.robustness import uncertainty

    spec = loaded.spec
    if loaded.matrix is None:
        result = uncertainty(spec, runs=runs, seed=seed)
    else:
        result = uncertainty(spec, runs=runs, seed=seed, data=loaded.matrix, units=loaded.units)
    assumptions = result.assumptions
    countries = [
        {
            "code": rec["code"],
            "name": rec["name"],
            "nominal": rec["nominal_rank"],
            "median": rec["median_rank"],
            "p05": rec["q05_rank"],
            "p95": rec["q95_rank"],
            "mean": rec["mean_rank"],
            "nominal_score": rec["nominal_score"],
            "mean_score": rec["mean_score"],
        }
        for rec in result.to_records()
    ]
    return {
        "name": loaded.name,
        "title": spec.name,
        "source": loaded.source,
        "runs": result.runs,
        "seed": seed,
        "assumptions": assumptions,
        "failed_runs": len(result.failed),
        "ranks": "1 = best; nominal: the default build; p05/p95: 5th and 95th percentile",
        **({"focal": loaded.focal} if loaded.focal else {}),
        "countries": countries,
    }
