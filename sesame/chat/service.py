"""Buyer-supplier conversations with machine translation (framework-free).

A message is committed exactly as written before anything is translated, so a
failing or missing translation model never loses it: the message is delivered
with its original text, marked untranslated with the reason, and translated
later (on read, or by `sesame translate-pending`) once a model can do it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sesame.accounts.service import Principal
from sesame.catalog import repository as repo
from sesame.catalog.models import (
    Account,
    Conversation,
    Message,
    MessageTranslation,
    Supplier,
    utcnow,
)
from sesame.chat.translating import MessageTranslations
from sesame.chat.views import (
    ConversationView,
    MessageView,
    Posted,
    conversation_rows,
    message_view,
)
from sesame.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from sesame.translation.detect import LanguageDetector

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 5000
PAGE_MAX = 100


class ChatService:
    def __init__(
        self,
        *,
        sessions: Callable[[], Session],
        translations: MessageTranslations,
        detector: Callable[[], LanguageDetector],
    ) -> None:
        self._factory = sessions
        self._translations = translations
        self._detector = detector

    # -- conversations ---------------------------------------------------------------

    def open_conversation(
        self, who: Principal, *, supplier: str, product: str | None = None
    ) -> tuple[Conversation, bool]:
        """Open (or return the existing) conversation of a buyer with a supplier."""
        if not who.buys or who.is_operator or who.company_id is None:
            raise Forbidden("Only buyers open conversations; supplier staff reply in them.")
        with self._factory() as session:
            row = repo.supplier_by_external_id(session, supplier)
            if row is None:
                raise NotFound(f"No supplier with id {supplier!r}.")
            if row.company_id is not None and row.company_id == who.company_id:
                raise InvalidInput("This supplier is your own company; talk to other companies.")
            product_id = self._product_of(session, row, product)
            return _find_or_open(session, who.company_id, who.account_id, row.id, product_id)

    def open_between(
        self, *, buyer_company_id: int, buyer_account_id: int, supplier_id: int
    ) -> int:
        """The general conversation of a buyer company with a supplier, opened if missing.

        For trade flows (a quote opens or joins it); the caller has checked who may.
        """
        with self._factory() as session:
            found, _ = _find_or_open(session, buyer_company_id, buyer_account_id, supplier_id, None)
            return found.id

    @staticmethod
    def _product_of(session: Session, supplier: Supplier, product: str | None) -> int | None:
        if product is None:
            return None
        row = repo.product_by_external_id(session, product)
        if row is None or row.supplier_id != supplier.id:
            raise NotFound(f"Supplier {supplier.external_id!r} has no product {product!r}.")
        return row.id

    def conversations(
        self, who: Principal, *, limit: int = 50, after: tuple[datetime, int] | None = None
    ) -> tuple[list[ConversationView], tuple[datetime, int] | None]:
        """The caller's conversations, most recently active first, a page at a time.

        ``after`` is the (updated_at, id) of the last one of the previous page;
        returns the page and the cursor of the next one (None at the end).
        """
        limit = max(1, min(limit, PAGE_MAX))
        query = conversation_rows().order_by(Conversation.updated_at.desc(), Conversation.id.desc())
        sides = [Conversation.buyer_company_id == who.company_id]
        if who.supplier_id is not None:
            sides.append(Conversation.supplier_id == who.supplier_id)
        query = query.where(or_(*sides))
        if after is not None:
            moment, last_id = after
            query = query.where(
                or_(
                    Conversation.updated_at < moment,
                    and_(Conversation.updated_at == moment, Conversation.id < last_id),
                )
            )
        with self._factory() as session:
            rows = [ConversationView(*row) for row in session.execute(query.limit(limit + 1))]
        page = rows[:limit]
        cursor = (page[-1].updated_at, page[-1].id) if len(rows) > limit else None
        return page, cursor

    def conversation_view(
        self, conversation_id: int, who: Principal | None = None
    ) -> ConversationView:
        """Its summary; with ``who``, only for one of its two parties (NotFound otherwise)."""
        with self._factory() as session:
            if who is not None:
                self.conversation(session, who, conversation_id)
            row = session.execute(
                conversation_rows().where(Conversation.id == conversation_id)
            ).one()
        return ConversationView(*row)

    def conversation(self, session: Session, who: Principal, conversation_id: int) -> Conversation:
        """The conversation if ``who`` is one of its two parties; NotFound otherwise."""
        row = session.get(Conversation, conversation_id)
        if row is None or side_of(who, row) is None:
            # Same answer whether it does not exist or is someone else's: no probing.
            raise NotFound(f"No conversation {conversation_id}.")
        return row

    # -- messages --------------------------------------------------------------------

    def post(
        self, who: Principal, conversation_id: int, text: str, *, client_id: str | None = None
    ) -> Posted:
        """Store the message (committed first), then translate it outside the transaction.

        Nothing after the commit can fail the call: a translation that cannot be
        made is delivered untranslated with the reason, and retried later.
        """
        text = _validate_text(text)
        with self._factory() as session:
            conversation = self.conversation(session, who, conversation_id)
            readers = self._reader_languages(session, conversation, who)
            message, replayed = self._store(session, who, conversation, text, client_id)
        rows: dict[str, MessageTranslation] = {}
        if not replayed:
            outcomes = self._translations.translate(text, message.language, readers.values())
            rows = self._translations.record(message.id, outcomes)
        if replayed:
            rows = {row.language: row for row in message.translations}
        deliveries = {
            account: message_view(message, language, rows) for account, language in readers.items()
        }
        return Posted(message_view(message, who.language, rows), deliveries, replayed=replayed)

    def _store(
        self, session: Session, who: Principal, conversation: Conversation, text: str,
        client_id: str | None,
    ) -> tuple[Message, bool]:  # fmt: skip
        """The new message, committed; or the original of a retry with the same key and text."""
        if client_id is not None and (original := _keyed(session, conversation.id, who, client_id)):
            return _replay(original, text, client_id), True
        message = Message(
            conversation_id=conversation.id, sender_id=who.account_id,
            sender_side=side_of(who, conversation) or "buyer",
            text=text, language=self._detector().detect(text, fallback=who.language),
            client_id=client_id,
        )  # fmt: skip
        session.add(message)
        conversation.updated_at = utcnow()
        try:
            session.commit()  # durable before any translation is attempted
        except IntegrityError:  # the same key raced in from a concurrent retry
            session.rollback()
            original = _keyed(session, conversation.id, who, client_id) if client_id else None
            if original is None:
                raise
            return _replay(original, text, client_id or ""), True
        return message, False

    def _reader_languages(
        self, session: Session, conversation: Conversation, sender: Principal
    ) -> dict[int, str]:
        """Every account on the other side, with its reading language."""
        if side_of(sender, conversation) == "buyer":
            company = select(Supplier.company_id).where(Supplier.id == conversation.supplier_id)
            query = select(Account.id, Account.language).where(
                Account.company_id == company.scalar_subquery()
            )
        else:
            query = select(Account.id, Account.language).where(
                Account.company_id == conversation.buyer_company_id
            )
        return dict(session.execute(query).all())

    def messages(
        self, who: Principal, conversation_id: int, *, before: int | None = None, limit: int = 50
    ) -> tuple[list[MessageView], int | None]:
        """Newest first, in the reader's language; returns the page and the next cursor."""
        limit = max(1, min(limit, PAGE_MAX))
        with self._factory() as session:
            self.conversation(session, who, conversation_id)
            query = (
                select(Message)
                .where(Message.conversation_id == conversation_id)
                .order_by(Message.id.desc())
                .limit(limit + 1)
            )
            if before is not None:
                query = query.where(Message.id < before)
            rows = list(session.scalars(query))
        page = rows[:limit]
        views = [self._view_translating(message, who.language) for message in page]
        return views, (page[-1].id if len(rows) > limit else None)

    def _view_translating(self, message: Message, language: str) -> MessageView:
        """The reader's view, translating first (outside any transaction) when it is due."""
        if not self._translations.due(message, language, utcnow()):
            return message_view(message, language)
        outcomes = self._translations.translate(message.text, message.language, [language])
        rows = self._translations.record(message.id, outcomes)
        return message_view(message, language, rows)


def _keyed(session: Session, conversation_id: int, who: Principal, key: str) -> Message | None:
    return session.scalar(
        select(Message).where(
            Message.conversation_id == conversation_id,
            Message.sender_id == who.account_id,
            Message.client_id == key,
        )
    )


def _replay(original: Message, text: str, client_id: str) -> Message:
    """The original message of a retried post, if it was the same message."""
    if original.text != text:
        raise Conflict(
            f"client_id {client_id!r} was already used in this conversation for a different "
            "message; send a new client_id with a new message (a retry must repeat the text)."
        )
    return original


def _find_or_open(
    session: Session, company_id: int, account_id: int, supplier_id: int, product_id: int | None
) -> tuple[Conversation, bool]:
    """The company's conversation with the supplier (about the product), or a new one."""
    topic = product_id or 0  # the unique index makes a concurrent twin fail, not duplicate
    query = select(Conversation).where(
        Conversation.buyer_company_id == company_id, Conversation.supplier_id == supplier_id,
        Conversation.topic == topic,
    )  # fmt: skip
    if (existing := session.scalar(query)) is not None:
        return existing, False
    conversation = Conversation(buyer_id=account_id, buyer_company_id=company_id,
                                supplier_id=supplier_id, product_id=product_id,
                                topic=topic)  # fmt: skip
    session.add(conversation)
    try:
        session.commit()
    except IntegrityError:  # opened at the same moment by another request
        session.rollback()
        return session.scalars(query).one(), False
    return conversation, True


def side_of(who: Principal, conversation: Conversation) -> str | None:
    """Which side of the conversation ``who`` is on: "buyer", "supplier", or None (not a party)."""
    if who.company_id is not None and conversation.buyer_company_id == who.company_id:
        return "buyer"
    if who.supplier_id is not None and conversation.supplier_id == who.supplier_id:
        return "supplier"
    return None


def _validate_text(text: str) -> str:
    if not text.strip():
        raise InvalidInput("The message is empty.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidInput(
            f"The message is {len(text)} characters long; the limit is {MAX_MESSAGE_CHARS}. "
            "Split it into several messages."
        )
    return text
