"""The web shell's own errors and the one error body every failure answers with.

Every 4xx body is ``{"error": {"what": ..., "where": ..., "fix": ...}}``: the fields of
:class:`powerscope.errors.PowerscopeError`.
"""

from __future__ import annotations

from typing import Any

from powerscope.errors import (
    PowerscopeError,
    SpecError,
    UnknownEntityError,
    WarehouseError,
)


class WebError(PowerscopeError):
    """An error of the HTTP shell that carries its status code."""

    status_code = 400


class NotFoundError(WebError):
    """An index, country or upload that does not exist."""

    status_code = 404


class WritesDisabledError(WebError):
    """Uploads are disabled: the operator configured no token."""

    status_code = 403


class UnauthorizedError(WebError):
    """A missing or wrong bearer token."""

    status_code = 401


class TooLargeError(WebError):
    """An upload over the size limit."""

    status_code = 413


class UnsupportedTypeError(WebError):
    """An upload of a type that is not accepted (a CSV for datasets, a YAML for specs)."""

    status_code = 415


class ConflictError(WebError):
    """An upload that would shadow something that exists (a built-in index)."""

    status_code = 409


def status_of(exc: PowerscopeError) -> int:
    """The HTTP status for a powerscope error: 404 for unknown entities, 422 for bad input."""
    if isinstance(exc, WebError):
        return exc.status_code
    if isinstance(exc, UnknownEntityError):
        return 404
    if isinstance(exc, SpecError) and exc.what.startswith("unknown index"):
        return 404
    if isinstance(exc, WarehouseError):
        return 503
    return 422


def error_body(what: str, where: str | None = None, fix: str | None = None) -> dict[str, Any]:
    """The JSON body of an error response."""
    return {"error": {"what": what, "where": where, "fix": fix}}
