"""One HTTP transport for powerscope's download clients (Dataverse, the World Bank API).

A *transport* is anything that fetches one URL and returns the body: ``(url) -> bytes``
(:class:`Transport`). The clients take one injected, so tests pass an in-process fake and
nothing touches the network. :class:`UrllibTransport` is the default: the standard library,
http(s) only, with a timeout and a User-Agent, and clear errors naming the URL:

- :class:`HTTPStatusError`: the server answered with an error status (with the server's own
  JSON ``message`` when it gives one);
- :class:`NetworkError`: no answer (DNS failure, refused connection, timeout, a connection
  dropped mid-transfer).

:func:`fetch` calls any transport and turns the ``urllib``/``OSError``/``http.client`` errors a
custom transport may raise into the same two errors; powerscope errors pass through.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Final, Protocol, runtime_checkable

from powerscope import __version__
from powerscope.errors import PowerscopeError

#: Seconds to wait for the connection and for each read before giving up.
DEFAULT_TIMEOUT: Final = 60.0
USER_AGENT: Final = f"powerscope/{__version__} (download client; Python urllib)"

#: What to do about an HTTP error status, when the client has nothing more specific to say.
STATUS_FIXES: Final[dict[int, str]] = {
    401: "the resource needs an API token; powerscope downloads public files only",
    403: "access is refused: the file is restricted or embargoed; request access from the "
    "publisher",
    404: "check the address: the identifier, version or file id",
    429: "the server is rate-limiting; wait a minute and retry",
}


@runtime_checkable
class Transport(Protocol):
    """Fetch one URL and return the response body; raise on any failure."""

    def __call__(self, url: str) -> bytes: ...


class TransportError(PowerscopeError):
    """A request failed; ``url`` is the address concerned (shown as *where*)."""

    def __init__(self, what: str, *, url: str, fix: str | None = None) -> None:
        self.url = url
        super().__init__(what, where=url, fix=fix)


class HTTPStatusError(TransportError):
    """The server answered with an HTTP error status (``status``: 404, 403, 500, ...)."""

    def __init__(
        self,
        status: int,
        reason: str,
        *,
        url: str,
        detail: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.status = status
        self.reason = reason
        self.detail = detail
        what = f"HTTP {status} {reason}".rstrip()
        if detail:
            what += f": {detail}"
        default = STATUS_FIXES.get(
            status, "retry later; if it persists, check the service's status"
        )
        super().__init__(what, url=url, fix=fix or default)


class NetworkError(TransportError):
    """No answer: DNS failure, refused connection, timeout, connection dropped mid-transfer."""


class UrllibTransport:
    """The default transport: ``urllib`` with a timeout and a User-Agent; http(s) only.

    Parameters
    ----------
    timeout:
        Seconds to wait for the connection and for each read.
    user_agent:
        The ``User-Agent`` header sent.

    Raises
    ------
    HTTPStatusError
        An HTTP error status (with the server's JSON ``message`` when there is one).
    NetworkError
        No answer, a timeout, a connection dropped mid-transfer, or a URL that is not http(s).
    """

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, user_agent: str = USER_AGENT) -> None:
        self.timeout = timeout
        self.user_agent = user_agent

    def __call__(self, url: str) -> bytes:
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in ("http", "https"):
            raise NetworkError(
                f"refusing a {scheme or 'relative'!s} URL",
                url=url,
                fix="use an http(s) address",
            )
        request = urllib.request.Request(
            url, headers={"User-Agent": self.user_agent, "Accept": "*/*"}
        )
        return fetch(lambda _: _read(request, self.timeout), url)


def _read(request: urllib.request.Request, timeout: float) -> bytes:
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body: bytes = response.read()
    return body


def fetch(transport: Transport, url: str) -> bytes:
    """The body at ``url`` through ``transport``, with its failures as :class:`HTTPStatusError`
    or :class:`NetworkError` naming the URL (powerscope errors pass through unchanged)."""
    try:
        return transport(url)
    except urllib.error.HTTPError as exc:
        raise http_status_error(exc, url) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise NetworkError(
            f"no answer from the server: {reason}",
            url=url,
            fix="check the network connection (and any proxy: HTTPS_PROXY), then retry",
        ) from exc


def http_status_error(exc: urllib.error.HTTPError, url: str) -> HTTPStatusError:
    """An :class:`HTTPStatusError` with the server's own message when it answers in JSON
    (``{"message": ...}``, as Dataverse does)."""
    detail = None
    try:
        body = exc.read() if exc.fp is not None else b""
        payload = json.loads(body.decode("utf-8")) if body else None
        if isinstance(payload, dict) and isinstance(payload.get("message"), str):
            detail = payload["message"]
    except (OSError, ValueError, http.client.HTTPException):
        detail = None
    return HTTPStatusError(int(exc.code), str(exc.reason or ""), url=url, detail=detail)
