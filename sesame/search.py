"""Photo and text search over the catalog, grouped by supplier (framework-free)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from catalog import repository as repo
from catalog.keyword import keyword_search
from catalog.models import Product, Supplier
from embeddings.base import Encoder
from index.base import Filters, VectorIndex
from sesame.errors import InvalidInput
from sesame.ranking import best_per_key, blend, ranked, rrf_fuse, trust_score
from sesame.settings import SearchSettings

SearchMode = Literal["image", "hybrid", "keyword"]
PRODUCTS_PER_SUPPLIER = 5


@dataclass(frozen=True, slots=True)
class ProductMatch:
    product: Product
    score: float


@dataclass(frozen=True, slots=True)
class SupplierMatch:
    supplier: Supplier
    score: float
    products: list[ProductMatch]


@dataclass(slots=True)
class SearchResult:
    groups: list[SupplierMatch]
    total: int
    offset: int
    limit: int
    mode: SearchMode
    took_ms: float = 0.0
    notes: list[str] = field(default_factory=list)


class SearchService:
    """Turns a photo or a query into ranked suppliers with their matching products."""

    def __init__(
        self,
        *,
        session_factory: sessionmaker[Session],
        settings: SearchSettings,
        encoder: Callable[[], Encoder],
        index: Callable[[], VectorIndex],
    ) -> None:
        # Callables, so a component that is not loaded raises its own NotReady error.
        self._factory = session_factory
        self._settings = settings
        self._encoder = encoder
        self._index = index

    def search_image(
        self, image: Image.Image, *, filters: Filters, limit: int, offset: int = 0
    ) -> SearchResult:
        started = time.perf_counter()
        encoder, index = self._encoder(), self._index()
        vector = encoder.encode_images([image])[0]
        hits = index.search(vector, self._settings.candidate_pool, _with_kind(filters, "image"))
        relevance = best_per_key((hit.payload.product_id, hit.score) for hit in hits)
        result = self._group(relevance, limit=limit, offset=offset, mode="image")
        result.took_ms = _ms_since(started)
        return result

    def search_text(
        self, query: str, *, filters: Filters, limit: int, offset: int = 0, semantic: bool = True
    ) -> SearchResult:
        """Hybrid search; with ``semantic=False`` (no model loaded) keyword relevance only."""
        started = time.perf_counter()
        query = self.validate_query(query)
        pool = self._settings.candidate_pool
        with self._factory() as session:
            keyword = [
                pid for pid, _ in keyword_search(session, query, filters=filters, limit=pool)
            ]
        rankings = [keyword]
        if semantic:
            vector = self._encoder().encode_texts([query])[0]
            index = self._index()
            for kind in ("image", "text"):
                hits = index.search(vector, pool, _with_kind(filters, kind))
                rankings.append(ranked(best_per_key((h.payload.product_id, h.score) for h in hits)))
        relevance = rrf_fuse(rankings, self._settings.rrf_k)
        mode: SearchMode = "hybrid" if semantic else "keyword"
        result = self._group(relevance, limit=limit, offset=offset, mode=mode)
        result.took_ms = _ms_since(started)
        return result

    def validate_query(self, query: str) -> str:
        cleaned = " ".join(query.split())
        if not cleaned:
            raise InvalidInput("The query is empty: type what you are looking for.")
        limit = self._settings.max_query_chars
        if len(cleaned) > limit:
            raise InvalidInput(
                f"The query is {len(cleaned)} characters long; the limit is {limit}. "
                "Shorten it to the product and its key attributes."
            )
        return cleaned

    def _group(
        self, relevance: dict[int, float], *, limit: int, offset: int, mode: SearchMode
    ) -> SearchResult:
        with self._factory() as session:
            products = repo.products_by_ids(session, relevance)
        weight = self._settings.trust_weight
        by_supplier: dict[int, list[ProductMatch]] = {}
        for product_id, score in relevance.items():
            product = products.get(product_id)
            if product is None:  # deleted since it was indexed
                continue
            supplier = product.supplier
            trust = trust_score(
                verified=supplier.verified,
                rating=supplier.rating,
                review_count=supplier.review_count,
            )
            match = ProductMatch(product, blend(score, trust, weight))
            by_supplier.setdefault(supplier.id, []).append(match)
        groups = [_supplier_match(matches) for matches in by_supplier.values()]
        groups.sort(key=lambda group: (-group.score, group.supplier.id))
        page = groups[offset : offset + limit]
        return SearchResult(page, total=len(groups), offset=offset, limit=limit, mode=mode)


def _supplier_match(matches: list[ProductMatch]) -> SupplierMatch:
    matches.sort(key=lambda match: (-match.score, match.product.id))
    best = matches[:PRODUCTS_PER_SUPPLIER]
    return SupplierMatch(best[0].product.supplier, best[0].score, best)


def _with_kind(filters: Filters, kind: Literal["image", "text"]) -> Filters:
    from dataclasses import replace

    return replace(filters, kind=kind)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
