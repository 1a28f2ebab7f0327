"""A pure-ASGI guard that refuses request bodies over their route's limit with 413.

JSON and plain forms get a small limit; each upload route names its own. The
declared Content-Length is checked up front, and streamed (chunked) bodies are
counted as they arrive, so an oversized body is refused before it is buffered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """Raised while the body streams in; FastAPI re-raises HTTP errors from body parsing."""

    def __init__(self, limit: int, path: str) -> None:
        super().__init__(status_code=413, detail=too_large(limit, path))


def too_large(limit: int, path: str) -> str:
    what = "photo (resize it or lower the JPEG quality)" if limit > 1 << 20 else "body"
    return f"The request body is over the {_size(limit)} limit of {path}: send a smaller {what}."


def _size(limit: int) -> str:
    return f"{limit / (1 << 20):g} MiB" if limit >= 1 << 20 else f"{limit / 1024:g} KiB"


class BodySizeLimit:
    def __init__(self, app: ASGIApp, *, default: int, routes: Sequence[tuple[str, int]]) -> None:
        self.app = app
        self.default = default
        self.routes = [(re.compile(pattern), limit) for pattern, limit in routes]

    def limit_for(self, path: str) -> int:
        return next((limit for pattern, limit in self.routes if pattern.match(path)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.limit_for(path)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, too_large(limit, path))
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit, path)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as exc:
            if not started:
                await _refuse(send, str(exc.detail))


async def _refuse(send: Send, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
