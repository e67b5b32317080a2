"""The server's limits, applied before any work: request body sizes, the token of protected
routes before their body is read, and how many heavy computations run at once.

* :class:`BodyLimit` (pure ASGI) refuses a body over its route's limit with 413 before anything
  parses it: on a declared ``Content-Length`` at once, else while counting the streamed bytes
  (at most the limit is held in memory). JSON routes take :attr:`Limits.body_bytes` (2 MB),
  uploads :attr:`Limits.upload_bytes` (the upload limit and room for the multipart framing).
  On the protected routes (uploads, saving a scenario) the bearer token is checked first: a
  request without the operator's token is refused (401, or 403 when writes are disabled)
  before its body is read.
* :class:`HeavyLimit` lets at most :attr:`Limits.heavy` computations of each kind (Monte Carlo
  uncertainty, dynamic-model runs) run at once; one more is refused at once with 429 and a
  ``Retry-After`` header (:class:`powerscope.web.errors.BusyError`), never queued. Cached
  results are answered without taking a slot. Where they run, off the server's threads, is
  :mod:`powerscope.web.pool`'s (:attr:`Limits.heavy_workers` worker processes).
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from powerscope.errors import PowerscopeError
from powerscope.web.errors import BusyError, error_body, error_response
from powerscope.web.security import check_write_token
from powerscope.web.tables import json_response
from powerscope.web.uploads import MAX_UPLOAD_BYTES

__all__ = [
    "PROTECTED_PATHS",
    "UPLOAD_PATHS",
    "BodyLimit",
    "HeavyLimit",
    "Limits",
    "default_heavy_workers",
]

#: POST bodies under these paths are uploads (the upload limit applies)
UPLOAD_PATHS = ("/api/uploads/", "/api/dynamics/scenarios")
#: POST routes that need the operator's token (checked before the body is read)
PROTECTED_PATHS = ("/api/uploads/datasets", "/api/uploads/specs", "/api/dynamics/scenarios")
#: room for the multipart framing around an upload
FRAMING_BYTES = 64 * 1024
MB = 1024 * 1024

#: the environment variable that sets :attr:`Limits.heavy_workers` (``serve --heavy-workers``)
HEAVY_WORKERS_ENV = "POWERSCOPE_HEAVY_WORKERS"
#: the most worker processes for heavy computations
MAX_HEAVY_WORKERS = 32


def default_heavy_workers() -> int:
    """Worker processes for heavy computations: ``$POWERSCOPE_HEAVY_WORKERS`` when set (0: none,
    heavy computations run in the server's threads), else half the machine's cores, 1 to 4
    (1 on a 2-core machine)."""
    text = os.environ.get(HEAVY_WORKERS_ENV, "").strip()
    if text:
        if not text.isdigit() or int(text) > MAX_HEAVY_WORKERS:
            raise PowerscopeError(
                f"{HEAVY_WORKERS_ENV}={text!r} is not a number of worker processes",
                where=HEAVY_WORKERS_ENV,
                fix=f"set it to 0 (no worker processes) to {MAX_HEAVY_WORKERS}, e.g. 1",
            )
        return int(text)
    return max(1, min(4, (os.cpu_count() or 2) // 2))


Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Limits:
    """The server's limits (``create_app(limits=...)``; the defaults suit one analyst's server).

    ``heavy``: the most computations of each kind at once (``uncertainty``: rank uncertainty of
    an index and like-minded partners' rank intervals; ``dynamics``: runs, backtests,
    comparisons, loops and calibrations of the dynamic model). ``heavy_workers``: worker
    processes the heavy computations run in (:mod:`powerscope.web.pool`; 0: in the server's
    threads; default :func:`default_heavy_workers`). ``heavy_timeout``: the seconds one heavy
    computation may run before it is stopped (503). ``compiled_variants``: the most compiled
    variants (normalisation, aggregation, exclusion, rescale) kept per loaded index.
    """

    body_bytes: int = 2 * MB
    upload_bytes: int = MAX_UPLOAD_BYTES + FRAMING_BYTES
    heavy: Mapping[str, int] = field(default_factory=lambda: {"uncertainty": 2, "dynamics": 2})
    retry_after: int = 5
    compiled_variants: int = 16
    heavy_workers: int = field(default_factory=default_heavy_workers)
    heavy_timeout: float = 120.0


class HeavyLimit:
    """At most ``limits.heavy[kind]`` computations of each kind at once; more are refused."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    def running(self, kind: str) -> int:
        with self._lock:
            return self._running.get(kind, 0)

    @contextmanager
    def slot(self, kind: str) -> Iterator[None]:
        """Hold one of the ``kind`` slots while the block runs; :class:`BusyError` (429, with
        ``Retry-After``) when all are taken."""
        cap = self.limits.heavy.get(kind, 2)
        with self._lock:
            busy = self._running.get(kind, 0)
            if busy >= cap:
                raise BusyError(
                    f"the server is running {busy} {kind} computations, its limit",
                    where=f"{kind} computations",
                    fix=f"retry in {self.limits.retry_after} s, or ask for fewer runs",
                    retry_after=self.limits.retry_after,
                )
            self._running[kind] = busy + 1
        try:
            yield
        finally:
            with self._lock:
                self._running[kind] -= 1
            release_memory()


def release_memory() -> None:
    """Give the C heap's free memory back to the system (glibc's ``malloc_trim``; nothing
    elsewhere): a heavy computation's arrays freed in a worker thread otherwise stay in that
    thread's arena, and the server's memory would not come down after a burst."""
    if _TRIM is not None:
        _TRIM(0)


def _malloc_trim() -> Callable[[int], int] | None:
    if sys.platform != "linux":
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


class BodyLimit:
    """Refuse (413) request bodies over their route's limit before they are parsed, and
    protected routes' requests without the token before their body is read."""

    def __init__(self, app: Any, limits: Limits | None = None) -> None:
        self.app = app
        self.limits = limits or Limits()

    def limit_of(self, path: str) -> int:
        if path.startswith(UPLOAD_PATHS):
            return self.limits.upload_bytes
        return self.limits.body_bytes

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)  # their routes never read a body
            return
        path = scope["path"]
        headers = dict(scope.get("headers") or [])
        if scope["method"] == "POST" and path.rstrip("/") in PROTECTED_PATHS:
            scheme, _, given = headers.get(b"authorization", b"").partition(b" ")
            client = (scope.get("client") or ("unknown", 0))[0]
            state = getattr(scope.get("app"), "state", None)
            try:
                check_write_token(state, client, given if scheme.lower() == b"bearer" else b"")
            except PowerscopeError as exc:
                await error_response(exc)(scope, receive, send)
                return
        limit = self.limit_of(path)
        declared = headers.get(b"content-length", b"").decode("latin-1").strip()
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(limit, scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(limit, scope, receive, send)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body, replayed = b"".join(chunks), False

        async def replay() -> MutableMapping[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, limit: int, scope: Any, receive: Any, send: Any) -> None:
        upload = limit > self.limits.body_bytes
        size = f"{limit / MB:.0f} MB" if limit >= MB else f"{limit // 1024} KB"
        response = json_response(
            error_body(
                f"request body larger than {size}",
                where="request body",
                fix="upload a smaller file" if upload else "send a smaller request body",
            ),
            status_code=413,
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)
