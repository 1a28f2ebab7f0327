"""Photo and text search over the catalog, grouped by supplier (framework-free)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from PIL import Image
from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog import verification
from sesame.catalog.keyword import keyword_search
from sesame.catalog.models import Product, Supplier, Verification
from sesame.core.errors import InvalidInput, ModelUnavailable
from sesame.core.filters import Filters, VectorKind
from sesame.embeddings.base import Encoder
from sesame.index.base import VectorIndex
from sesame.search.filters import checked_filters
from sesame.search.product_text import ProductTexts, TranslatedText
from sesame.search.query_language import QueryInfo
from sesame.search.ranking import best_per_key, blend, ranked, rrf_fuse, trust_score

SearchMode = Literal["image", "hybrid", "keyword"]
PRODUCTS_PER_SUPPLIER = 5


@dataclass(frozen=True, slots=True)
class SearchOptions:
    default_limit: int = 10
    max_limit: int = 50
    max_query_chars: int = 500
    # How many product hits feed supplier grouping (before pagination).
    candidate_pool: int = 400
    # Weight of the supplier trust score in the final ranking (0 = similarity only).
    trust_weight: float = 0.02
    # Reciprocal-rank-fusion constant for hybrid text search.
    rrf_k: int = 60


@dataclass(frozen=True, slots=True)
class ProductMatch:
    product: Product
    score: float
    translated: TranslatedText | None = None


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
    query: QueryInfo | None = None
    took_ms: float = 0.0
    notes: list[str] = field(default_factory=list)
    # Supplier row id -> its active verifications, for the suppliers of this page.
    verifications: dict[int, list[Verification]] = field(default_factory=dict)


class Queries(Protocol):
    def prepare(self, query: str, language: str | None = None) -> QueryInfo: ...


class SearchService:
    """Turns a photo or a query into ranked suppliers with their matching products.

    Parts are callables, so one that is still loading raises its own NotReady error.
    """

    def __init__(
        self,
        *,
        sessions: Callable[[], Session],
        options: SearchOptions,
        encoder: Callable[[], Encoder],
        index: Callable[[], VectorIndex],
        queries: Queries,
        texts: ProductTexts,
    ) -> None:
        self._sessions = sessions
        self.options = options
        self._encoder = encoder
        self._index = index
        self._queries = queries
        self._texts = texts

    def search_image(
        self, image: Image.Image, *, filters: Filters, limit: int | None = None, offset: int = 0
    ) -> SearchResult:
        started = time.perf_counter()
        page_limit = self.page_limit(limit)
        encoder, index = self._encoder(), self._index()
        checked = self.check_filters(filters)
        vector = encoder.encode_images([image])[0]
        hits = index.search(vector, self.options.candidate_pool, checked, kind="image")
        relevance = best_per_key((hit.payload.product_id, hit.score) for hit in hits)
        result = self._group(relevance, limit=page_limit, offset=offset, mode="image")
        result.took_ms = _ms_since(started)
        return result

    def search_text(
        self,
        query: str,
        *,
        filters: Filters,
        language: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> SearchResult:
        """Hybrid search in the buyer's language; keyword relevance alone without a model."""
        started = time.perf_counter()
        page_limit = self.page_limit(limit)
        cleaned = self.validate_query(query)
        checked = self.check_filters(filters)
        info = self._queries.prepare(cleaned, language)
        notes = [info.note] if info.note else []
        rankings = [self._keyword_ranking(info.searched, checked)]
        try:
            rankings += self._vector_rankings(info.searched, checked)
        except ModelUnavailable as exc:  # no weights here: keyword search still answers
            notes.append(f"Keyword search only: {exc.message}")
        relevance = rrf_fuse(rankings, self.options.rrf_k)
        mode: SearchMode = "hybrid" if len(rankings) > 1 else "keyword"
        result = self._group(relevance, limit=page_limit, offset=offset, mode=mode)
        result.query, result.notes = info, notes
        if info.language != self._texts.catalog_language:
            result.groups = self._translated(result.groups, info.language)
        result.took_ms = _ms_since(started)
        return result

    def require_image_search(self) -> None:
        """Raise the model's NotReady error now, before a photo is decoded for nothing."""
        self._encoder()
        self._index()

    def validate_query(self, query: str) -> str:
        cleaned = " ".join(query.split())
        if not cleaned:
            raise InvalidInput("The query is empty: type what you are looking for.")
        limit = self.options.max_query_chars
        if len(cleaned) > limit:
            raise InvalidInput(
                f"The query is {len(cleaned)} characters long; the limit is {limit}. "
                "Shorten it to the product and its key attributes."
            )
        return cleaned

    def page_limit(self, limit: int | None) -> int:
        value = self.options.default_limit if limit is None else limit
        if not 1 <= value <= self.options.max_limit:
            raise InvalidInput(
                f"limit must be between 1 and {self.options.max_limit}, got {value}."
            )
        return value

    def check_filters(self, filters: Filters) -> Filters:
        with self._sessions() as session:
            return checked_filters(session, filters)

    def _keyword_ranking(self, query: str, filters: Filters) -> list[int]:
        with self._sessions() as session:
            found = keyword_search(
                session, query, filters=filters, limit=self.options.candidate_pool
            )
        return [product_id for product_id, _ in found]

    def _vector_rankings(self, query: str, filters: Filters) -> list[list[int]]:
        encoder, index = self._encoder(), self._index()
        vector = encoder.encode_texts([query])[0]
        kinds: tuple[VectorKind, ...] = ("image", "text")
        return [
            ranked(best_per_key((h.payload.product_id, h.score) for h in hits))
            for hits in (index.search(vector, self.options.candidate_pool, filters, kind=k)
                         for k in kinds)
        ]  # fmt: skip

    def _translated(self, groups: list[SupplierMatch], language: str) -> list[SupplierMatch]:
        """Product titles in the language the buyer searched in (bounded work, kept)."""
        titles = self._texts.titles([m.product for g in groups for m in g.products], language)
        return [
            SupplierMatch(
                group.supplier,
                group.score,
                [
                    ProductMatch(m.product, m.score, titles.get(m.product.id))
                    for m in group.products
                ],
            )
            for group in groups
        ]

    def _group(
        self, relevance: dict[int, float], *, limit: int, offset: int, mode: SearchMode
    ) -> SearchResult:
        """Blend in trust, group by supplier, and load full rows for the page only."""
        by_supplier = self._ranked_by_supplier(relevance)
        order = sorted(by_supplier, key=lambda sid: (-by_supplier[sid][0][1], sid))
        page = order[offset : offset + limit]
        with self._sessions() as session:
            products = repo.products_by_ids(
                session, (pid for sid in page for pid, _ in by_supplier[sid])
            )
            checks = verification.active(session, page)
        groups = [
            SupplierMatch(
                products[by_supplier[sid][0][0]].supplier,
                by_supplier[sid][0][1],
                [ProductMatch(products[pid], score) for pid, score in by_supplier[sid]],
            )
            for sid in page
        ]
        return SearchResult(
            groups, total=len(order), offset=offset, limit=limit, mode=mode, verifications=checks
        )

    def _ranked_by_supplier(
        self, relevance: dict[int, float]
    ) -> dict[int, list[tuple[int, float]]]:
        """Supplier id -> its best products (id, blended score), best first."""
        with self._sessions() as session:
            owners = repo.product_suppliers(session, relevance)
            trust = repo.supplier_trust(session, set(owners.values()))
        weight = self.options.trust_weight
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
        return by_supplier


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
