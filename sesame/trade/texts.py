"""Free text of trade (reviews, replies, RFQs, quotes) in the reader's language.

Each text is translated once and kept by its content (``text_translations``), so
every reader and every process reuses it. A request translates at most ``budget``
texts while it waits; the rest show untranslated with the reason and are
translated in the background for a later read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from sesame.catalog.db import session_scope, upsert
from sesame.catalog.models import TextTranslation, utcnow
from sesame.catalog.texts import source_hash
from sesame.core.errors import NotReady
from sesame.translation.base import TranslationUnavailable, Translator

logger = logging.getLogger(__name__)
Background = Callable[[Callable[[], None]], None]
LATER = "Not translated yet: it is being translated and will show on a later read."


@dataclass(frozen=True, slots=True)
class Shown:
    """A text as one reader sees it: translated (or why not), the original beside it."""

    text: str
    language: str
    original_text: str
    original_language: str
    translated: bool
    untranslated_reason: str | None = None


class FreeTexts:
    def __init__(
        self, *, translator: Callable[[], Translator], sessions: Callable[[], Session],
        background: Background | None = None, budget: int = 20,
    ) -> None:  # fmt: skip
        self._translator = translator
        self._sessions = sessions
        self._background = background or (lambda job: None)
        self._budget = budget

    def show(self, texts: Sequence[tuple[str, str]], reader: str) -> list[Shown]:
        """Each (text, its language) for a reader of ``reader``, in order."""
        wanted = {(source_hash(t), lang) for t, lang in texts if t and lang != reader}
        with self._sessions() as session:
            kept = _kept(session, wanted, reader)
        missing = list(
            dict.fromkeys(
                (t, lang) for t, lang in texts if (source_hash(t), lang) in wanted - kept.keys()
            )
        )
        now, later = missing[: self._budget], missing[self._budget :]
        fresh, reason = self._translate(now, reader)
        if later:
            self._background(lambda: self._fill(later, reader))
        kept |= fresh
        return [self._one(text, lang, reader, kept, reason) for text, lang in texts]

    @staticmethod
    def _one(text: str, language: str, reader: str, kept: dict[tuple[str, str], str],
             reason: str | None) -> Shown:  # fmt: skip
        if not text or language == reader:
            return Shown(text, language, text, language, translated=False)
        found = kept.get((source_hash(text), language))
        if found is None:
            return Shown(text, language, text, language, False, reason or LATER)
        return Shown(found, reader, text, language, translated=True)

    def _fill(self, texts: Sequence[tuple[str, str]], reader: str) -> None:
        _, reason = self._translate(texts, reader)
        if reason:
            logger.info("Background translation into %s stopped: %s", reader, reason)

    def _translate(
        self, texts: Sequence[tuple[str, str]], reader: str
    ) -> tuple[dict[tuple[str, str], str], str | None]:
        done: dict[tuple[str, str], str] = {}
        reason = None
        try:
            translator = self._translator()
            for text, language in texts:
                try:
                    done[(source_hash(text), language)] = translator.translate(
                        text, language, reader
                    )
                except TranslationUnavailable as exc:
                    reason = exc.message
        except NotReady as exc:
            reason = exc.message
        self._keep(done, reader)
        return done, reason

    def _keep(self, done: dict[tuple[str, str], str], reader: str) -> None:
        if not done:
            return
        try:
            with session_scope(self._sessions) as session:
                values = [
                    {"source_hash": digest, "source_language": language, "language": reader,
                     "text": text, "created_at": utcnow()}
                    for (digest, language), text in sorted(done.items())
                ]  # fmt: skip
                upsert(session, TextTranslation, values,
                       ["source_hash", "source_language", "language"])  # fmt: skip
        except (OperationalError, IntegrityError) as exc:  # a full disk, a race: shown anyway
            logger.info("Translated text not kept: %s", exc.orig)


def _kept(
    session: Session, wanted: set[tuple[str, str]], reader: str
) -> dict[tuple[str, str], str]:
    if not wanted:
        return {}
    rows = session.execute(
        select(TextTranslation.source_hash, TextTranslation.source_language, TextTranslation.text)
        .where(TextTranslation.language == reader)
        .where(tuple_(TextTranslation.source_hash, TextTranslation.source_language).in_(wanted))
    )
    return {(digest, language): text for digest, language, text in rows}
