"""Data functions over the catalog. They take a Session and never raise HTTP errors."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import bindparam, delete, func, select, text
from sqlalchemy.orm import Session, joinedload, selectinload

from sesame.catalog.changes import record_change
from sesame.catalog.columns import payload_of, payloads_by_product
from sesame.catalog.models import Company, Embedding, Product, Supplier, utcnow
from sesame.catalog.ratings import refresh_rating
from sesame.catalog.records import PriceRecord, ProductRecord, SupplierRecord
from sesame.catalog.verification import is_verified, sync_imported
from sesame.core.currency import to_usd
from sesame.core.filters import Payload

T = TypeVar("T")


def supplier_by_external_id(session: Session, external_id: str) -> Supplier | None:
    return session.scalar(select(Supplier).where(Supplier.external_id == external_id))


def product_by_external_id(session: Session, external_id: str) -> Product | None:
    return session.scalar(
        select(Product)
        .where(Product.external_id == external_id)
        .options(selectinload(Product.images), joinedload(Product.supplier))
    )


def products_by_ids(session: Session, ids: Iterable[int]) -> dict[int, Product]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.scalars(
        select(Product)
        .where(Product.id.in_(wanted))
        .options(selectinload(Product.images), joinedload(Product.supplier))
    )
    return {row.id: row for row in rows}


_OWNERS_AND_TRUST = (
    select(Product.id, Product.supplier_id, Supplier.verified_until, Supplier.rating,
           Supplier.review_count)
    .join(Supplier, Supplier.id == Product.supplier_id)
    .where(Product.id.in_(bindparam("ids", expanding=True)))
)  # fmt: skip
# SQLite: the ids as one JSON parameter, so the statement is the same text every time
# (1,200 expanded parameters cost SQLAlchemy and sqlite3 more than the lookups they name),
# and the owners from the covering index, which SQLite's planner passes over for the rowid.
# Plain SQL: SQLAlchemy renders no INDEXED BY hint for SQLite; same columns as above.
_OWNERS_AND_TRUST_SQLITE = text(
    "SELECT products.id, products.supplier_id, suppliers.verified_until, suppliers.rating, "
    "suppliers.review_count FROM products INDEXED BY ix_products_owner "
    "JOIN suppliers ON suppliers.id = products.supplier_id "
    "WHERE products.id IN (SELECT value FROM json_each(:ids))"
)


def owners_and_trust(
    session: Session, ids: Iterable[int]
) -> tuple[dict[int, int], dict[int, dict[str, Any]]]:
    """Product id -> supplier id for the products that still exist, and supplier id -> its
    trust signals (verified now, rating, review_count): one query, which reads the owners
    from a covering index (migration 0010). For the 1,200 candidates of a text search at
    100k products on SQLite: 7.2-8.1 ms with expanded parameters and no such index,
    4.4-5.3 ms now (alternating, same machine and run)."""
    wanted = list(set(ids))
    if not wanted:
        return {}, {}
    # Core on the session's connection: the ORM layer cost a third of the time for rows
    # that are plain tuples anyway (7.4 -> 4.8 ms for 1,200 ids).
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.execute(_OWNERS_AND_TRUST_SQLITE, {"ids": json.dumps(wanted)}).all()
    else:
        rows = connection.execute(_OWNERS_AND_TRUST, {"ids": wanted}).all()
    now = time.time()
    owners: dict[int, int] = {}
    trust: dict[int, dict[str, Any]] = {}
    for product_id, supplier_id, until, rating, reviews in rows:
        owners[product_id] = supplier_id
        if supplier_id not in trust:
            trust[supplier_id] = {"verified": is_verified(until, now), "rating": rating,
                                  "review_count": reviews}  # fmt: skip
    return owners, trust


def count_products(session: Session) -> int:
    return session.scalar(select(func.count(Product.id))) or 0


def upsert_supplier(session: Session, record: SupplierRecord) -> tuple[Supplier, bool]:
    """Insert or update a supplier; returns it and whether anything changed."""
    digest = record.content_hash()
    supplier = supplier_by_external_id(session, record.id)
    if supplier is not None and supplier.content_hash == digest:
        return supplier, False
    if supplier is None:
        company = Company(name=record.name, buys=False, sells=True)
        session.add(company)
        session.flush()
        supplier = Supplier(external_id=record.id, company_id=company.id)
        session.add(supplier)
    supplier.name = record.name
    supplier.country = record.country
    supplier.province = record.province
    supplier.city = record.city
    supplier.languages = list(record.languages)
    supplier.base_rating = record.rating
    supplier.base_review_count = record.review_count
    supplier.years_in_business = record.years_in_business
    supplier.response_rate = record.response_rate
    supplier.content_hash = digest
    supplier.updated_at = utcnow()
    session.flush()
    refresh_rating(session, supplier)  # the file's figures, with the reviews made here
    sync_imported(session, supplier, record.verified)
    return supplier, True


def apply_product_record(
    product: Product, record: ProductRecord, *, supplier_id: int, digest: str
) -> None:
    """Copy a validated record onto a (new or existing) product row."""
    product.supplier_id = supplier_id
    product.title = record.title
    product.description = record.description
    product.category = record.category
    set_price(product, record.price)
    product.moq = record.moq.quantity if record.moq else None
    product.moq_unit = record.moq.unit if record.moq else "pieces"
    product.lead_time_days = record.lead_time_days
    product.attributes = dict(record.attributes)
    product.content_hash = digest
    product.updated_at = utcnow()


def set_price(product: Product, price: PriceRecord | None) -> None:
    """The price range in its currency and in USD (for filters); None: on request."""
    if price is None:
        product.price_min = product.price_max = product.currency = None
        product.price_min_usd = product.price_max_usd = None
        return
    currency = price.currency.upper()
    product.price_min, product.price_max, product.currency = price.min, price.max, currency
    product.price_min_usd = to_usd(price.min, currency)
    product.price_max_usd = to_usd(price.max, currency)


def payload_for(session: Session, product_id: int, kind: str) -> Payload:
    """The index payload of one vector of a (flushed) product."""
    return payload_of(payloads_by_product(session, [product_id])[product_id], kind)


def vector_to_bytes(vector: NDArray[np.float32]) -> bytes:
    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(blob: bytes) -> NDArray[np.float32]:
    return np.frombuffer(blob, dtype="<f4").astype(np.float32)


def embedding_counts(session: Session, model_id: str) -> dict[int, int]:
    """Stored embeddings per product for one model."""
    rows = session.execute(
        select(Embedding.product_id, func.count(Embedding.id))
        .where(Embedding.model_id == model_id)
        .group_by(Embedding.product_id)
    )
    return {int(product_id): int(count) for product_id, count in rows}


def embedding_ids(session: Session, model_id: str) -> set[int]:
    return set(session.scalars(select(Embedding.id).where(Embedding.model_id == model_id)))


def iter_index_entries(
    session: Session, model_id: str, *, ids: Sequence[int] | None = None, batch: int = 2048
) -> Iterator[tuple[list[int], NDArray[np.float32], list[Payload]]]:
    """Stored vectors with their payloads, in batches, for (re)building the index."""
    query = (
        select(Embedding.id, Embedding.product_id, Embedding.kind, Embedding.vector)
        .where(Embedding.model_id == model_id)
        .order_by(Embedding.id)
    )
    chunks: Iterable[Sequence[int] | None] = (
        [ids[i : i + batch] for i in range(0, len(ids), batch)] if ids is not None else [None]
    )
    for chunk in chunks:
        stmt = query if chunk is None else query.where(Embedding.id.in_(chunk))
        rows = session.execute(stmt.execution_options(yield_per=batch))
        for part in batched(rows, batch):
            payloads = payloads_by_product(session, (row.product_id for row in part))
            vectors = np.stack([vector_from_bytes(row.vector) for row in part])
            found = [payload_of(payloads[row.product_id], row.kind) for row in part]
            yield [row.id for row in part], vectors, found


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def embedding_ids_for_products(session: Session, product_ids: Iterable[int]) -> list[int]:
    wanted = list(set(product_ids))
    if not wanted:
        return []
    return list(session.scalars(select(Embedding.id).where(Embedding.product_id.in_(wanted))))


def delete_products(session: Session, product_ids: Sequence[int]) -> None:
    """Delete products and their vectors, logging each vector for the followers."""
    if not product_ids:
        return
    for embedding_id in embedding_ids_for_products(session, product_ids):
        record_change(session, "vector", embedding_id)
    session.execute(delete(Embedding).where(Embedding.product_id.in_(product_ids)))
    session.execute(delete(Product).where(Product.id.in_(product_ids)))


def delete_suppliers(session: Session, supplier_ids: Sequence[int]) -> None:
    if not supplier_ids:
        return
    product_ids = list(
        session.scalars(select(Product.id).where(Product.supplier_id.in_(supplier_ids)))
    )
    delete_products(session, product_ids)
    session.execute(delete(Supplier).where(Supplier.id.in_(supplier_ids)))
