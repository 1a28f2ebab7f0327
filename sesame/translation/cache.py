"""CachingTranslator: an LRU of finished translations around any Translator.

Chat messages repeat ("Thank you.", "OK") and search queries repeat more, so a
small cache in front of the model saves most of the model time. Failures are not
cached: a pair that becomes available after a reload is used at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sesame.translation.base import Translator


class CachingTranslator:
    """Wraps ``inner``; keeps up to ``maxsize`` translations keyed by (source, target, text)."""

    def __init__(self, inner: Translator, maxsize: int = 10_000) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1.")
        self._inner = inner
        self._maxsize = maxsize
        self._entries: OrderedDict[tuple[str, str, str], str] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def translate(self, text: str, source: str, target: str) -> str:
        key = (source, target, text)
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return cached
            self.misses += 1
        # The model runs outside the lock, so concurrent misses do not queue here.
        result = self._inner.translate(text, source, target)
        with self._lock:
            self._entries[key] = result
            self._entries.move_to_end(key)
            while len(self._entries) > self._maxsize:
                self._entries.popitem(last=False)
        return result

    def can_translate(self, source: str, target: str) -> bool:
        return self._inner.can_translate(source, target)

    def languages(self) -> set[str]:
        return self._inner.languages()

    def pairs(self) -> set[tuple[str, str]]:
        return self._inner.pairs()

    def clear(self) -> None:
        """Forget every cached translation (e.g. after models were reloaded)."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
