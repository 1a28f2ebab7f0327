"""What a search returns: suppliers with their matching products, a page of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sesame.catalog.models import Product, Supplier, Verification
from sesame.search.product_text import TranslatedText
from sesame.search.query_language import QueryInfo

SearchMode = Literal["image", "hybrid", "keyword"]


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
    # The relevance floors (see ``sesame.search.grouping``): photo, and text, search.
    min_score_image: float = 0.5
    min_score_text: float = 0.2
    # Query vectors kept, most recently used first (0: none).
    query_cache: int = 2048


@dataclass(frozen=True, slots=True)
class ProductMatch:
    product: Product
    score: float
    translated: TranslatedText | None = None
    exact: bool = False


@dataclass(frozen=True, slots=True)
class SupplierMatch:
    supplier: Supplier
    score: float
    products: list[ProductMatch]
    reasons: list[str] = field(default_factory=list)  # why it moved: personal.REASONS codes


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
    cut: int = 0  # candidate products under the relevance floor, left out
    min_score: float = 0.0
    personalized: bool = False
    also_offered: dict[int, int] = field(default_factory=dict)  # product id -> other suppliers
