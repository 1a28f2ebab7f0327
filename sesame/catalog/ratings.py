"""A supplier's rating and review count: the base the catalog (or an operator) gave it,
with every visible review made here folded in; recomputed from the rows, never
incremented, inside the transaction that changed a review."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sesame.catalog.changes import record_change
from sesame.catalog.models import Review, Supplier


def lock_supplier(session: Session, supplier_id: int) -> Supplier:
    """The supplier row, locked until commit (PostgreSQL), so rating writers take turns.

    SQLite has one writer at a time already: a transaction that writes takes the
    database lock before it reads the reviews it counts.
    """
    query = select(Supplier).where(Supplier.id == supplier_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).one()


def refresh_rating(session: Session, supplier: Supplier) -> None:
    """Recompute rating and review_count from the base and the visible reviews; log it."""
    session.flush()
    count, total = session.execute(
        select(func.count(Review.id), func.coalesce(func.sum(Review.rating), 0)).where(
            Review.supplier_id == supplier.id, Review.hidden_at.is_(None)
        )
    ).one()
    base_count, base = supplier.base_review_count, supplier.base_rating
    reviews = base_count + int(count)
    if count == 0:
        supplier.rating, supplier.review_count = base, base_count
    else:
        supplier.rating = round((base * base_count + float(total)) / reviews, 4)
        supplier.review_count = reviews
    record_change(session, "supplier", supplier.id)
