"""Search in the buyer's language: detect the query's language and translate it
into the catalog's language before keyword and vector search."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sesame.errors import InvalidInput
from translation.base import TranslationUnavailable, Translator
from translation.detect import LanguageDetector

logger = logging.getLogger(__name__)


def require_language(code: str, supported: Iterable[str]) -> str:
    """The normalised ISO 639-1 code, or InvalidInput naming the supported ones."""
    code = code.strip().lower()
    known = set(supported)
    if code not in known:
        listed = ", ".join(sorted(known))
        raise InvalidInput(f"Unknown language {code!r}; this deployment supports {listed}.")
    return code


@dataclass(frozen=True, slots=True)
class QueryInfo:
    original: str
    language: str
    searched: str
    note: str | None = None


class QueryTranslator:
    def __init__(
        self,
        *,
        detector: LanguageDetector,
        translator: Callable[[], Translator],
        catalog_language: str,
        languages: set[str],
        enabled: bool = True,
    ) -> None:
        self._detector = detector
        self._translator = translator
        self._catalog = catalog_language
        self._languages = languages
        self._enabled = enabled

    def prepare(self, query: str, language: str | None = None) -> QueryInfo:
        """What to search for ``query``; a query that cannot be translated is searched as is."""
        if language is not None:
            language = require_language(language, self._languages)
        else:
            language = self._detector.detect(query, fallback=self._catalog)
        if language == self._catalog or not self._enabled:
            return QueryInfo(query, language, query)
        try:
            searched = self._translator().translate(query, language, self._catalog)
        except TranslationUnavailable as exc:
            logger.info("Query not translated from %s: %s", language, exc.message)
            return QueryInfo(query, language, query, f"Searched untranslated: {exc.message}")
        return QueryInfo(query, language, searched.strip() or query)
