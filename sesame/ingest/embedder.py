"""The embedding stage of ingestion: encode what a product lacks, store it, index it.

``IndexingEmbedder`` runs with a model and an index; ``PendingEmbedder`` stands in
when there is none (the model could not load, or a catalog upload that must
return quickly): products are stored as ``pending`` with a job in the durable
queue, and an indexing worker embeds them.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sesame.catalog import jobs
from sesame.catalog import repository as repo
from sesame.catalog.changes import record_change
from sesame.catalog.columns import payload_of, payloads_by_product
from sesame.catalog.db import session_scope
from sesame.catalog.models import Embedding, Product
from sesame.core.filters import Payload
from sesame.embeddings.base import Encoder
from sesame.index.base import VectorIndex
from sesame.ingest.index_sync import reconcile_index

logger = logging.getLogger(__name__)


@dataclass
class Work:
    """One product of a batch whose rows and/or vectors need writing; images are decoded."""

    external_id: str
    product_id: int | None  # None until the product's row is first written
    images: dict[str, Image.Image | None]  # sha256 -> decoded image
    text: str


@dataclass
class Encoded:
    """Vectors made outside any transaction, for one batch, waiting to be stored."""

    stale: list[int] = field(default_factory=list)  # embedding ids no longer valid
    # external product id -> [(source key, kind, vector bytes)]
    rows: dict[str, list[tuple[str, str, bytes]]] = field(default_factory=dict)
    embedded: int = 0
    pending: int = 0


@dataclass
class EmbedResult:
    # embedding id, payload, vector bytes
    added: list[tuple[int, Payload, bytes]] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)  # embedding ids no longer valid
    embedded: int = 0
    pending: int = 0


class Embedder(Protocol):
    def counts(self, session: Session) -> dict[int, int]:
        """Stored embeddings per product id (what a complete product has is images + 1)."""
        ...

    def needs_vectors(self, counts: dict[int, int], product_id: int | None, expected: int) -> bool:
        """Whether a product (None: not stored yet) lacks some of its ``expected`` vectors."""
        ...

    def encode(self, sessions: Callable[[], Session], work: Sequence[Work]) -> Encoded:
        """What each product lacks, encoded with no transaction open (reads only)."""
        ...

    def store(self, session: Session, encoded: Encoded, product_ids: dict[str, int]) -> EmbedResult:
        """Inside the batch's short write transaction: drop stale vectors, add the new ones."""
        ...

    def publish(self, result: EmbedResult) -> None:
        """Just before the batch commits: make its new vectors searchable."""
        ...

    def after_commit(self, result: EmbedResult) -> None:
        """Once the batch has committed: take the vectors it made stale out of the index."""
        ...

    def remove(self, embedding_ids: Sequence[int]) -> None: ...

    def refresh(self, product_ids: Sequence[int], sessions: Callable[[], Session]) -> None:
        """Re-send the payloads of these products' vectors (a supplier changed)."""
        ...

    def sync(self, sessions: Callable[[], Session]) -> None:
        """Reconcile the index with the database and make it durable."""
        ...


class PendingEmbedder:
    """No model here: nothing is encoded; products are queued for the indexing workers."""

    def counts(self, session: Session) -> dict[int, int]:
        return {}

    def needs_vectors(self, counts: dict[int, int], product_id: int | None, expected: int) -> bool:
        return False

    def encode(self, sessions: Callable[[], Session], work: Sequence[Work]) -> Encoded:
        return Encoded(pending=len(work))

    def store(self, session: Session, encoded: Encoded, product_ids: dict[str, int]) -> EmbedResult:
        _set_status(session, product_ids.values(), "pending")
        for product_id in product_ids.values():
            jobs.enqueue(session, "product", product_id)
        return EmbedResult(pending=encoded.pending)

    def publish(self, result: EmbedResult) -> None:
        pass

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

    def encode(self, sessions: Callable[[], Session], work: Sequence[Work]) -> Encoded:
        encoded = Encoded(embedded=len(work))
        images: list[tuple[str, str, Image.Image]] = []
        texts: list[tuple[str, str, str]] = []
        with sessions() as session:
            have = self._stored_keys(session, [w.product_id for w in work if w.product_id])
        for item in work:
            held = have.get(item.product_id, {}) if item.product_id else {}
            wanted = {f"image:{sha}": image for sha, image in item.images.items()}
            text_key = "text:" + hashlib.sha256(item.text.encode()).hexdigest()
            encoded.stale += [i for key, i in held.items() if key not in wanted and key != text_key]
            images += [
                (item.external_id, k, im)
                for k, im in wanted.items()
                if k not in held and im is not None
            ]
            if text_key not in held:
                texts.append((item.external_id, text_key, item.text))
        self._encode_into(encoded, images, texts)
        return encoded

    def _stored_keys(self, session: Session, product_ids: list[int]) -> dict[int, dict[str, int]]:
        """Product id -> {source key: embedding id} of what is stored for this model."""
        found: dict[int, dict[str, int]] = {}
        if not product_ids:
            return found
        rows = session.execute(
            select(Embedding.product_id, Embedding.source_key, Embedding.id).where(
                Embedding.product_id.in_(product_ids),
                Embedding.model_id == self._encoder.model_id,
            )
        )
        for product_id, key, embedding_id in rows:
            found.setdefault(product_id, {})[key] = embedding_id
        return found

    def _encode_into(
        self,
        encoded: Encoded,
        images: list[tuple[str, str, Image.Image]],
        texts: list[tuple[str, str, str]],
    ) -> None:
        image_vectors = self._encoder.encode_images([job[2] for job in images])
        text_vectors = self._encoder.encode_texts([job[2] for job in texts])
        jobs = [(p, key, "image") for p, key, _ in images] + [
            (p, key, "text") for p, key, _ in texts
        ]
        vectors = np.concatenate([image_vectors, text_vectors])
        for (external, key, kind), vector in zip(jobs, vectors, strict=True):
            encoded.rows.setdefault(external, []).append((key, kind, repo.vector_to_bytes(vector)))

    def store(self, session: Session, encoded: Encoded, product_ids: dict[str, int]) -> EmbedResult:
        """Write the batch's vectors, and log them for the other processes' indexes."""
        if encoded.stale:
            session.query(Embedding).filter(Embedding.id.in_(encoded.stale)).delete(
                synchronize_session=False
            )
            for stale in encoded.stale:
                record_change(session, "vector", stale)
        for product_id in product_ids.values():
            record_change(session, "product", product_id)
        _set_status(session, product_ids.values(), "indexed")
        rows = [
            Embedding(
                product_id=product_ids[external],
                model_id=self._encoder.model_id,
                kind=kind,
                source_key=key,
                vector=blob,
            )
            for external, items in encoded.rows.items()
            for key, kind, blob in items
        ]
        session.add_all(rows)
        session.flush()
        payloads = payloads_by_product(session, (row.product_id for row in rows))
        added = [
            (row.id, payload_of(payloads[row.product_id], row.kind), row.vector) for row in rows
        ]
        return EmbedResult(added=added, stale=encoded.stale, embedded=encoded.embedded)

    def publish(self, result: EmbedResult) -> None:
        if result.added:
            vectors = np.stack([repo.vector_from_bytes(blob) for _, _, blob in result.added])
            self._index.upsert([i for i, _, _ in result.added], vectors,
                               [p for _, p, _ in result.added])  # fmt: skip

    def after_commit(self, result: EmbedResult) -> None:
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


def commit_batch(
    sessions: Callable[[], Session], embedder: Embedder, write: Callable[[Session], EmbedResult]
) -> EmbedResult:
    """Run ``write`` in one short transaction whose new vectors are searchable the moment it
    commits, so a product read as ``indexed`` is found by the next search: they enter the
    index just before the commit (a search that meets one earlier finds no committed row for
    it and drops it), leave it again if the commit fails, and the stale ones leave after."""
    published: EmbedResult | None = None
    try:
        with session_scope(sessions) as session:
            result = write(session)
            session.flush()
            embedder.publish(result)
            published = result
    except BaseException:
        if published is not None:
            embedder.remove([embedding_id for embedding_id, _, _ in published.added])
        raise
    embedder.after_commit(result)
    return result


def _set_status(session: Session, product_ids: Iterable[int], status: str) -> None:
    ids = sorted(set(product_ids))
    if ids:
        session.execute(
            update(Product).where(Product.id.in_(ids)).values(status=status, status_reason=None)
        )
