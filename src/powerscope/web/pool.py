"""Heavy computations in worker processes, off the server's event loop and threads.

A rank-uncertainty analysis or a dynamic-model run holds the interpreter for seconds; run in
one of the server's threads, it slows every other request (the re-weightings of the dashboard)
while it lasts. :class:`HeavyPool` runs them in a few worker processes instead
(:class:`concurrent.futures.ProcessPoolExecutor`, started with ``spawn``: never ``fork``, which
would copy the server's threads and any open DuckDB connection into the child).

* The pool is created when the app starts (its lifespan) and shut down when it stops; no
  worker outlives the server (each also exits on its own when its parent goes away).
* Each worker opens the store once and keeps its own loaded indices and calibrations
  (:class:`powerscope.web.state.AppState`); its imports are warmed when it starts. It runs at
  a lower CPU priority than the server (:data:`NICE`), so that where cores are few the light
  requests are answered first.
* A task is a module-level function ``task(state, *args)`` sent with plain arguments (names,
  weights, seeds, years), never objects; it returns the JSON-ready dict the route answers
  with, so what crosses the process boundary is small and cheap to pickle.
* A task longer than ``Limits.heavy_timeout`` seconds is stopped in its worker
  (:class:`HeavyFailedError`, 503); a worker that dies, or does not stop, is answered 503 too
  and the pool is replaced by a new one.
* How many heavy computations run or wait at once is still :class:`powerscope.web.limits.HeavyLimit`'s
  (429 beyond); the pool only decides where they run.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from powerscope.errors import PowerscopeError
from powerscope.web.errors import HeavyFailedError

if TYPE_CHECKING:
    from powerscope.data.store import Store
    from powerscope.web.limits import Limits
    from powerscope.web.state import AppState
    from powerscope.web.uploads import UploadStore

__all__ = ["HeavyPool", "start_pool", "stop_pool", "store_recipe"]

log = logging.getLogger("powerscope.web")

#: seconds the main process waits beyond a task's own time limit before it gives the worker up
GRACE = 30.0
#: how much lower a worker's CPU priority is than the server's (``nice``): on a machine with few
#: cores the server's event loop, which answers the light requests, comes first
NICE = 10
#: seconds between a worker's checks that the server that started it is still there
PARENT_CHECK = 1.0

Task = Callable[..., Any]
Recipe = tuple[str, str | None]


def store_recipe(store: Store) -> Recipe | None:
    """How a worker opens the same store: ``("warehouse", path)`` or ``("snapshot", folder)``
    (None: the embedded one); None for any other kind of store (its computations then run in
    the server's threads)."""
    from powerscope.data.store import SnapshotStore, WarehouseStore

    if type(store) is WarehouseStore:
        return "warehouse", str(store.path)
    if type(store) is SnapshotStore:
        embedded = store.location.startswith("embedded")
        return "snapshot", None if embedded else str(store.folder)
    return None


def start_pool(state: AppState) -> None:
    """Give the app's state its worker processes (``state.limits.heavy_workers`` of them; none
    when that is 0, or when workers cannot open the app's store: heavy computations then run
    in the server's threads)."""
    if state.pool is not None or state.limits.heavy_workers < 1:
        return
    if store_recipe(state.store) is None:
        log.warning(
            "powerscope: heavy computations run in the server's threads: worker processes "
            "cannot open a %s",
            type(state.store).__name__,
        )
        return
    pool = HeavyPool(state.limits.heavy_workers, state.store, state.uploads, state.limits)
    pool.start()
    state.pool = pool


def stop_pool(state: AppState) -> None:
    """Stop the app's worker processes (waiting tasks are cancelled; none is left running)."""
    pool, state.pool = state.pool, None
    if isinstance(pool, HeavyPool):
        pool.shutdown()


def _open(recipe: Recipe) -> Store:
    from powerscope.data.store import SnapshotStore, WarehouseStore

    kind, where = recipe
    if kind == "warehouse":
        return WarehouseStore(Path(str(where)))
    return SnapshotStore(Path(where) if where else None)


# -- the worker's side --------------------------------------------------------------------------
_STATE: AppState | None = None


class _Overtime(BaseException):
    """Raised in a worker's task when its time is up (a BaseException: no task catches it)."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _Overtime


def _watch_parent(parent: int) -> None:
    """End this worker when the server that started it is gone (killed without a shutdown)."""
    while True:
        time.sleep(PARENT_CHECK)
        if os.getppid() != parent:
            os._exit(0)


def _initialise(recipe: Recipe, uploads: UploadStore, limits: Limits, parent: int) -> None:
    """A worker's start: open the store, build its state, warm the imports its tasks need."""
    global _STATE
    with contextlib.suppress(AttributeError, OSError):  # else the server's own priority
        os.nice(NICE)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server's Ctrl-C is the server's to handle
    signal.signal(signal.SIGALRM, _on_alarm)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    from powerscope.web.state import AppState

    _STATE = AppState(_open(recipe), uploads, limits)
    import powerscope.alignment.service
    import powerscope.dynamics.service
    import powerscope.index.service
    import powerscope.index.uncertainty
    import powerscope.web.routers.alignment
    import powerscope.web.routers.dynamics  # noqa: F401


def _ready() -> int:
    """A task that does nothing: it makes a worker start (and says which one it is)."""
    return os.getpid()


def _call(task: Task, args: tuple[Any, ...], seconds: float) -> tuple[str, Any]:
    """Run ``task(state, *args)`` in this worker, stopped after ``seconds``: ``("ok", result)``,
    ``("error", (class, attributes))`` for a powerscope error (rebuilt as it was in the
    server), or ``("overtime", seconds)``."""
    from powerscope.web.limits import release_memory

    assert _STATE is not None, "the worker was not initialised"
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return "ok", task(_STATE, *args)
    except _Overtime:
        return "overtime", seconds
    except PowerscopeError as exc:
        return "error", (type(exc), dict(vars(exc)))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        release_memory()


def _rebuild(kind: type[PowerscopeError], attributes: dict[str, Any]) -> PowerscopeError:
    """A powerscope error from its class and attributes (their constructors differ, so they
    are not pickled as exceptions are)."""
    exc = kind.__new__(kind)
    vars(exc).update(attributes)
    exc.args = (exc.message,)
    return exc


# -- the server's side --------------------------------------------------------------------------
class HeavyPool:
    """Worker processes for the app's heavy computations.

    Parameters
    ----------
    workers:
        How many worker processes (at least 1).
    store:
        The app's store; workers open the same one (:func:`store_recipe`).
    uploads:
        The app's upload store (uploaded specs and saved scenarios are read from it).
    limits:
        The app's limits: ``heavy_timeout`` (seconds a task may run) and ``heavy`` (how many
        tasks may run or wait at once, which bounds how long one may wait for a worker).
    """

    def __init__(self, workers: int, store: Store, uploads: UploadStore, limits: Limits) -> None:
        recipe = store_recipe(store)
        if recipe is None:
            raise ValueError(f"a {type(store).__name__} cannot be opened by a worker process")
        self.workers = max(1, workers)
        self.timeout = float(limits.heavy_timeout)
        waiting = math.ceil(max(sum(limits.heavy.values()), 1) / self.workers)
        #: the longest the server waits for one task: its turn in the queue, its time, a grace
        self.deadline = self.timeout * waiting + GRACE
        self._initargs = (recipe, uploads, limits, os.getpid())
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._retired: list[ProcessPoolExecutor] = []
        self.replaced = 0

    # -- life -------------------------------------------------------------------------------
    def start(self) -> None:
        """Create the executor and start its workers (in the background: a task sent before
        they are ready waits for them)."""
        with self._lock:
            if self._executor is None:
                self._executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_initialise,
            initargs=self._initargs,
        )
        for _ in range(self.workers):  # workers start on demand: one warm-up task each
            executor.submit(_ready)
        return executor

    def pids(self) -> list[int]:
        """The process ids of the current workers."""
        with self._lock:
            executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return sorted(int(pid) for pid in processes)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop every worker: waiting tasks are cancelled, workers are asked to exit, and
        those still running after ``timeout`` seconds are terminated; all are reaped."""
        with self._lock:
            executors = [e for e in (self._executor, *self._retired) if e is not None]
            self._executor, self._retired = None, []
        for executor in executors:
            _stop(executor, timeout)

    def _replace(self, failed: ProcessPoolExecutor) -> None:
        """Put a new executor in place of ``failed`` (once, however many tasks saw it fail)
        and stop the old one's workers."""
        with self._lock:
            if self._executor is not failed:
                return
            self._executor = self._new()
            self.replaced += 1
        log.warning("powerscope: a heavy-computation worker failed; the pool was replaced")
        threading.Thread(target=_stop, args=(failed, 1.0), daemon=True).start()

    # -- work -------------------------------------------------------------------------------
    def run(self, kind: str, task: Task, args: tuple[Any, ...]) -> Any:
        """``task(state, *args)`` computed in a worker; blocks the calling thread (never the
        event loop) until it is done. Its powerscope errors are raised here as they were
        raised there; a worker that dies or overruns is :class:`HeavyFailedError` (503)."""
        with self._lock:
            executor = self._executor
        if executor is None:
            raise HeavyFailedError(
                "the server is shutting down",
                where=f"{kind} computations",
                fix="retry in a few seconds",
            )
        try:
            future: Future[tuple[str, Any]] = executor.submit(_call, task, args, self.timeout)
            status, value = future.result(timeout=self.deadline)
        except FutureTimeout:
            self._replace(executor)
            raise HeavyFailedError(
                f"the {kind} computation did not finish within {self.deadline:.0f} s; its "
                "worker was stopped",
                where=f"{kind} computations",
                fix="retry with fewer runs or a shorter projection",
            ) from None
        except BrokenProcessPool:
            self._replace(executor)
            raise HeavyFailedError(
                f"the worker process running the {kind} computation stopped; a new one is starting",
                where=f"{kind} computations",
                fix="retry in a few seconds; if it fails again, ask for fewer runs",
            ) from None
        if status == "ok":
            return value
        if status == "overtime":
            raise HeavyFailedError(
                f"the {kind} computation took longer than {value:g} s and was stopped",
                where=f"{kind} computations",
                fix="ask for fewer runs, fewer countries or a shorter projection",
            )
        raise _rebuild(*value)


def _stop(executor: ProcessPoolExecutor, timeout: float) -> None:
    """Stop ``executor``'s workers (terminated if they have not exited after ``timeout``
    seconds), reap them, and wait for its manager thread, which releases its queues."""
    manager = getattr(executor, "_executor_manager_thread", None)
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + timeout
    for process in processes:
        process.join(max(deadline - time.monotonic(), 0.0))
    for process in processes:
        if process.is_alive():
            process.terminate()
            process.join(1.0)
        if process.is_alive():
            process.kill()
            process.join(1.0)
    if manager is not None:
        manager.join(timeout)
