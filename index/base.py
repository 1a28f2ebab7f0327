"""The vector-index seam: one small interface, two backends (FAISS, Qdrant).

Vectors are L2-normalised by the encoder, so every backend's score is cosine
similarity (inner product), higher is better.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

VectorKind = Literal["image", "text"]


@dataclass(frozen=True, slots=True)
class Payload:
    """What the index keeps beside each vector: the product it belongs to and
    the fields that search can filter on (prices in USD, for comparability)."""

    product_id: int
    supplier_id: int
    kind: VectorKind
    country: str
    category: str
    verified: bool
    rating: float
    moq: int
    price_min_usd: float
    price_max_usd: float


@dataclass(frozen=True, slots=True)
class Filters:
    """Search filters; None (or False) means "do not filter on this"."""

    kind: VectorKind | None = None
    countries: frozenset[str] | None = None
    categories: frozenset[str] | None = None
    verified_only: bool = False
    min_rating: float | None = None
    max_moq: int | None = None
    # Keep products whose price range overlaps [price_min_usd, price_max_usd].
    price_min_usd: float | None = None
    price_max_usd: float | None = None

    def matches(self, p: Payload) -> bool:
        """The reference semantics every backend must agree with."""
        return (
            (self.kind is None or p.kind == self.kind)
            and (self.countries is None or p.country in self.countries)
            and (self.categories is None or p.category in self.categories)
            and (not self.verified_only or p.verified)
            and (self.min_rating is None or p.rating >= self.min_rating)
            and (self.max_moq is None or p.moq <= self.max_moq)
            and (self.price_min_usd is None or p.price_max_usd >= self.price_min_usd)
            and (self.price_max_usd is None or p.price_min_usd <= self.price_max_usd)
        )


@dataclass(frozen=True, slots=True)
class Hit:
    id: int
    score: float
    payload: Payload


class VectorIndex(Protocol):
    """Upsert, delete, filtered search and count over L2-normalised vectors."""

    dim: int

    def upsert(
        self, ids: Sequence[int], vectors: NDArray[np.float32], payloads: Sequence[Payload]
    ) -> None: ...

    def delete(self, ids: Sequence[int]) -> None: ...

    def search(
        self, vector: NDArray[np.float32], limit: int, filters: Filters | None = None
    ) -> list[Hit]: ...

    def count(self) -> int: ...

    def ids(self) -> set[int]:
        """Every id held, so the index can be reconciled with the database."""
        ...

    def flush(self) -> None:
        """Make what was written durable (FAISS: atomic write to disk)."""
        ...

    def close(self) -> None: ...
