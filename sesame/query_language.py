"""Search in the buyer's language: detect the query's language and translate it
into the catalog's language before keyword and vector search."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sesame.errors import InvalidInput
from translation.base import TranslationUnavailable, Translator
from translation.detect import LanguageDetector

logger = logging.getLogger(__name__)


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
            language = language.strip().lower()
            if language not in self._languages:
                known = ", ".join(sorted(self._languages))
                raise InvalidInput(
                    f"Unknown language {language!r}; this deployment supports {known}."
                )
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
