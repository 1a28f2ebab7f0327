"""Product titles and descriptions in the reader's language, original alongside."""

from __future__ import annotations

from dataclasses import dataclass

from translation.base import TranslationUnavailable, Translator


@dataclass(frozen=True, slots=True)
class TranslatedText:
    language: str
    title: str | None
    description: str | None
    untranslated_reason: str | None = None


def translate_product_text(
    translator: Translator,
    *,
    title: str,
    description: str | None,
    source: str,
    target: str,
) -> TranslatedText:
    """Translate a title (and description, if given); the translator's cache makes repeats free."""
    try:
        translated_title = translator.translate(title, source, target)
        translated_description = (
            translator.translate(description, source, target) if description else description
        )
    except TranslationUnavailable as exc:
        return TranslatedText(target, None, None, exc.message)
    return TranslatedText(target, translated_title, translated_description)
