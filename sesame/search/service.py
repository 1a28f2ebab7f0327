"""Photo and text search over the catalog, grouped by supplier (framework-free)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from PIL import Image
from sqlalchemy.orm import Session

from sesame.catalog.exact import exact_matches
from sesame.catalog.keyword import keyword_search
from sesame.catalog.keyword_memory import KeywordMemory
from sesame.core.errors import InvalidInput, ModelUnavailable
from sesame.core.filters import Filters, VectorKind
from sesame.embeddings.base import Encoder
from sesame.index.base import VectorIndex
from sesame.search.filters import checked_filters
from sesame.search.grouping import Candidates, Ordering, group
from sesame.search.personal import PersonalBoost, signals_of
from sesame.search.product_text import ProductTexts
from sesame.search.query_cache import QueryVectors
from sesame.search.query_language import QueryInfo
from sesame.search.ranking import best_per_key, ranked, rrf_fuse
from sesame.search.results import (
    ProductMatch,
    SearchMode,
    SearchOptions,
    SearchResult,
    SupplierMatch,
)

__all__ = ["SearchOptions", "SearchResult", "SearchService", "Viewer"]
Twins = Callable[[Iterable[int]], dict[int, int]]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Viewer:
    """A signed-in buyer whose searches are personal (unless it asks otherwise)."""

    account_id: int
    company_id: int | None


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
        twins: Twins | None = None,
        keywords: KeywordMemory | None = None,
    ) -> None:
        self._sessions = sessions
        self._keywords = keywords
        self._twins = twins
        self.options = options
        self._encoder = encoder
        self._index = index
        self._queries = queries
        self._texts = texts
        self._query_vectors = QueryVectors(options.query_cache)

    def search_image(
        self, image: Image.Image, *, filters: Filters, limit: int | None = None, offset: int = 0,
        min_score: float | None = None, viewer: Viewer | None = None,
    ) -> SearchResult:  # fmt: skip
        started = time.perf_counter()
        page_limit = self.page_limit(limit)
        encoder, index = self._encoder(), self._index()
        checked = self.check_filters(filters)
        vector = encoder.encode_images([image])[0]
        relevance = index.best_products(vector, self.options.candidate_pool, checked, kind="image")
        floor = self.options.min_score_image if min_score is None else min_score
        result = group(self._sessions, Candidates(relevance), self._ordering(floor, viewer),
                       limit=page_limit, offset=offset, mode="image")  # fmt: skip
        if self._twins is not None:
            result.also_offered = self._twins(m.product.id for g in result.groups
                                              for m in g.products)  # fmt: skip
        result.took_ms = _ms_since(started)
        return result

    def search_text(
        self, query: str, *, filters: Filters, language: str | None = None,
        limit: int | None = None, offset: int = 0, min_score: float | None = None,
        viewer: Viewer | None = None,
    ) -> SearchResult:  # fmt: skip
        """Hybrid search in the buyer's language; keyword relevance alone without a model."""
        started = time.perf_counter()
        page_limit = self.page_limit(limit)
        cleaned = self.validate_query(query)
        checked = self.check_filters(filters)
        info = self._queries.prepare(cleaned, language)
        notes = [info.note] if info.note else []
        # The keyword side (SQLite/PostgreSQL: ranking, exact titles) runs beside the vector
        # side (the text tower, the index): both release the GIL, so both cores are busy.
        keyword_later = _beside(lambda: self._keyword_side(cleaned, info.searched, checked),
                                "keyword")  # fmt: skip
        vectors: list[dict[int, float]] = []
        try:
            vectors = self._vector_scores(info.searched, checked)
        except ModelUnavailable as exc:  # no weights here: keyword search still answers
            notes.append(f"Keyword search only: {exc.message}")
        keyword, exact = keyword_later()
        relevance = rrf_fuse([keyword] + [ranked(v) for v in vectors], self.options.rrf_k)
        relevance |= {pid: max(relevance.get(pid, 0.0), 1.0) for pid in exact}
        similarity = best_per_key((pid, score) for v in vectors for pid, score in v.items())
        found = Candidates(relevance, similarity if vectors else None,
                           frozenset(keyword if vectors else relevance), exact)  # fmt: skip
        floor = self.options.min_score_text if min_score is None else min_score
        mode: SearchMode = "hybrid" if vectors else "keyword"
        result = group(self._sessions, found, self._ordering(floor, viewer), limit=page_limit,
                       offset=offset, mode=mode)  # fmt: skip
        result.query, result.notes = info, notes
        if info.language != self._texts.catalog_language:
            result.groups = self._translated(result.groups, info.language)
        result.took_ms = _ms_since(started)
        return result

    @property
    def keywords_in_memory(self) -> bool:
        """Whether unfiltered keywords are ranked from memory now (else by FTS5)."""
        return self._keywords is not None and self._keywords.ready

    def _ordering(self, floor: float, viewer: Viewer | None) -> Ordering:
        boost = None
        if viewer is not None:
            with self._sessions() as session:
                signals = signals_of(session, viewer.account_id, viewer.company_id)
            boost = PersonalBoost(signals, self._sessions)
        return Ordering(self.options.trust_weight, floor, boost)

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

    def _keyword_side(self, typed: str, searched: str, filters: Filters
                      ) -> tuple[list[int], list[int]]:  # fmt: skip
        """The keyword ranking, and the exact title and model-number matches (one session)."""
        with self._sessions() as session:
            exact = exact_matches(session, {typed, searched}, filters=filters)
            found = keyword_search(
                session, searched, filters=filters, limit=self.options.candidate_pool,
                memory=self._keywords,
            )  # fmt: skip
        return [product_id for product_id, _ in found], exact

    def _vector_scores(self, query: str, filters: Filters) -> list[dict[int, float]]:
        """Product id -> best cosine similarity, against photos and against descriptions."""
        encoder, index = self._encoder(), self._index()
        vector = self._query_vectors.vector(encoder, query)

        def search(kind: VectorKind) -> dict[int, float]:
            return index.best_products(vector, self.options.candidate_pool, filters, kind=kind)

        # The two walks release the GIL: on two cores, one query's walks run side by side.
        descriptions = _beside(lambda: search("text"), "vectors")
        return [search("image"), descriptions()]

    def _translated(self, groups: list[SupplierMatch], language: str) -> list[SupplierMatch]:
        """Product titles in the language the buyer searched in (bounded work, kept)."""
        titles = self._texts.titles([m.product for g in groups for m in g.products], language)
        return [
            SupplierMatch(
                group.supplier,
                group.score,
                [
                    ProductMatch(m.product, m.score, titles.get(m.product.id), m.exact)
                    for m in group.products
                ],
                group.reasons,
            )
            for group in groups
        ]


def _beside(work: Callable[[], T], name: str) -> Callable[[], T]:
    """Start ``work`` on a thread of its own; the returned call waits for its result."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the waiting caller
            failure.append(exc)

    thread = threading.Thread(target=run, name=f"sesame-{name}", daemon=True)
    thread.start()

    def wait() -> T:
        thread.join()
        if failure:
            raise failure[0]
        return outcome[0]

    return wait


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
