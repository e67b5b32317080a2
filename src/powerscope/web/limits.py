"""The request-size limit of uploads (and dynamics scenarios), applied before FastAPI parses a
body."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from powerscope.web.errors import error_body
from powerscope.web.tables import json_response
from powerscope.web.uploads import MAX_UPLOAD_BYTES

#: POST bodies under these paths are read in full by :class:`UploadLimit` (size-checked)
LIMITED_PATHS = ("/api/uploads", "/api/dynamics/")


class UploadLimit:
    """Refuse (413) upload (and dynamics) request bodies over the limit before they are
    parsed."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.limit = max_bytes + 64 * 1024  # room for the multipart framing

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not scope["path"].startswith(LIMITED_PATHS)
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
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

    async def _refuse(self, scope: Any, receive: Any, send: Any) -> None:
        response = json_response(
            error_body(
                f"upload larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
                where="request body",
                fix="upload a smaller file",
            ),
            status_code=413,
        )
        await response(scope, receive, send)
