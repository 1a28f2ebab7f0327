"""A part of the process that loads in the background: loading, ready or failed.

Services hold a slot's ``get`` and call it per request, so a part still loading
answers NotReady (HTTP 503 with Retry-After) and a part that failed answers its
own error, while everything that does not need it keeps working.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from sesame.core.errors import NotReady, SesameError

T = TypeVar("T")
State = Literal["loading", "ready", "failed"]
LOADING_RETRY_AFTER = 5


@dataclass(frozen=True, slots=True)
class SlotStatus:
    state: State
    detail: str | None = None


class Slot(Generic[T]):
    """Holds one part once it has loaded; ``what`` names it in messages ("the embedding model")."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._value: T | None = None
        self._error: SesameError | None = None
        self._lock = threading.Lock()
        self._done = threading.Event()

    def get(self) -> T:
        """The part, or NotReady while it loads, or the error it failed with."""
        with self._lock:
            value, error = self._value, self._error
        if value is not None:
            return value
        if error is not None:
            raise error
        raise NotReady(
            f"{self.what.capitalize()} is still loading; try again in a few seconds.",
            retry_after=LOADING_RETRY_AFTER,
        )

    def peek(self) -> T | None:
        """The part if it is ready, else None (no error)."""
        with self._lock:
            return self._value

    def set(self, value: T) -> None:
        with self._lock:
            self._value, self._error = value, None
        self._done.set()

    def fail(self, error: SesameError) -> None:
        with self._lock:
            self._value, self._error = None, error
        self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the part is ready or has failed; False on timeout."""
        return self._done.wait(timeout)

    @property
    def status(self) -> SlotStatus:
        with self._lock:
            if self._value is not None:
                return SlotStatus("ready")
            if self._error is not None:
                return SlotStatus("failed", self._error.message)
        return SlotStatus("loading", f"{self.what.capitalize()} is still loading.")


class Readiness:
    """What ``/readyz`` reports: each named part's status, and live checks of ready parts."""

    def __init__(
        self, parts: dict[str, Slot[Any]], checks: dict[str, Callable[[], bool]] | None = None
    ) -> None:
        self._parts = parts
        self._checks = checks or {}

    def report(self) -> dict[str, SlotStatus]:
        """Part name -> status; a ready part whose check fails is reported as failed."""
        statuses = {name: slot.status for name, slot in self._parts.items()}
        for name, check in self._checks.items():
            if statuses[name].state == "ready" and not check():
                statuses[name] = SlotStatus("failed", f"The {name} check failed; see the log.")
        return statuses
