"""What protects the web service's users and its operator's token.

* :class:`SecurityHeaders`: every response (API, dashboard, static files, errors) carries a
  strict Content-Security-Policy (:data:`CSP`: scripts, connections, fonts and frames from the
  service itself only; no inline script, no ``eval``, no plugin, no framing), plus
  ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``.
* :func:`check_token`: the operator's token is at least :data:`MIN_TOKEN_LENGTH` (16)
  characters however it is given (``create_app(token=...)``, ``$POWERSCOPE_API_TOKEN`` or
  ``powerscope serve --token-file``); a shorter one stops the server from starting.
* :class:`FailedAuth`: wrong tokens are counted per client address; after
  :data:`MAX_FAILURES` (10) within :data:`WINDOW_SECONDS` (60 s), that client's writes are
  answered 429 with ``Retry-After`` (even with the right token) until the oldest failure is a
  window old. Counts are kept per server process, in memory.

:func:`install` sets all three up on an application (one line in
:func:`powerscope.web.api.create_app`).
"""

from __future__ import annotations

import hmac
import math
import threading
import time
from collections import OrderedDict, deque
from typing import TYPE_CHECKING, Any

from powerscope.web.errors import (
    RateLimitedError,
    UnauthorizedError,
    WebError,
    WritesDisabledError,
)

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CSP",
    "HEADERS",
    "MAX_FAILURES",
    "MIN_TOKEN_LENGTH",
    "WINDOW_SECONDS",
    "FailedAuth",
    "SecurityHeaders",
    "check_token",
    "install",
]

#: the dashboard's policy: its own scripts only (plotly.js is served by the service too). Inline
#: styles stay allowed because plotly.js writes its own <style> and style attributes while it
#: draws; styles cannot run code, and everything else is refused.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
MIN_TOKEN_LENGTH = 16
MAX_FAILURES = 10
WINDOW_SECONDS = 60.0
#: clients whose failures are remembered at once (the oldest forgotten first)
MAX_CLIENTS = 10_000


class SecurityHeaders:
    """ASGI middleware adding :data:`HEADERS` to every HTTP response (a header the response
    sets itself is kept)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in self.raw if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def check_token(token: str | None) -> str | None:
    """The operator's token, or None (uploads disabled) when none is given.

    Raises
    ------
    WebError
        The token is shorter than :data:`MIN_TOKEN_LENGTH` characters (or blank).
    """
    if token is None or token == "":
        return None
    if len(token.strip()) < MIN_TOKEN_LENGTH:
        raise WebError(
            f"the API token is shorter than {MIN_TOKEN_LENGTH} characters",
            where="API token ($POWERSCOPE_API_TOKEN, --token-file or create_app(token=...))",
            fix="use a long random token, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'",
        )
    return token


class FailedAuth:
    """Failed token checks per client, in a sliding window (thread-safe)."""

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window: float = WINDOW_SECONDS,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self.max_clients = max_clients
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.get(client, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        return times

    def check(self, client: str) -> None:
        """Refuse (429) a client with too many recent failures.

        Raises
        ------
        RateLimitedError
            With ``retry_after``: the seconds until the oldest counted failure leaves the window.
        """
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            if len(times) < self.max_failures:
                return
            wait = max(1, math.ceil(self.window - (now - times[0])))
        raise RateLimitedError(
            f"too many wrong API tokens from this client ({len(times)} within {self.window:g} s)",
            where="Authorization header",
            fix=f"wait {wait} s, then send the operator's token",
            retry_after=wait,
        )

    def failed(self, client: str) -> None:
        """Count a failed token check of ``client``."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            times.append(now)
            self._failures[client] = times
            self._failures.move_to_end(client)
            while len(self._failures) > self.max_clients:
                self._failures.popitem(last=False)


def check_write_token(state: Any, client: str, given: bytes) -> None:
    """Allow a write only with the operator's token: ``given`` is the bearer token as sent
    (the header's bytes), compared in constant time with ``state.token``; wrong tokens are
    counted per ``client`` in ``state.failed_auth`` (:class:`FailedAuth`). One check for the
    routes (:func:`powerscope.web.common.require_token`) and for the body limit, which refuses
    protected requests before reading their body.

    Raises
    ------
    WritesDisabledError
        The server has no token (403).
    RateLimitedError
        Too many wrong tokens from ``client`` lately, even with the right one now (429).
    UnauthorizedError
        A missing or wrong token (401).
    """
    token: str | None = getattr(state, "token", None)
    if not token:
        raise WritesDisabledError(
            "uploads are disabled: this server has no API token",
            where="server configuration",
            fix="the operator sets POWERSCOPE_API_TOKEN or runs 'powerscope serve --token-file FILE'",
        )
    failures: FailedAuth | None = getattr(state, "failed_auth", None)
    if failures is not None:
        failures.check(client)
    if not hmac.compare_digest(given.strip(), token.encode("utf-8")):
        if failures is not None:
            failures.failed(client)
        raise UnauthorizedError(
            "missing or wrong API token",
            where="Authorization header",
            fix="send 'Authorization: Bearer <token>' with the operator's token",
        )


def install(app: FastAPI) -> None:
    """Check the app's token (:func:`check_token`), count failed ones (:class:`FailedAuth`,
    ``app.state.failed_auth``) and add :class:`SecurityHeaders` to every response."""
    app.state.token = check_token(getattr(app.state, "token", None))
    app.state.failed_auth = FailedAuth()
    app.add_middleware(SecurityHeaders)
