"""Execution engines for uncertainty and sensitivity analyses.

The local engine is plain numpy in this process (:func:`powerscope.index.uncertainty.run_plan`).
The Dask engine sends the same chunks of runs to a Dask cluster (``scheduler`` address, or a
local multi-process cluster) and gathers the root scores; runs are planned before anything is
sent, so results are identical to the local engine's for the same seed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from powerscope.errors import PowerscopeError

if TYPE_CHECKING:
    from powerscope.index.engine import CompiledIndex
    from powerscope.index.uncertainty import Aggregation, Task


class EngineError(PowerscopeError):
    """The execution engine could not be started or reached."""


def _evaluate(compiled: CompiledIndex, aggregation: Aggregation, weights: np.ndarray) -> Any:
    from powerscope.index.uncertainty import _safe_evaluate

    return _safe_evaluate(compiled, aggregation, weights)


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
    try:
        from dask.distributed import Client, LocalCluster, as_completed
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
        shared = {v: client.scatter(c, broadcast=True) for v, c in compiled.items()}
        futures = [
            client.submit(
                _evaluate,
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
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
