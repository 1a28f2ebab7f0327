"""What readers see: a message in their language with the original alongside, and
conversation rows with the public ids of their supplier and product."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from sesame.catalog.models import Conversation, Message, MessageTranslation, Product, Supplier


@dataclass(frozen=True, slots=True)
class MessageView:
    """A message as one reader sees it: in their language, original alongside."""

    id: int
    conversation_id: int
    sender_id: int
    sender_side: str
    text: str
    language: str
    original_text: str
    original_language: str
    translated: bool
    untranslated_reason: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ConversationView:
    id: int
    buyer_id: int
    supplier_id: str
    supplier_name: str
    product_id: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Posted:
    view: MessageView
    # Recipient account id -> the message in that recipient's language.
    deliveries: dict[int, MessageView]
    # A retry with the same idempotency key and text: the original, already delivered.
    replayed: bool = False


def message_view(
    message: Message, language: str, rows: Mapping[str, MessageTranslation] | None = None
) -> MessageView:
    """The message as a reader of ``language`` sees it.

    ``rows`` are its translations by language; by default the ones loaded with it.
    """
    row = rows.get(language) if rows is not None else translation_of(message, language)
    same = message.language == language
    translated = not same and row is not None and row.status == "done" and row.text is not None
    reason = None
    if not same and not translated:
        reason = row.reason if row is not None else "not translated yet"
    return MessageView(
        id=message.id,
        conversation_id=message.conversation_id,
        sender_id=message.sender_id,
        sender_side=message.sender_side,
        text=row.text if translated and row is not None and row.text else message.text,
        language=language if translated or same else message.language,
        original_text=message.text,
        original_language=message.language,
        translated=translated,
        untranslated_reason=reason,
        created_at=message.created_at,
    )


def translation_of(message: Message, language: str) -> MessageTranslation | None:
    return next((row for row in message.translations if row.language == language), None)


def conversation_rows() -> Select[int, int, str, str, str, datetime, datetime]:
    """Conversation rows with their supplier's and product's public ids, in one query."""
    return (
        select(
            Conversation.id,
            Conversation.buyer_id,
            Supplier.external_id,
            Supplier.name,
            Product.external_id,
            Conversation.created_at,
            Conversation.updated_at,
        )
        .join(Supplier, Supplier.id == Conversation.supplier_id)
        .outerjoin(Product, Product.id == Conversation.product_id)
    )
