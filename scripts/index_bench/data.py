"""Synthetic 512-d embeddings and payloads for bench_index.py, and their exact ground truth."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sesame.core.filters import Filters, Payload

CHUNK = 50_000
K = 10
COUNTRIES = 100  # one country keeps 1 % of the catalog
Rows = list[list[str]]


@dataclass(frozen=True)
class Dataset:
    """Deterministic synthetic vectors and payloads, generated chunk by chunk."""

    name: str
    n: int
    dim: int
    seed: int = 0

    def _vectors(self, m: int, rng: np.random.Generator) -> NDArray[np.float32]:
        if self.name == "hard":
            x = rng.standard_normal((m, self.dim), dtype=np.float32)
        else:
            x = self._structured(m, rng)
        return np.asarray(x / np.linalg.norm(x, axis=1, keepdims=True), dtype=np.float32)

    def _structured(self, m: int, rng: np.random.Generator) -> NDArray[np.float32]:
        # A fixed model: 1000 overlapping Gaussian clusters in a 32-d latent whose spread
        # decays like a PCA spectrum (std ~ i**-0.25), a fixed random map to 512-d, and
        # isotropic noise at ~10 % of the norm. Calibrated to the observation
        # (HNSW32 at 100k: recall@10 ~0.97-0.99 at efSearch 64).
        model = np.random.default_rng(12345)
        latent = 32
        spectrum = (np.arange(1, latent + 1) ** -0.25).astype(np.float32)
        centers = model.standard_normal((1000, latent)).astype(np.float32) * spectrum
        proj = model.standard_normal((latent, self.dim)).astype(np.float32)
        z = centers[rng.integers(0, 1000, m)]
        z += rng.standard_normal((m, latent)).astype(np.float32) * spectrum
        x = z @ proj
        scale = float(np.linalg.norm(x, axis=1).mean()) / np.sqrt(self.dim)
        noise = rng.standard_normal((m, self.dim), dtype=np.float32)
        return np.asarray(x + 0.1 * scale * noise, dtype=np.float32)

    def chunks(self) -> Iterator[tuple[int, NDArray[np.float32]]]:
        for start in range(0, self.n, CHUNK):
            rng = np.random.default_rng([self.seed, 0, start])
            yield start, self._vectors(min(CHUNK, self.n - start), rng)

    def base(self) -> NDArray[np.float32]:
        out = np.empty((self.n, self.dim), dtype=np.float32)
        for start, x in self.chunks():
            out[start : start + len(x)] = x
        return out

    def queries(self, nq: int) -> NDArray[np.float32]:
        return self._vectors(nq, np.random.default_rng([self.seed, 1, 1]))

    def columns(self) -> dict[str, NDArray[Any]]:
        rng = np.random.default_rng([self.seed, 2, 2])
        return {
            "country": rng.integers(0, COUNTRIES, self.n),
            "rating": rng.integers(0, 1001, self.n) / 200.0,  # 0.0 .. 5.0 in steps of 0.005
        }


def payload(product_id: int, country: str = "", rating: float = 0.0) -> Payload:
    """A payload that only varies where the benchmark filters: country and rating."""
    return Payload(
        product_id=product_id,
        supplier_id=product_id % 997,
        kind="image",
        country=country,
        province="",
        city="",
        category="general",
        verified_until=4e9,  # verified until 2096
        rating=rating,
        moq=1,
        price_min_usd=1.0,
        price_max_usd=2.0,
    )


def payloads(cols: dict[str, NDArray[Any]], start: int, stop: int) -> list[Payload]:
    return [
        payload(i, f"C{c:02d}", float(r))
        for i, c, r in zip(
            range(start, stop),
            cols["country"][start:stop].tolist(),
            cols["rating"][start:stop].tolist(),
            strict=True,
        )
    ]


@dataclass(frozen=True)
class FilterCase:
    label: str
    filters: Filters
    mask: NDArray[np.bool_]


def filter_cases(cols: dict[str, NDArray[Any]], fractions: Sequence[float]) -> list[FilterCase]:
    """The 1 % country filter, then rating filters keeping each fraction."""
    cases = [
        FilterCase("country (1 %)", Filters(countries=frozenset({"C00"})), cols["country"] == 0)
    ]
    for fr in fractions:
        r = round(5.0 * (1.0 - fr), 3)
        mask = cols["rating"] >= r
        cases.append(FilterCase(f"rating ≥ {r} ({fr:.0%})", Filters(min_rating=r), mask))
    return cases


def exact_topk(
    xb: NDArray[np.float32], xq: NDArray[np.float32], masks: Sequence[NDArray[np.bool_] | None]
) -> list[NDArray[np.int64]]:
    """Ground truth: top-K ids per query under each mask, by chunked matrix products."""
    best = [(np.full((len(xq), 0), -np.inf, np.float32), np.zeros((len(xq), 0), np.int64))] * len(
        masks
    )
    for start in range(0, len(xb), CHUNK):
        scores = xq @ xb[start : start + CHUNK].T
        ids = np.arange(start, start + scores.shape[1])
        for j, mask in enumerate(masks):
            s = scores if mask is None else np.where(mask[ids], scores, -np.inf)
            all_s = np.hstack([best[j][0], s])
            all_i = np.hstack([best[j][1], np.broadcast_to(ids, s.shape)])
            top = np.argpartition(-all_s, K - 1, axis=1)[:, :K] if all_s.shape[1] > K else None
            if top is not None:
                all_s, all_i = np.take_along_axis(all_s, top, 1), np.take_along_axis(all_i, top, 1)
            top = np.argsort(-all_s, axis=1)
            best[j] = (np.take_along_axis(all_s, top, 1), np.take_along_axis(all_i, top, 1))
    return [np.where(np.isfinite(s), i, -1) for s, i in best]
