"""Message translation: into each reader's language, stored beside the message.

The model runs outside any database transaction (a long message must not hold
SQLite's write lock); results are written in one short transaction afterwards.
A translation that cannot be made is stored as untranslated with the reason.
Without a model for the pair, a later read retries as soon as one is installed;
when the model itself failed, reads retry with exponential back-off.
``sesame translate-pending`` retries everything at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from sesame.catalog.db import session_scope
from sesame.catalog.models import Message, MessageTranslation, utcnow
from sesame.chat.views import translation_of
from sesame.core.errors import NotReady
from sesame.translation.base import TranslationUnavailable, Translator, UnavailableReason

logger = logging.getLogger(__name__)
REASON_CHARS = 500


@dataclass(frozen=True, slots=True)
class Outcome:
    """One translation attempt: the text, or why there is none."""

    text: str | None
    reason: str | None = None
    # True when the model failed (back off); False when there was no model to try.
    failed: bool = False


@dataclass(frozen=True, slots=True)
class Backoff:
    first: timedelta = timedelta(seconds=30)
    longest: timedelta = timedelta(hours=1)

    def retry_at(self, attempts: int, now: datetime) -> datetime:
        delay: timedelta = min(self.first * 2 ** max(attempts - 1, 0), self.longest)
        return now + delay


class MessageTranslations:
    def __init__(
        self,
        *,
        sessions: Callable[[], Session],
        translator: Callable[[], Translator],
        backoff: Backoff | None = None,
    ) -> None:
        self._sessions = sessions
        self._translator = translator
        self._backoff = backoff or Backoff()

    def translate(self, text: str, source: str, targets: Iterable[str]) -> dict[str, Outcome]:
        """Model work only, no database: ``text`` in each target language."""
        outcomes: dict[str, Outcome] = {}
        for target in sorted(set(targets) - {source}):
            try:
                outcomes[target] = Outcome(self._translator().translate(text, source, target))
            except (TranslationUnavailable, NotReady) as exc:
                logger.info("Not translated %s->%s: %s", source, target, exc.message)
                failed = (
                    isinstance(exc, TranslationUnavailable)
                    and exc.reason is UnavailableReason.MODEL_FAILED
                )
                outcomes[target] = Outcome(None, exc.message[:REASON_CHARS], failed)
        return outcomes

    def due(self, message: Message, language: str, now: datetime) -> bool:
        """Whether a read in ``language`` should (re)try translating ``message``."""
        if message.language == language:
            return False
        row = translation_of(message, language)
        if row is None:
            return True
        if row.status == "done":
            return False
        if row.retry_at is not None:  # the model failed: wait out the back-off
            return _aware(row.retry_at) <= now
        return self._can_translate(message.language, language)  # a model may be installed now

    def _can_translate(self, source: str, target: str) -> bool:
        try:
            return self._translator().can_translate(source, target)
        except NotReady:
            return False

    def record(
        self, message_id: int, outcomes: dict[str, Outcome]
    ) -> dict[str, MessageTranslation]:
        """Store the outcomes in one short transaction; returns the rows by language."""
        if not outcomes:
            return {}
        try:
            return self._store(message_id, outcomes)
        except OperationalError as exc:  # e.g. a full disk: readers still get the translation
            logger.warning("Translations of message %s not stored: %s", message_id, exc.orig)
            now = utcnow()
            unsaved = {}
            for language, outcome in outcomes.items():
                row = MessageTranslation(message_id=message_id, language=language, attempts=0)
                self._apply(row, outcome, now)
                unsaved[language] = row
            return unsaved

    def _store(
        self, message_id: int, outcomes: dict[str, Outcome]
    ) -> dict[str, MessageTranslation]:
        now = utcnow()
        with session_scope(self._sessions) as session:
            stored = {
                row.language: row
                for row in session.scalars(
                    select(MessageTranslation).where(MessageTranslation.message_id == message_id)
                )
            }
            for language, outcome in outcomes.items():
                row = stored.get(language) or MessageTranslation(
                    message_id=message_id, language=language, status="untranslated", attempts=0
                )
                stored[language] = row
                session.add(row)
                self._apply(row, outcome, now)
        return stored

    def _apply(self, row: MessageTranslation, outcome: Outcome, now: datetime) -> None:
        row.updated_at = now
        if outcome.text is not None:
            row.text, row.status, row.reason, row.retry_at = outcome.text, "done", None, None
            return
        row.attempts = (row.attempts or 0) + 1
        row.text, row.status, row.reason = None, "untranslated", outcome.reason
        row.retry_at = self._backoff.retry_at(row.attempts, now) if outcome.failed else None

    def translate_pending(self) -> tuple[int, int]:
        """Retry every untranslated message now; returns (translated, still untranslated)."""
        with self._sessions() as session:
            pending = session.execute(
                select(Message.id, Message.text, Message.language, MessageTranslation.language)
                .join(MessageTranslation, MessageTranslation.message_id == Message.id)
                .where(MessageTranslation.status == "untranslated")
            ).all()
        done = 0
        for message_id, text, source, target in pending:
            outcomes = self.translate(text, source, [target])
            self.record(message_id, outcomes)
            done += outcomes[target].text is not None
        return done, len(pending) - done


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
