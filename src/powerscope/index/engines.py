"""Executors of uncertainty and sensitivity analyses, chosen by name.

A run plan (:mod:`powerscope.index.uncertainty`) is cut into :class:`Task` chunks of runs that
share a data variant and an aggregation; an executor evaluates them and returns each task's
root scores, in task order:

- ``local``: plain numpy in this process (:func:`run_local`);
- ``dask``: the same chunks on a Dask cluster (``scheduler`` address, or a local multi-process
  cluster) (:func:`run_dask`).

Runs are planned before anything is evaluated, so every executor gives the same result for the
same seed. This module depends on the engine only (nothing here imports the uncertainty
module), so executors can be named without an import circle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from powerscope.errors import PowerscopeError, SpecError
from powerscope.index.engine import CompiledIndex, rescaled


class EngineError(PowerscopeError):
    """The execution engine could not be started or reached."""


@dataclass(frozen=True)
class Aggregation:
    """An aggregation alternative; ``rescale`` maps leaf values linearly from [0, 1] first."""

    method: str
    rescale: tuple[float, float] | None = None

    @property
    def label(self) -> str:
        return self.method if self.rescale is None else f"{self.method} on {list(self.rescale)}"


@dataclass(frozen=True)
class Task:
    """A chunk of runs sharing a variant and an aggregation."""

    variant: int
    aggregation: int
    runs: np.ndarray  # run numbers


def evaluate_task(
    compiled: CompiledIndex, aggregation: Aggregation, weights: np.ndarray
) -> np.ndarray:
    """Root scores (runs x units) of one chunk: the array work of an uncertainty analysis."""
    if aggregation.rescale is not None:
        compiled = rescaled(compiled, aggregation.rescale)
    scores = compiled.evaluate(weights, aggregation=aggregation.method)
    return scores[:, :, 0]


def safe_evaluate(
    compiled: CompiledIndex, aggregation: Aggregation, weights: np.ndarray
) -> np.ndarray:
    """:func:`evaluate_task`, with undefined means (of negative values) as missing scores."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        scores = evaluate_task(compiled, aggregation, weights)
    if aggregation.method in ("geometric", "harmonic", "generalised"):
        # means of logs/powers of negative values are undefined: those units get no score
        scores = np.where(np.isfinite(scores), scores, np.nan)
    return scores


#: an executor: ``(tasks, compiled, aggregations, weights, scheduler, progress)`` to each task's
#: root scores, in task order (the signature of :func:`run_local`)
Executor = Callable[..., list[np.ndarray]]


def run_local(
    tasks: Sequence[Task],
    compiled: dict[int, CompiledIndex],
    aggregations: Sequence[Aggregation],
    weights: np.ndarray,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[np.ndarray]:
    """Evaluate tasks with numpy in this process; ``scheduler`` is not used."""
    out = []
    for task in tasks:
        out.append(
            safe_evaluate(
                compiled[task.variant], aggregations[task.aggregation], weights[task.runs]
            )
        )
        if progress:
            progress(len(task.runs))
    return out


def run_dask(
    tasks: Sequence[Task],
    compiled: dict[int, CompiledIndex],
    aggregations: Sequence[Aggregation],
    weights: np.ndarray,
    scheduler: str | None,
    progress: Callable[[int], None] | None = None,
    *,
    n_workers: int = 2,
) -> list[np.ndarray]:
    """Evaluate tasks on a Dask cluster; return each task's root scores in task order."""
    from dask.distributed import as_completed

    with dask_client(scheduler, n_workers=n_workers) as client:
        shared = {v: client.scatter(c, broadcast=True) for v, c in compiled.items()}
        futures = [
            client.submit(
                safe_evaluate,
                shared[t.variant],
                aggregations[t.aggregation],
                weights[t.runs],
                pure=False,
            )
            for t in tasks
        ]
        position = {f.key: i for i, f in enumerate(futures)}
        results: list[np.ndarray | None] = [None] * len(futures)
        for future in as_completed(futures):
            i = position[future.key]
            results[i] = future.result()
            if progress:
                progress(len(tasks[i].runs))
        return [r for r in results if r is not None]


@contextmanager
def dask_client(scheduler: str | None, *, n_workers: int = 2) -> Iterator[Any]:
    """A Dask client of the cluster at ``scheduler``, or of a local multi-process cluster
    (``n_workers`` single-threaded workers) closed on exit; :class:`EngineError` when it
    cannot be started or reached."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise EngineError(
            "the Dask engine needs dask[distributed]", fix="pip install 'dask[distributed]'"
        ) from exc
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="10s")
        else:
            cluster = LocalCluster(
                n_workers=n_workers, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=40,
            )  # fmt: skip
            client = Client(cluster)
    except OSError as exc:
        raise EngineError(
            f"cannot reach the Dask scheduler: {exc}",
            where=scheduler or "local cluster",
            parameter="scheduler",
            fix="check the scheduler's address (e.g. tcp://127.0.0.1:8786)",
        ) from exc
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


#: the executors by name
EXECUTORS: dict[str, Executor] = {"local": run_local, "dask": run_dask}


def executor(name: str) -> Executor:
    """The executor called ``name``; :class:`SpecError` naming the known ones if none."""
    try:
        return EXECUTORS[name]
    except KeyError:
        raise SpecError(
            f"unknown engine {name!r}",
            parameter="engine",
            fix="use one of: " + ", ".join(EXECUTORS),
        ) from None
