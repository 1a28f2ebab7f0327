"""The embedding stage of ingestion: encode what a product lacks, store it, index it.

``IndexingEmbedder`` runs with a model and an index; ``PendingEmbedder`` stands in
when the model could not load, so products are stored and embedded by a later run.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog.columns import payload_of, payloads_by_product
from sesame.catalog.models import Embedding, Product
from sesame.core.filters import Payload
from sesame.embeddings.base import Encoder
from sesame.index.base import VectorIndex
from sesame.ingest.index_sync import reconcile_index

logger = logging.getLogger(__name__)


@dataclass
class Work:
    """One product of a batch whose vectors may need writing; images are decoded."""

    product: Product
    images: dict[str, Image.Image | None]  # sha256 -> decoded image
    text: str


@dataclass
class EmbedResult:
    added: list[tuple[int, Payload, bytes]]  # embedding id, payload, vector bytes
    stale: list[int]  # embedding ids no longer valid
    embedded: int = 0
    pending: int = 0


class Embedder(Protocol):
    def counts(self, session: Session) -> dict[int, int]:
        """Stored embeddings per product id (what a complete product has is images + 1)."""
        ...

    def needs_vectors(self, counts: dict[int, int], product_id: int | None, expected: int) -> bool:
        """Whether a product (None: not stored yet) lacks some of its ``expected`` vectors."""
        ...

    def embed(self, session: Session, work: Sequence[Work]) -> EmbedResult:
        """Inside the batch's transaction: drop stale embeddings and add missing ones."""
        ...

    def after_commit(self, result: EmbedResult) -> None:
        """Bring the index in line with a committed batch."""
        ...

    def remove(self, embedding_ids: Sequence[int]) -> None: ...

    def refresh(self, product_ids: Sequence[int], sessions: Callable[[], Session]) -> None:
        """Re-send the payloads of these products' vectors (a supplier changed)."""
        ...

    def sync(self, sessions: Callable[[], Session]) -> None:
        """Reconcile the index with the database and make it durable."""
        ...


class PendingEmbedder:
    """No model: nothing is encoded; products are counted as pending."""

    def counts(self, session: Session) -> dict[int, int]:
        return {}

    def needs_vectors(self, counts: dict[int, int], product_id: int | None, expected: int) -> bool:
        return False

    def embed(self, session: Session, work: Sequence[Work]) -> EmbedResult:
        return EmbedResult(added=[], stale=[], pending=len(work))

    def after_commit(self, result: EmbedResult) -> None:
        pass

    def remove(self, embedding_ids: Sequence[int]) -> None:
        pass

    def refresh(self, product_ids: Sequence[int], sessions: Callable[[], Session]) -> None:
        pass

    def sync(self, sessions: Callable[[], Session]) -> None:
        pass


class IndexingEmbedder:
    """Encodes with ``encoder``, stores vectors in the database, upserts them into ``index``."""

    def __init__(self, encoder: Encoder, index: VectorIndex) -> None:
        self._encoder = encoder
        self._index = index

    def counts(self, session: Session) -> dict[int, int]:
        return repo.embedding_counts(session, self._encoder.model_id)

    def needs_vectors(self, counts: dict[int, int], product_id: int | None, expected: int) -> bool:
        return product_id is None or counts.get(product_id, 0) != expected

    def embed(self, session: Session, work: Sequence[Work]) -> EmbedResult:
        model_id = self._encoder.model_id
        stale: list[int] = []
        images: list[tuple[Product, str, Image.Image]] = []
        texts: list[tuple[Product, str, str]] = []
        for item in work:
            have = dict(
                session.execute(
                    select(Embedding.source_key, Embedding.id).where(
                        Embedding.product_id == item.product.id, Embedding.model_id == model_id
                    )
                ).all()
            )
            wanted = {f"image:{sha}": image for sha, image in item.images.items()}
            text_key = "text:" + hashlib.sha256(item.text.encode()).hexdigest()
            stale += [row for key, row in have.items() if key not in wanted and key != text_key]
            images += [
                (item.product, k, im)
                for k, im in wanted.items()
                if k not in have and im is not None
            ]
            if text_key not in have:
                texts.append((item.product, text_key, item.text))
        if stale:
            session.query(Embedding).filter(Embedding.id.in_(stale)).delete(
                synchronize_session=False
            )
        rows = self._encode(images, texts)
        session.add_all(rows)
        session.flush()
        payloads = payloads_by_product(session, (row.product_id for row in rows))
        added = [
            (row.id, payload_of(payloads[row.product_id], row.kind), row.vector) for row in rows
        ]
        return EmbedResult(added=added, stale=stale, embedded=len(work))

    def _encode(
        self, images: list[tuple[Product, str, Image.Image]], texts: list[tuple[Product, str, str]]
    ) -> list[Embedding]:
        image_vectors = self._encoder.encode_images([job[2] for job in images])
        text_vectors = self._encoder.encode_texts([job[2] for job in texts])
        jobs = [(p, key, "image") for p, key, _ in images] + [
            (p, key, "text") for p, key, _ in texts
        ]
        vectors = np.concatenate([image_vectors, text_vectors])
        return [
            Embedding(
                product_id=product.id,
                model_id=self._encoder.model_id,
                kind=kind,
                source_key=key,
                vector=repo.vector_to_bytes(vector),
            )
            for (product, key, kind), vector in zip(jobs, vectors, strict=True)
        ]

    def after_commit(self, result: EmbedResult) -> None:
        if result.added:
            vectors = np.stack([repo.vector_from_bytes(blob) for _, _, blob in result.added])
            self._index.upsert([i for i, _, _ in result.added], vectors,
                               [p for _, p, _ in result.added])  # fmt: skip
        self.remove(result.stale)

    def remove(self, embedding_ids: Sequence[int]) -> None:
        if embedding_ids:
            self._index.delete(embedding_ids)

    def refresh(self, product_ids: Sequence[int], sessions: Callable[[], Session]) -> None:
        if not product_ids:
            return
        with sessions() as session:
            ids = repo.embedding_ids_for_products(session, product_ids)
            for batch_ids, vectors, payloads in repo.iter_index_entries(
                session, self._encoder.model_id, ids=sorted(ids)
            ):
                self._index.upsert(batch_ids, vectors, payloads)

    def sync(self, sessions: Callable[[], Session]) -> None:
        reconcile_index(self._index, sessions, self._encoder.model_id)
        self._index.flush()
