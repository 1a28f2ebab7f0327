"""Catalog ingestion: JSONL + images in, rows, embeddings and index vectors out.

Idempotent and resumable: each batch of products commits its rows and their
embeddings in one transaction, unchanged products are skipped, and the index is
reconciled with the database at the end (and by every later run), so a run
killed at any point is finished by the next one with every vector stored once.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog.changes import record_change
from sesame.catalog.db import session_scope
from sesame.catalog.models import Product, Supplier
from sesame.catalog.records import ProductRecord, SupplierRecord
from sesame.core.errors import InvalidInput, SesameError
from sesame.ingest import prune
from sesame.ingest.embedder import Embedder, EmbedResult, Work, commit_batch
from sesame.ingest.jsonl import RecordError, read_records
from sesame.ingest.lines import SUPPLIERS_FILE, Known, Plan, Seen, accept
from sesame.ingest.photos import (
    PRODUCTS_FILE,
    LoadedImage,
    read_photos,
    store_photos,
    write_product,
)
from sesame.media.images import ImageLimits
from sesame.media.store import MediaStore

__all__ = ["PRODUCTS_FILE", "ImageLimits", "IngestInterrupted", "IngestReport", "Ingestor"]
logger = logging.getLogger(__name__)


class IngestInterrupted(SesameError):
    """Stopped between two batches on request (Ctrl-C); every finished batch is kept."""


@dataclass
class IngestReport:
    suppliers_changed: int = 0
    suppliers_unchanged: int = 0
    products_changed: int = 0
    products_unchanged: int = 0
    products_embedded: int = 0
    products_deleted: int = 0
    suppliers_deleted: int = 0
    embeddings_added: int = 0
    pending_embeddings: int = 0
    errors: list[RecordError] = field(default_factory=list)


class Ingestor:
    """Runs one ingestion of a catalog directory."""

    def __init__(
        self,
        *,
        sessions: Callable[[], Session],
        media: MediaStore,
        embedder: Embedder,
        limits: ImageLimits,
        batch_size: int = 32,
        progress: Callable[[int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self._sessions = sessions
        self._media = media
        self._embedder = embedder
        self._limits = limits
        self._batch_size = batch_size
        self._progress = progress or (lambda _n: None)
        self._should_stop = should_stop or (lambda: False)

    def run(self, directory: Path, *, delete_missing: bool = False) -> IngestReport:
        """Ingest ``directory``; bad records are reported, good ones are kept.

        With ``delete_missing``, suppliers and products absent from the files are
        deleted, unless a line of that file is invalid (a typo never deletes data).
        """
        report = IngestReport()
        for name in (SUPPLIERS_FILE, PRODUCTS_FILE):
            if not (directory / name).is_file():
                raise SesameError(f"{directory / name} is missing: see the README for the format.")
        suppliers = self._ingest_suppliers(directory / SUPPLIERS_FILE, report)
        if delete_missing:
            removed = prune.missing_suppliers(self._sessions, suppliers.ids, suppliers.invalid)
            report.suppliers_deleted += removed.rows
            self._embedder.remove(removed.embeddings)
        products = self._ingest_products(directory, report)
        changed = [row for row, was_changed in suppliers.ids.values() if was_changed]
        self._refresh(changed)
        if delete_missing:
            removed = prune.missing_products(self._sessions, products.ids, products.invalid)
            report.products_deleted += removed.rows
            self._embedder.remove(removed.embeddings)
        self._embedder.sync(self._sessions)
        return report

    def run_products(self, directory: Path, *, supplier_id: str, room: int) -> IngestReport:
        """A catalog upload: products of one supplier only (a line may leave supplier_id
        out), at most ``room`` new ones; nothing of anyone else's is touched."""
        if not (directory / PRODUCTS_FILE).is_file():
            raise InvalidInput(f"The upload has no {PRODUCTS_FILE}: put it at the top of the zip.")
        report = IngestReport()
        self._ingest_products(directory, report, scope=(supplier_id, room))
        self._embedder.sync(self._sessions)
        return report

    # -- suppliers -----------------------------------------------------------------

    def _ingest_suppliers(self, path: Path, report: IngestReport) -> Seen:
        seen = Seen()
        with session_scope(self._sessions) as session:
            for line, record in read_records(path, SupplierRecord):
                if isinstance(record, RecordError):
                    report.errors.append(record)
                    seen.invalid += 1
                elif record.id in seen.ids:
                    report.errors.append(
                        RecordError(path.name, line, f"duplicate id {record.id!r}")
                    )
                    seen.invalid += 1
                else:
                    supplier, changed = repo.upsert_supplier(session, record)
                    seen.ids[record.id] = (supplier.id, changed)
                    report.suppliers_changed += changed
                    report.suppliers_unchanged += not changed
        return seen

    def _refresh(self, supplier_ids: Sequence[int]) -> None:
        """A changed supplier (verified, rating...) changes every vector's payload."""
        if not supplier_ids:
            return
        with self._sessions() as session:
            products = session.scalars(
                select(Product.id).where(Product.supplier_id.in_(supplier_ids))
            )
            product_ids = list(products)
        self._embedder.refresh(product_ids, self._sessions)

    # -- products ------------------------------------------------------------------

    def _ingest_products(
        self, directory: Path, report: IngestReport, scope: tuple[str, int] | None = None
    ) -> Seen:
        known = self._known()
        if scope is not None:
            known.scope, known.room = scope
        seen = Seen()
        defaults = {"supplier_id": scope[0]} if scope else None
        records = read_records(directory / PRODUCTS_FILE, ProductRecord, defaults)
        for batch in repo.batched(records, self._batch_size):
            valid = [
                (line, accepted)
                for line, record in batch
                if (accepted := accept(line, record, known, seen, report.errors)) is not None
            ]
            self._ingest_batch(directory, valid, known, report)
            self._progress(len(batch))
            if self._should_stop():
                self._embedder.sync(self._sessions)
                raise IngestInterrupted(
                    "Interrupted: what was committed is kept; run the same command to finish."
                )
        return seen

    def _known(self) -> Known:
        with self._sessions() as session:
            rows = session.execute(
                select(Product.external_id, Product.content_hash, Product.supplier_id)
            ).all()
            return Known(
                hashes={external: digest for external, digest, _ in rows},
                owners={external: owner for external, _, owner in rows},
                counts=self._embedder.counts(session),
                suppliers=dict(session.execute(select(Supplier.external_id, Supplier.id)).all()),
            )

    def _ingest_batch(
        self,
        directory: Path,
        batch: Sequence[tuple[int, ProductRecord]],
        known: Known,
        report: IngestReport,
    ) -> None:
        """Read and decide (no writes), encode (no transaction), then one short write."""
        with self._sessions() as session:
            planned = [
                plan
                for line, record in batch
                if (plan := self._plan(session, directory, line, record, known, report))
            ]
        encoded = self._embedder.encode(self._sessions, [plan.work for plan in planned])

        def write(session: Session) -> EmbedResult:
            ids = {plan.work.external_id: self._write(session, plan, known) for plan in planned}
            for product_id in ids.values():
                record_change(session, "product", product_id)  # payloads may have changed
            return self._embedder.store(session, encoded, ids)

        result = commit_batch(self._sessions, self._embedder, write)
        report.products_embedded += result.embedded
        report.pending_embeddings += result.pending
        report.embeddings_added += len(result.added)

    def _plan(
        self, session: Session, directory: Path, line: int, record: ProductRecord, known: Known,
        report: IngestReport,
    ) -> Plan | None:  # fmt: skip
        """What a line needs: its rows rewritten (photo files stored now), vectors, or nothing."""
        images, errors = read_photos(directory, line, record, self._limits)
        report.errors += errors
        digest = _product_digest(record, images)
        product_id = session.scalar(select(Product.id).where(Product.external_id == record.id))
        expected = len({image.sha256 for image in images}) + 1
        rows_changed = known.hashes.get(record.id) != digest
        if not rows_changed and not self._embedder.needs_vectors(
            known.counts, product_id, expected
        ):
            report.products_unchanged += 1
            return None
        report.products_changed += rows_changed
        report.products_unchanged += not rows_changed
        photos = store_photos(self._media, images) if rows_changed else None
        decoded = {image.sha256: image.image for image in images}
        work = Work(record.id, product_id, decoded, record.text_for_embedding())
        return Plan(record, work, photos, digest)

    @staticmethod
    def _write(session: Session, plan: Plan, known: Known) -> int:
        """The product's rows, written if they changed; returns its row id."""
        if plan.photos is None:
            assert plan.work.product_id is not None
            return plan.work.product_id
        product = repo.product_by_external_id(session, plan.record.id)
        product = write_product(
            session, product, plan.record, photos=plan.photos,
            supplier_id=known.suppliers[plan.record.supplier_id], digest=plan.digest,
        )  # fmt: skip
        return product.id


def _product_digest(record: ProductRecord, images: list[LoadedImage]) -> str:
    shas = ",".join(image.sha256 for image in images)
    return hashlib.sha256(f"{record.content_hash()}|{shas}".encode()).hexdigest()
