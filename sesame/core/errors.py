"""Domain errors. The web layer maps them to HTTP statuses in one place.

Every message is meant for the person who sent the request: it says what is
wrong and, where it can, how to fix it.
"""

from __future__ import annotations


class SesameError(Exception):
    """Base class of every error Sesame raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(SesameError):
    """The request is well-formed but its content is wrong (HTTP 422)."""


class UnsupportedMedia(InvalidInput):
    """The upload is not an image type we accept (HTTP 415)."""


class PayloadTooLarge(InvalidInput):
    """The upload or the decoded image is over a configured limit (HTTP 413)."""


class Conflict(SesameError):
    """The request contradicts what was already done, e.g. an idempotency key reused (409)."""


class NotFound(SesameError):
    """The named resource does not exist, or the caller may not see it (HTTP 404)."""


class Forbidden(SesameError):
    """The caller is known but may not do this (HTTP 403)."""


class Unauthorized(SesameError):
    """No valid credentials were given (HTTP 401)."""


class NotReady(SesameError):
    """A component this request needs is not loaded (HTTP 503, with Retry-After)."""

    def __init__(self, message: str, *, retry_after: int = 30) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ModelUnavailable(NotReady):
    """Model weights could not be loaded; the message says how to get them."""


class RateLimited(SesameError):
    """The caller made too many requests of a kind; retry after ``retry_after`` seconds (429)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
