"""The same item from several suppliers: products whose photos are near-duplicates.

Two products are offers of one item when some photo of each has an image vector
within ``threshold`` cosine similarity of the other's (``SESAME_SEARCH__
DUPLICATE_THRESHOLD``, 0.95: re-compressions, resizes and crops of one photo score
above it, different products of one kind below, for CLIP models; see the README).
Each other supplier counts once, with its closest product.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog import verification
from sesame.catalog.models import Embedding, Product, Verification
from sesame.core.errors import NotFound
from sesame.embeddings.base import Encoder
from sesame.index.base import Hit, VectorIndex

NEIGHBOURS = 50  # index hits looked at per photo
FIRST_LOOK = 16  # looked at first; a photo with as many twins is searched again, wider


@dataclass(frozen=True, slots=True)
class Offer:
    product: Product
    similarity: float
    verifications: list[Verification]


@dataclass(frozen=True, slots=True)
class OfferSet:
    product: Product
    offers: list[Offer]  # the product itself first, then one per other supplier


class Offers:
    def __init__(
        self, *, sessions: Callable[[], Session], encoder: Callable[[], Encoder],
        index: Callable[[], VectorIndex], threshold: float,
    ) -> None:  # fmt: skip
        self._sessions = sessions
        self._encoder = encoder
        self._index = index
        self.threshold = threshold

    def of(self, product_id: str) -> OfferSet:
        """The product and the same item offered by other suppliers, closest first."""
        with self._sessions() as session:
            product = repo.product_by_external_id(session, product_id)
            if product is None:
                raise NotFound(f"No product with id {product_id!r}.")
            twins = self._twins(session, [product.id]).get(product.id, {})
            found = repo.products_by_ids(session, [product.id, *twins])
            ids = {found[pid].supplier_id for pid in found}
            checks = verification.active(session, ids)
        ranked = sorted(twins.items(), key=lambda item: (-item[1], item[0]))
        offers = [Offer(found[product.id], 1.0, checks[product.supplier_id])] + [
            Offer(found[pid], score, checks[found[pid].supplier_id])
            for pid, score in ranked
            if pid in found
        ]
        return OfferSet(found[product.id], offers)

    def counts(self, product_ids: Iterable[int]) -> dict[int, int]:
        """Product id -> how many other suppliers offer the same item (0s left out)."""
        with self._sessions() as session:
            twins = self._twins(session, list(product_ids))
        return {pid: len(found) for pid, found in twins.items() if found}

    def _twins(self, session: Session, product_ids: list[int]) -> dict[int, dict[int, float]]:
        """Product id -> {its closest product of each other supplier: similarity}."""
        model_id, index = self._encoder().model_id, self._index()
        rows = session.execute(
            select(Embedding.product_id, Embedding.vector, Product.supplier_id)
            .join(Product, Product.id == Embedding.product_id)
            .where(Embedding.product_id.in_(product_ids), Embedding.model_id == model_id)
            .where(Embedding.kind == "image")
        ).all()
        found: dict[int, dict[int, tuple[int, float]]] = {pid: {} for pid in product_ids}
        blobs = [repo.vector_from_bytes(blob) for _, blob, _ in rows]
        vectors = np.array(blobs, dtype=np.float32).reshape(len(rows), index.dim)
        # Batched, every core. Unfiltered, the graph walk needs no mask and no wider beam,
        # and the floor leaves the (many) non-twins out before their payloads are decoded;
        # a description vector is never that close to a photo's, and is skipped if it is.
        batches = twin_hits(index, vectors, self.threshold)
        for (product_id, _, own_supplier), hits in zip(rows, batches, strict=True):
            best = found[product_id]  # other supplier -> (product, similarity)
            for hit in hits:
                supplier = hit.payload.supplier_id
                twin = hit.payload.kind == "image" and hit.score >= self.threshold
                if not twin or supplier == own_supplier:
                    continue
                if supplier not in best or hit.score > best[supplier][1]:
                    best[supplier] = (hit.payload.product_id, hit.score)
        return {pid: dict(best.values()) for pid, best in found.items()}


def twin_hits(index: VectorIndex, vectors: NDArray[np.float32], threshold: float
              ) -> list[list[Hit]]:  # fmt: skip
    """Each photo's hits at or above ``threshold``, up to ``NEIGHBOURS`` of them.

    Twins are each other's nearest neighbours, so a beam as narrow as the hits wanted finds
    them all (twin recall 1.0 at 16 and at 50: bench_twins.py). Most photos have a few twins
    at most: they are searched ``FIRST_LOOK`` wide, and only one whose every hit is a twin
    is searched again ``NEIGHBOURS`` wide.
    """
    hits = index.search_many(vectors, FIRST_LOOK, min_score=threshold, beam=FIRST_LOOK)
    full = [i for i, found in enumerate(hits) if len(found) >= FIRST_LOOK]
    if full:
        wider = index.search_many(vectors[full], NEIGHBOURS, min_score=threshold,
                                  beam=NEIGHBOURS)  # fmt: skip
        for i, found in zip(full, wider, strict=True):
            hits[i] = found
    return hits
