"""What the web routers share: the app's state, request parameters, documented error responses,
the token check, and country parsing. Weights written as text are read by the library's one
parser (:func:`powerscope.web.models.parse_weights`, re-exported here).

Every router (:mod:`powerscope.web.routers`) imports this module; it imports no router and not
:mod:`powerscope.web.api`, so the web shell has no import circle.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import Depends, File, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from powerscope.errors import PowerscopeError, UnknownEntityError
from powerscope.web import models
from powerscope.web.models import parse_weights as parse_weights  # the alignment router's
from powerscope.web.security import check_write_token
from powerscope.web.state import AppState, resolve_country

#: aggregation by Copeland outranking compares every pair of units; beyond this many it is refused
COPELAND_MAX_UNITS = 1000

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": models.ErrorOut, "description": "Unknown index, country or resource."},
    422: {"model": models.ErrorOut, "description": "Invalid input: what, where and how to fix."},
}
CSV_TOO: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    200: {
        "description": "JSON, or with format=csv a CSV attachment.",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    },
}


def write_errors(disabled: str, conflict: str, too_large: str, kinds: str) -> dict[int | str, Any]:
    """The documented error responses of a write (an upload): ``ERRORS``, 401 and the texts
    given for 403, 409, 413 and 415."""
    texts = {401: "Missing or wrong token.", 403: disabled, 409: conflict, 413: too_large,
             415: kinds, 429: "Too many wrong tokens from this client: retry after "
             "Retry-After seconds."}  # fmt: skip
    return {**ERRORS, **{s: {"model": models.ErrorOut, "description": t} for s, t in texts.items()}}


async def app_state(request: Request) -> AppState:
    """The application's :class:`~powerscope.web.state.AppState` (data and caches); async, so
    that resolving it costs no thread hop."""
    state: AppState = request.app.state.powerscope
    return state


State = Annotated[AppState, Depends(app_state)]
Fmt = Annotated[
    Literal["json", "csv"],
    Query(alias="format", description="json (default) or csv (a text/csv attachment)."),
]
CountryCode = Annotated[
    str,
    PathParam(
        description="Country ISO3 code or name, e.g. KOR or South Korea.",
        min_length=1,
        max_length=64,
    ),
]
WeightsQuery = Annotated[
    str | None,
    Query(
        max_length=2000,
        description="Weights as NODE=W pairs separated by commas, the grammar of the CLI's "
        "--weights, e.g. 'Semiconductors=2,AI=1' (NODE:W works too); groups are rescaled to "
        "sum to 1.",
    ),
]
Top = Annotated[int, Query(ge=0, le=1000, description="How many rows (0 = all).")]
Upload = Annotated[UploadFile, File(description="The file (multipart/form-data field 'file').")]


def country_code(code: str, field: str = "code", where: str = "country code") -> str:
    """A country code from any name or code given in the request field ``field``; 404 naming
    it (and the field) when it resolves to nothing."""
    try:
        return resolve_country(code, where=where)
    except UnknownEntityError as exc:
        raise UnknownEntityError(
            exc.unresolved, where=exc.where, fix=exc.fix, parameter=field
        ) from None


#: most peers a comparison takes (ties, talent, industry)
MAX_PEERS = 12


def peer_codes(peers: str | None, exclude: str | None = None) -> list[str]:
    """The countries of a comma-separated ``peers`` parameter as codes, in the order given,
    each once and without ``exclude`` (the focal country); at most :data:`MAX_PEERS`."""
    from powerscope.errors import SpecError

    listed = [p.strip() for p in (peers or "").split(",") if p.strip()]
    if len(listed) > MAX_PEERS:
        raise SpecError(
            f"{len(listed)} peers given", parameter="peers", fix=f"give at most {MAX_PEERS}"
        )
    codes = [country_code(peer, field="peers", where="peers") for peer in listed]
    return [c for c in dict.fromkeys(codes) if c != exclude]


@contextmanager
def about(parameter: str, *kinds: type[PowerscopeError]) -> Iterator[None]:
    """Errors of ``kinds`` raised inside that name no parameter are about ``parameter`` (for
    the app state's look-ups, which do not name one)."""
    try:
        yield
    except kinds as exc:
        if exc.parameter is None:
            exc.parameter = parameter
        raise


_bearer = HTTPBearer(auto_error=False, description="The operator's API token (uploads only).")


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Allow a write only with the operator's token (:func:`powerscope.web.security.check_write_token`)."""
    client = request.client.host if request.client else "unknown"
    # the header as sent: Starlette decodes headers as latin-1
    given = credentials.credentials.encode("latin-1") if credentials else b""
    check_write_token(request.app.state, client, given)
