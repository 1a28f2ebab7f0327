"""Search in the buyer's language: detect the query's language and translate it
into the catalog's language before keyword and vector search."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sesame.search.product_text import require_language
from sesame.translation.base import TranslationUnavailable, Translator
from sesame.translation.detect import LanguageDetector

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class QueryInfo:
    original: str
    language: str
    searched: str
    note: str | None = None


class QueryTranslator:
    """Detects a query's language and translates it into the catalog's."""

    def __init__(
        self,
        *,
        detector: Callable[[], LanguageDetector],
        translator: Callable[[], Translator],
        catalog_language: str,
        languages: set[str],
    ) -> None:
        self._detector = detector
        self._translator = translator
        self._catalog = catalog_language
        self._languages = languages

    def prepare(self, query: str, language: str | None = None) -> QueryInfo:
        """What to search for ``query``; a query that cannot be translated is searched as is."""
        language = query_language(self._detector, query, language, self._catalog, self._languages)
        if language == self._catalog:
            return QueryInfo(query, language, query)
        try:
            searched = self._translator().translate(query, language, self._catalog)
        except TranslationUnavailable as exc:
            logger.info("Query not translated from %s: %s", language, exc.message)
            return QueryInfo(query, language, query, f"Searched untranslated: {exc.message}")
        return QueryInfo(query, language, searched.strip() or query)


class UntranslatedQueries:
    """For a multilingual text tower: detect the language, search the query as written."""

    def __init__(
        self,
        *,
        detector: Callable[[], LanguageDetector],
        catalog_language: str,
        languages: set[str],
    ) -> None:
        self._detector = detector
        self._catalog = catalog_language
        self._languages = languages

    def prepare(self, query: str, language: str | None = None) -> QueryInfo:
        language = query_language(self._detector, query, language, self._catalog, self._languages)
        return QueryInfo(query, language, query)


def query_language(
    detector: Callable[[], LanguageDetector],
    query: str,
    given: str | None,
    catalog: str,
    languages: set[str],
) -> str:
    """The language the buyer named (checked), or the detected one (the catalog's if unsure)."""
    if given is not None:
        return require_language(given, languages)
    return detector().detect(query, fallback=catalog)
