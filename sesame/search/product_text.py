"""Product titles and descriptions in the reader's language, original alongside."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sesame.core.errors import InvalidInput
from sesame.translation.base import TranslationUnavailable, Translator


def require_language(code: str, supported: Iterable[str]) -> str:
    """The normalised ISO 639-1 code, or InvalidInput naming the supported ones."""
    code = code.strip().lower()
    known = set(supported)
    if code not in known:
        listed = ", ".join(sorted(known))
        raise InvalidInput(f"Unknown language {code!r}; this deployment supports {listed}.")
    return code


@dataclass(frozen=True, slots=True)
class TranslatedText:
    language: str
    title: str | None
    description: str | None
    untranslated_reason: str | None = None


class ProductTexts:
    """Translates catalog text (written in ``catalog_language``) for readers; cached below."""

    def __init__(
        self,
        *,
        translator: Callable[[], Translator],
        catalog_language: str,
        languages: Iterable[str],
    ) -> None:
        self._translator = translator
        self.catalog_language = catalog_language
        self.languages = frozenset(languages)

    def for_reader(
        self, language: str, *, title: str, description: str | None
    ) -> TranslatedText | None:
        """The text in ``language``; None when that is the catalog's own language."""
        language = require_language(language, self.languages)
        if language == self.catalog_language:
            return None
        try:
            translator = self._translator()
            translated_title = translator.translate(title, self.catalog_language, language)
            translated_description = (
                translator.translate(description, self.catalog_language, language)
                if description
                else description
            )
        except TranslationUnavailable as exc:
            return TranslatedText(language, None, None, exc.message)
        return TranslatedText(language, translated_title, translated_description)
