"""The web shell's own errors, the HTTP status of every error class, and the one error body
every failure answers with.

Every 4xx (and 503) body is ``{"error": {"what", "where", "fix", "parameter", "field"}}``: the
fields of :class:`powerscope.errors.PowerscopeError`, with ``parameter`` the library's name of
the parameter the error concerns and ``field`` the API's name of it (the query, path or body
field to change; the same as ``parameter`` but where the API names it otherwise). The status is
chosen by the error's class (:data:`STATUS`), never by its text.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from powerscope.errors import (
    DataFormatError,
    NotFoundError,
    PeriodError,
    PowerscopeError,
    SpecError,
    UnknownEntityError,
    WarehouseError,
    WeightsError,
)
from powerscope.web.tables import json_response

__all__ = [
    "STATUS",
    "BusyError",
    "ConflictError",
    "HeavyFailedError",
    "NotFoundError",
    "RateLimitedError",
    "TooLargeError",
    "UnauthorizedError",
    "UnsupportedTypeError",
    "WebError",
    "WritesDisabledError",
    "add_error_handlers",
    "error_body",
    "field_of",
    "status_of",
]


class WebError(PowerscopeError):
    """An error of the HTTP shell itself (tokens, upload limits)."""


class WritesDisabledError(WebError):
    """Uploads are disabled: the operator configured no token."""


class UnauthorizedError(WebError):
    """A missing or wrong bearer token."""


class TooLargeError(WebError):
    """An upload over the size limit."""


class UnsupportedTypeError(WebError):
    """An upload of a type that is not accepted (a CSV for datasets, a YAML for specs)."""


class ConflictError(WebError):
    """An upload that would shadow something that exists (a built-in index)."""


class RateLimitedError(WebError):
    """Too many failed token checks from one client: answered 429 with ``Retry-After``."""

    def __init__(self, *args: Any, retry_after: int = 60, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


class BusyError(RateLimitedError):
    """A heavy computation refused because the server runs as many as it allows at once
    (answered 429 with ``Retry-After``)."""

    def __init__(self, *args: Any, retry_after: int = 5, **kwargs: Any) -> None:
        super().__init__(*args, retry_after=retry_after, **kwargs)


class HeavyFailedError(WebError):
    """A heavy computation whose worker process died or overran its time (answered 503 with
    ``Retry-After``; the server's pool of workers is replaced when one died)."""

    def __init__(self, *args: Any, retry_after: int = 5, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


#: the HTTP status of each error class; a class not listed takes its nearest listed base's
STATUS: dict[type[PowerscopeError], int] = {
    NotFoundError: 404,
    UnknownEntityError: 404,
    PeriodError: 422,
    WeightsError: 422,
    SpecError: 422,
    DataFormatError: 422,
    WarehouseError: 503,
    HeavyFailedError: 503,
    UnauthorizedError: 401,
    WritesDisabledError: 403,
    ConflictError: 409,
    TooLargeError: 413,
    RateLimitedError: 429,
    UnsupportedTypeError: 415,
    WebError: 400,
    PowerscopeError: 422,
}

#: the API's name of a library parameter, where the API names it otherwise
API_FIELDS: dict[str, str] = {"country": "code", "first": "from", "last": "to"}


def status_of(exc: PowerscopeError) -> int:
    """The HTTP status of a powerscope error, by its class (the nearest class in
    :data:`STATUS` along its method resolution order)."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 422


def field_of(exc: PowerscopeError) -> str | None:
    """The API field an error's parameter is given in (None when it names no parameter)."""
    if exc.parameter is None:
        return None
    return API_FIELDS.get(exc.parameter, exc.parameter)


def error_body(
    what: str,
    where: str | None = None,
    fix: str | None = None,
    parameter: str | None = None,
    field: str | None = None,
) -> dict[str, Any]:
    """The JSON body of an error response."""
    return {
        "error": {"what": what, "where": where, "fix": fix, "parameter": parameter, "field": field}
    }


#: an absolute file path in a message (two or more parts; not the API's own /api/... paths)
_ABSOLUTE_PATH = re.compile(
    r"(?<![\w$.~])/(?!api/|static/|openapi\.json)(?:[^\s/'\"(),;:]+/)+[^\s/'\"(),;:]*"
)


def portable(text: str | None) -> str | None:
    """``text`` with every absolute server path replaced: a path in powerscope's data folder
    as ``$POWERSCOPE_HOME/<relative path>``, any other by its last part (a file name), so that
    no answer tells a client how the server's disk is laid out."""
    if not text or "/" not in text:
        return text
    from powerscope.files import home

    try:
        root = home().resolve().as_posix().rstrip("/") + "/"
    except OSError:
        root = None

    def replace(match: re.Match[str]) -> str:
        path = match.group(0)
        if root and path.startswith(root):
            return "$POWERSCOPE_HOME/" + path[len(root) :]
        return path.rstrip("/").rsplit("/", 1)[-1] or "(a folder)"

    return _ABSOLUTE_PATH.sub(replace, text)


def body_of(exc: PowerscopeError) -> dict[str, Any]:
    """The JSON body answering a powerscope error (``where`` falls back to the field); no
    absolute server path is shown (:func:`portable`)."""
    field = field_of(exc)
    return error_body(
        portable(exc.what) or "", portable(exc.where or field), portable(exc.fix), exc.parameter,
        field,
    )  # fmt: skip


def add_error_handlers(app: FastAPI) -> None:
    """Answer powerscope errors, invalid requests and HTTP errors with :func:`error_body`."""
    app.add_exception_handler(PowerscopeError, _powerscope_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]


def error_response(exc: PowerscopeError) -> Response:
    """The JSON answer to ``exc``: its status, its body, and the headers its class asks for
    (``WWW-Authenticate`` with a 401, ``Retry-After`` with a 429 and with a failed heavy
    computation's 503)."""
    status = status_of(exc)
    response = json_response(body_of(exc), status_code=status)
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, RateLimitedError | HeavyFailedError):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _powerscope_error(request: Request, exc: PowerscopeError) -> Response:
    return error_response(exc)


async def _invalid(request: Request, exc: RequestValidationError) -> Response:
    problems = list(exc.errors())[:5]
    places = [".".join(str(p) for p in e.get("loc", ())) for e in problems]
    what = "; ".join(
        f"{p}: {e.get('msg', 'invalid')}" for p, e in zip(places, problems, strict=True)
    )
    # ('query', 'runs'), ('body', 'weights', 'AI'): the request field is the second part
    fields = {str(e["loc"][1]) for e in problems if len(e.get("loc", ())) >= 2}
    field = fields.pop() if len(fields) == 1 else None
    return json_response(
        error_body(
            what or "invalid request",
            where=", ".join(places) or request.url.path,
            fix="see the parameter's description in GET /openapi.json",
            parameter=field,
            field=field,
        ),
        status_code=422,
    )


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    status, fix = exc.status_code, None
    if status in (404, 405):
        fix = "GET /openapi.json lists the endpoints"
    elif status == 400:  # a body that cannot be parsed: invalid input like any other
        status, fix = 422, "send JSON (or multipart/form-data for uploads) as documented"
    return json_response(
        error_body(str(exc.detail), where=request.url.path, fix=fix),
        status_code=status,
        headers=exc.headers,
    )
