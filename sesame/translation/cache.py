"""CachingTranslator: an LRU of finished translations around any Translator.

Chat messages repeat ("Thank you.", "OK") and search queries repeat more, so a
small cache in front of the model saves most of the model time. Failures are not
cached: a pair that becomes available after a reload is used at once.
"""

from __future__ import annotations

from sesame.core.lru import Lru
from sesame.translation.base import Translator


class CachingTranslator:
    """Wraps ``inner``; keeps up to ``maxsize`` translations keyed by (source, target, text)."""

    def __init__(self, inner: Translator, maxsize: int = 10_000) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1.")
        self._inner = inner
        self._kept: Lru[tuple[str, str, str], str] = Lru(maxsize)

    @property
    def hits(self) -> int:
        return self._kept.hits

    @property
    def misses(self) -> int:
        return self._kept.misses

    def translate(self, text: str, source: str, target: str) -> str:
        key = (source, target, text)
        cached = self._kept.get(key)
        if cached is not None:
            return cached
        # The model runs outside the lock, so concurrent misses do not queue here.
        result = self._inner.translate(text, source, target)
        self._kept.put(key, result)
        return result

    def can_translate(self, source: str, target: str) -> bool:
        return self._inner.can_translate(source, target)

    def languages(self) -> set[str]:
        return self._inner.languages()

    def pairs(self) -> set[tuple[str, str]]:
        return self._inner.pairs()

    def clear(self) -> None:
        """Forget every cached translation (e.g. after models were reloaded)."""
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)
