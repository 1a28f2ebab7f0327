"""Deterministic synthetic data and the brute-force reference for the index tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple, Protocol

import numpy as np
from numpy.typing import NDArray

from sesame.catalog.verification import NO_EXPIRY
from sesame.core.filters import Filters, Payload, VectorKind, matches
from sesame.index.base import Hit

COUNTRIES = ("CN", "VN", "IN", "TR", "DE", "MX")
CATEGORIES = ("apparel", "tools", "toys", "furniture", "packaging", "lighting", "textiles")
PROVINCES = ("Guangdong", "Zhejiang", "Gujarat", "Binh Duong", "")
CITIES = ("Foshan", "Yiwu", "Ningbo", "Surat", "Thu Dau Mot", "")


def unit_vectors(n: int, dim: int, seed: int) -> NDArray[np.float32]:
    """``n`` random L2-normalised rows (ties in score are practically impossible)."""
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return np.asarray(x / np.linalg.norm(x, axis=1, keepdims=True), dtype=np.float32)


def verified_until(draw: float) -> float | None:
    """Verified without end (30 %), verified but expired long ago (10 %), never (60 %)."""
    if draw < 0.3:
        return NO_EXPIRY
    return 1000.0 if draw < 0.4 else None


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
                verified_until=verified_until(float(rng.random())),
                rating=float(rng.integers(0, 11)) / 2,
                moq=int(rng.choice([1, 10, 50, 100, 500, 1000])),
                price_min_usd=low,
                price_max_usd=low * float(rng.choice([1.0, 1.5, 4.0])),
                province=str(rng.choice(PROVINCES)),
                city=str(rng.choice(CITIES)),
            )
        )
    return out


class Case(NamedTuple):
    """Search filters, and the vector kind searched (None: both)."""

    filters: Filters
    kind: VectorKind | None = None


FILTER_CASES: dict[str, Case] = {
    "none": Case(Filters()),
    "kind": Case(Filters(), kind="text"),
    "countries": Case(Filters(countries=frozenset({"VN", "TR"}))),
    "unknown-country": Case(Filters(countries=frozenset({"ZZ"}))),
    "no-countries": Case(Filters(countries=frozenset())),
    "categories": Case(Filters(categories=frozenset({"toys"}))),
    "provinces": Case(Filters(provinces=frozenset({"Guangdong", "Gujarat"}))),
    "cities": Case(Filters(cities=frozenset({"Yiwu"}))),
    "location": Case(
        Filters(countries=frozenset({"CN", "VN"}), provinces=frozenset({"Zhejiang"})),
        kind="image",
    ),
    "verified": Case(Filters(verified_only=True)),
    "min-rating": Case(Filters(min_rating=4.5)),
    "max-moq": Case(Filters(max_moq=10)),
    "price-min": Case(Filters(price_min_usd=100.0)),
    "price-max": Case(Filters(price_max_usd=2.5)),
    "price-range": Case(Filters(price_min_usd=12.0, price_max_usd=30.0)),
    "combined": Case(
        Filters(
            countries=frozenset({"CN", "IN", "DE"}), verified_only=True, min_rating=2.0, max_moq=500
        ),
        kind="image",
    ),
    "very-selective": Case(
        Filters(countries=frozenset({"MX"}), categories=frozenset({"tools"}), min_rating=3),
        kind="text",
    ),
    "everything": Case(
        Filters(
            countries=frozenset(COUNTRIES),
            categories=frozenset({"apparel", "tools", "toys"}),
            verified_only=True,
            min_rating=1.0,
            max_moq=1000,
            price_min_usd=2.0,
            price_max_usd=50.0,
        ),
        kind="image",
    ),
}


def find(target: Searchable, q: NDArray[np.float32], limit: int, case: Case) -> list[Hit]:
    """``target.search`` with a case's filters and kind."""
    return target.search(q, limit, case.filters, kind=case.kind)


class Searchable(Protocol):
    def search(
        self,
        vector: NDArray[np.float32],
        limit: int,
        filters: Filters | None = None,
        *,
        kind: VectorKind | None = None,
    ) -> list[Hit]: ...


class Reference:
    """The model every backend is compared with: a dict and the contract's ``matches``."""

    def __init__(self) -> None:
        self.items: dict[int, tuple[NDArray[np.float32], Payload]] = {}

    def upsert(self, ids: list[int], vectors: NDArray[np.float32], payloads: list[Payload]) -> None:
        for i, v, p in zip(ids, vectors, payloads, strict=True):
            self.items[i] = (v, p)

    def delete(self, ids: Iterable[int]) -> None:
        for i in ids:
            self.items.pop(i, None)

    def search(
        self,
        q: NDArray[np.float32],
        limit: int,
        f: Filters | None = None,
        *,
        kind: VectorKind | None = None,
    ) -> list[Hit]:
        kept = [(i, v, p) for i, (v, p) in self.items.items() if matches(p, f, kind)]
        hits = [Hit(id=i, score=float(np.dot(v, q)), payload=p) for i, v, p in kept]
        hits.sort(key=lambda h: (-h.score, h.id))
        return hits[:limit]


def assert_same_hits(got: list[Hit], want: list[Hit], tol: float = 1e-5) -> None:
    """Equal ids and payloads in the same order, scores within ``tol``."""
    assert [h.id for h in got] == [h.id for h in want]
    assert [h.payload for h in got] == [h.payload for h in want]
    assert np.allclose([h.score for h in got], [h.score for h in want], atol=tol)


def assert_same_matches(got: list[Hit], want: list[Hit], tol: float) -> None:
    """The same ids with the same payloads, in any order, scores within ``tol``."""
    mine, theirs = {h.id: h for h in got}, {h.id: h for h in want}
    assert mine.keys() == theirs.keys()
    for i, hit in mine.items():
        assert hit.payload == theirs[i].payload
        assert abs(hit.score - theirs[i].score) <= tol


def assert_close_hits(
    got: list[Hit], want: list[Hit], reference: Reference, q: NDArray[np.float32],
    tol: float = 1e-5,
) -> float:  # fmt: skip
    """Approximate search: right count, sorted, true scores (within ``tol``) and payloads;
    returns recall."""
    assert len(got) == len(want)
    assert [h.score for h in got] == sorted((h.score for h in got), reverse=True)
    for h in got:
        vector, payload = reference.items[h.id]
        assert h.payload == payload
        assert abs(h.score - float(np.dot(vector, q))) <= tol
    if not want:
        return 1.0
    return len({h.id for h in got} & {h.id for h in want}) / len(want)
