"""Deterministic synthetic data and the brute-force reference for the index tests."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from index.base import Filters, Hit, Payload

COUNTRIES = ("CN", "VN", "IN", "TR", "DE", "MX")
CATEGORIES = ("apparel", "tools", "toys", "furniture", "packaging", "lighting", "textiles")


def unit_vectors(n: int, dim: int, seed: int) -> NDArray[np.float32]:
    """``n`` random L2-normalised rows (ties in score are practically impossible)."""
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return np.asarray(x / np.linalg.norm(x, axis=1, keepdims=True), dtype=np.float32)


def make_payloads(ids: Iterable[int], seed: int) -> list[Payload]:
    """Payloads whose values repeat, so filter boundaries are hit exactly."""
    rng = np.random.default_rng(seed)
    out = []
    for i in ids:
        low = float(rng.choice([1.0, 2.5, 10.0, 25.0, 100.0]))
        out.append(
            Payload(
                product_id=i // 2,
                supplier_id=int(rng.integers(0, 50)),
                kind="image" if rng.random() < 0.7 else "text",
                country=str(rng.choice(COUNTRIES)),
                category=str(rng.choice(CATEGORIES)),
                verified=bool(rng.random() < 0.4),
                rating=float(rng.integers(0, 11)) / 2,
                moq=int(rng.choice([1, 10, 50, 100, 500, 1000])),
                price_min_usd=low,
                price_max_usd=low * float(rng.choice([1.0, 1.5, 4.0])),
            )
        )
    return out


FILTER_CASES: dict[str, Filters] = {
    "none": Filters(),
    "kind": Filters(kind="text"),
    "countries": Filters(countries=frozenset({"VN", "TR"})),
    "unknown-country": Filters(countries=frozenset({"ZZ"})),
    "no-countries": Filters(countries=frozenset()),
    "categories": Filters(categories=frozenset({"toys"})),
    "verified": Filters(verified_only=True),
    "min-rating": Filters(min_rating=4.5),
    "max-moq": Filters(max_moq=10),
    "price-min": Filters(price_min_usd=100.0),
    "price-max": Filters(price_max_usd=2.5),
    "price-range": Filters(price_min_usd=12.0, price_max_usd=30.0),
    "combined": Filters(
        kind="image",
        countries=frozenset({"CN", "IN", "DE"}),
        verified_only=True,
        min_rating=2.0,
        max_moq=500,
    ),
    "very-selective": Filters(
        kind="text", countries=frozenset({"MX"}), categories=frozenset({"tools"}), min_rating=3
    ),
    "everything": Filters(
        kind="image",
        countries=frozenset(COUNTRIES),
        categories=frozenset({"apparel", "tools", "toys"}),
        verified_only=True,
        min_rating=1.0,
        max_moq=1000,
        price_min_usd=2.0,
        price_max_usd=50.0,
    ),
}


class Reference:
    """The model every backend is compared with: a dict and ``Filters.matches``."""

    def __init__(self) -> None:
        self.items: dict[int, tuple[NDArray[np.float32], Payload]] = {}

    def upsert(self, ids: list[int], vectors: NDArray[np.float32], payloads: list[Payload]) -> None:
        for i, v, p in zip(ids, vectors, payloads, strict=True):
            self.items[i] = (v, p)

    def delete(self, ids: Iterable[int]) -> None:
        for i in ids:
            self.items.pop(i, None)

    def search(self, q: NDArray[np.float32], limit: int, f: Filters | None) -> list[Hit]:
        kept = [(i, v, p) for i, (v, p) in self.items.items() if f is None or f.matches(p)]
        hits = [Hit(id=i, score=float(np.dot(v, q)), payload=p) for i, v, p in kept]
        hits.sort(key=lambda h: (-h.score, h.id))
        return hits[:limit]


def assert_same_hits(got: list[Hit], want: list[Hit], tol: float = 1e-5) -> None:
    """Equal ids and payloads in the same order, scores within ``tol``."""
    assert [h.id for h in got] == [h.id for h in want]
    assert [h.payload for h in got] == [h.payload for h in want]
    assert np.allclose([h.score for h in got], [h.score for h in want], atol=tol)


def assert_close_hits(
    got: list[Hit], want: list[Hit], reference: Reference, q: NDArray[np.float32]
) -> float:
    """Approximate search: right count, sorted, true scores and payloads; returns recall."""
    assert len(got) == len(want)
    assert [h.score for h in got] == sorted((h.score for h in got), reverse=True)
    for h in got:
        vector, payload = reference.items[h.id]
        assert h.payload == payload
        assert abs(h.score - float(np.dot(vector, q))) <= 1e-5
    if not want:
        return 1.0
    return len({h.id for h in got} & {h.id for h in want}) / len(want)
