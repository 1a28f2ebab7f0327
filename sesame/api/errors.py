"""Map domain errors to HTTP responses, in one place."""

from __future__ import annotations

import errno
import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from sesame.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    NotReady,
    PayloadTooLarge,
    RateLimited,
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
    (Conflict, 409),
    (Forbidden, 403),
    (Unauthorized, 401),
    (NotReady, 503),
    (RateLimited, 429),
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
    if isinstance(exc, NotReady | RateLimited):
        headers = {"Retry-After": str(exc.retry_after)}
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse({"detail": exc.message}, status_code=status, headers=headers)


async def validation_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422, with what was sent made JSON-safe: Python's JSON reader accepts NaN
    and Infinity, which the error then echoes and no JSON response may hold (it was a 500)."""
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": _json_safe(jsonable_encoder(exc.errors()))}, status_code=422)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # "inf", "-inf", "nan"
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SesameError, sesame_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(OperationalError, storage_error_handler)
    app.add_exception_handler(OSError, os_error_handler)


# What a full disk looks like from SQLite, PostgreSQL and the file system.
_DISK_FULL = ("database or disk is full", "no space left on device", "could not extend file")
DISK_FULL = (
    "The server's disk is full, so nothing new can be saved right now; what was already "
    "saved is safe. Try again later (operators: free space in the data folder)."
)


async def storage_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    """Database and disk failures are the server's trouble, said in a sentence (503)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if any(mark in text for mark in _DISK_FULL) or getattr(exc, "errno", None) == errno.ENOSPC:
        logger.error("Disk full: %s", text[:300])
        return JSONResponse({"detail": DISK_FULL}, status_code=503, headers={"Retry-After": "60"})
    if "database is locked" in text:
        detail, wait = "The database is busy; try again in a moment.", "1"
    else:
        logger.exception("Storage failure")
        detail, wait = "The database is unavailable right now; try again shortly.", "10"
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": wait})


async def os_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """A full disk is said in a sentence (503); any other OS error is a bug (500, logged)."""
    if getattr(exc, "errno", None) == errno.ENOSPC:
        return await storage_error_handler(request, exc)
    logger.exception("Unexpected OS error", exc_info=exc)
    return JSONResponse({"detail": "Internal server error."}, status_code=500)
