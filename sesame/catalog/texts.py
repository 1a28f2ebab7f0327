"""Translated product text, kept in the database for the source text it was made from."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from sesame.catalog.db import upsert
from sesame.catalog.models import ProductTranslation, utcnow


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def cached_texts(
    session: Session, language: str, field: str, wanted: dict[int, str]
) -> dict[int, str]:
    """Product id -> stored translation, for those whose source text (by hash) is unchanged."""
    if not wanted:
        return {}
    rows = session.execute(
        select(
            ProductTranslation.product_id, ProductTranslation.source_hash, ProductTranslation.text
        )
        .where(ProductTranslation.language == language, ProductTranslation.field == field)
        .where(ProductTranslation.product_id.in_(sorted(wanted)))
    )
    return {pid: text for pid, digest, text in rows if wanted.get(pid) == digest}


def store_texts(
    session: Session, language: str, field: str, rows: dict[int, tuple[str, str]]
) -> None:
    """Upsert translations: product id -> (source hash, text)."""
    now = utcnow()
    values = [
        {"product_id": product_id, "language": language, "field": field,
         "source_hash": digest, "text": text, "updated_at": now}
        for product_id, (digest, text) in sorted(rows.items())
    ]  # fmt: skip
    upsert(session, ProductTranslation, values, ["product_id", "language", "field"])
