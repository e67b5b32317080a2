"""powerscope's HTTP API and dashboard: a thin shell over the library (FastAPI).

:func:`powerscope.web.api.create_app` builds the application from one router per domain
(:mod:`powerscope.web.routers`); ``powerscope serve`` runs it with
uvicorn. See ``docs/api.md``.
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    if name == "create_app":
        from powerscope.web.api import create_app

        return create_app
    raise AttributeError(name)
