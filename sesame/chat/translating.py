"""Message translation: into each reader's language, stored beside the message.

A translation that cannot be made is stored as untranslated with the reason, and
retried on a later read or by ``sesame translate-pending``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from sesame.catalog.models import Message, MessageTranslation, utcnow
from sesame.chat.views import translation_of
from sesame.translation.base import TranslationUnavailable, Translator

logger = logging.getLogger(__name__)


class MessageTranslations:
    def __init__(self, *, sessions: Callable[[], Session], translator: Callable[[], Translator]):
        self._factory = sessions
        self._translator = translator

    def translate_into(self, session: Session, message: Message, language: str) -> None:
        row = translation_of(message, language)
        if row is None:
            row = MessageTranslation(
                message_id=message.id, language=language, status="untranslated"
            )
            message.translations.append(row)
        try:
            row.text = self._translator().translate(message.text, message.language, language)
            row.status, row.reason = "done", None
        except TranslationUnavailable as exc:
            row.text, row.status, row.reason = None, "untranslated", exc.message[:500]
            logger.info("Message %s not translated to %s: %s", message.id, language, exc.message)
        row.updated_at = utcnow()
        session.flush()

    def translate_pending(self) -> tuple[int, int]:
        """Retry every untranslated message; returns (translated, still untranslated)."""
        with self._factory() as session:
            rows = session.scalars(
                select(MessageTranslation).where(MessageTranslation.status == "untranslated")
            ).all()
            for row in rows:
                message = session.get(Message, row.message_id)
                if message is not None:
                    self.translate_into(session, message, row.language)
            session.commit()
            done = sum(1 for row in rows if row.status == "done")
            return done, len(rows) - done
