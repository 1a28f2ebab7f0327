"""How search results are ordered: fused relevance, blended with supplier trust.

Relevance of a product:
- image search: the best cosine similarity between the photo and any of its images;
- text search: reciprocal-rank fusion (RRF) of three ranked lists, keyword
  (database full-text), query-vs-image vectors and query-vs-description vectors:
  ``sum(1 / (k + rank))`` over the lists that contain the product, divided by
  the best achievable sum, so it lies in (0, 1].

Trust of a supplier, in [0, 1]:
``0.5 * verified + 0.3 * rating / 5 + 0.2 * min(1, log10(1 + review_count) / 3)``
(1,000 reviews count as a full review signal).

Final product score: ``relevance * (1 - w + w * trust)`` with ``w`` the trust
weight (``SESAME_SEARCH__TRUST_WEIGHT``, default 0.02). Trust can lift a score by at
most ``w``: it orders suppliers of equally good matches and never lets a trusted
supplier's weak match pass a clearly better one. A supplier's score is that of
its best product.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def trust_score(*, verified: bool, rating: float, review_count: int) -> float:
    reviews = min(1.0, math.log10(1 + max(review_count, 0)) / 3)
    rating_part = min(max(rating, 0.0), 5.0) / 5
    return 0.5 * float(verified) + 0.3 * rating_part + 0.2 * reviews


def blend(relevance: float, trust: float, weight: float) -> float:
    return relevance * (1 - weight + weight * trust)


def rrf_fuse(rankings: Sequence[Sequence[int]], k: int) -> dict[int, float]:
    """Fuse ranked lists of ids into scores in (0, 1] (1 = first in every list)."""
    if not rankings:
        return {}
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    best = len(rankings) / (k + 1)
    return {item: score / best for item, score in scores.items()}


def best_per_key(pairs: Iterable[tuple[int, float]]) -> dict[int, float]:
    """Keep the highest score per key (e.g. a product's best-matching image)."""
    best: dict[int, float] = {}
    for key, score in pairs:
        if score > best.get(key, -math.inf):
            best[key] = score
    return best


def ranked(scores: dict[int, float]) -> list[int]:
    """Keys by descending score, ties broken by key for a stable order."""
    return sorted(scores, key=lambda key: (-scores[key], key))
