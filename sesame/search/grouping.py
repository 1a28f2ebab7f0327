"""From scored products to a page of suppliers: the relevance floor, trust, exact
matches first, the personal order, grouping and pagination.

- **Floor** (``min_score``): a product whose similarity is under it is cut, and the
  result says how many were. Image search: the photo's cosine similarity to the
  product's best photo. Text search: the query vector's best cosine similarity to
  the product's photos or description; a keyword (full-text) match is never cut, nor
  is an exact match, nor is anything when no model is loaded (keyword search only).
- **Exact matches**: a product whose title, or model number, the query names comes
  first, its supplier first of all (see ``sesame.search.exact``).
- **Personal order**: see ``sesame.search.personal``; the best supplier of the
  anonymous order always stays on the first page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog import verification
from sesame.catalog.models import Product
from sesame.search.ranking import blend, trust_score
from sesame.search.results import ProductMatch, SearchMode, SearchResult, SupplierMatch

PRODUCTS_PER_SUPPLIER = 5


@dataclass(frozen=True, slots=True)
class Candidates:
    relevance: dict[int, float]  # product id -> relevance (cosine, or fused ranks)
    similarity: dict[int, float] | None = None  # what the floor compares (None: relevance)
    protected: frozenset[int] = frozenset()  # never cut
    exact: Sequence[int] = ()  # exact matches, in this order, first of all


class Boost(Protocol):
    def factors(self, candidates: dict[int, Sequence[int]]) -> dict[int, tuple[float, list[str]]]:
        """Supplier id (with its products, best first) -> a factor >= 1, and why."""
        ...


@dataclass(frozen=True, slots=True)
class Ordering:
    trust_weight: float
    min_score: float
    boost: Boost | None = None


@dataclass
class _Ranked:
    products: dict[int, list[tuple[int, float]]]  # supplier -> (product, score), best first
    exact: dict[int, int] = field(default_factory=dict)  # product -> its place among exact ones


def group(
    sessions: Callable[[], Session], found: Candidates, ordering: Ordering, *, limit: int,
    offset: int, mode: SearchMode,
) -> SearchResult:  # fmt: skip
    kept, cut = _floor(found, ordering.min_score)
    ranked = _by_supplier(sessions, kept, found.exact, ordering.trust_weight)
    anonymous = sorted(ranked.products, key=lambda sid: _key(ranked, sid, 1.0))
    reasons: dict[int, list[str]] = {}
    order = anonymous
    if ordering.boost is not None and anonymous:
        order, reasons = _personal(ranked, anonymous, ordering.boost, limit)
    page = order[offset : offset + limit]
    with sessions() as session:
        products = repo.products_by_ids(
            session, (pid for sid in page for pid, _ in ranked.products[sid])
        )
        checks = verification.active(session, page)
    groups = [_match(ranked, sid, products, reasons.get(sid, [])) for sid in page]
    return SearchResult(
        groups, total=len(order), offset=offset, limit=limit, mode=mode, verifications=checks,
        cut=cut, min_score=ordering.min_score, personalized=ordering.boost is not None,
    )  # fmt: skip


def _match(ranked: _Ranked, sid: int, products: dict[int, Product],
           reasons: list[str]) -> SupplierMatch:  # fmt: skip
    matches = [
        ProductMatch(products[pid], score, exact=pid in ranked.exact)
        for pid, score in ranked.products[sid]
    ]
    return SupplierMatch(matches[0].product.supplier, matches[0].score, matches, reasons)


def _floor(found: Candidates, min_score: float) -> tuple[dict[int, float], int]:
    similarity = found.relevance if found.similarity is None else found.similarity
    safe = found.protected | set(found.exact)
    kept = {
        pid: score
        for pid, score in found.relevance.items()
        if pid in safe or similarity.get(pid, 0.0) >= min_score
    }
    return kept, len(found.relevance) - len(kept)


def _by_supplier(
    sessions: Callable[[], Session], relevance: dict[int, float], exact: Sequence[int],
    weight: float,
) -> _Ranked:  # fmt: skip
    """Supplier id -> its best products (id, blended score), exact ones first."""
    with sessions() as session:
        owners, trust = repo.owners_and_trust(session, relevance)
    places = {pid: n for n, pid in enumerate(exact)}
    trusted = {sid: trust_score(**signals) for sid, signals in trust.items()}  # once each
    by_supplier: dict[int, list[tuple[int, float]]] = {}
    for product_id, score in relevance.items():
        supplier_id = owners.get(product_id)
        if supplier_id is None:  # deleted since it was indexed
            continue
        blended = blend(score, trusted[supplier_id], weight)
        by_supplier.setdefault(supplier_id, []).append((product_id, blended))
    for matches in by_supplier.values():
        matches.sort(key=lambda m: (places.get(m[0], len(places)), -m[1], m[0]))
        del matches[PRODUCTS_PER_SUPPLIER:]
    return _Ranked(by_supplier, {pid: n for pid, n in places.items() if pid in owners})


def _key(ranked: _Ranked, supplier_id: int, factor: float) -> tuple[int, float, int]:
    best_product, best_score = ranked.products[supplier_id][0]
    place = ranked.exact.get(best_product, len(ranked.exact))
    return place, -best_score * factor, supplier_id


def _personal(
    ranked: _Ranked, anonymous: list[int], boost: Boost, limit: int
) -> tuple[list[int], dict[int, list[str]]]:
    """The boosted order; the anonymous best is kept on the first page."""
    given = boost.factors({sid: [pid for pid, _ in ranked.products[sid]] for sid in anonymous})
    factors = {sid: given.get(sid, (1.0, []))[0] for sid in anonymous}
    reasons = {sid: why for sid, (_, why) in given.items() if why}
    order = sorted(anonymous, key=lambda sid: _key(ranked, sid, factors[sid]))
    best = anonymous[0]
    if order.index(best) >= limit:
        order.remove(best)
        order.insert(limit - 1, best)
    return order, reasons
