"""Map domain errors to HTTP responses, in one place."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from sesame.core.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    NotReady,
    PayloadTooLarge,
    SesameError,
    Unauthorized,
    UnsupportedMedia,
)

logger = logging.getLogger(__name__)

# Most specific first: the first matching class decides the status.
STATUS_BY_ERROR: list[tuple[type[SesameError], int]] = [
    (PayloadTooLarge, 413),
    (UnsupportedMedia, 415),
    (InvalidInput, 422),
    (NotFound, 404),
    (Forbidden, 403),
    (Unauthorized, 401),
    (NotReady, 503),
]


def status_for(error: SesameError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 400


async def sesame_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SesameError)
    status = status_for(exc)
    headers = None
    if isinstance(exc, NotReady):
        headers = {"Retry-After": str(exc.retry_after)}
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse({"detail": exc.message}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SesameError, sesame_error_handler)
