"""``--delete-missing``: remove suppliers and products that the files no longer list.

Refused while any line of that file is invalid, so a typo never deletes data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog.db import session_scope
from sesame.catalog.models import Product, Supplier

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Removed:
    rows: int
    embeddings: list[int]  # vector ids the index must drop


def missing_suppliers(
    sessions: Callable[[], Session], seen: Mapping[str, object], invalid: int
) -> Removed:
    """Delete suppliers (and their products) absent from suppliers.jsonl."""

    def delete(session: Session, gone: list[int]) -> list[int]:
        products = session.scalars(select(Product.id).where(Product.supplier_id.in_(gone)))
        stale = repo.embedding_ids_for_products(session, products)
        repo.delete_suppliers(session, gone)
        return stale

    return _prune(sessions, "suppliers", select(Supplier.id, Supplier.external_id), seen, invalid,
                  delete)  # fmt: skip


def missing_products(
    sessions: Callable[[], Session], seen: Mapping[str, object], invalid: int
) -> Removed:
    """Delete products absent from products.jsonl."""

    def delete(session: Session, gone: list[int]) -> list[int]:
        stale = repo.embedding_ids_for_products(session, gone)
        repo.delete_products(session, gone)
        return stale

    return _prune(sessions, "products", select(Product.id, Product.external_id), seen, invalid,
                  delete)  # fmt: skip


def _prune(
    sessions: Callable[[], Session],
    what: str,
    rows: Select[int, str],
    seen: Mapping[str, object],
    invalid: int,
    delete: Callable[[Session, list[int]], list[int]],
) -> Removed:
    if invalid:
        logger.warning("Not deleting %s: %d lines of %s.jsonl are invalid", what, invalid, what)
        return Removed(0, [])
    with session_scope(sessions) as session:
        gone = [row_id for row_id, external_id in session.execute(rows) if external_id not in seen]
        stale = delete(session, gone)
    return Removed(len(gone), stale)
