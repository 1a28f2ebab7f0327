"""Photo and text search over the catalog, grouped by supplier (framework-free)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
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
        """Blend in trust, group by supplier, and load full rows for the page only."""
        with self._factory() as session:
            owners = repo.product_suppliers(session, relevance)
            trust = repo.supplier_trust(session, set(owners.values()))
        weight = self._settings.trust_weight
        by_supplier: dict[int, list[tuple[int, float]]] = {}
        for product_id, score in relevance.items():
            supplier_id = owners.get(product_id)
            if supplier_id is None:  # deleted since it was indexed
                continue
            blended = blend(score, trust_score(**trust[supplier_id]), weight)
            by_supplier.setdefault(supplier_id, []).append((product_id, blended))
        for matches in by_supplier.values():
            matches.sort(key=lambda match: (-match[1], match[0]))
            del matches[PRODUCTS_PER_SUPPLIER:]
        order = sorted(by_supplier, key=lambda sid: (-by_supplier[sid][0][1], sid))
        page = order[offset : offset + limit]
        with self._factory() as session:
            products = repo.products_by_ids(
                session, (pid for sid in page for pid, _ in by_supplier[sid])
            )
        groups = [
            SupplierMatch(
                products[by_supplier[sid][0][0]].supplier,
                by_supplier[sid][0][1],
                [ProductMatch(products[pid], score) for pid, score in by_supplier[sid]],
            )
            for sid in page
        ]
        return SearchResult(groups, total=len(order), offset=offset, limit=limit, mode=mode)


def _with_kind(filters: Filters, kind: Literal["image", "text"]) -> Filters:
    return replace(filters, kind=kind)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
