"""The vector-index seam: one small interface, two backends (FAISS, Qdrant).

Vectors are L2-normalised by the encoder, so every backend's score is cosine
similarity (inner product), higher is better. Payloads and filters are the
ground layer's contract (``sesame.core.filters``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from sesame.core.filters import Filters, Payload, VectorKind


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
        self,
        vector: NDArray[np.float32],
        limit: int,
        filters: Filters | None = None,
        *,
        kind: VectorKind | None = None,
    ) -> list[Hit]:
        """The ``min(limit, matching)`` best hits, by score desc then id asc."""
        ...

    def best_products(
        self,
        vector: NDArray[np.float32],
        limit: int,
        filters: Filters | None = None,
        *,
        kind: VectorKind | None = None,
    ) -> dict[int, float]:
        """Product id -> its best score among ``search``'s hits (payloads left undecoded)."""
        ...

    def search_many(
        self,
        vectors: NDArray[np.float32],
        limit: int,
        filters: Filters | None = None,
        *,
        kind: VectorKind | None = None,
        min_score: float | None = None,
        beam: int | None = None,
    ) -> list[list[Hit]]:
        """``search`` for each row of ``vectors``, in one call (the backend may use every core);
        hits scoring under ``min_score`` are left out of the ``limit`` best. ``beam``: how
        wide a graph search looks (HNSW efSearch; at least ``limit``), None for the
        configured width; a narrow beam still finds near-duplicates (``search.offers``)."""
        ...

    def count(self) -> int: ...

    def ids(self) -> set[int]:
        """Every id held, so the index can be reconciled with the database."""
        ...

    def flush(self) -> None:
        """Make what was written durable (FAISS: atomic write to disk)."""
        ...

    def close(self) -> None: ...
