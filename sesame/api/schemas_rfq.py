"""Bodies of requests for quotation, quotes and the suppliers' RFQ inbox."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sesame.api.schemas_common import UtcDatetime
from sesame.api.schemas_trade import TextOut
from sesame.catalog.models import Quote, Rfq, Supplier
from sesame.catalog.verification import is_verified
from sesame.trade.quotes import QuoteDraft, QuoteView, RfqView
from sesame.trade.rfqs import RfqDraft, state_of
from sesame.trade.texts import Shown


class NewRfq(BaseModel):
    """What the buyer needs; with multipart, send it as the JSON field ``rfq`` beside ``image``."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(default="", max_length=5000, description="In the buyer's own language")
    quantity: int = Field(ge=1, le=1_000_000_000)
    unit: str = Field(default="pieces", min_length=1, max_length=32)
    target_price: float | None = Field(default=None, gt=0, le=1e9, description="Per unit")
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    destination_country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    deadline: UtcDatetime = Field(description="When it stops taking quotes")
    countries: list[str] = Field(default=[], max_length=50, description="Suppliers from these")
    verified_only: bool = False

    def draft(self) -> RfqDraft:
        return RfqDraft(**self.model_dump())


class NewQuote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_price: float = Field(gt=0, le=1e9)
    currency: str = Field(pattern=r"^[A-Za-z]{3}$")
    moq: int = Field(ge=1, le=1_000_000_000)
    lead_time_days: int = Field(ge=0, le=3650)
    incoterm: str = Field(default="FOB", pattern=r"^[A-Za-z]{3}$")
    valid_until: UtcDatetime
    message: str = Field(default="", max_length=5000, description="In the supplier's language")

    def draft(self) -> QuoteDraft:
        return QuoteDraft(**self.model_dump())


class SupplierBrief(BaseModel):
    id: str
    name: str
    country: str
    verified: bool
    rating: float
    review_count: int

    @classmethod
    def of(cls, supplier: Supplier) -> SupplierBrief:
        return cls(
            id=supplier.external_id, name=supplier.name, country=supplier.country,
            verified=is_verified(supplier.verified_until), rating=supplier.rating,
            review_count=supplier.review_count,
        )  # fmt: skip


class Money(BaseModel):
    amount: float
    currency: str


class QuoteOut(BaseModel):
    id: int
    supplier: SupplierBrief
    unit_price: Money
    converted: Money = Field(description="The unit price in the view's one currency")
    moq: int
    lead_time_days: int
    incoterm: str
    valid_until: UtcDatetime
    message: TextOut
    status: str = Field(description="submitted, accepted or not_selected")
    conversation_id: int | None

    @classmethod
    def of(cls, view: QuoteView, currency: str) -> QuoteOut:
        q = view.quote
        return cls(
            id=q.id, supplier=SupplierBrief.of(view.supplier),
            unit_price=Money(amount=q.unit_price, currency=q.currency),
            converted=Money(amount=view.unit_price_converted, currency=currency), moq=q.moq,
            lead_time_days=q.lead_time_days, incoterm=q.incoterm, valid_until=q.valid_until,
            message=TextOut.of(view.message), status=q.status, conversation_id=q.conversation_id,
        )  # fmt: skip


class MatchOut(BaseModel):
    supplier: SupplierBrief
    score: float


class RfqFields(BaseModel):
    """What the buyer asked for, as the buyer and the matched suppliers both see it."""

    id: int
    state: str = Field(description="open, awarded, cancelled or expired (past its deadline)")
    text: TextOut
    quantity: int
    unit: str
    target_price: Money | None
    destination_country: str
    deadline: UtcDatetime
    countries: list[str]
    verified_only: bool
    has_photo: bool
    created_at: UtcDatetime


class RfqOut(RfqFields):
    matched: list[MatchOut] = Field(description="The suppliers it was sent to (buyer only)")
    match_note: str | None = None
    quotes: list[QuoteOut] = Field(description="Side by side, cheapest first (a supplier: its own)")
    currency: str = Field(description="The one currency quotes are converted to")
    accepted_quote_id: int | None = None

    @classmethod
    def of(cls, view: RfqView) -> RfqOut:
        rfq = view.rfq
        return cls(
            **_fields(rfq, view.text), matched=[
                MatchOut(supplier=SupplierBrief.of(s), score=round(score, 4))
                for s, score in view.matched
            ], match_note=rfq.match_note if view.side == "buyer" else None,
            quotes=[QuoteOut.of(q, view.currency) for q in view.quotes],
            currency=view.currency, accepted_quote_id=rfq.accepted_quote_id,
        )  # fmt: skip


class InboxItem(RfqFields):
    my_quote: dict[str, Any] | None = Field(description="Your quote's id and status, if any")
    url: str

    @classmethod
    def of(cls, rfq: Rfq, text: Shown, quote: Quote | None) -> InboxItem:
        mine = None if quote is None else {"id": quote.id, "status": quote.status}
        return cls(**_fields(rfq, text), my_quote=mine, url=f"/v1/rfqs/{rfq.id}")


class MyRfqItem(RfqFields):
    quotes: int = Field(description="Quotes received so far")
    accepted_quote_id: int | None = None
    url: str

    @classmethod
    def of(cls, rfq: Rfq, text: Shown, quotes: int) -> MyRfqItem:
        return cls(**_fields(rfq, text), quotes=quotes, accepted_quote_id=rfq.accepted_quote_id,
                   url=f"/v1/rfqs/{rfq.id}")  # fmt: skip


class MyRfqPage(BaseModel):
    rfqs: list[MyRfqItem]
    next_offset: int | None


class InboxPage(BaseModel):
    rfqs: list[InboxItem]
    next_offset: int | None


def _fields(rfq: Rfq, text: Shown) -> dict[str, Any]:
    target = None if rfq.target_price is None else Money(amount=rfq.target_price,
                                                            currency=rfq.currency)  # fmt: skip
    return {
        "id": rfq.id, "state": state_of(rfq), "text": TextOut.of(text), "quantity": rfq.quantity,
        "unit": rfq.unit, "target_price": target, "destination_country": rfq.destination_country,
        "deadline": rfq.deadline, "countries": list(rfq.countries or []),
        "verified_only": rfq.verified_only, "has_photo": rfq.image_path is not None,
        "created_at": rfq.created_at,
    }  # fmt: skip
