"""The catalog: suppliers, products, their images and stored embeddings.

Rows have an integer surrogate key (used by the vector index) and the
catalog's own string id (``external_id``, what the API and the JSONL files use).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sesame.catalog.models.base import Base, utcnow


class Supplier(Base):
    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The company that runs this supplier profile (its staff manage the catalog).
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), unique=True, nullable=True
    )
    country: Mapped[str] = mapped_column(String(2), index=True)
    province: Mapped[str] = mapped_column(String(100), default="", index=True)
    city: Mapped[str] = mapped_column(String(100), index=True)
    languages: Mapped[list[str]] = mapped_column(JSON)
    # Epoch seconds until which an unrevoked verification holds (None: not verified).
    # Kept from ``verifications``; "verified" is ``verified_until > now``, at read time.
    verified_until: Mapped[float | None] = mapped_column(Float, nullable=True, index=True)
    # rating and review_count: the catalog's (or an operator's) base, with the visible
    # reviews made here folded in; both kept exact in the reviews' transactions.
    rating: Mapped[float] = mapped_column(Float, default=0.0)
    review_count: Mapped[int] = mapped_column(Integer, default=0)
    base_rating: Mapped[float] = mapped_column(Float, default=0.0)
    base_review_count: Mapped[int] = mapped_column(Integer, default=0)
    years_in_business: Mapped[int] = mapped_column(Integer, default=0)
    response_rate: Mapped[float] = mapped_column(Float, default=0.0)
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    products: Mapped[list[Product]] = relationship(
        back_populates="supplier", cascade="all, delete-orphan", passive_deletes=True
    )


class Product(Base):
    __tablename__ = "products"
    # Exact-title queries look titles up case-insensitively (migration 0007); search reads
    # its candidates' owners from a narrow covering index (0010).
    __table_args__ = (
        Index("ix_products_title_lower", func.lower(text("title"))),
        Index("ix_products_owner", "id", "supplier_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(64), index=True)
    # No price (and no MOQ) means "on request": never matched by a price (MOQ) filter.
    price_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    price_max: Mapped[float | None] = mapped_column(Float, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    price_min_usd: Mapped[float | None] = mapped_column(Float, nullable=True)
    price_max_usd: Mapped[float | None] = mapped_column(Float, nullable=True)
    moq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    moq_unit: Mapped[str] = mapped_column(String(32), default="pieces")
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Indexing: "pending" (a job will embed it), "indexed", or "failed" with the reason.
    lead_time_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="indexed")
    status_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    supplier: Mapped[Supplier] = relationship(back_populates="products")
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ProductImage.position",
    )


class ProductImage(Base):
    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # Relative to the media directory.
    path: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)

    product: Mapped[Product] = relationship(back_populates="images")


class Embedding(Base):
    """One stored vector: a product image or a product's text, for one model.

    Its ``id`` is the vector id in the index, so a product is indexed exactly once
    per source however often ingestion is re-run.
    """

    __tablename__ = "embeddings"
    __table_args__ = (UniqueConstraint("product_id", "model_id", "source_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    model_id: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    # "image:<sha256>" or "text:<sha256 of the embedded text>".
    source_key: Mapped[str] = mapped_column(String(80))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProductTranslation(Base):
    """A product's title or description in a reader's language, for the text it was made of."""

    __tablename__ = "product_translations"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    field: Mapped[str] = mapped_column(String(16), primary_key=True)  # "title" | "description"
    source_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
