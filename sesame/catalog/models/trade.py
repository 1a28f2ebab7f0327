"""Trade between companies: reviews, requests for quotation and their quotes, a buyer's
stated preferences and recent views, and translated free text kept by content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from sesame.catalog.models.base import Base, utcnow


class Review(Base):
    """One buyer company's review of a supplier (editable), and the supplier's one reply."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("buyer_company_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True
    )
    buyer_company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    rating: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    hidden_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    reply_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    reply_language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Rfq(Base):
    """A buyer's request for quotation: what, how many, for how much, where, until when."""

    __tablename__ = "rfqs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    buyer_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8))
    image_path: Mapped[str | None] = mapped_column(String(300), nullable=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(32), default="pieces")
    target_price: Mapped[float | None] = mapped_column(Float, nullable=True)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    destination_country: Mapped[str] = mapped_column(String(2))
    deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    verified_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # open | awarded | cancelled; an open one past its deadline reads as "expired"
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    accepted_quote_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    match_note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class RfqMatch(Base):
    """A supplier the RFQ was matched to (it sees the RFQ in its inbox)."""

    __tablename__ = "rfq_matches"

    rfq_id: Mapped[int] = mapped_column(ForeignKey("rfqs.id", ondelete="CASCADE"), primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)


class Quote(Base):
    """A supplier's answer to an RFQ; only the buyer and that supplier ever see it."""

    __tablename__ = "quotes"
    __table_args__ = (UniqueConstraint("rfq_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rfq_id: Mapped[int] = mapped_column(ForeignKey("rfqs.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    unit_price: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    unit_price_usd: Mapped[float] = mapped_column(Float)
    moq: Mapped[int] = mapped_column(Integer)
    lead_time_days: Mapped[int] = mapped_column(Integer)
    incoterm: Mapped[str] = mapped_column(String(3))
    valid_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    message: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8))
    # submitted | accepted | not_selected
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Preference(Base):
    """What a signed-in buyer said they want (personal ranking)."""

    __tablename__ = "preferences"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    verified_only: Mapped[bool] = mapped_column(Boolean, default=False)
    price_min_usd: Mapped[float | None] = mapped_column(Float, nullable=True)
    price_max_usd: Mapped[float | None] = mapped_column(Float, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProductView(Base):
    """A product a signed-in account looked at (the most recent few are kept)."""

    __tablename__ = "product_views"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    viewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TextTranslation(Base):
    """Free text (a review, an RFQ, a quote) translated once, kept by its content."""

    __tablename__ = "text_translations"

    source_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_language: Mapped[str] = mapped_column(String(8), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
