"""How the platform runs: verifications, the audit trail, index jobs, the change logs
and catalog uploads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sesame.catalog.models.base import Base, utcnow


class Verification(Base):
    """What the platform checked about a supplier, by whom, when, and until when."""

    __tablename__ = "verifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True
    )
    checks: Mapped[list[str]] = mapped_column(JSON)  # e.g. ["business_licence", "factory_audit"]
    note: Mapped[str] = mapped_column(Text, default="")
    # The operator who verified; None for a catalog import by an operator's `sesame ingest`.
    verified_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    source: Mapped[str] = mapped_column(String(16), default="operator")  # operator | catalog
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )


class AuditEvent(Base):
    """One operator action, kept for the audit trail."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(120))  # e.g. "supplier:sup-cn-001"
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IndexJob(Base):
    """Durable work for the indexing workers: embed a product, or process an upload.

    A worker claims a job with a lease; a worker that dies leaves the lease to run
    out and another takes the job over. Finishing a job and writing its results
    happen in one transaction, so each job's effect is applied exactly once.
    """

    __tablename__ = "index_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "product" | "upload"
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Change(Base):
    """The change log every serving process follows to keep its index fresh."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "product" | "supplier"
    entity_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class KeywordLog(Base):
    """Products whose keyword text changed, written by SQLite triggers (migration 0008).

    The in-memory keyword index (``sesame.catalog.keyword_memory``) follows it, so a
    search sees a product's new title as soon as its transaction has committed.
    """

    __tablename__ = "keyword_log"
    # Ids never reused, even after pruning: a follower's mark stays meaningful.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    product_id: Mapped[int] = mapped_column(Integer)


class CatalogUpload(Base):
    """A zip of products.jsonl and photos sent by a supplier, processed as a job."""

    __tablename__ = "catalog_uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    state: Mapped[str] = mapped_column(String(16), default="queued")  # queued|running|done|failed
    path: Mapped[str] = mapped_column(String(300))  # the zip, relative to the data folder
    total_lines: Mapped[int] = mapped_column(Integer, default=0)
    processed_lines: Mapped[int] = mapped_column(Integer, default=0)
    products_loaded: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
