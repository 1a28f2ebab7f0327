"""ReloadingTranslator: picks up packages installed or removed while the process runs.

A running server should use a package as soon as ``sesame models install`` puts
it in the folder. The folder's stamp is checked at most once per ``interval``
seconds, and a reload runs under a lock while other threads keep translating
with the models already loaded (``ArgosTranslator.load`` swaps them atomically).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

logger = logging.getLogger(__name__)


class Loadable(Protocol):
    def load(self) -> None: ...

    def translate(self, text: str, source: str, target: str) -> str: ...

    def can_translate(self, source: str, target: str) -> bool: ...

    def languages(self) -> set[str]: ...

    def pairs(self) -> set[tuple[str, str]]: ...


def folder_stamp(folder: Path) -> float:
    """Changes when a package folder is added or removed (installs are atomic renames)."""
    try:
        return folder.stat().st_mtime
    except FileNotFoundError:
        return 0.0


class ReloadingTranslator:
    """Wraps a loadable translator; reloads it when ``stamp()`` changes."""

    def __init__(
        self,
        inner: Loadable,
        stamp: Callable[[], float],
        *,
        interval: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._stamp = stamp
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._loaded_stamp: float | None = None
        self._checked_at = -float("inf")

    def load(self) -> None:
        """Load now (at start-up), remembering the stamp it loaded."""
        with self._lock:
            self._reload()

    def translate(self, text: str, source: str, target: str) -> str:
        self._maybe_reload()
        return self._inner.translate(text, source, target)

    def can_translate(self, source: str, target: str) -> bool:
        self._maybe_reload()
        return self._inner.can_translate(source, target)

    def languages(self) -> set[str]:
        self._maybe_reload()
        return self._inner.languages()

    def pairs(self) -> set[tuple[str, str]]:
        self._maybe_reload()
        return self._inner.pairs()

    def _maybe_reload(self) -> None:
        if self._clock() - self._checked_at < self._interval:
            return
        if not self._lock.acquire(blocking=False):
            return  # another thread is checking or reloading; use what is loaded
        try:
            self._checked_at = self._clock()
            if self._stamp() != self._loaded_stamp:
                logger.info("Translation packages changed on disk: reloading")
                self._reload()
        finally:
            self._lock.release()

    def _reload(self) -> None:
        stamp = self._stamp()
        self._inner.load()
        self._loaded_stamp = stamp
        self._checked_at = self._clock()
