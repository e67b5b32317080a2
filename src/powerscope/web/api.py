"""powerscope's HTTP API (FastAPI): a thin shell over the library's service functions.

``create_app()`` assembles the application from one router per domain
(:mod:`powerscope.web.routers`: datasets, indices, countries, military, arms, alignment, claims,
uploads, dynamics and the dashboard): the JSON API under ``/api`` (see ``docs/api.md``), the
dashboard at ``/`` and its files under ``/static``. Every figure carries its source; every error
is ``{"error": {"what", "where", "fix", "parameter", "field"}}`` with a status chosen by the
error's class (:mod:`powerscope.web.errors`); every table answers ``?format=csv`` too. Data are
loaded on first use and kept (:mod:`powerscope.web.state`); writes (uploads) need the
operator's bearer token (:mod:`powerscope.web.uploads`). Heavy computations run in worker
processes started with the app and stopped with it (:mod:`powerscope.web.pool`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from powerscope import __version__
from powerscope.data.store import Store, home, open_store
from powerscope.web import security
from powerscope.web.errors import add_error_handlers
from powerscope.web.limits import FRAMING_BYTES, BodyLimit, Limits
from powerscope.web.pool import start_pool, stop_pool
from powerscope.web.routers import ROUTERS
from powerscope.web.routers.dashboard import mount_static
from powerscope.web.state import AppState
from powerscope.web.uploads import UploadStore

__all__ = ["create_app"]

DESCRIPTION = (
    "National power and alignment, recomputed from the publishers' data: composite indices (the "
    "CETI and others) with every weight changeable, SIPRI arms transfers, military strength, "
    "UN-vote alignment and like-minded partners, a dynamic model of science, economy and "
    "defence run under policy scenarios, and the debate's claims checked. Every figure carries "
    "its source and edition."
)


def _token_from_env() -> str | None:
    return os.environ.get("POWERSCOPE_API_TOKEN") or None


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The app's life: its worker processes for heavy computations start with it and stop
    with it (:func:`powerscope.web.pool.start_pool`)."""
    state: AppState = app.state.powerscope
    start_pool(state)
    try:
        yield
    finally:
        stop_pool(state)


def create_app(
    store: Store | None = None,
    token: str | None = None,
    upload_dir: Path | str | None = None,
    limits: Limits | None = None,
) -> FastAPI:
    """The powerscope web application.

    Parameters
    ----------
    store:
        Where data are read (default: :func:`powerscope.data.store.open_store`, the warehouse or
        the embedded snapshot).
    token:
        The bearer token that allows uploads (default: ``$POWERSCOPE_API_TOKEN``); without one,
        uploads are disabled (403).
    upload_dir:
        Where uploads are stored (default: ``$POWERSCOPE_UPLOAD_DIR``, else
        ``$POWERSCOPE_HOME/uploads``).
    limits:
        Body sizes, heavy computations at once, their worker processes and time limit,
        compiled variants kept (:class:`powerscope.web.limits.Limits`; the defaults are
        documented in ``docs/security.md``). Worker processes start with the app's lifespan
        (an ASGI server, or ``with TestClient(app)``); without it heavy computations run in
        the server's threads.
    """
    store = store or open_store()
    upload_dir = upload_dir or os.environ.get("POWERSCOPE_UPLOAD_DIR") or home() / "uploads"
    uploads = UploadStore(Path(upload_dir))
    limits = limits or Limits(upload_bytes=uploads.max_bytes + FRAMING_BYTES)
    token = token if token is not None else _token_from_env()
    app = FastAPI(
        title="powerscope API",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.powerscope = AppState(store, uploads, limits)
    app.state.token = token or None
    app.add_middleware(BodyLimit, limits=limits)
    security.install(app)  # token length, failed-token limit, CSP and other headers
    add_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    mount_static(app)
    return app
