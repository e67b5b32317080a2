"""The web API's routers, one per domain; :func:`powerscope.web.api.create_app` includes
:data:`ROUTERS` in this order (which is also the order of ``/openapi.json``)."""

from __future__ import annotations

from fastapi import APIRouter

from powerscope.web.routers import (
    alignment,
    arms,
    claims,
    countries,
    dashboard,
    datasets,
    dynamics,
    indices,
    military,
    research,
    talent,
    ties,
    uploads,
)

ROUTERS: tuple[APIRouter, ...] = (
    datasets.router,
    indices.router,
    countries.router,
    military.router,
    arms.router,
    alignment.router,
    ties.router,
    research.router,
    talent.router,
    claims.router,
    uploads.router,
    dynamics.router,
    dashboard.router,
)

__all__ = ["ROUTERS"]
