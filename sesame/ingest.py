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

import numpy as np
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from catalog import repository as repo
from catalog.db import session_scope
from catalog.models import Embedding, Product, ProductImage, Supplier
from catalog.records import ProductRecord, SupplierRecord
from embeddings.base import Encoder
from index.base import Payload, VectorIndex
from sesame.errors import SesameError
from sesame.images import MIME_TYPES, SUFFIXES, decode_image, image_format
from sesame.index_sync import reconcile_index
from sesame.jsonl import RecordError, read_records
from sesame.media import MediaStore, sha256_hex

logger = logging.getLogger(__name__)

SUPPLIERS_FILE = "suppliers.jsonl"
PRODUCTS_FILE = "products.jsonl"


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


@dataclass(frozen=True, slots=True)
class ImageLimits:
    max_pixels: int
    max_bytes: int


@dataclass
class _LoadedImage:
    sha256: str
    data: bytes
    image: Image.Image | None = None


@dataclass
class _Work:
    """One product of a batch that needs rows and/or vectors written."""

    product: Product
    images: list[_LoadedImage]
    text: str


class Ingestor:
    """Runs one ingestion of a catalog directory."""

    def __init__(
        self,
        *,
        session_factory: sessionmaker[Session],
        media: MediaStore,
        encoder: Encoder | None,
        index: VectorIndex | None,
        limits: ImageLimits,
        batch_size: int = 32,
        progress: Callable[[int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self._factory = session_factory
        self._media = media
        self._encoder = encoder
        self._index = index
        self._limits = limits
        self._batch_size = batch_size
        self._progress = progress or (lambda _n: None)
        self._should_stop = should_stop or (lambda: False)

    def run(self, directory: Path, *, delete_missing: bool = False) -> IngestReport:
        """Ingest ``directory``; bad records are reported, good ones are kept."""
        report = IngestReport()
        for name in (SUPPLIERS_FILE, PRODUCTS_FILE):
            if not (directory / name).is_file():
                raise SesameError(f"{directory / name} is missing: see the README for the format.")
        supplier_ids = self._ingest_suppliers(directory / SUPPLIERS_FILE, report, delete_missing)
        self._ingest_products(directory, supplier_ids, report, delete_missing)
        self._sync_index()
        return report

    # -- suppliers -----------------------------------------------------------------

    def _ingest_suppliers(
        self, path: Path, report: IngestReport, delete_missing: bool
    ) -> dict[str, tuple[int, bool]]:
        """Upsert suppliers; returns external id -> (row id, changed)."""
        seen: dict[str, tuple[int, bool]] = {}
        errors_before = len(report.errors)
        stale: list[int] = []
        with session_scope(self._factory) as session:
            for line, record in read_records(path, SupplierRecord):
                if isinstance(record, RecordError):
                    report.errors.append(record)
                    continue
                if record.id in seen:
                    report.errors.append(
                        RecordError(path.name, line, f"duplicate id {record.id!r}")
                    )
                    continue
                supplier, changed = repo.upsert_supplier(session, record)
                seen[record.id] = (supplier.id, changed)
                report.suppliers_changed += changed
                report.suppliers_unchanged += not changed
            if delete_missing:
                bad = len(report.errors) - errors_before
                stale = self._delete_missing_suppliers(session, seen, bad, report)
        self._after_commit_delete(stale)
        return seen

    def _delete_missing_suppliers(
        self, session: Session, seen: dict[str, tuple[int, bool]], bad: int, report: IngestReport
    ) -> list[int]:
        """Delete suppliers absent from the file; returns the embedding ids removed."""
        if bad:
            logger.warning(
                "Not deleting suppliers: %d lines of %s are invalid", bad, SUPPLIERS_FILE
            )
            return []
        gone = [
            row_id
            for row_id, external_id in session.execute(select(Supplier.id, Supplier.external_id))
            if external_id not in seen
        ]
        stale = repo.embedding_ids_for_products(
            session, session.scalars(select(Product.id).where(Product.supplier_id.in_(gone)))
        )
        repo.delete_suppliers(session, gone)
        report.suppliers_deleted += len(gone)
        return stale

    # -- products ------------------------------------------------------------------

    def _ingest_products(
        self,
        directory: Path,
        suppliers: dict[str, tuple[int, bool]],
        report: IngestReport,
        delete_missing: bool,
    ) -> None:
        model_id = self._encoder.model_id if self._encoder else None
        with self._factory() as session:
            existing = dict(
                session.execute(select(Product.external_id, Product.content_hash)).tuples().all()
            )
            counts = repo.embedding_counts(session, model_id) if model_id else {}
            known_suppliers = dict(
                session.execute(select(Supplier.external_id, Supplier.id)).tuples().all()
            )
        seen: set[str] = set()
        invalid = 0
        for batch in repo.batched(
            read_records(directory / PRODUCTS_FILE, ProductRecord), self._batch_size
        ):
            valid: list[tuple[int, ProductRecord]] = []
            for line, record in batch:
                if isinstance(record, RecordError):
                    report.errors.append(record)
                    invalid += 1
                elif record.id in seen:
                    report.errors.append(
                        RecordError(PRODUCTS_FILE, line, f"duplicate id {record.id!r}")
                    )
                elif record.supplier_id not in known_suppliers:
                    report.errors.append(
                        RecordError(
                            PRODUCTS_FILE,
                            line,
                            f"supplier_id {record.supplier_id!r} is not in {SUPPLIERS_FILE} "
                            "or the database",
                        )
                    )
                    invalid += 1
                else:
                    seen.add(record.id)
                    valid.append((line, record))
            self._ingest_batch(directory, valid, known_suppliers, existing, counts, report)
            self._progress(len(batch))
            if self._should_stop():
                self._sync_index()
                raise IngestInterrupted(
                    "Interrupted: what was committed is kept; run the same command to finish."
                )
        changed_suppliers = {row for row, changed in suppliers.values() if changed}
        self._refresh_payloads(changed_suppliers)
        if delete_missing:
            self._delete_missing_products(seen, invalid, report)

    def _ingest_batch(
        self,
        directory: Path,
        batch: Sequence[tuple[int, ProductRecord]],
        supplier_ids: dict[str, int],
        existing: dict[str, str],
        counts: dict[int, int],
        report: IngestReport,
    ) -> None:
        work: list[_Work] = []
        stale: list[int] = []
        with session_scope(self._factory) as session:
            for line, record in batch:
                images = self._read_images(directory, line, record, report)
                digest = _product_digest(record, images)
                product = repo.product_by_external_id(session, record.id)
                expected = len({image.sha256 for image in images}) + 1
                rows_changed = existing.get(record.id) != digest
                needs_vectors = self._encoder is not None and (
                    product is None or counts.get(product.id, 0) != expected
                )
                if not rows_changed and not needs_vectors:
                    report.products_unchanged += 1
                    continue
                if rows_changed:
                    product = self._write_product(
                        session, product, record, images, supplier_ids[record.supplier_id], digest
                    )
                    report.products_changed += 1
                else:
                    report.products_unchanged += 1
                assert product is not None
                work.append(_Work(product, images, record.text_for_embedding()))
            session.flush()
            added = self._embed(session, work, stale, report)
        self._after_commit_upsert(added)
        self._after_commit_delete(stale)

    def _read_images(
        self, directory: Path, line: int, record: ProductRecord, report: IngestReport
    ) -> list[_LoadedImage]:
        loaded: list[_LoadedImage] = []
        root = directory.resolve()
        for relative in record.images:
            path = (root / relative).resolve()
            where = f"product {record.id!r} image {relative!r}"
            if not path.is_relative_to(root) or not path.is_file():
                report.errors.append(RecordError(PRODUCTS_FILE, line, f"{where}: file not found"))
                continue
            if path.stat().st_size > self._limits.max_bytes:
                report.errors.append(
                    RecordError(
                        PRODUCTS_FILE, line, f"{where}: over {self._limits.max_bytes} bytes"
                    )
                )
                continue
            data = path.read_bytes()
            try:
                image = decode_image(
                    data, max_pixels=self._limits.max_pixels, max_bytes=self._limits.max_bytes
                )
            except SesameError as exc:
                report.errors.append(RecordError(PRODUCTS_FILE, line, f"{where}: {exc.message}"))
                continue
            loaded.append(_LoadedImage(sha256_hex(data), data, image))
        return loaded

    def _write_product(
        self,
        session: Session,
        product: Product | None,
        record: ProductRecord,
        images: list[_LoadedImage],
        supplier_id: int,
        digest: str,
    ) -> Product:
        if product is None:
            product = Product(external_id=record.id)
            session.add(product)
        repo.apply_product_record(product, record, supplier_id=supplier_id, digest=digest)
        product.images.clear()
        for position, image in enumerate(images):
            fmt = image_format(image.data) or "JPEG"
            size = image.image.size if image.image else (0, 0)
            product.images.append(
                ProductImage(
                    position=position,
                    sha256=image.sha256,
                    path=self._media.put(image.data, SUFFIXES.get(fmt, ".bin")),
                    mime=MIME_TYPES.get(fmt, "application/octet-stream"),
                    width=size[0],
                    height=size[1],
                )
            )
        session.flush()
        return product

    # -- embeddings ----------------------------------------------------------------

    def _embed(
        self, session: Session, work: list[_Work], stale: list[int], report: IngestReport
    ) -> list[tuple[int, Payload, bytes]]:
        """Encode what is missing for each product and drop embeddings no longer valid."""
        if self._encoder is None:
            report.pending_embeddings += len(work)
            return []
        model_id = self._encoder.model_id
        image_jobs: list[tuple[Product, str, Image.Image]] = []
        text_jobs: list[tuple[Product, str, str]] = []
        for item in work:
            have = {
                row.source_key: row.id
                for row in session.scalars(
                    select(Embedding).where(
                        Embedding.product_id == item.product.id, Embedding.model_id == model_id
                    )
                )
            }
            wanted = {f"image:{image.sha256}": image for image in item.images}
            text_key = "text:" + hashlib.sha256(item.text.encode()).hexdigest()
            stale.extend(
                row_id for key, row_id in have.items() if key not in wanted and key != text_key
            )
            for key, image in wanted.items():
                if key not in have and image.image is not None:
                    image_jobs.append((item.product, key, image.image))
            if text_key not in have:
                text_jobs.append((item.product, text_key, item.text))
            report.products_embedded += 1
        if stale:
            session.query(Embedding).filter(Embedding.id.in_(stale)).delete(
                synchronize_session=False
            )
        rows = self._encode_rows(image_jobs, text_jobs, model_id)
        session.add_all(row for row, _ in rows)
        session.flush()
        report.embeddings_added += len(rows)
        return [(row.id, repo.payload_for(product, row.kind), row.vector) for row, product in rows]

    def _encode_rows(
        self,
        image_jobs: list[tuple[Product, str, Image.Image]],
        text_jobs: list[tuple[Product, str, str]],
        model_id: str,
    ) -> list[tuple[Embedding, Product]]:
        assert self._encoder is not None
        image_vectors = self._encoder.encode_images([job[2] for job in image_jobs])
        text_vectors = self._encoder.encode_texts([job[2] for job in text_jobs])
        jobs = [(p, key, "image") for p, key, _ in image_jobs]
        jobs += [(p, key, "text") for p, key, _ in text_jobs]
        vectors = np.concatenate([image_vectors, text_vectors])
        return [
            (
                Embedding(
                    product_id=product.id,
                    model_id=model_id,
                    kind=kind,
                    source_key=key,
                    vector=repo.vector_to_bytes(vector),
                ),
                product,
            )
            for (product, key, kind), vector in zip(jobs, vectors, strict=True)
        ]

    # -- index -----------------------------------------------------------------------

    def _after_commit_upsert(self, added: list[tuple[int, Payload, bytes]]) -> None:
        if self._index is None or not added:
            return
        vectors = np.stack([repo.vector_from_bytes(blob) for _, _, blob in added])
        self._index.upsert([i for i, _, _ in added], vectors, [p for _, p, _ in added])

    def _after_commit_delete(self, ids: list[int]) -> None:
        if self._index is not None and ids:
            self._index.delete(ids)

    def _refresh_payloads(self, supplier_ids: set[int]) -> None:
        """A changed supplier (verified, rating...) changes every vector's payload."""
        if self._index is None or self._encoder is None or not supplier_ids:
            return
        with self._factory() as session:
            products = session.scalars(
                select(Product.id).where(Product.supplier_id.in_(supplier_ids))
            )
            ids = repo.embedding_ids_for_products(session, products)
            for batch_ids, vectors, payloads in repo.iter_index_entries(
                session, self._encoder.model_id, ids=sorted(ids)
            ):
                self._index.upsert(batch_ids, vectors, payloads)

    def _delete_missing_products(self, seen: set[str], invalid: int, report: IngestReport) -> None:
        if invalid:
            logger.warning(
                "Not deleting products: %d lines of %s are invalid", invalid, PRODUCTS_FILE
            )
            return
        with session_scope(self._factory) as session:
            gone = [
                row_id
                for row_id, external_id in session.execute(select(Product.id, Product.external_id))
                if external_id not in seen
            ]
            stale = repo.embedding_ids_for_products(session, gone)
            repo.delete_products(session, gone)
            report.products_deleted += len(gone)
        self._after_commit_delete(stale)

    def _sync_index(self) -> None:
        if self._index is None or self._encoder is None:
            return
        reconcile_index(self._index, self._factory, self._encoder.model_id)
        self._index.flush()


def _product_digest(record: ProductRecord, images: list[_LoadedImage]) -> str:
    shas = ",".join(image.sha256 for image in images)
    return hashlib.sha256(f"{record.content_hash()}|{shas}".encode()).hexdigest()
