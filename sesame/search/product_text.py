"""Product titles and descriptions in the reader's language, original alongside.

Translations are kept in the database, so each text is translated once for all
processes. A request does bounded model work: at most ``title_budget`` titles of
a result page and ``description_chars`` of a description are translated while it
waits; the rest is translated in the background and shown on a later request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from sesame.catalog.db import session_scope
from sesame.catalog.models import Product
from sesame.catalog.texts import cached_texts, source_hash, store_texts
from sesame.core.errors import InvalidInput, NotReady
from sesame.translation.base import TranslationUnavailable, Translator

logger = logging.getLogger(__name__)
Background = Callable[[Callable[[], None]], None]
LATER = "Not translated yet: it is being translated and will show on a later request."


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


@dataclass(frozen=True, slots=True)
class TextLimits:
    title_budget: int = 20
    description_chars: int = 2000


class ProductTexts:
    """Translates catalog text (written in ``catalog_language``) for readers."""

    def __init__(
        self,
        *,
        translator: Callable[[], Translator],
        sessions: Callable[[], Session],
        catalog_language: str,
        languages: Iterable[str],
        background: Background | None = None,
        limits: TextLimits | None = None,
    ) -> None:
        self._translator = translator
        self._sessions = sessions
        self.catalog_language = catalog_language
        self.languages = frozenset(languages)
        self._background = background or (lambda job: None)
        self._limits = limits or TextLimits()

    def titles(self, products: Sequence[Product], language: str) -> dict[int, TranslatedText]:
        """Product id -> its title in ``language`` (empty for the catalog's own language)."""
        language = require_language(language, self.languages)
        if language == self.catalog_language or not products:
            return {}
        wanted = {p.id: source_hash(p.title) for p in products}
        with self._sessions() as session:
            done = cached_texts(session, language, "title", wanted)
        missing = [p for p in products if p.id not in done]
        now, later = missing[: self._limits.title_budget], missing[self._limits.title_budget :]
        fresh, reason = self._translate({p.id: p.title for p in now}, language, "title")
        if later:
            self._background(lambda: self._fill({p.id: p.title for p in later}, language, "title"))
        return {
            p.id: self._text(language, done.get(p.id) or fresh.get(p.id), None, reason)
            for p in products
        }

    def for_reader(self, language: str, product: Product) -> TranslatedText | None:
        """Title and description in ``language``; None for the catalog's own language."""
        language = require_language(language, self.languages)
        if language == self.catalog_language:
            return None
        title = self.titles([product], language)[product.id]
        if title.title is None or not product.description:
            return title
        return self._description(language, product, title)

    def _description(
        self, language: str, product: Product, title: TranslatedText
    ) -> TranslatedText:
        text = product.description
        with self._sessions() as session:
            done = cached_texts(session, language, "description", {product.id: source_hash(text)})
        if product.id in done:
            return TranslatedText(language, title.title, done[product.id])
        limit = self._limits.description_chars
        head = text if len(text) <= limit else _sentence_cut(text, limit)
        fresh, reason = self._translate({product.id: head}, language, "description",
                                        store=head == text)  # fmt: skip
        if head != text:
            self._background(lambda: self._fill({product.id: text}, language, "description"))
            reason = reason or (
                f"The description is long: its first {len(head):,} characters are translated "
                "here, and the whole of it will be on a later request."
            )
        return TranslatedText(language, title.title, fresh.get(product.id), reason)

    def _translate(
        self, texts: dict[int, str], language: str, field: str, *, store: bool = True
    ) -> tuple[dict[int, str], str | None]:
        """Translate now (and keep); returns the results and why some are missing."""
        results: dict[int, str] = {}
        try:
            translator = self._translator()
            for product_id, text in texts.items():
                results[product_id] = translator.translate(text, self.catalog_language, language)
        except (TranslationUnavailable, NotReady) as exc:
            return results, exc.message
        if store and results:
            rows = {pid: (source_hash(texts[pid]), out) for pid, out in results.items()}
            try:
                with session_scope(self._sessions) as session:
                    store_texts(session, language, field, rows)
            except OperationalError as exc:  # e.g. a full disk: the reader still gets the text
                logger.warning("Translated product text not stored: %s", exc.orig)
        return results, None

    def _fill(self, texts: dict[int, str], language: str, field: str) -> None:
        """Background work: translate and keep what a request had no budget for."""
        _, reason = self._translate(texts, language, field)
        if reason:
            logger.info("Background translation into %s stopped: %s", language, reason)

    @staticmethod
    def _text(language: str, title: str | None, description: str | None, reason: str | None
              ) -> TranslatedText:  # fmt: skip
        return TranslatedText(language, title, description, None if title else reason or LATER)


def _sentence_cut(text: str, limit: int) -> str:
    """The longest start of ``text`` within ``limit`` characters ending at a sentence end."""
    head = text[:limit]
    end = max(head.rfind(mark) for mark in (". ", "! ", "? ", "。", "\n"))
    return head[: end + 1] if end > limit // 2 else head
