"""Request and response bodies of accounts and conversations."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from sesame.accounts.service import Principal
from sesame.api.schemas_common import UtcDatetime
from sesame.chat.service import MAX_MESSAGE_CHARS
from sesame.chat.views import ConversationView, MessageView


class NewAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    language: str = Field(min_length=2, max_length=8, examples=["es"])
    email: str | None = Field(default=None, max_length=254)
    company: str | None = Field(
        default=None, min_length=1, max_length=200, description="Company name (default: name)"
    )


class AccountOut(BaseModel):
    id: int
    kind: str = Field(description="buyer, supplier (a company that only sells) or operator")
    role: str = Field(description="admin or staff of the company, or operator")
    name: str
    language: str
    company_id: int | None = None
    supplier_id: int | None = Field(default=None, description="The company's supplier profile")
    supplier: str | None = Field(
        default=None, description="That profile's id in paths: /v1/suppliers/{supplier}/products"
    )

    @classmethod
    def from_principal(cls, who: Principal) -> AccountOut:
        return cls(
            id=who.account_id, kind=who.kind, role=who.role, name=who.name,
            language=who.language, company_id=who.company_id, supplier_id=who.supplier_id,
            supplier=who.supplier_ref,
        )  # fmt: skip


class NewAccountOut(BaseModel):
    account: AccountOut
    token: str = Field(description="Shown once: send it as 'Authorization: Bearer <token>'")
    expires_at: UtcDatetime | None = None


class NewConversation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    supplier_id: str = Field(min_length=1, max_length=64)
    product_id: str | None = Field(default=None, min_length=1, max_length=64)


class ConversationOut(BaseModel):
    id: int
    buyer_id: int
    supplier_id: str
    supplier_name: str
    product_id: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, view: ConversationView) -> ConversationOut:
        return cls(
            id=view.id,
            buyer_id=view.buyer_id,
            supplier_id=view.supplier_id,
            supplier_name=view.supplier_name,
            product_id=view.product_id,
            created_at=view.created_at,
            updated_at=view.updated_at,
        )


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=MAX_MESSAGE_CHARS * 4)
    client_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="Idempotency key for retries"
    )


class MessageOut(BaseModel):
    id: int
    conversation_id: int
    sender_id: int
    sender_side: str
    text: str = Field(description="In the reader's language when translated")
    language: str
    original_text: str
    original_language: str
    translated: bool
    untranslated_reason: str | None
    created_at: UtcDatetime

    @classmethod
    def of(cls, view: MessageView) -> MessageOut:
        return cls(
            id=view.id,
            conversation_id=view.conversation_id,
            sender_id=view.sender_id,
            sender_side=view.sender_side,
            text=view.text,
            language=view.language,
            original_text=view.original_text,
            original_language=view.original_language,
            translated=view.translated,
            untranslated_reason=view.untranslated_reason,
            created_at=view.created_at,
        )


class MessagePage(BaseModel):
    messages: list[MessageOut]
    next_before: int | None


class ConversationPage(BaseModel):
    conversations: list[ConversationOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page")


class TokenOut(BaseModel):
    token: str = Field(description="Shown once: send it as 'Authorization: Bearer <token>'")
    expires_at: UtcDatetime


class RevokeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    all: bool = Field(
        default=False, description="Revoke every token of the account, not just this one"
    )


class RevokeOut(BaseModel):
    revoked: int


class TicketOut(BaseModel):
    ticket: str = Field(description="Connect to /v1/ws?ticket=<ticket>; single use")
    expires_in: int = Field(description="Seconds the ticket stays valid")
