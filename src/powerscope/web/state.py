"""What the web app keeps in memory: each domain's data loaded once, results cached.

Every figure is computed by the library (:mod:`powerscope.index.service`,
:mod:`powerscope.arms.service`, :mod:`powerscope.military.measures`,
:mod:`powerscope.alignment.service`, :mod:`powerscope.claims`); this module only loads lazily,
caches and looks up. An index is bound to its data once, as a library session
(:class:`powerscope.index.session.IndexSession`, kept as a :class:`LoadedIndex`); a
re-weighting then costs one evaluation of the compiled index (well under a millisecond for the
CETI).

Heavy computations (rank uncertainty, the dynamic model) are sent to the app's worker
processes (:mod:`powerscope.web.pool`) as tasks: a module-level function ``task(state, *args)``
with plain arguments, run against the worker's own state; without a pool (``heavy_workers``
0, or an app whose lifespan has not started) the same function runs in the server's thread.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from powerscope.countries.identity import resolve
from powerscope.data.store import Store
from powerscope.errors import PowerscopeError, SpecError, UnknownEntityError
from powerscope.files import read_yaml_file
from powerscope.index.session import IndexSession, Scores
from powerscope.index.spec import builtin_indices, load_spec
from powerscope.index.weights import RENORMALISE_DEFAULT
from powerscope.web.errors import NotFoundError
from powerscope.web.limits import HeavyLimit, Limits
from powerscope.web.uploads import UploadStore

if TYPE_CHECKING:
    import pandas as pd

    from powerscope.arms.service import ArmsData
    from powerscope.dynamics.calibrate import Calibration
    from powerscope.dynamics.scenario import Scenario

T = TypeVar("T")

#: weight overrides as a heavy task's argument and a cache key's part: ``((node, weight), ...)``
Overrides = tuple[tuple[str, float], ...]

#: the focal country of the like-mindedness index when a request names none
DEFAULT_FOCAL = "KOR"
COUNTRY_FIX = (
    "give an ISO3 code or a name, e.g. KOR or 'South Korea'; GET /api/indices/ceti lists the "
    "CETI's units with their codes"
)


class TaskRunner(Protocol):
    """Where heavy tasks run (:class:`powerscope.web.pool.HeavyPool`: worker processes)."""

    def run(self, kind: str, task: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        """``task(state, *args)`` computed elsewhere; its result."""


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


def overrides_of(weights: Mapping[str, float] | None) -> Overrides:
    """Weight overrides ``{node: weight}`` as a plain, hashable value in a fixed order (by
    node as written): what a heavy task is sent and what a cache key holds. Empty: the
    published weights."""
    return tuple(sorted((str(node), float(w)) for node, w in (weights or {}).items()))


def resolve_country(code: str, where: str) -> str:
    """A country code from any name or code; 404 (naming it, and how to fix) when unknown."""
    try:
        return resolve(code, where=where)
    except UnknownEntityError as exc:
        raise UnknownEntityError(exc.unresolved, where=where, fix=COUNTRY_FIX) from None


@dataclass
class LoadedIndex(IndexSession):
    """An index session (:class:`powerscope.index.session.IndexSession`: the index bound to
    its data, re-weighted fast) with what the app knows it by: its name, kind and focal
    country."""

    name: str = ""
    kind: str = "builtin"
    focal: str | None = None

    def describe(self) -> dict[str, Any]:
        """Name, title, source, edition: the entry of ``GET /api/indices``."""
        return {
            "name": self.name,
            "title": self.spec.name,
            "source": self.source,
            "edition": self.spec.edition,
            "years": self.years,
            "kind": self.kind,
            **({"focal": self.focal} if self.focal else {}),
        }


def compute_payload(loaded: LoadedIndex, scores: Scores) -> dict[str, Any]:
    """The body of ``POST /api/indices/{name}/compute``: ranking, contributions, node scores,
    and the ``citations`` of the index's data (the session's payload, named)."""
    body = loaded.payload(scores)
    if loaded.focal:
        body["method"]["focal"] = loaded.focal
    return {"name": loaded.name, **body}


class AppState:
    """Domain data loaded on first use and kept, and cached results, for one app."""

    def __init__(self, store: Store, uploads: UploadStore, limits: Limits | None = None) -> None:
        self.store = store
        self.uploads = uploads
        self.limits = limits or Limits()
        self.heavy = HeavyLimit(self.limits)
        self._indices = Memo(64)
        self._results = Memo(64)
        self._data = Memo(16)
        self._dynamics = Memo(96)
        self._builtin = builtin_indices()
        #: the worker processes of heavy computations while the app runs (None: in threads;
        #: set by the app's lifespan, :func:`powerscope.web.pool.start_pool`)
        self.pool: TaskRunner | None = None

    # -- heavy computations ----------------------------------------------------------------
    def heavy_task(
        self,
        kind: str,
        key: Hashable,
        task: Callable[..., T],
        *args: Any,
        memo: Memo | None = None,
    ) -> T:
        """``task(state, *args)``, cached under ``key``; computing it takes a ``kind`` slot
        (:class:`powerscope.web.limits.HeavyLimit`, 429 when all are taken) and runs in a
        worker process when the app has a pool, else in this thread. ``task`` is a
        module-level function and ``args`` plain values (names, years, seeds, weights); the
        result is the JSON-ready dict the route answers."""

        def make() -> T:
            with self.heavy.slot(kind):
                if self.pool is None:
                    return task(self, *args)
                result: T = self.pool.run(kind, task, args)
                return result

        return (memo or self._results).get(key, make)

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
        loaded = self._indices.get(key, lambda: self._load(*key))
        loaded.max_compiled = self.limits.compiled_variants
        return loaded

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
            from powerscope.index.service import index_citations, source_text

            data = partner_data(focal, self.store)
            units = {c: (name_of(c), False) for c in data.matrix.units}
            default = compute(spec, data.matrix, units=units)
            default.citations = index_citations(spec, self.store)
            source = source_text(spec, default.citations)
            default.method["source"] = source
            return LoadedIndex(
                spec, source, units, data.matrix, default, name=name, kind=kind, focal=focal
            )
        if spec.panel is not None:
            from powerscope.index.panel import panel_data

            panel, info = panel_data(spec, self.store)
            units = {c: info.get(c, (c, False)) for c in panel.units}
            default = compute_index(spec, store=self.store)
            return LoadedIndex(
                spec, str(default.method["source"]), units, None, default, name=name,
                kind=kind, panel=panel,
            )  # fmt: skip
        if spec.extra.get("data_file"):
            from powerscope.index.build import load_data, unit_names

            units = unit_names(load_data(spec))
            default = compute_index(spec)
            return LoadedIndex(
                spec, str(default.method["source"]), units, None, default, name=name, kind=kind
            )
        from powerscope.index.data import index_data

        matrix, info = index_data(spec, self.store)
        units = {c: info.get(c, (c, False)) for c in matrix.units}
        default = compute_index(spec, store=self.store)
        return LoadedIndex(
            spec, str(default.method["source"]), units, matrix, default, name=name, kind=kind
        )

    def uncertainty(
        self, name: str, focal: str | None, runs: int, seed: int, year: int | None = None
    ) -> dict[str, Any]:
        """Rank uncertainty under the index's documented assumptions, cached per
        (index, focal, runs, seed, year); a panel index's ``year`` defaults to its last."""
        loaded = self.index(name, focal)  # loaded here first: an unknown index is refused at once
        year = loaded.year(year)
        key = ("uncertainty", self._key(name, focal), runs, seed, year)
        return self.heavy_task(
            "uncertainty", key, uncertainty_report, name, focal, runs, seed, year
        )

    def _panel_checked(
        self, name: str, weights: Mapping[str, float] | None, renormalise: bool
    ) -> Overrides:
        """The overrides of ``weights`` for the panel index ``name``, checked before any work
        (or heavy slot) is taken: an unknown index (404), a snapshot index and impossible
        weights (WeightsError, 422) are refused here."""
        from powerscope.index.panel import require_panel

        loaded = self.index(name)
        require_panel(loaded.spec, None)
        overrides = overrides_of(weights)
        if overrides:
            loaded.spec.with_weights(dict(overrides), renormalise=renormalise)
        return overrides

    def trend(
        self,
        name: str,
        codes: tuple[str, ...],
        first: int | None,
        last: int | None,
        runs: int,
        seed: int,
        weights: Mapping[str, float] | None = None,
        renormalise: bool = RENORMALISE_DEFAULT,
    ) -> dict[str, Any]:
        """Units' scores, ranks and 5th-95th percentile rank bands by year (a panel index),
        for the published weights or ``weights`` (overrides, read as
        :meth:`powerscope.index.spec.IndexSpec.with_weights` reads them), cached per (index,
        codes, years, runs, seed, weights); a heavy computation, like :meth:`uncertainty`."""
        overrides = self._panel_checked(name, weights, renormalise)
        key = ("trend", self._key(name, None), codes, first, last, runs, seed, overrides,
               renormalise)  # fmt: skip
        return self.heavy_task(
            "uncertainty", key, trend_report, name, codes, first, last, runs, seed, overrides,
            renormalise,
        )  # fmt: skip

    def compare_years(
        self,
        name: str,
        first: int,
        last: int,
        weights: Mapping[str, float] | None = None,
        renormalise: bool = RENORMALISE_DEFAULT,
        runs: int = 0,
        seed: int = 1,
    ) -> dict[str, Any]:
        """Movers between two years of a panel index, for the published weights or
        ``weights`` (overrides), cached per (index, years, weights, runs, seed); with ``runs``
        each move's band over the runs (a heavy computation, like :meth:`trend`)."""
        overrides = self._panel_checked(name, weights, renormalise)
        key = ("compare-years", self._key(name, None), first, last, overrides, renormalise,
               runs, seed)  # fmt: skip
        if not runs:
            return self._results.get(
                key, lambda: compare_years_report(self, name, first, last, overrides, renormalise)
            )
        return self.heavy_task(
            "uncertainty", key, compare_years_report, name, first, last, overrides,
            renormalise, runs, seed,
        )  # fmt: skip

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
        (about a second) and kept (in a worker process, by the dynamics tasks that need it)."""
        from powerscope.dynamics.calibrate import calibrate

        return self._dynamics.get(
            ("calibration", code, fit), lambda: calibrate(code, fit, store=self.store)
        )

    def dynamics_task(self, key: Hashable, task: Callable[..., T], *args: Any) -> T:
        """A dynamic-model report (run, loops, backtest, compare, calibration), cached under
        ``key``: :meth:`heavy_task` of kind ``dynamics``."""
        return self.heavy_task("dynamics", key, task, *args, memo=self._dynamics)

    def dynamics_cached(self, key: Hashable, make: Callable[[], T]) -> T:
        """A dynamic-model report made by ``make`` in this thread, cached under ``key``;
        computing one takes a ``dynamics`` slot. Prefer :meth:`dynamics_task`, which runs in
        a worker process."""

        def heavy() -> T:
            with self.heavy.slot("dynamics"):
                return make()

        return self._dynamics.get(key, heavy)

    def heavy_cached(self, kind: str, key: Hashable, make: Callable[[], T]) -> T:
        """Any other heavy result made by ``make`` in this thread, cached under ``key``;
        computing it takes a ``kind`` slot. Prefer :meth:`heavy_task`, which runs in a worker
        process."""

        def heavy() -> T:
            with self.heavy.slot(kind):
                return make()

        return self._results.get(key, heavy)

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
        label = f"saved scenario {name} ({record['id']})"
        raw = read_yaml_file(path, "saved scenario", error=SpecError, where=label)
        return ("saved", str(record["id"])), parse_scenario(raw, where=label)


def uncertainty_report(
    state: AppState, name: str, focal: str | None, runs: int, seed: int, year: int | None
) -> dict[str, Any]:
    """The body of ``GET /api/indices/{name}/uncertainty``: rank uncertainty of the index
    ``name`` (for a panel index, of ``year``; a heavy task: :meth:`AppState.heavy_task`)."""
    loaded = state.index(name, focal)
    body = loaded.uncertainty_payload(runs, seed, year=year)
    countries = body.pop("countries")
    named = {"focal": loaded.focal} if loaded.focal else {}
    return {"name": loaded.name, **body, **named, "countries": countries}


def trend_report(
    state: AppState,
    name: str,
    codes: tuple[str, ...],
    first: int | None,
    last: int | None,
    runs: int,
    seed: int,
    weights: Overrides = (),
    renormalise: bool = RENORMALISE_DEFAULT,
) -> dict[str, Any]:
    """The body of ``GET /api/indices/{name}/trend``: units' scores, ranks and rank bands by
    year of a panel index, for the published weights or the overrides ``weights``
    (:func:`powerscope.index.panel.trend`; a heavy task: :meth:`AppState.heavy_task`)."""
    from powerscope.index.panel import require_panel, trend

    loaded = state.index(name)
    options = require_panel(loaded.spec, None)
    frame = trend(
        loaded.spec, list(codes), first=first, last=last, runs=runs, seed=seed,
        weights=dict(weights), renormalise=renormalise, data=loaded.panel, units=loaded.units,
    )  # fmt: skip
    names = frame.attrs["names"]
    rows = [
        {"code": r["code"], "name": names[r["code"]], **_numbers(r, "year", "score", "rank",
         "median_rank", "q05_rank", "q95_rank")}
        for r in frame.to_dict(orient="records")
    ]  # fmt: skip
    return {
        "name": loaded.name,
        "title": loaded.spec.name,
        "source": loaded.source,
        "citations": loaded.citations(),
        "from": int(frame["year"].min()),
        "to": int(frame["year"].max()),
        "years": [options.first, options.last],
        "runs": runs,
        "seed": seed,
        **_weights_applied(frame.attrs, renormalise),
        "ranks": "1 = best; rank: the build with the weights applied (the published ones "
        "unless custom_weights); q05/q95: 5th and 95th percentile ranks over the runs varying "
        "the index's documented assumptions around them (the same runs for every year)",
        "rows": rows,
    }


def _weights_applied(attrs: Mapping[str, Any], renormalise: bool) -> dict[str, Any]:
    """Which weights a panel result was computed with, from the library's ``attrs``:
    ``custom_weights`` (true when any was given), ``weights`` (every node's weight as
    applied, by path) and ``renormalise``."""
    return {
        "custom_weights": bool(attrs["custom_weights"]),
        "weights": {str(path): float(w) for path, w in attrs["weights"].items()},
        "renormalise": renormalise,
    }


def compare_years_report(
    state: AppState,
    name: str,
    first: int,
    last: int,
    weights: Overrides = (),
    renormalise: bool = RENORMALISE_DEFAULT,
    runs: int = 0,
    seed: int = 1,
) -> dict[str, Any]:
    """The body of ``GET /api/indices/{name}/compare-years``: movers between two years of a
    panel index (:func:`powerscope.index.panel.compare_years`), with ``runs`` the band of each
    rank change over the runs of the rank bands (a heavy task: :meth:`AppState.heavy_task`)."""
    from powerscope.index.panel import compare_years, require_panel

    loaded = state.index(name)
    require_panel(loaded.spec, None)
    frame = compare_years(
        loaded.spec, first=first, last=last, weights=dict(weights), renormalise=renormalise,
        data=loaded.panel, units=loaded.units, runs=runs, seed=seed,
    )  # fmt: skip
    measures = [c[: -len(" change")] for c in frame.columns if c.endswith(" change")]
    rows = []
    for r in frame.to_dict(orient="records"):
        row = {"code": r["code"], "name": r["name"], "top_measure": r["top_measure"]}
        row.update(_numbers(r, "score_first", "score_last", "score_change", "rank_first",
                            "rank_last", "rank_change", "top_measure_change"))  # fmt: skip
        if runs:
            row.update(_numbers(r, "change_q05", "change_q95", "share_up"))
        row["measures"] = _numbers({m: r[f"{m} change"] for m in measures}, *measures)
        rows.append(row)
    return {
        "name": loaded.name,
        "title": loaded.spec.name,
        "source": loaded.source,
        "citations": loaded.citations(),
        "from": first,
        "to": last,
        **_weights_applied(frame.attrs, renormalise),
        "change": "rank_change > 0: moved up; a measure's change: points of the score it "
        "contributes (weight x score), which sum to score_change"
        + (
            f"; change_q05-change_q95: 5th-95th percentile of the rank change over {runs} runs "
            "varying the index's assumptions (the runs of the rank bands, seed "
            f"{seed}); share_up: share of those runs in which the unit climbed"
            if runs
            else ""
        ),
        **({"runs": runs, "seed": seed} if runs else {}),
        "rows": rows,
    }


def _numbers(record: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """The values of ``keys`` as JSON numbers (whole ranks and years as int, NaN and NA as
    None, others rounded to 6 decimals)."""
    import pandas as pd

    out: dict[str, Any] = {}
    for key in keys:
        value = record[key]
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            out[key] = None
        elif (key == "year" or "rank" in key) and float(value).is_integer():
            out[key] = int(value)
        else:
            out[key] = round(float(value), 6)
    return out
